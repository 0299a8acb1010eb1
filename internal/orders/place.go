package orders

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
)

// PlaceRequest is what a customer orders, once per idempotency key.
type PlaceRequest struct {
	IdempotencyKey  string
	Lines           []LineRequest
	ShippingAddress Address
	PaymentToken    string
}

// LineRequest is one product and how many.
type LineRequest struct {
	ProductID uuid.UUID `json:"product_id"`
	Quantity  int32     `json:"quantity"`
}

// hash fingerprints the request, to tell a retry from a different order sent
// under the same key. Its JSON is the request body's as the API has always
// received it, so hashes stored before this code keep matching.
func (r PlaceRequest) hash() string {
	raw, _ := json.Marshal(struct {
		Lines           []LineRequest `json:"lines"`
		ShippingAddress Address       `json:"shipping_address"`
		PaymentToken    string        `json:"payment_token"`
	}{r.Lines, r.ShippingAddress, r.PaymentToken})
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// Place accepts an order: priced from the catalog as it is now, committed
// with its lines and its "placed" event in one transaction together with
// the intent to start its workflow, which then starts at once, or later
// through the relay when Temporal is down. A retry under the same key gets
// the order the first request placed; a different request under that key
// is ErrKeyReused; lines that cannot be ordered are a *LinesError.
func (s *Service) Place(ctx context.Context, by Viewer, r PlaceRequest) (Order, error) {
	hash := r.hash()
	if o, used, err := s.replay(ctx, by.ID, r.IdempotencyKey, hash); used {
		return o, err
	}
	lines, currency, total, err := s.price(ctx, r.Lines)
	if err != nil {
		return Order{}, err
	}
	address, err := json.Marshal(r.ShippingAddress)
	if err != nil {
		return Order{}, err
	}
	var order Order
	err = s.store.db.InTx(ctx, func(q *db.Queries) error {
		row, err := q.CreateOrder(ctx, db.CreateOrderParams{
			ID: uuid.New(), CustomerID: by.ID, Currency: currency, TotalCents: total, ShippingAddress: address,
			PaymentToken: r.PaymentToken, IdempotencyKey: r.IdempotencyKey, RequestHash: hash,
		})
		if err != nil {
			return err // db.ErrNotFound: a concurrent request with this key committed first
		}
		order = orderFromDB(row)
		for i, l := range lines {
			err := q.CreateOrderLine(ctx, db.CreateOrderLineParams{
				OrderID: order.ID, LineNo: int32(i + 1), ProductID: l.ProductID, Sku: l.SKU, Name: l.Name,
				UnitPriceCents: l.UnitPriceCents, Quantity: l.Quantity,
			})
			if db.Violates(err, "order_lines_product_id_fkey") {
				return &LinesError{Problems: []LineProblem{{Index: i, ProductID: l.ProductID, Message: "no such product", Value: l.ProductID}}}
			}
			if err != nil {
				return err
			}
		}
		order.Lines = lines
		to := string(StatusPending)
		return q.AddOrderEvent(ctx, db.AddOrderEventParams{
			OrderID: order.ID, Type: "placed", ToStatus: &to, Actor: by.Email,
			Detail: fmt.Sprintf("%d lines, total %d %s", len(lines), total, currency), DedupeKey: "placed",
		})
	})
	if errors.Is(err, db.ErrNotFound) {
		o, used, err := s.replay(ctx, by.ID, r.IdempotencyKey, hash)
		if !used {
			return Order{}, errors.New("idempotency key conflict, but no order holds the key")
		}
		return o, err
	}
	if err != nil {
		return Order{}, err
	}
	// Committed: the order is safe. If Temporal is down, the relay starts
	// its workflow when it is back.
	if err := s.start(ctx, order); err != nil {
		s.logger.WarnContext(ctx, "order accepted; its workflow starts when Temporal is reachable", "order_id", order.ID, "error", err)
	}
	return order, nil
}

// replay answers a request under a key the customer already used: the order
// it placed, or ErrKeyReused for a different request. used is false for a
// new key.
func (s *Service) replay(ctx context.Context, customer uuid.UUID, key, hash string) (o Order, used bool, err error) {
	row, err := s.store.db.Q().GetOrderByIdempotencyKey(ctx, db.GetOrderByIdempotencyKeyParams{CustomerID: customer, IdempotencyKey: key})
	if errors.Is(err, db.ErrNotFound) {
		return Order{}, false, nil
	}
	if err != nil {
		return Order{}, true, err
	}
	if row.RequestHash != hash {
		return Order{}, true, ErrKeyReused
	}
	o, err = s.store.Get(ctx, row.ID)
	return o, true, err
}
