package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/acme/orders/db"
)

func (h *handlers) registerOrders(api huma.API) {
	tags := []string{"orders"}
	huma.Register(api, guarded(loggedIn, huma.Operation{
		OperationID: "place-order", Method: http.MethodPost, Path: "/orders",
		Summary:     "Place an order",
		Description: "Answers 201 with the order pending; its workflow then reserves stock, waits for approval above the threshold, authorizes payment and confirms it. Poll GET /orders/{order_id} or its events.",
		Tags:        tags, DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
	}), h.placeOrder)
	huma.Register(api, guarded(loggedIn, huma.Operation{
		OperationID: "list-orders", Method: http.MethodGet, Path: "/orders",
		Summary: "Your orders (a superuser's: everyone's), newest first, in cursor pages", Tags: tags,
	}), h.listOrders)
	huma.Register(api, guarded(loggedIn, huma.Operation{
		OperationID: "read-order", Method: http.MethodGet, Path: "/orders/{order_id}",
		Summary: "An order with its lines", Tags: tags, Errors: []int{http.StatusNotFound},
	}), h.readOrder)
	huma.Register(api, guarded(loggedIn, huma.Operation{
		OperationID: "list-order-events", Method: http.MethodGet, Path: "/orders/{order_id}/events",
		Summary: "An order's timeline: every status change and operator action", Tags: tags, Errors: []int{http.StatusNotFound},
	}), h.orderEvents)
	h.registerOrderActions(api, tags)
}

var errKeyReused = huma.Error422UnprocessableEntity("this Idempotency-Key was used for a different order; use a new key")

// requestHash fingerprints the body, to tell a retry from a different order
// sent under the same key.
func requestHash(b PlaceOrderBody) string {
	raw, _ := json.Marshal(b)
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

func (h *handlers) placeOrder(ctx context.Context, in *PlaceOrderInput) (*OrderOutput, error) {
	me := currentUser(ctx)
	hash := requestHash(in.Body)
	q := db.New(h.DB)

	// A retry of an order already placed gets the first answer, and nothing else happens.
	if out, used, err := h.replay(ctx, me.ID, in.IdempotencyKey, hash); used {
		return out, err
	}

	lines, currency, total, err := h.priceLines(ctx, q, in.Body.Lines)
	if err != nil {
		return nil, err
	}
	address, _ := json.Marshal(in.Body.ShippingAddress)
	var order db.Order
	err = db.InTx(ctx, h.DB, func(q *db.Queries) error {
		created, err := q.CreateOrder(ctx, db.CreateOrderParams{
			ID: uuid.New(), CustomerID: me.ID, Currency: currency, TotalCents: total, ShippingAddress: address,
			PaymentToken: in.Body.PaymentToken, IdempotencyKey: in.IdempotencyKey, RequestHash: hash,
		})
		if err != nil {
			return err // pgx.ErrNoRows: a concurrent request with this key won
		}
		order = created
		for i, l := range lines {
			l.OrderID, l.LineNo = order.ID, int32(i+1)
			if err := q.CreateOrderLine(ctx, l); err != nil {
				return err
			}
		}
		to := db.OrderStatusPending
		return q.AddOrderEvent(ctx, db.AddOrderEventParams{
			OrderID: order.ID, Type: "placed", ToStatus: &to, Actor: me.Email,
			Detail: fmt.Sprintf("%d lines, total %d %s", len(lines), total, currency), DedupeKey: "placed",
		})
	})
	if errors.Is(err, pgx.ErrNoRows) { // a concurrent request with this key committed first
		out, used, err := h.replay(ctx, me.ID, in.IdempotencyKey, hash)
		if !used {
			return nil, h.fail(ctx, errors.New("idempotency key conflict, but no order holds the key"))
		}
		return out, err
	}
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	// Committed: the order is safe. Start its workflow now; if Temporal is
	// down, the outbox relay starts it when it is back.
	if err := h.starter.Start(ctx, order); err != nil {
		h.Logger.WarnContext(ctx, "order accepted; its workflow starts when Temporal is reachable", "order_id", order.ID, "error", err)
	}
	return created(h.orderOutput(ctx, q, order, true))
}

func created(out *OrderOutput, err error) (*OrderOutput, error) {
	if out != nil {
		out.Status = http.StatusCreated
	}
	return out, err
}

// replay answers a request under a key the customer already used: the first
// answer for the same body, 422 for another. used is false for a new key.
func (h *handlers) replay(ctx context.Context, customer uuid.UUID, key, hash string) (out *OrderOutput, used bool, err error) {
	q := db.New(h.DB)
	existing, err := q.GetOrderByIdempotencyKey(ctx, db.GetOrderByIdempotencyKeyParams{CustomerID: customer, IdempotencyKey: key})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, h.fail(ctx, err)
	}
	if existing.RequestHash != hash {
		return nil, true, errKeyReused
	}
	out, err = created(h.orderOutput(ctx, q, existing, true))
	return out, true, err
}

