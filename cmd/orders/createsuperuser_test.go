package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/auth"
	"github.com/acme/orders/internal/testenv"
)

func TestCreateSuperuserCreatesThenPromotes(t *testing.T) {
	pool, dbURL := testenv.NewPool(t)
	kv := map[string]string{"ENV_FILE": os.DevNull, "DATABASE_URL": dbURL, "SECRET_KEY": "changethis"}
	create := func(stdin string) error {
		return run(t.Context(), []string{"orders", "createsuperuser", "Boss@Example.com"}, envOf(kv), strings.NewReader(stdin), &bytes.Buffer{})
	}
	if err := create("short\n"); err == nil {
		t.Fatal("a 5-character password must be refused")
	}
	if err := create("first-password\n"); err != nil {
		t.Fatal(err)
	}
	q := db.New(pool)
	u, err := q.GetUserByEmail(context.Background(), "boss@example.com")
	if err != nil || u.Role != "admin" || !u.IsActive {
		t.Fatalf("created %+v, %v", u, err)
	}
	// Again on an existing (now demoted, inactive) account: promoted, new password.
	no, customer := false, "customer"
	if _, err := q.UpdateUser(context.Background(), db.UpdateUserParams{ID: u.ID, Role: &customer, IsActive: &no}); err != nil {
		t.Fatal(err)
	}
	if err := create("second-password\n"); err != nil {
		t.Fatal(err)
	}
	u, _ = q.GetUserByEmail(context.Background(), "boss@example.com")
	ok, _ := auth.Passwords.Verify(t.Context(), u.PasswordHash, "second-password")
	if u.Role != "admin" || !u.IsActive || !ok {
		t.Fatalf("not promoted with the new password: %+v", u)
	}
	// Both role changes are in the audit log, as the command line's.
	var roles []string
	rows, err := pool.Query(t.Context(), `SELECT coalesce(detail->'role'->>'from', '') || '>' || (detail->'role'->>'to')
		FROM audit_log WHERE actor_type = 'cli' AND action = 'createsuperuser' AND target_id = $1 ORDER BY at`, u.ID.String())
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r string
		_ = rows.Scan(&r)
		roles = append(roles, r)
	}
	if strings.Join(roles, ",") != ">admin,customer>admin" {
		t.Fatalf("audit log of createsuperuser: %v", roles)
	}
}
