package main

import (
	"context"
	"time"

	"github.com/acme/orders/internal/worker"
)

func runWorker(ctx context.Context, e env, _ []string) error {
	d, err := openDeps(ctx, e)
	if err != nil {
		return err
	}
	defer d.Close()
	return serveWorker(ctx, e, d)
}

// serveWorker polls the task queue until ctx ends, then lets running
// activities finish (worker.Stop waits for them). While Temporal is
// unreachable at start it keeps trying, so a worker started before the
// server (compose, Kubernetes) comes up on its own.
func serveWorker(ctx context.Context, e env, d *deps) error {
	wait := time.Second
	for {
		w := worker.New(d.temporal, e.cfg, d.pool)
		err := w.Start()
		if err == nil {
			e.logger.Info("worker polling", "task_queue", e.cfg.TemporalTaskQueue, "namespace", e.cfg.TemporalNamespace)
			<-ctx.Done()
			e.logger.Info("worker stopping")
			w.Stop()
			return nil
		}
		e.logger.Warn("worker cannot start yet; retrying", "address", e.cfg.TemporalAddress,
			"namespace", e.cfg.TemporalNamespace, "retry_in", wait, "error", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(wait*2, 30*time.Second)
	}
}
