package activities

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/catalog"
)

// ReserveStock reserves every line of the order or none. Out of stock is a
// non-retryable failure with nothing reserved; a retry after success does
// nothing.
func (o *Orders) ReserveStock(ctx context.Context, orderID uuid.UUID) error {
	holds, err := o.holds(ctx, orderID)
	if err == nil {
		err = o.Stock.Reserve(ctx, orderID, holds)
	}
	if errors.Is(err, catalog.ErrOutOfStock) {
		o.Metrics.StockRefused(ctx)
	}
	return failure(err)
}

// ReleaseStock gives back what the order holds; a no-op when it holds nothing.
func (o *Orders) ReleaseStock(ctx context.Context, orderID uuid.UUID) error {
	holds, err := o.holds(ctx, orderID)
	if err == nil {
		err = o.Stock.Release(ctx, orderID, holds)
	}
	return failure(err)
}

// CommitStock takes shipped goods off the shelf: reserved and on hand both drop.
func (o *Orders) CommitStock(ctx context.Context, orderID uuid.UUID) error {
	holds, err := o.holds(ctx, orderID)
	if err == nil {
		err = o.Stock.Commit(ctx, orderID, holds)
	}
	return failure(err)
}

// holds are the order's lines as claims on the stock.
func (o *Orders) holds(ctx context.Context, orderID uuid.UUID) ([]catalog.Hold, error) {
	lines, err := o.Store.Lines(ctx, orderID)
	if err != nil {
		return nil, err
	}
	holds := make([]catalog.Hold, len(lines))
	for i, l := range lines {
		holds[i] = catalog.Hold{ProductID: l.ProductID, SKU: l.SKU, Name: l.Name, Quantity: l.Quantity}
	}
	return holds, nil
}
