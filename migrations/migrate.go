package migrations

import (
	"errors"
	"fmt"
	"strings"

	"github.com/golang-migrate/migrate/v4"
	// Registers the pgx5:// driver.
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
)

// ErrNoVersion is returned by Version on a database that was never migrated.
var ErrNoVersion = migrate.ErrNilVersion

// open returns a migrator for the PostgreSQL URL (postgres:// or postgresql://).
func open(databaseURL string) (*migrate.Migrate, error) {
	src, err := iofs.New(files, ".")
	if err != nil {
		return nil, fmt.Errorf("read embedded migrations: %w", err)
	}
	m, err := migrate.NewWithSourceInstance("iofs", src, pgx5URL(databaseURL))
	if err != nil {
		return nil, fmt.Errorf("open database for migrations: %w", err)
	}
	return m, nil
}

func pgx5URL(databaseURL string) string {
	for _, prefix := range []string{"postgresql://", "postgres://"} {
		if rest, ok := strings.CutPrefix(databaseURL, prefix); ok {
			return "pgx5://" + rest
		}
	}
	return databaseURL
}

func closeAll(m *migrate.Migrate, err error) error {
	srcErr, dbErr := m.Close()
	return errors.Join(err, srcErr, dbErr)
}

// Up applies every migration not yet applied. It is a no-op when there are none.
func Up(databaseURL string) error {
	m, err := open(databaseURL)
	if err != nil {
		return err
	}
	err = m.Up()
	if errors.Is(err, migrate.ErrNoChange) {
		err = nil
	}
	return closeAll(m, err)
}

// Down rolls back the last n migrations.
func Down(databaseURL string, n int) error {
	if n < 1 {
		return fmt.Errorf("down needs a number of migrations of at least 1, got %d", n)
	}
	m, err := open(databaseURL)
	if err != nil {
		return err
	}
	err = m.Steps(-n)
	if errors.Is(err, migrate.ErrNoChange) {
		err = nil
	}
	return closeAll(m, err)
}

// Force records version v as applied and clean, without running anything: the
// way out of a dirty state after the schema was fixed by hand.
func Force(databaseURL string, v int) error {
	m, err := open(databaseURL)
	if err != nil {
		return err
	}
	return closeAll(m, m.Force(v))
}

// Version reports the applied version and whether a failed migration left it dirty.
func Version(databaseURL string) (version uint, dirty bool, err error) {
	m, err := open(databaseURL)
	if err != nil {
		return 0, false, err
	}
	version, dirty, err = m.Version()
	return version, dirty, closeAll(m, err)
}

// Latest is the highest version among the embedded files.
func Latest() (uint, error) {
	src, err := iofs.New(files, ".")
	if err != nil {
		return 0, err
	}
	defer src.Close()
	v, err := src.First()
	for err == nil {
		next, nerr := src.Next(v)
		if nerr != nil {
			break
		}
		v = next
	}
	return v, err
}
