package main

import (
	"context"
	"time"
)

func runWorker(ctx context.Context, e env, _ []string) error {
	d, err := openDeps(ctx, e)
	if err != nil {
		return err
	}
	defer d.Close()
	serveDebug(ctx, e)
	return serveWorker(ctx, e, d)
}

// serveWorker polls the task queue until ctx ends, then lets running
// activities finish (worker.Stop waits for them). While Temporal is
// unreachable at start it keeps trying, so a worker started before the
// server (compose, Kubernetes) comes up on its own.
func serveWorker(ctx context.Context, e env, d *deps) error {
	wait := time.Second
	for {
		w := d.newWorker(e)
		err := w.Start()
		if err == nil {
			e.logger.Info("worker polling", "task_queue", e.cfg.Temporal.TaskQueue, "namespace", e.cfg.Temporal.Namespace)
			<-ctx.Done()
			e.logger.Info("worker stopping")
			w.Stop()
			return nil
		}
		e.logger.Warn("worker cannot start yet; retrying", "address", e.cfg.Temporal.Address,
			"namespace", e.cfg.Temporal.Namespace, "retry_in", wait, "error", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(wait*2, 30*time.Second)
	}
}
