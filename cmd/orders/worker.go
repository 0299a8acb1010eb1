package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	sdkworker "go.temporal.io/sdk/worker"

	"github.com/acme/orders/workflowclient"
)

func runWorker(ctx context.Context, e env, _ []string) error {
	ctx, cancel := context.WithCancel(ctx) // the side listeners end with the command
	defer cancel()
	// Live (and measured) from the start; ready once it polls.
	serveDebug(ctx, e)
	var polling atomic.Bool
	serveWorkerHTTP(ctx, e, &polling)
	if err := waitForSchema(ctx, e); err != nil || ctx.Err() != nil {
		return err
	}
	d, err := openDeps(ctx, e)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped while connecting: a clean stop
		}
		return err
	}
	defer d.Close()
	return serveWorker(ctx, e, d, &polling)
}

// serveWorker polls the task queue until ctx ends, then lets running
// activities finish (worker.Stop waits for them). While Temporal is
// unreachable at start it keeps trying, so a worker started before the
// server (compose, Kubernetes) comes up on its own. A namespace without the
// order search attributes stops it at once: every order would fail to
// start or to record its status. polling is true while the worker polls
// (the readiness its side listener reports).
func serveWorker(ctx context.Context, e env, d *deps, polling *atomic.Bool) error {
	if err := d.events.ObserveBacklog(e.tel.Meter); err != nil {
		return fmt.Errorf("webhook metrics: %w", err)
	}
	wait := time.Second
	for {
		err := checkSearchAttributes(ctx, e, d)
		if errors.Is(err, errMisconfigured) {
			return err
		}
		var w sdkworker.Worker
		if err == nil {
			w = d.newWorker(e)
			err = w.Start()
		}
		if err == nil {
			e.logger.Info("worker polling", "task_queue", e.cfg.Temporal.TaskQueue, "namespace", e.cfg.Temporal.Namespace)
			polling.Store(true)
			startBackgroundWork(ctx, e, d)
			<-ctx.Done()
			polling.Store(false)
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

// startBackgroundWork keeps the webhook endpoints' delivery workflows
// going (WebhookWaker) until ctx ends.
func startBackgroundWork(ctx context.Context, e env, d *deps) {
	waker := &workflowclient.WebhookWaker{Client: d.workflows, Store: d.events, Logger: e.logger}
	go waker.Run(ctx)
}

// errMisconfigured marks what no retry mends.
var errMisconfigured = errors.New("the Temporal namespace is not set up for orders")

// checkSearchAttributes fails with errMisconfigured when the namespace
// lacks an order search attribute or has one of the wrong type.
func checkSearchAttributes(ctx context.Context, e env, d *deps) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	missing, err := workflowclient.MissingSearchAttributes(ctx, d.temporal, e.cfg.Temporal.Namespace)
	switch {
	case errors.Is(err, workflowclient.ErrSearchAttributeType):
		return fmt.Errorf("%w: %w", errMisconfigured, err)
	case err != nil:
		return err
	case len(missing) > 0:
		return fmt.Errorf("%w: namespace %s lacks the search attributes %s; run `orders register-search-attributes` once (make dev does)",
			errMisconfigured, e.cfg.Temporal.Namespace, strings.Join(missing, ", "))
	}
	return nil
}
