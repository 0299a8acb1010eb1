package upkeep

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Metrics counts the reconciliation's findings, by their Prometheus name
// orders_reconciliation_findings_total{kind,repaired}. A nil *Metrics
// records nothing.
type Metrics struct {
	findings metric.Int64Counter
}

// NewMetrics creates the counter on mp.
func NewMetrics(mp metric.MeterProvider) (*Metrics, error) {
	c, err := mp.Meter("github.com/acme/orders/internal/upkeep").Int64Counter("orders.reconciliation.findings",
		metric.WithDescription("Inconsistencies the reconciliation job found, by kind and whether it repaired them."))
	if err != nil {
		return nil, err
	}
	return &Metrics{findings: c}, nil
}

func (m *Metrics) found(ctx context.Context, f Finding) {
	if m != nil {
		m.findings.Add(ctx, 1, metric.WithAttributes(attribute.String("kind", string(f.Kind)), attribute.Bool("repaired", f.Repaired)))
	}
}
