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
	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/tracectx"
)

// PlaceRequest is what a customer orders, once per idempotency key.
type PlaceRequest struct {
	IdempotencyKey  string
	Lines           []LineRequest
	ShippingAddress Address
	PaymentToken    string
	// CustomerID is whom the order is for, when an operator or an API key
	// (who holds orders:write) places it; nil: the caller.
	CustomerID *uuid.UUID
}

// customer is whom the viewer places an order for: themselves, or the
// customer named, for who holds orders:write. An API key, which is no
// customer, must name one.
func (v Viewer) customer(named *uuid.UUID) (uuid.UUID, error) {
	switch {
	case named == nil && v.ID == uuid.Nil:
		return uuid.Nil, ErrCustomerRequired
	case named == nil || *named == v.ID:
		return v.ID, nil
	case !v.Scopes.Has(access.OrdersWrite):
		return uuid.Nil, ErrNotAllowed
	}
	return *named, nil
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

// Place accepts an order: its lines checked (CheckLines) and priced from
// the catalog as it is now, committed with its lines and its "placed" event
// in one statement together with the intent to start its workflow, which
// then starts at once, or later through the relay when Temporal is down. A
// retry under the same key gets the order the first request placed; a
// different request under that key is ErrKeyReused; lines that cannot be
// ordered are a *LinesError. A new key costs no lookup: the key is looked up
// only when the insert finds it taken.
func (s *Service) Place(ctx context.Context, by Viewer, r PlaceRequest) (Order, error) {
	if r.IdempotencyKey == "" || len(r.IdempotencyKey) > MaxKeyLen {
		return Order{}, ErrKeyInvalid
	}
	customer, err := by.customer(r.CustomerID)
	if err != nil {
		return Order{}, err
	}
	if err := CheckLines(r.Lines); err != nil {
		return Order{}, err
	}
	hash := r.hash()
	lines, currency, total, err := s.price(ctx, r.Lines)
	var linesErr *LinesError
	if errors.As(err, &linesErr) {
		// A retry of an order placed before its products changed gets its first answer.
		if o, used, rerr := s.replay(ctx, customer, r.IdempotencyKey, hash); used {
			return o, rerr
		}
	}
	if err != nil {
		return Order{}, err
	}
	address, err := json.Marshal(r.ShippingAddress)
	if err != nil {
		return Order{}, err
	}
	p := db.PlaceOrderParams{
		ID: uuid.New(), CustomerID: customer, Currency: currency, TotalCents: total, ShippingAddress: address,
		PaymentToken: r.PaymentToken, IdempotencyKey: &r.IdempotencyKey, RequestHash: hash,
		Actor: by.Email, Detail: fmt.Sprintf("%d lines, total %d %s", len(lines), total, currency),
		TraceContext: tracectx.Of(ctx),
	}
	for _, l := range lines {
		p.ProductIds, p.Skus, p.Names = append(p.ProductIds, l.ProductID), append(p.Skus, l.SKU), append(p.Names, l.Name)
		p.UnitPricesCents, p.Quantities = append(p.UnitPricesCents, l.UnitPriceCents), append(p.Quantities, l.Quantity)
	}
	order, email, taken, err := s.store.place(ctx, p, lines, by)
	switch {
	case taken: // by an earlier or a concurrent request
		o, used, err := s.replay(ctx, customer, r.IdempotencyKey, hash)
		if !used {
			return Order{}, errors.New("idempotency key conflict, but no order holds the key")
		}
		return o, err
	case errors.Is(err, errProductGone):
		// Deleted since it was priced: price again to name it.
		if _, _, _, perr := s.price(ctx, r.Lines); perr != nil {
			return Order{}, perr
		}
		return Order{}, err
	case err != nil:
		return Order{}, err
	}
	s.opts.Metrics.Placed(ctx)
	// Committed: the order is safe. If Temporal is down, the relay starts
	// its workflow when it is back; while starts fail, Place does not wait
	// on Temporal at all.
	if !s.breaker.allow() { // the failure that opened it was logged
		s.opts.Metrics.StartDeferred(ctx)
		s.logger.DebugContext(ctx, "order accepted; its workflow starts when Temporal is reachable", "order_id", order.ID, "error", errStartDeferred)
		return order, nil
	}
	if err := s.start(ctx, order, email, len(lines)); err != nil {
		s.opts.Metrics.StartDeferred(ctx)
		s.logger.WarnContext(ctx, "order accepted; its workflow starts when Temporal is reachable", "order_id", order.ID, "error", err)
	}
	return order, nil
}

// replay answers a request under a key the customer already used: the order
// it placed, or ErrKeyReused for a different request. used is false for a
// new key.
func (s *Service) replay(ctx context.Context, customer uuid.UUID, key, hash string) (o Order, used bool, err error) {
	id, placedHash, err := s.store.byIdempotencyKey(ctx, customer, key)
	if errors.Is(err, ErrNotFound) {
		return Order{}, false, nil
	}
	if err != nil {
		return Order{}, true, err
	}
	if placedHash != hash {
		return Order{}, true, ErrKeyReused
	}
	o, err = s.store.Get(ctx, id)
	return o, true, err
}
