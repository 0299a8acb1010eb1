package events

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

const meterName = "github.com/acme/orders/internal/events"

// Metrics are the webhook figures operators watch, by their Prometheus
// names: webhook_deliveries_total{outcome} (succeeded, retrying, failed),
// and webhook_attempt_duration_seconds. A nil *Metrics records nothing.
type Metrics struct {
	deliveries metric.Int64Counter
	latency    metric.Float64Histogram
}

// NewMetrics creates the counters on mp.
func NewMetrics(mp metric.MeterProvider) (*Metrics, error) {
	m := mp.Meter(meterName)
	var ms Metrics
	var e1, e2 error
	ms.deliveries, e1 = m.Int64Counter("webhook.deliveries", metric.WithDescription("Webhook attempts by outcome: succeeded, retrying (a retry is due), failed (given up)."))
	ms.latency, e2 = m.Float64Histogram("webhook.attempt.duration", metric.WithUnit("s"), metric.WithDescription("How long a webhook attempt took, answer or not."),
		metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15))
	if err := errors.Join(e1, e2); err != nil {
		return nil, err
	}
	return &ms, nil
}

// ObserveBacklog reports, at every collection on mp, how long the oldest
// undelivered delivery has waited (webhook_oldest_pending_age_seconds, 0
// when none waits): the workers report it.
func (s *Store) ObserveBacklog(mp metric.MeterProvider) error {
	m := mp.Meter(meterName)
	age, err := m.Float64ObservableGauge("webhook.oldest_pending.age", metric.WithUnit("s"),
		metric.WithDescription("How long the oldest event not yet delivered to an endpoint has waited."))
	if err != nil {
		return err
	}
	_, err = m.RegisterCallback(func(ctx context.Context, o metric.Observer) error {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		d, err := s.OldestPending(ctx)
		if err != nil {
			return err
		}
		o.ObserveFloat64(age, d.Seconds())
		return nil
	}, age)
	return err
}

// Attempted counts an attempt that left its delivery in state, and its
// latency.
func (m *Metrics) Attempted(ctx context.Context, state DeliveryState, latency time.Duration) {
	if m == nil {
		return
	}
	outcome := string(state)
	if state == DeliveryPending {
		outcome = "retrying"
	}
	m.deliveries.Add(ctx, 1, metric.WithAttributes(attribute.String("outcome", outcome)))
	m.latency.Record(ctx, latency.Seconds())
}
