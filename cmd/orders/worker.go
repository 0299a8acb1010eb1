package main

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/workflows"
)

func runWorker(ctx context.Context, e env, _ []string) error {
	d, err := openDeps(ctx, e)
	if err != nil {
		return err
	}
	defer d.Close()
	return serveWorker(ctx, e, d)
}

// newWorker is the one place that lists what the worker runs.
func newWorker(c client.Client, taskQueue string) worker.Worker {
	w := worker.New(c, taskQueue, worker.Options{})
	workflows.Register(w)
	w.RegisterActivity(&activities.Utils{})
	return w
}

// serveWorker polls the task queue until ctx ends, then lets running
// activities finish (worker.Stop waits for them).
func serveWorker(ctx context.Context, e env, d *deps) error {
	w := newWorker(d.temporal, e.cfg.TemporalTaskQueue)
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker on %s (namespace %s, task queue %s): %w",
			e.cfg.TemporalAddress, e.cfg.TemporalNamespace, e.cfg.TemporalTaskQueue, err)
	}
	e.logger.Info("worker polling", "task_queue", e.cfg.TemporalTaskQueue, "namespace", e.cfg.TemporalNamespace)
	<-ctx.Done()
	e.logger.Info("worker stopping")
	w.Stop()
	return nil
}
