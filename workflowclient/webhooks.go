package workflowclient

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/acme/orders/internal/events"
	"github.com/acme/orders/workflows"
)

// WakeEndpoint wakes the endpoint's delivery workflow, starting it when it
// does not run (a new or re-enabled endpoint): events.Workflows.
func (c *Client) WakeEndpoint(ctx context.Context, id uuid.UUID) error {
	_, err := c.temporal.SignalWithStartWorkflow(ctx, workflows.WebhookEndpointID(id), workflows.WakeSignal, nil,
		c.endpointOptions(id), workflows.WebhookEndpointName, workflows.WebhookEndpointInput{EndpointID: id})
	if err != nil {
		return unavailable(fmt.Errorf("wake the delivery workflow of endpoint %s: %w", id, err))
	}
	return nil
}

// ensureEndpoint starts the endpoint's delivery workflow unless it runs.
func (c *Client) ensureEndpoint(ctx context.Context, id uuid.UUID) error {
	opts := c.endpointOptions(id)
	opts.WorkflowIDConflictPolicy = enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING
	_, err := c.temporal.ExecuteWorkflow(ctx, opts, workflows.WebhookEndpointName, workflows.WebhookEndpointInput{EndpointID: id})
	return err
}

func (c *Client) endpointOptions(id uuid.UUID) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID: workflows.WebhookEndpointID(id), TaskQueue: c.opts.TaskQueue,
		WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		StaticSummary:         "Deliver the events of webhook endpoint " + id.String(),
	}
}

// WebhookWaker keeps the endpoints' delivery workflows going: it wakes an
// idle endpoint's workflow when one of its deliveries commits (each
// endpoint by one waker, however many workers run one), and every
// reconcile it starts the workflow of any enabled endpoint that has none
// (one whose start failed while Temporal was down) and wakes again those a
// failed signal left asleep. Every worker runs one.
type WebhookWaker struct {
	Client    *Client
	Store     *events.Store
	Logger    *slog.Logger
	Reconcile time.Duration // zero: a minute
}

// wakeSpacing bounds how often a waker looks for idle endpoints to wake.
const wakeSpacing = 250 * time.Millisecond

func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// Run wakes and reconciles until ctx ends.
func (w *WebhookWaker) Run(ctx context.Context) {
	every := w.Reconcile
	if every <= 0 {
		every = time.Minute
	}
	notes, stop := w.Store.Subscribe(nil)
	defer stop()
	reconcile := time.NewTicker(every)
	defer reconcile.Stop()
	w.reconcile(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-reconcile.C:
			w.reconcile(ctx)
			w.wake(ctx) // a wake-up lost while Temporal was down
		case <-notes:
			w.wake(ctx)
			// At most every wakeSpacing: under load a wake-up is rarely
			// needed (pumps are busy), and notifications coalesce meanwhile.
			if err := sleepCtx(ctx, wakeSpacing); err != nil {
				return
			}
		}
	}
}

func (w *WebhookWaker) wake(ctx context.Context) {
	ids, err := w.Store.WakeIdle(ctx)
	if err != nil {
		w.Logger.WarnContext(ctx, "wake webhook endpoints", "error", err)
		return
	}
	for _, id := range ids {
		if err := w.Client.WakeEndpoint(ctx, id); err != nil {
			// Its workflow sleeps until its next retry or an hour at most;
			// marked idle again, the next event tries again.
			w.Logger.WarnContext(ctx, "wake webhook endpoint", "endpoint_id", id, "error", err)
			_ = w.Store.SetIdle(ctx, id, true)
		}
	}
}

func (w *WebhookWaker) reconcile(ctx context.Context) {
	ids, err := w.Store.EnabledIDs(ctx)
	if err != nil {
		w.Logger.WarnContext(ctx, "list webhook endpoints", "error", err)
		return
	}
	for _, id := range ids {
		if err := w.Client.ensureEndpoint(ctx, id); err != nil {
			w.Logger.WarnContext(ctx, "start the delivery workflow of a webhook endpoint", "endpoint_id", id, "error", err)
			return
		}
	}
}
