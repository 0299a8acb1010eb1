package testenv

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// RequireConstraints fails the test for each name that is neither a
// constraint nor an index of the migrated schema: the names a domain maps
// its refusals by must exist, or a refusal would reach the client as a 500.
func RequireConstraints(t testing.TB, names []string) {
	t.Helper()
	if len(names) == 0 {
		t.Fatal("testenv: no constraint names to check")
	}
	pool, _ := NewPool(t)
	for _, name := range names {
		if !constraintExists(t, pool, name) {
			t.Errorf("constraint %q is mapped, but no migration creates it", name)
		}
	}
}

func constraintExists(t testing.TB, pool *pgxpool.Pool, name string) bool {
	t.Helper()
	var exists bool
	err := pool.QueryRow(t.Context(), `SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = $1)
		OR EXISTS (SELECT 1 FROM pg_class WHERE relkind = 'i' AND relname = $1)`, name).Scan(&exists)
	if err != nil {
		t.Fatal(err)
	}
	return exists
}
