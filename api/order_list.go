package api

import (
	"context"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/page"
)

func (h *handlers) listOrders(ctx context.Context, in *ListOrdersInput) (*ListOutput[OrderPublic], error) {
	f := orders.Filter{
		Status: orders.Status(in.Status), CreatedFrom: in.CreatedFrom, CreatedTo: in.CreatedTo,
		Page: page.Request{Cursor: in.Cursor, Limit: in.Limit},
	}
	if in.CustomerID != "" {
		id, err := uuid.Parse(in.CustomerID)
		if err != nil {
			return nil, huma.Error422UnprocessableEntity("customer_id is not a UUID")
		}
		f.CustomerID = &id
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
