// Package outbox starts order workflows reliably. An order and the intent to
// start its workflow commit together (orders.workflow_started_at IS NULL);
// the API starts the workflow at once, and Relay retries whatever is still
// unstarted, so an order accepted while Temporal is down starts when it is
// back. Temporal refuses a second start of the same workflow ID, so an order
// never runs twice.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/config"
	"github.com/acme/orders/workflows"
)

// Starter starts order workflows.
type Starter struct {
	DB       *pgxpool.Pool
	Temporal client.Client
	Config   config.Config
	Logger   *slog.Logger
}

// Start starts the order's workflow (or finds it started) and records that.
func (s *Starter) Start(ctx context.Context, order db.Order) error {
	return s.start(ctx, db.New(s.DB), order)
}

// startTimeout bounds one attempt: the client would otherwise retry for
// its own default of 10s, holding up an order's HTTP answer during an outage.
const startTimeout = 3 * time.Second

func (s *Starter) start(ctx context.Context, q *db.Queries, order db.Order) error {
	startCtx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	_, err := s.Temporal.ExecuteWorkflow(startCtx, client.StartWorkflowOptions{
		ID:                       workflows.OrderWorkflowID(order.ID),
		TaskQueue:                s.Config.TemporalTaskQueue,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
	}, workflows.OrderWorkflowName, workflows.OrderInput{
		OrderID:                order.ID,
		TotalCents:             order.TotalCents,
		Currency:               order.Currency,
		ApprovalThresholdCents: s.Config.OrderApprovalThresholdCents,
		ApprovalTimeout:        s.Config.OrderApprovalTimeout,
	})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &started) {
		return fmt.Errorf("start workflow of order %s: %w", order.ID, err)
	}
	return q.MarkWorkflowStarted(ctx, order.ID)
}

// Relay retries unstarted workflows every interval until ctx ends. Orders
// younger than the interval are left to the request that created them.
func (s *Starter) Relay(ctx context.Context) {
	interval := s.Config.OrderWorkflowRetryInterval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := s.startPending(ctx, interval)
		if err != nil {
			s.Logger.WarnContext(ctx, "order workflows not started yet; will retry", "error", err)
		} else if n > 0 {
			s.Logger.InfoContext(ctx, "started order workflows that were waiting", "count", n)
		}
	}
}

func (s *Starter) startPending(ctx context.Context, minAge time.Duration) (int, error) {
	started := 0
	err := db.InTx(ctx, s.DB, func(q *db.Queries) error {
		orders, err := q.ClaimUnstartedOrders(ctx, db.ClaimUnstartedOrdersParams{
			MinAgeSeconds: minAge.Seconds(), Limit: 100,
		})
		if err != nil {
			return err
		}
		for _, o := range orders {
			if err := s.start(ctx, q, o); err != nil {
				// Temporal is still down: what was started stays marked, the rest waits.
				s.Logger.WarnContext(ctx, "start order workflow", "order_id", o.ID, "error", err)
				break
			}
			started++
		}
		return nil
	})
	return started, err
}
