package migrations_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/acme/orders/internal/testenv"
	"github.com/acme/orders/migrations"
)

// TestBareEmailsMigration: addresses stored as typed before migration 6
// become bare; a look-alike of an older account is deactivated with a
// placeholder address and its original kept; the down migration puts every
// address (and activity) back; afterwards only bare addresses are stored.
func TestBareEmailsMigration(t *testing.T) {
	dbURL := testenv.NewEmptyDatabase(t)
	if err := migrations.Up(dbURL); err != nil {
		t.Fatal(err)
	}
	latest, err := migrations.Latest()
	if err != nil {
		t.Fatal(err)
	}
	if err := migrations.Down(dbURL, int(latest)-5); err != nil { // to 5: before the rule
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows := []struct {
		email string
		age   time.Duration
	}{
		{" Admin <Admin@Example.com>", 3 * time.Hour}, // older than the bare one, still not the keeper
		{"admin@example.com", 2 * time.Hour},
		{"  ADMIN@example.com ", time.Hour},
		{"  bob@example.com\t", 0},
		{"Carol <carol@example.com>", 0},
		{"dave@example.com", 0},
	}
	for _, r := range rows {
		if _, err := conn.Exec(ctx, `INSERT INTO users (email, password_hash, created_at) VALUES ($1, 'x', now() - $2::interval)`,
			r.email, r.age.String()); err != nil {
			t.Fatalf("insert %q: %v", r.email, err)
		}
	}
	type account struct {
		email  string
		active bool
	}
	read := func() map[string]account {
		t.Helper()
		got := map[string]account{}
		rs, err := conn.Query(ctx, `SELECT id::text, email::text, is_active FROM users ORDER BY created_at`)
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var id string
			var a account
			if err := rs.Scan(&id, &a.email, &a.active); err != nil {
				t.Fatal(err)
			}
			got[id] = a
		}
		if err := rs.Err(); err != nil {
			t.Fatal(err)
		}
		return got
	}
	before := read()

	if err := migrations.Up(dbURL); err != nil {
		t.Fatalf("up: %v", err)
	}
	after := read()
	want := map[string]account{}
	for id, a := range before {
		switch a.email {
		case "admin@example.com", "dave@example.com":
			want[id] = a // bare already: untouched, the keeper of its address
		case " Admin <Admin@Example.com>", "  ADMIN@example.com ":
			want[id] = account{"look-alike-" + id + "@invalid", false}
		case "  bob@example.com\t":
			want[id] = account{"bob@example.com", true}
		case "Carol <carol@example.com>":
			want[id] = account{"carol@example.com", true}
		}
	}
	for id, w := range want {
		if after[id] != w {
			t.Errorf("%q became %+v, want %+v", before[id].email, after[id], w)
		}
	}
	var kept int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM user_email_originals`).Scan(&kept); err != nil || kept != 4 {
		t.Fatalf("originals kept: %d %v, want 4", kept, err)
	}
	for _, bad := range []string{" eve@example.com", "Eve <eve@example.com>", "eve@example.com\n"} {
		if _, err := conn.Exec(ctx, `INSERT INTO users (email, password_hash) VALUES ($1, 'x')`, bad); err == nil {
			t.Errorf("stored %q after the migration", bad)
		}
	}

	if err := migrations.Down(dbURL, int(latest)-5); err != nil {
		t.Fatalf("down to 5: %v", err)
	}
	if got := read(); len(got) != len(before) {
		t.Fatalf("down: %d users, want %d", len(got), len(before))
	} else {
		for id, a := range before {
			if got[id] != a {
				t.Errorf("down: %+v, want %+v", got[id], a)
			}
		}
	}
}
