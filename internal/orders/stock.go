package orders

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
)

// ReserveStock reserves every line of the order or none, in one transaction.
// Out of stock is ErrOutOfStock, with nothing reserved. Retried after a
// success, it finds the reservation and does nothing.
func (s *Store) ReserveStock(ctx context.Context, orderID uuid.UUID) error {
	return s.db.InTx(ctx, func(q *db.Queries) error {
		created, err := q.CreateReservation(ctx, orderID)
		if err != nil {
			return err
		}
		if created == 0 {
			return nil // reserved by an earlier attempt
		}
		lines, err := linesInLockOrder(ctx, q, orderID)
		if err != nil {
			return err
		}
		for _, l := range lines {
			n, err := q.ReserveStock(ctx, db.ReserveStockParams{ProductID: l.ProductID, Quantity: l.Quantity})
			if err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("%w: %s (%s), %d wanted", ErrOutOfStock, l.Name, l.Sku, l.Quantity)
			}
		}
		return nil
	})
}

// ReleaseStock gives back what the order holds; a no-op when it holds nothing.
func (s *Store) ReleaseStock(ctx context.Context, orderID uuid.UUID) error {
	return s.settleReservation(ctx, orderID, ReservationReleased, func(q *db.Queries, l db.OrderLine) error {
		return q.ReleaseStock(ctx, db.ReleaseStockParams{ProductID: l.ProductID, Quantity: l.Quantity})
	})
}

// CommitStock takes shipped goods off the shelf: reserved and on hand both drop.
func (s *Store) CommitStock(ctx context.Context, orderID uuid.UUID) error {
	return s.settleReservation(ctx, orderID, ReservationCommitted, func(q *db.Queries, l db.OrderLine) error {
		return q.CommitStock(ctx, db.CommitStockParams{ProductID: l.ProductID, Quantity: l.Quantity})
	})
}

func (s *Store) settleReservation(ctx context.Context, orderID uuid.UUID, state ReservationState, apply func(*db.Queries, db.OrderLine) error) error {
	return s.db.InTx(ctx, func(q *db.Queries) error {
		n, err := q.SetReservationState(ctx, db.SetReservationStateParams{OrderID: orderID, State: string(state)})
		if err != nil || n == 0 {
			return err // nothing held: never reserved, or settled by an earlier attempt
		}
		lines, err := linesInLockOrder(ctx, q, orderID)
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

// linesInLockOrder returns the order's lines in product order: every stock
// change takes its row locks in that one order, so concurrent orders cannot
// deadlock.
func linesInLockOrder(ctx context.Context, q *db.Queries, orderID uuid.UUID) ([]db.OrderLine, error) {
	lines, err := q.GetOrderLines(ctx, orderID)
	if err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return nil, ErrNoLines
	}
	slices.SortFunc(lines, func(a, b db.OrderLine) int { return bytes.Compare(a.ProductID[:], b.ProductID[:]) })
	return lines, nil
}
