package activities

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"

	"github.com/acme/orders/db"
)

// ReserveStock reserves every line of the order or none, in one transaction.
// Out of stock is a non-retryable failure with nothing reserved. A retry
// after success finds the reservation and does nothing.
func (o *Orders) ReserveStock(ctx context.Context, orderID uuid.UUID) error {
	return db.InTx(ctx, o.DB, func(q *db.Queries) error {
		created, err := q.CreateReservation(ctx, orderID)
		if err != nil {
			return err
		}
		if created == 0 {
			return nil // reserved by an earlier attempt
		}
		lines, err := o.lines(ctx, q, orderID)
		if err != nil {
			return err
		}
		for _, l := range lines {
			n, err := q.ReserveStock(ctx, db.ReserveStockParams{ProductID: l.ProductID, Quantity: l.Quantity})
			if err != nil {
				return err
			}
			if n == 0 {
				msg := fmt.Sprintf("out of stock: %s (%s), %d wanted", l.Name, l.Sku, l.Quantity)
				return temporal.NewNonRetryableApplicationError(msg, ErrTypeOutOfStock, nil)
			}
		}
		return nil
	})
}

// ReleaseStock gives back what the order holds; a no-op when it holds nothing.
func (o *Orders) ReleaseStock(ctx context.Context, orderID uuid.UUID) error {
	return o.settleReservation(ctx, orderID, "released", func(q *db.Queries, l db.OrderLine) error {
		return q.ReleaseStock(ctx, db.ReleaseStockParams{ProductID: l.ProductID, Quantity: l.Quantity})
	})
}

// CommitStock takes shipped goods off the shelf: reserved and on hand both drop.
func (o *Orders) CommitStock(ctx context.Context, orderID uuid.UUID) error {
	return o.settleReservation(ctx, orderID, "committed", func(q *db.Queries, l db.OrderLine) error {
		return q.CommitStock(ctx, db.CommitStockParams{ProductID: l.ProductID, Quantity: l.Quantity})
	})
}

func (o *Orders) settleReservation(ctx context.Context, orderID uuid.UUID, state string, apply func(*db.Queries, db.OrderLine) error) error {
	return db.InTx(ctx, o.DB, func(q *db.Queries) error {
		n, err := q.SetReservationState(ctx, db.SetReservationStateParams{OrderID: orderID, State: state})
		if err != nil || n == 0 {
			return err // nothing held: never reserved, or settled by an earlier attempt
		}
		lines, err := o.lines(ctx, q, orderID)
		if err != nil {
			return err
		}
		for _, l := range lines {
			if err := apply(q, l); err != nil {
				return err
			}
		}
		return nil
	})
}
