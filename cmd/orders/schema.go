package main

import (
	"context"
	"errors"
	"time"

	"github.com/acme/orders/migrations"
)

// waitForSchema returns once the database's schema is at least the version
// this binary was built with. API and worker processes started beside the
// migrate job (compose, Swarm, a Kubernetes Job: none of them orders their
// start) wait for it here instead of failing on missing tables; a newer
// schema is fine (a rolling update migrates before the old processes go).
// A dirty schema is one being migrated right now, or left by a failed
// migration (which needs an operator): either way it waits, and says so.
// Stopped while waiting, it returns nil: the caller checks ctx.
func waitForSchema(ctx context.Context, e env) error {
	want, err := migrations.Latest()
	if err != nil {
		return err
	}
	wait := 500 * time.Millisecond
	for {
		have, dirty, err := migrations.Version(e.cfg.Database.URL)
		if errors.Is(err, migrations.ErrNoVersion) {
			have, err = 0, nil
		}
		switch {
		case err == nil && dirty:
			e.logger.Warn("waiting for the database schema: a migration is running, or failed; if this lasts, mend it and run `orders migrate force VERSION`",
				"dirty_version", have, "want", want, "retry_in", wait)
		case err == nil && have >= want:
			return nil
		default:
			e.logger.Warn("waiting for the database schema; run `orders migrate up`", "have", have, "want", want, "error", err, "retry_in", wait)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(wait*2, 10*time.Second)
	}
}
