package orders

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/acme/orders/db"
)

// An order and the intent to start its workflow commit together
// (workflow_started_at IS NULL). Place starts the workflow at once; the
// relay retries whatever is still unstarted, so an order accepted while
// Temporal is down starts when it is back. Workflows refuses a second start
// of an order's workflow, so an order never runs twice.

// relayBatch is how many orders the relay leases at a time, for relayLease:
// longer than starting them all can take.
const (
	relayBatch = 20
	relayLease = relayBatch*startTimeout + time.Minute
)

// Relay retries unstarted workflows every RetryInterval until ctx ends. Every
// API process runs one; leases keep them from working on the same orders.
func (s *Service) Relay(ctx context.Context) {
	interval := s.opts.RetryInterval
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
		n, err := s.StartPending(ctx, interval)
		if err != nil {
			s.logger.WarnContext(ctx, "order workflows not started yet; will retry", "error", err)
		} else if n > 0 {
			s.logger.InfoContext(ctx, "started order workflows that were waiting", "count", n)
		}
	}
}

// StartPending starts the workflows of orders older than minAge that have
// none yet, and returns how many it started. Younger orders are left to the
// request that placed them. It leases a batch in one short statement, calls
// Temporal holding no lock, records each start, and goes on until nothing
// is left or Temporal refuses; the leases of orders it could not start are
// given back for the next pass. A relay that dies leaves leases that expire.
func (s *Service) StartPending(ctx context.Context, minAge time.Duration) (int, error) {
	started := 0
	for {
		rows, err := s.store.db.Q().ClaimUnstartedOrders(ctx, db.ClaimUnstartedOrdersParams{
			LeaseSeconds: relayLease.Seconds(), MinAgeSeconds: minAge.Seconds(), Limit: relayBatch,
		})
		if err != nil {
			return started, err
		}
		slices.SortFunc(rows, func(a, b db.ClaimUnstartedOrdersRow) int { return a.Order.CreatedAt.Compare(b.Order.CreatedAt) })
		for i, row := range rows {
			if err := s.relayStart(ctx, row); err != nil {
				s.logger.WarnContext(ctx, "start order workflow", "order_id", row.Order.ID, "error", err)
				return started, s.release(ctx, rows[i:])
			}
			started++
		}
		if len(rows) < relayBatch {
			return started, nil
		}
	}
}

// relayStart starts a leased order's workflow in a trace of its own that
// links to the request that placed the order: the workflow's spans follow
// from the relay's, and the link leads back to where the order came from.
func (s *Service) relayStart(ctx context.Context, row db.ClaimUnstartedOrdersRow) error {
	if s.opts.Tracer != nil {
		var span trace.Span
		ctx, span = s.opts.Tracer.Tracer(meterName).Start(ctx, "outbox: start order workflow",
			trace.WithNewRoot(), trace.WithLinks(linkedTo(row.Order.TraceContext)...),
			trace.WithAttributes(attribute.String("order.id", row.Order.ID.String())))
		defer span.End()
	}
	return s.start(ctx, orderFromDB(row.Order), row.CustomerEmail, int(row.LineCount))
}

func (s *Service) release(ctx context.Context, rows []db.ClaimUnstartedOrdersRow) error {
	ids := make([]uuid.UUID, len(rows))
	for i, r := range rows {
		ids[i] = r.Order.ID
	}
	return s.store.db.Q().ReleaseOrderClaims(context.WithoutCancel(ctx), ids)
}
