// Package testenv gives tests real dependencies: a fresh PostgreSQL database
// cloned from a migrated template, and a Temporal dev server started from
// bin/temporal. Nothing here is mocked.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/acme/orders/migrations"
)

// AdminURL is the maintenance database the harness creates and drops
// databases through: TEST_DATABASE_URL, or the local server.
func AdminURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// withDatabase returns the admin URL pointed at another database.
func withDatabase(name string) string {
	u, err := url.Parse(AdminURL())
	if err != nil {
		panic(fmt.Sprintf("TEST_DATABASE_URL: %v", err))
	}
	u.Path = "/" + name
	return u.String()
}

func adminExec(ctx context.Context, sql string) error { return execOn(ctx, AdminURL(), sql) }

// execOn runs one statement on its own connection to dbURL.
func execOn(ctx context.Context, dbURL, sql string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("connect to %s (is PostgreSQL running?): %w", dbURL, err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// migratedTemplate builds, once per schema, a database with every migration
// applied. Its name carries a hash of the migration files, so a changed
// migration gets a new template. An advisory lock keeps test packages that
// run in parallel from building it twice.
func migratedTemplate(ctx context.Context) (string, error) {
	templateOnce.Do(func() {
		sum, err := migrations.Checksum()
		if err != nil {
			templateErr = err
			return
		}
		templateName = "orders_template_" + sum[:16]
		templateErr = buildTemplate(ctx, templateName)
	})
	return templateName, templateErr
}

func buildTemplate(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return fmt.Errorf("connect to %s (is PostgreSQL running?): %w", AdminURL(), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(hashtext($1))", name); err != nil {
		return err
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(hashtext($1))", name) //nolint:errcheck

	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	// Build under a scratch name and rename, so a crash never leaves a
	// half-migrated template that later runs would trust.
	scratch := name + "_build"
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+scratch+" WITH (FORCE)"); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+scratch); err != nil {
		return err
	}
	if err := migrations.Up(withDatabase(scratch)); err != nil {
		return fmt.Errorf("migrate template: %w", err)
	}
	_, err = conn.Exec(ctx, "ALTER DATABASE "+scratch+" RENAME TO "+name)
	return err
}

// NewDatabase creates a fresh, fully migrated database for the calling test
// and drops it when the test ends. It returns the database's URL.
func NewDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tmpl, err := migratedTemplate(ctx)
	if err != nil {
		t.Fatalf("testenv: migrated template database: %v", err)
	}
	return createDatabase(t, ctx, "TEMPLATE "+tmpl)
}

// NewEmptyDatabase creates a database with no migration applied, for tests of
// the migrations themselves; it is dropped when the test ends.
func NewEmptyDatabase(t testing.TB) string {
	t.Helper()
	return createDatabase(t, t.Context(), "")
}

func createDatabase(t testing.TB, ctx context.Context, clause string) string {
	t.Helper()
	name := "orders_test_" + randomSuffix()
	var err error
	// Two packages cloning the template at the same instant can collide; retry briefly.
	for attempt := 0; attempt < 10; attempt++ {
		if err = adminExec(ctx, "CREATE DATABASE "+name+" "+clause); err == nil ||
			!strings.Contains(err.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("testenv: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := adminExec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("testenv: drop database %s: %v", name, err)
		}
	})
	return withDatabase(name)
}

// NewPool opens a pool on a fresh migrated database, closed when the test ends.
func NewPool(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	dbURL := NewDatabase(t)
	pool, err := pgxpool.New(t.Context(), dbURL)
	if err != nil {
		t.Fatalf("testenv: open pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool, dbURL
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
