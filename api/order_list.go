package api

import (
	"context"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/acme/orders/internal/orders"
)

func (h *handlers) listOrders(ctx context.Context, in *ListOrdersInput) (*OrdersOutput, error) {
	f := orders.Filter{
		Status: orders.Status(in.Status), CreatedFrom: in.CreatedFrom, CreatedTo: in.CreatedTo,
		Cursor: in.Cursor, Limit: in.Limit,
	}
	if in.CustomerID != "" {
		id, err := uuid.Parse(in.CustomerID)
		if err != nil {
			return nil, huma.Error422UnprocessableEntity("customer_id is not a UUID")
		}
		f.CustomerID = &id
	}
	page, err := h.Orders.List(ctx, viewer(ctx), f)
	if err != nil {
		return nil, err
	}
	out := &OrdersOutput{}
	out.Body.NextCursor = page.NextCursor
	out.Body.Data = make([]OrderPublic, len(page.Orders))
	for i, o := range page.Orders {
		out.Body.Data[i] = publicOrder(o)
	}
	return out, nil
}

func (h *handlers) orderEvents(ctx context.Context, in *OrderIDPath) (*OrderEventsOutput, error) {
	events, err := h.Orders.Events(ctx, viewer(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	out := &OrderEventsOutput{}
	out.Body.Data = make([]OrderEvent, len(events))
	for i, e := range events {
		out.Body.Data[i] = OrderEvent{
			ID: e.ID, Type: e.Type, FromStatus: OrderStatus(e.From), ToStatus: OrderStatus(e.To),
			Actor: e.Actor, Detail: e.Detail, CreatedAt: e.CreatedAt,
		}
	}
	out.Body.Count = len(events)
	return out, nil
}
