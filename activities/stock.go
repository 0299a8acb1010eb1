package activities

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/catalog"
	"github.com/acme/orders/internal/orders"
)

// ReserveStock reserves every line of the order or none. Out of stock is a
// non-retryable failure with nothing reserved; a retry after success does
// nothing.
func (o *Orders) ReserveStock(ctx context.Context, orderID uuid.UUID) error {
	err := o.onStock(ctx, orderID, o.Stock.Reserve)
	if errors.Is(err, catalog.ErrOutOfStock) {
		o.Metrics.StockRefused(ctx)
	}
	return failure(err)
}

// ReleaseStock gives back what the order holds; a no-op when it holds nothing.
func (o *Orders) ReleaseStock(ctx context.Context, orderID uuid.UUID) error {
	return failure(o.onStock(ctx, orderID, o.Stock.Release))
}

// CommitStock takes shipped goods off the shelf: reserved and on hand both drop.
func (o *Orders) CommitStock(ctx context.Context, orderID uuid.UUID) error {
	return failure(o.onStock(ctx, orderID, o.Stock.Commit))
}

// onStock hands the order's lines, as claims on the stock, to one of the
// catalog's stock steps.
func (o *Orders) onStock(ctx context.Context, orderID uuid.UUID, step func(context.Context, uuid.UUID, []catalog.Hold) error) error {
	lines, err := o.Store.Lines(ctx, orderID)
	if err != nil {
		return err
	}
	return step(ctx, orderID, orders.StockHolds(lines))
}
