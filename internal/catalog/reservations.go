package catalog

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
)

// What an order holds of the stock: reserved when it is placed, then
// released (cancelled, failed) or committed (shipped: the goods leave the
// shelf). The order's workflow asks, one step each; every step is
// idempotent, because Temporal may run it again.

// Hold is one line's claim on a product's stock.
type Hold struct {
	ProductID uuid.UUID
	SKU       string // for the out-of-stock message
	Name      string
	Quantity  int32
}

// Reserve reserves every hold of the order or none, in one transaction.
// Out of stock is ErrOutOfStock, with nothing reserved. Retried after a
// success, it finds the reservation and does nothing.
func (s *Store) Reserve(ctx context.Context, orderID uuid.UUID, holds []Hold) error {
	err := s.db.InTx(ctx, func(q *db.Queries) error {
		created, err := q.CreateReservation(ctx, orderID)
		if err != nil || created == 0 {
			return err // or reserved by an earlier attempt
		}
		for _, h := range inLockOrder(holds) {
			n, err := q.ReserveStock(ctx, db.ReserveStockParams{ProductID: h.ProductID, Quantity: h.Quantity})
			if err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("%w: %s (%s), %d wanted", ErrOutOfStock, h.Name, h.SKU, h.Quantity)
			}
		}
		return nil
	})
	return dbErrors.Of(err)
}

// Release gives back what the order holds; a no-op when it holds nothing.
func (s *Store) Release(ctx context.Context, orderID uuid.UUID, holds []Hold) error {
	return s.settle(ctx, orderID, reservationReleased, holds, func(q *db.Queries, h Hold) error {
		return q.ReleaseStock(ctx, db.ReleaseStockParams{ProductID: h.ProductID, Quantity: h.Quantity})
	})
}

// Commit takes shipped goods off the shelf: reserved and on hand both drop.
func (s *Store) Commit(ctx context.Context, orderID uuid.UUID, holds []Hold) error {
	return s.settle(ctx, orderID, reservationCommitted, holds, func(q *db.Queries, h Hold) error {
		return q.CommitStock(ctx, db.CommitStockParams{ProductID: h.ProductID, Quantity: h.Quantity})
	})
}

// The states of an order's reservation, as the stock_reservations table
// spells them.
const (
	reservationReleased  = "released"
	reservationCommitted = "committed"
)

func (s *Store) settle(ctx context.Context, orderID uuid.UUID, state string, holds []Hold, apply func(*db.Queries, Hold) error) error {
	err := s.db.InTx(ctx, func(q *db.Queries) error {
		n, err := q.SetReservationState(ctx, db.SetReservationStateParams{OrderID: orderID, State: state})
		if err != nil || n == 0 {
			return err // nothing held: never reserved, or settled by an earlier attempt
		}
		for _, h := range inLockOrder(holds) {
			if err := apply(q, h); err != nil {
				return err
			}
		}
		return nil
	})
	return dbErrors.Of(err)
}

// inLockOrder sorts holds by product: every stock change takes its row
// locks in that one order, so concurrent orders cannot deadlock.
func inLockOrder(holds []Hold) []Hold {
	sorted := slices.Clone(holds)
	slices.SortFunc(sorted, func(a, b Hold) int { return bytes.Compare(a.ProductID[:], b.ProductID[:]) })
	return sorted
}

// Restock puts the goods of a received return back on hand, once per
// return: a retry finds them restocked and does nothing. Each product's
// adjustment names the return.
func (s *Store) Restock(ctx context.Context, returnID uuid.UUID, holds []Hold) error {
	quantities := map[uuid.UUID]int32{}
	for _, h := range holds {
		quantities[h.ProductID] += h.Quantity
	}
	err := s.db.InTx(ctx, func(q *db.Queries) error {
		for _, h := range inLockOrder(holds) {
			n, ok := quantities[h.ProductID]
			if !ok {
				continue // a second line of the product: restocked with the first
			}
			delete(quantities, h.ProductID)
			if _, err := q.LockInventory(ctx, h.ProductID); err != nil {
				return err
			}
			_, err := q.RestockReturned(ctx, db.RestockReturnedParams{
				ProductID: h.ProductID, Quantity: n, Reason: "return " + returnID.String(), ReturnID: returnID,
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return dbErrors.Of(err)
}
