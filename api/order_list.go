package api

import (
	"context"

	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/page"
)

func (h *handlers) listOrders(ctx context.Context, in *ListOrdersInput) (*ListOutput[OrderPublic], error) {
	f := orders.Filter{
		Status: orders.Status(in.Status), CreatedFrom: in.CreatedFrom, CreatedTo: in.CreatedTo,
		Page: page.Request{Cursor: in.Cursor, Limit: in.Limit},
	}
	var err error
	if f.CustomerID, err = filterID("customer_id", in.CustomerID); err != nil {
		return nil, err
	}
	found, err := h.Orders.List(ctx, viewer(ctx), f)
	if err != nil {
		return nil, err
	}
	return pageOf(found, publicOrder, nil), nil
}

func (h *handlers) orderEvents(ctx context.Context, in *OrderIDPath) (*ListOutput[OrderEvent], error) {
	traceOrder(ctx, in.ID.String())
	events, err := h.Orders.Events(ctx, viewer(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return listOf(events, publicEvent, counted(len(events))), nil
}
