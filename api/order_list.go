package api

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/acme/orders/db"
)

func (h *handlers) listOrders(ctx context.Context, in *ListOrdersInput) (*OrdersOutput, error) {
	me := currentUser(ctx)
	params := db.ListOrdersParams{Limit: in.Limit + 1} // one more tells whether there is a next page
	switch {
	case !me.IsSuperuser:
		params.CustomerID = &me.ID
	case in.CustomerID != "":
		id, err := uuid.Parse(in.CustomerID)
		if err != nil {
			return nil, huma.Error422UnprocessableEntity("customer_id is not a UUID")
		}
		params.CustomerID = &id
	}
	if in.Status != "" {
		s := db.OrderStatus(in.Status)
		params.Status = &s
	}
	if !in.CreatedFrom.IsZero() {
		params.CreatedFrom = &in.CreatedFrom
	}
	if !in.CreatedTo.IsZero() {
		params.CreatedTo = &in.CreatedTo
	}
	if in.Cursor != "" {
		at, id, err := decodeCursor(in.Cursor)
		if err != nil {
			return nil, huma.Error422UnprocessableEntity("cursor is not one this API gave out", &huma.ErrorDetail{Location: "query.cursor", Value: in.Cursor})
		}
		params.AfterCreated, params.AfterID = &at, &id
	}
	orders, err := db.New(h.DB).ListOrders(ctx, params)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &OrdersOutput{}
	if len(orders) > int(in.Limit) {
		orders = orders[:in.Limit]
		last := orders[len(orders)-1]
		out.Body.NextCursor = encodeCursor(last.CreatedAt, last.ID)
	}
	out.Body.Data = make([]OrderPublic, len(orders))
	for i, o := range orders {
		out.Body.Data[i] = publicOrder(o)
	}
	return out, nil
}

// A cursor is the position of the last order of a page: (created_at, id).
func encodeCursor(at time.Time, id uuid.UUID) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id.String()))
}

func decodeCursor(s string) (time.Time, uuid.UUID, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, uuid.Nil, err
	}
	ts, idText, ok := strings.Cut(string(raw), "|")
	if !ok {
		return time.Time{}, uuid.Nil, errors.New("malformed cursor")
	}
	at, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return time.Time{}, uuid.Nil, err
	}
	id, err := uuid.Parse(idText)
	return at, id, err
}

func (h *handlers) orderEvents(ctx context.Context, in *OrderIDPath) (*OrderEventsOutput, error) {
	q := db.New(h.DB)
	if _, err := h.visibleOrder(ctx, q, in.ID); err != nil {
		return nil, err
	}
	events, err := q.ListOrderEvents(ctx, in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &OrderEventsOutput{}
	out.Body.Data = make([]OrderEvent, len(events))
	for i, e := range events {
		ev := OrderEvent{ID: e.ID, Type: e.Type, Actor: e.Actor, Detail: e.Detail, CreatedAt: e.CreatedAt}
		if e.FromStatus != nil {
			ev.FromStatus = string(*e.FromStatus)
		}
		if e.ToStatus != nil {
			ev.ToStatus = string(*e.ToStatus)
		}
		out.Body.Data[i] = ev
	}
	out.Body.Count = len(events)
	return out, nil
}
