package upkeep

import (
	"context"
	"time"

	"github.com/acme/orders/db"
)

// Summary is the platform's day for the admins' daily e-mail.
type Summary struct {
	Since, Until   time.Time
	OrdersByStatus []StatusCount // of the orders placed in the period
	Revenue        []Money       // captured, of the orders shipped in the period
	Refunds        []Money       // that went through in the period
	LowStock       []LowStock    // available at or below the product's threshold
}

// StatusCount is how many orders are in a status.
type StatusCount struct {
	Status string
	Orders int64
}

// Money is a sum in one currency, and of how many.
type Money struct {
	Currency string
	Count    int64
	Cents    int64
}

// LowStock is a product running out.
type LowStock struct {
	SKU, Name            string
	Available, Threshold int32
}

// lowStockShown bounds the products the e-mail lists.
const lowStockShown = 200

// Summary reads the figures of [since, until).
func (s *Store) Summary(ctx context.Context, since, until time.Time) (Summary, error) {
	q := s.db.Q()
	out := Summary{Since: since, Until: until}
	byStatus, err := q.OrdersPlacedByStatus(ctx, db.OrdersPlacedByStatusParams{Since: since, Until: until})
	if err != nil {
		return out, dbErrors.Of(err)
	}
	for _, r := range byStatus {
		out.OrdersByStatus = append(out.OrdersByStatus, StatusCount{Status: r.Status, Orders: r.Orders})
	}
	revenue, err := q.RevenueShipped(ctx, db.RevenueShippedParams{Since: since, Until: until})
	if err != nil {
		return out, dbErrors.Of(err)
	}
	for _, r := range revenue {
		out.Revenue = append(out.Revenue, Money{Currency: r.Currency, Count: r.Orders, Cents: r.Cents})
	}
	refunds, err := q.RefundsSettled(ctx, db.RefundsSettledParams{Since: since, Until: until})
	if err != nil {
		return out, dbErrors.Of(err)
	}
	for _, r := range refunds {
		out.Refunds = append(out.Refunds, Money{Currency: r.Currency, Count: r.Refunds, Cents: r.Cents})
	}
	low, err := q.LowStockProducts(ctx, lowStockShown)
	if err != nil {
		return out, dbErrors.Of(err)
	}
	for _, r := range low {
		out.LowStock = append(out.LowStock, LowStock{SKU: r.Sku, Name: r.Name, Available: r.Available, Threshold: r.LowStockThreshold})
	}
	return out, nil
}
