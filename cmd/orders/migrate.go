package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/acme/orders/migrations"
)

func runMigrate(_ context.Context, e env, args []string) error {
	if len(args) == 0 {
		return errors.New("migrate needs one of: up, down N, version, force V")
	}
	switch args[0] {
	case "up":
		if err := migrations.Up(e.cfg.Database.URL); err != nil {
			return fmt.Errorf("migrate up: %w", err)
		}
		return printVersion(e)
	case "down":
		if len(args) != 2 {
			return errors.New("migrate down needs the number of migrations to roll back, e.g. migrate down 1")
		}
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 1 {
			return fmt.Errorf("migrate down: %q is not a whole number of at least 1", args[1])
		}
		if err := migrations.Down(e.cfg.Database.URL, n); err != nil {
			return fmt.Errorf("migrate down: %w", err)
		}
		return printVersion(e)
	case "version":
		return printVersion(e)
	case "force":
		if len(args) != 2 {
			return errors.New("migrate force needs the version to record, e.g. migrate force 3")
		}
		v, err := strconv.Atoi(args[1])
		if err != nil || v < 0 {
			return fmt.Errorf("migrate force: %q is not a migration version", args[1])
		}
		if err := migrations.Force(e.cfg.Database.URL, v); err != nil {
			return fmt.Errorf("migrate force: %w", err)
		}
		return printVersion(e)
	default:
		return fmt.Errorf("unknown migrate action %q: use up, down N, version or force V", args[0])
	}
}

func printVersion(e env) error {
	v, dirty, err := migrations.Version(e.cfg.Database.URL)
	if errors.Is(err, migrations.ErrNoVersion) {
		fmt.Fprintln(e.stdout, "version: none (no migration applied)")
		return nil
	}
	if err != nil {
		return fmt.Errorf("migrate version: %w", err)
	}
	latest, err := migrations.Latest()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "version: %d (latest %d)", v, latest)
	if dirty {
		fmt.Fprint(e.stdout, " DIRTY: a migration failed half-way; fix the schema by hand, then run migrate force V")
	}
	fmt.Fprintln(e.stdout)
	return nil
}
