package migrations_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/acme/orders/internal/testenv"
	"github.com/acme/orders/migrations"
)

// objects counts what the migrations create in the public schema, so the test
// notices a down file that leaves something behind.
func objects(t *testing.T, dbURL string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
		        WHERE s.nspname = 'public' AND c.relname <> 'schema_migrations')
		     + (SELECT count(*) FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace
		        WHERE s.nspname = 'public')
		     + (SELECT count(*) FROM pg_type t JOIN pg_namespace s ON s.oid = t.typnamespace
		        WHERE s.nspname = 'public' AND t.typtype IN ('e', 'd'))
		     + (SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql')`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestUpDownUp(t *testing.T) {
	dbURL := testenv.NewEmptyDatabase(t)
	latest, err := migrations.Latest()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := migrations.Version(dbURL); !errors.Is(err, migrations.ErrNoVersion) {
		t.Fatalf("fresh database: want ErrNoVersion, got %v", err)
	}
	empty := objects(t, dbURL)

	if err := migrations.Up(dbURL); err != nil {
		t.Fatalf("up: %v", err)
	}
	v, dirty, err := migrations.Version(dbURL)
	if err != nil || v != latest || dirty {
		t.Fatalf("after up: version %d dirty %v err %v, want %d clean", v, dirty, err, latest)
	}
	migrated := objects(t, dbURL)
	if migrated <= empty {
		t.Fatalf("up created nothing: %d objects before, %d after", empty, migrated)
	}
	if err := migrations.Up(dbURL); err != nil {
		t.Fatalf("second up must be a no-op: %v", err)
	}

	if err := migrations.Down(dbURL, int(latest)); err != nil {
		t.Fatalf("down: %v", err)
	}
	if got := objects(t, dbURL); got != empty {
		t.Fatalf("down left %d objects behind", got-empty)
	}
	if _, _, err := migrations.Version(dbURL); !errors.Is(err, migrations.ErrNoVersion) {
		t.Fatalf("after full down: want ErrNoVersion, got %v", err)
	}

	if err := migrations.Up(dbURL); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if got := objects(t, dbURL); got != migrated {
		t.Fatalf("up after down made %d objects, first up made %d", got, migrated)
	}
}

func TestEveryUpHasADown(t *testing.T) {
	ups, downs, err := migrations.Files()
	if err != nil {
		t.Fatal(err)
	}
	if len(ups) == 0 {
		t.Fatal("no migrations embedded")
	}
	for name := range ups {
		if !downs[name] {
			t.Errorf("migration %s has an up file but no down file", name)
		}
	}
	for name := range downs {
		if !ups[name] {
			t.Errorf("migration %s has a down file but no up file", name)
		}
	}
}

func TestDownRejectsZero(t *testing.T) {
	if err := migrations.Down("postgres://unused/x", 0); err == nil {
		t.Fatal("down 0 must be refused")
	}
}