// priceLines checks the products and snapshots their SKU, name and price.
func (h *handlers) priceLines(ctx context.Context, q *db.Queries, in []OrderLineInput) ([]db.CreateOrderLineParams, string, int64, error) {
	ids := make([]uuid.UUID, len(in))
	for i, l := range in {
		ids[i] = l.ProductID
	}
	products, err := q.GetProductsByIDs(ctx, ids)
	if err != nil {
		return nil, "", 0, h.fail(ctx, err)
	}
	byID := make(map[uuid.UUID]db.Product, len(products))
	for _, p := range products {
		byID[p.ID] = p
	}
	var (
		lines    = make([]db.CreateOrderLineParams, len(in))
		currency string
		total    int64
		problems []error
	)
	for i, l := range in {
		loc := fmt.Sprintf("body.lines[%d].product_id", i)
		p, ok := byID[l.ProductID]
		switch {
		case !ok:
			problems = append(problems, &huma.ErrorDetail{Location: loc, Message: "no such product", Value: l.ProductID})
			continue
		case !p.Active:
			problems = append(problems, &huma.ErrorDetail{Location: loc, Message: "product is not for sale", Value: l.ProductID})
			continue
		case currency != "" && p.Currency != currency:
			problems = append(problems, &huma.ErrorDetail{Location: loc, Message: "all products of an order must share one currency", Value: p.Currency})
			continue
		}
		currency = p.Currency
		total += p.PriceCents * int64(l.Quantity)
		lines[i] = db.CreateOrderLineParams{ProductID: p.ID, Sku: p.Sku, Name: p.Name, UnitPriceCents: p.PriceCents, Quantity: l.Quantity}
	}
	if len(problems) > 0 {
		return nil, "", 0, huma.Error422UnprocessableEntity("some lines cannot be ordered", problems...)
	}
	return lines, currency, total, nil
}

// visibleOrder loads an order the caller may see: their own, or any for a
// superuser. Anyone else's is 404, as if it did not exist.
func (h *handlers) visibleOrder(ctx context.Context, q *db.Queries, id uuid.UUID) (db.Order, error) {
	order, err := q.GetOrder(ctx, id)
	if err != nil {
		return order, h.fail(ctx, err)
	}
	if me := currentUser(ctx); order.CustomerID != me.ID && !me.IsSuperuser {
		return order, huma.Error404NotFound("not found")
	}
	return order, nil
}

func (h *handlers) readOrder(ctx context.Context, in *OrderIDPath) (*OrderOutput, error) {
	q := db.New(h.DB)
	order, err := h.visibleOrder(ctx, q, in.ID)
	if err != nil {
		return nil, err
	}
	return h.orderOutput(ctx, q, order, true)
}

func (h *handlers) orderOutput(ctx context.Context, q *db.Queries, o db.Order, withLines bool) (*OrderOutput, error) {
	out := &OrderOutput{Status: http.StatusOK, Location: BasePath + "/orders/" + o.ID.String(), Body: publicOrder(o)}
	if !withLines {
		return out, nil
	}
	lines, err := q.GetOrderLines(ctx, o.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	for _, l := range lines {
		out.Body.Lines = append(out.Body.Lines, OrderLine{
			ProductID: l.ProductID, SKU: l.Sku, Name: l.Name, UnitPriceCents: l.UnitPriceCents,
			Quantity: l.Quantity, LineTotalCents: l.UnitPriceCents * int64(l.Quantity),
		})
	}
	return out, nil
}

func publicOrder(o db.Order) OrderPublic {
	var addr Address
	_ = json.Unmarshal(o.ShippingAddress, &addr)
	p := OrderPublic{
		ID: o.ID, CustomerID: o.CustomerID, Status: string(o.Status), Currency: o.Currency, TotalCents: o.TotalCents,
		ShippingAddress: addr, Version: o.Version, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
	}
	if o.FailureReason != nil {
		p.FailureReason = *o.FailureReason
	}
	return p
}
