package main

import (
	"context"
	"fmt"
	"time"

	"github.com/acme/orders/internal/config"
	"github.com/acme/orders/workflowclient"
	"github.com/acme/orders/workflows"
)

// runSchedules creates or updates the jobs' Temporal Schedules: run by
// make dev, by the compose stack's and Kubernetes' schedules job, and by an
// operator after changing a retention.
func runSchedules(ctx context.Context, e env, args []string) error {
	if len(args) != 1 || args[0] != "apply" {
		return fmt.Errorf("usage: orders schedules apply")
	}
	tc, err := dialTemporal(e)
	if err != nil {
		return err
	}
	defer tc.Close()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	wf := workflowclient.NewClient(tc, workflowclient.ClientOptions{TaskQueue: e.cfg.Temporal.TaskQueue})
	schedules := workflowclient.Schedules(cleanUpInput(e.cfg))
	if err := wf.ApplySchedules(ctx, schedules); err != nil {
		return err
	}
	for _, s := range schedules {
		fmt.Fprintf(e.stdout, "schedule %s applied\n", s.ID)
	}
	return nil
}

// cleanUpInput is how long the clean-up keeps each kind of record.
func cleanUpInput(c config.Config) workflows.CleanUpInput {
	u := c.Upkeep
	return workflows.CleanUpInput{
		IdempotencyKeys: u.IdempotencyKeyRetention, Events: c.Events.Retention, Deliveries: u.DeliveryRetention,
		ProviderEvents: u.ProviderEventRetention, RateLimits: u.RateLimitRetention, Findings: u.ReconciliationRetention,
		AuditLog: u.AuditLogRetention,
	}
}
