package activities

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/orders"
)

// ReserveStock reserves every line of the order or none. Out of stock is a
// non-retryable failure with nothing reserved; a retry after success does
// nothing.
func (o *Orders) ReserveStock(ctx context.Context, orderID uuid.UUID) error {
	err := o.Store.ReserveStock(ctx, orderID)
	if errors.Is(err, orders.ErrOutOfStock) {
		o.Metrics.StockRefused(ctx)
	}
	return failure(err)
}

// ReleaseStock gives back what the order holds; a no-op when it holds nothing.
func (o *Orders) ReleaseStock(ctx context.Context, orderID uuid.UUID) error {
	return failure(o.Store.ReleaseStock(ctx, orderID))
}

// CommitStock takes shipped goods off the shelf: reserved and on hand both drop.
func (o *Orders) CommitStock(ctx context.Context, orderID uuid.UUID) error {
	return failure(o.Store.CommitStock(ctx, orderID))
}
