package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/orders"
)

func (h *handlers) registerOrders(api huma.API) {
	tags := []string{"orders"}
	handle(api, h, guarded(own(access.OrdersWrite), huma.Operation{
		OperationID: "place-order", Method: http.MethodPost, Path: "/orders",
		Summary:     "Place an order",
		Description: "Answers 201 with the order pending; its workflow then reserves stock, waits for approval above the threshold, authorizes payment and confirms it. Poll GET /orders/{order_id} or its events.",
		Tags:        tags, DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
	}), h.placeOrder)
	handle(api, h, guarded(own(access.OrdersRead), huma.Operation{
		OperationID: "list-orders", Method: http.MethodGet, Path: "/orders",
		Summary: "Your orders (with orders:read, everyone's), newest first, in cursor pages", Tags: tags,
	}), h.listOrders)
	handle(api, h, guarded(own(access.OrdersRead), huma.Operation{
		OperationID: "read-order", Method: http.MethodGet, Path: "/orders/{order_id}",
		Summary: "An order with its lines, payment and shipment", Tags: tags, Errors: []int{http.StatusNotFound},
	}), h.readOrder)
	handle(api, h, guarded(own(access.OrdersRead), huma.Operation{
		OperationID: "list-order-events", Method: http.MethodGet, Path: "/orders/{order_id}/events",
		Summary: "An order's timeline: every status change and operator action", Tags: tags, Errors: []int{http.StatusNotFound},
	}), h.orderEvents)
	h.registerOrderActions(api, tags)
	h.registerRefunds(api, tags)
	h.registerReturns(api, tags)
}

func (h *handlers) placeOrder(ctx context.Context, in *PlaceOrderInput) (*OrderOutput, error) {
	lines := make([]orders.LineRequest, len(in.Body.Lines))
	for i, l := range in.Body.Lines {
		lines[i] = orders.LineRequest{ProductID: l.ProductID, Quantity: l.Quantity}
	}
	o, err := h.Orders.Place(ctx, viewer(ctx), orders.PlaceRequest{
		IdempotencyKey: in.IdempotencyKey, Lines: lines,
		ShippingAddress: orders.Address(in.Body.ShippingAddress), PaymentToken: in.Body.PaymentToken,
		CustomerID: in.Body.CustomerID,
	})
	if err != nil {
		return nil, err
	}
	traceOrder(ctx, o.ID.String())
	noteAuditTarget(ctx, "order", o.ID.String())
	return orderOutput(o, http.StatusCreated), nil // a retry gets the first answer, 201 included
}

func (h *handlers) readOrder(ctx context.Context, in *OrderIDPath) (*OrderOutput, error) {
	traceOrder(ctx, in.ID.String())
	o, err := h.Orders.Get(ctx, viewer(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return orderOutput(o, http.StatusOK), nil
}

func orderOutput(o orders.Order, status int) *OrderOutput {
	return &OrderOutput{Status: status, Location: BasePath + "/orders/" + o.ID.String(), Body: publicOrder(o)}
}

func publicOrder(o orders.Order) OrderPublic { return orders.ViewOf(o) }
