package orders

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/tracectx"
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
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// While the breaker is open, requests leave every order to the
		// relay: it need not give them time to start their own.
		minAge := interval
		if !s.breaker.allow() {
			minAge = 0
		}
		n, err := s.StartPending(ctx, minAge)
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
		rows, err := s.store.claimUnstarted(ctx, relayLease, minAge, relayBatch)
		if err != nil {
			return started, err
		}
		for i, row := range rows {
			if err := s.relayStart(ctx, row); err != nil {
				s.logger.WarnContext(ctx, "start order workflow", "order_id", row.order.ID, "error", err)
				return started, s.store.releaseClaims(context.WithoutCancel(ctx), rows[i:])
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
func (s *Service) relayStart(ctx context.Context, u unstarted) error {
	if s.opts.Tracer != nil {
		var span trace.Span
		ctx, span = s.opts.Tracer.Tracer(meterName).Start(ctx, "outbox: start order workflow",
			trace.WithNewRoot(), trace.WithLinks(tracectx.Links(u.traceContext, "placed the order")...),
			trace.WithAttributes(attribute.String("order.id", u.order.ID.String())))
		defer span.End()
	}
	return s.start(ctx, u.order, u.customerEmail, u.lines)
}

// unstarted is an order the relay leased, with what its workflow's start
// needs.
type unstarted struct {
	order         Order
	customerEmail string
	lines         int
	traceContext  *string // of the request that placed it
}

// claimUnstarted leases up to limit orders older than minAge whose workflow
// has not started, oldest first, for lease.
func (s *Store) claimUnstarted(ctx context.Context, lease, minAge time.Duration, limit int32) ([]unstarted, error) {
	rows, err := s.db.Q().ClaimUnstartedOrders(ctx, db.ClaimUnstartedOrdersParams{
		LeaseSeconds: lease.Seconds(), MinAgeSeconds: minAge.Seconds(), Limit: limit,
	})
	if err != nil {
		return nil, dbErrors.Of(err)
	}
	out := make([]unstarted, len(rows))
	for i, r := range rows {
		out[i] = unstarted{order: orderFromDB(r.Order), customerEmail: r.CustomerEmail, lines: int(r.LineCount), traceContext: r.Order.TraceContext}
	}
	slices.SortFunc(out, func(a, b unstarted) int { return a.order.CreatedAt.Compare(b.order.CreatedAt) })
	return out, nil
}

// releaseClaims gives back the leases of orders a relay pass could not
// start, so the next pass retries them without waiting for the leases to end.
func (s *Store) releaseClaims(ctx context.Context, rows []unstarted) error {
	ids := make([]uuid.UUID, len(rows))
	for i, r := range rows {
		ids[i] = r.order.ID
	}
	return dbErrors.Of(s.db.Q().ReleaseOrderClaims(ctx, ids))
}

// outboxBacklog is how many orders wait for their workflow, and how long
// the oldest has waited.
func (s *Store) outboxBacklog(ctx context.Context) (orders int64, oldest time.Duration, err error) {
	row, err := s.db.Q().OutboxBacklog(ctx)
	return row.Orders, time.Duration(row.OldestSeconds * float64(time.Second)), dbErrors.Of(err)
}
