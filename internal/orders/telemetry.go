package orders

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Metrics are the order counters operators watch, by their Prometheus
// names: orders_placed_total, orders_transitions_total{from,to},
// orders_payments_declined_total, orders_stock_reservations_refused_total,
// orders_workflow_starts_deferred_total. A nil *Metrics records nothing.
type Metrics struct {
	placed, transitions, declined, refused, deferred metric.Int64Counter
}

const meterName = "github.com/acme/orders/internal/orders"

// NewMetrics creates the counters on mp.
func NewMetrics(mp metric.MeterProvider) (*Metrics, error) {
	m := mp.Meter(meterName)
	var ms Metrics
	var e1, e2, e3, e4, e5 error
	ms.placed, e1 = m.Int64Counter("orders.placed", metric.WithDescription("Orders accepted (a retry under the same key is not counted again)."))
	ms.transitions, e2 = m.Int64Counter("orders.transitions", metric.WithDescription("Order status changes written, by from and to status."))
	ms.declined, e3 = m.Int64Counter("orders.payments.declined", metric.WithDescription("Payments the gateway declined (the order failed)."))
	ms.refused, e4 = m.Int64Counter("orders.stock_reservations.refused", metric.WithDescription("Stock reservations refused for want of stock (the order failed)."))
	ms.deferred, e5 = m.Int64Counter("orders.workflow_starts.deferred", metric.WithDescription("Orders accepted whose workflow the request did not start (Temporal failed it, or failed one moments ago): the relay starts them."))
	if err := errors.Join(e1, e2, e3, e4, e5); err != nil {
		return nil, err
	}
	return &ms, nil
}

// Placed counts an order accepted.
func (m *Metrics) Placed(ctx context.Context) {
	if m != nil {
		m.placed.Add(ctx, 1)
	}
}

// StartDeferred counts an order whose workflow is left to the relay.
func (m *Metrics) StartDeferred(ctx context.Context) {
	if m != nil {
		m.deferred.Add(ctx, 1)
	}
}

// Transitioned counts a status change written.
func (m *Metrics) Transitioned(ctx context.Context, from, to Status) {
	if m != nil {
		m.transitions.Add(ctx, 1, metric.WithAttributes(attribute.String("from", string(from)), attribute.String("to", string(to))))
	}
}

// PaymentDeclined counts a payment the gateway declined.
func (m *Metrics) PaymentDeclined(ctx context.Context) {
	if m != nil {
		m.declined.Add(ctx, 1)
	}
}

// StockRefused counts a reservation refused for want of stock.
func (m *Metrics) StockRefused(ctx context.Context) {
	if m != nil {
		m.refused.Add(ctx, 1)
	}
}

// ObserveOutbox reports the outbox on mp at every collection:
// orders_outbox_backlog (orders whose workflow has not started) and
// orders_outbox_oldest_age_seconds (how long the oldest has waited).
func (s *Service) ObserveOutbox(mp metric.MeterProvider) error {
	m := mp.Meter(meterName)
	backlog, err := m.Int64ObservableGauge("orders.outbox.backlog",
		metric.WithDescription("Orders accepted whose workflow has not started yet."))
	if err != nil {
		return err
	}
	age, err := m.Float64ObservableGauge("orders.outbox.oldest_age", metric.WithUnit("s"),
		metric.WithDescription("How long the oldest order without a workflow has waited."))
	if err != nil {
		return err
	}
	_, err = m.RegisterCallback(func(ctx context.Context, o metric.Observer) error {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		n, oldest, err := s.store.outboxBacklog(ctx)
		if err != nil {
			return err
		}
		o.ObserveInt64(backlog, n)
		o.ObserveFloat64(age, oldest.Seconds())
		return nil
	}, backlog, age)
	return err
}
