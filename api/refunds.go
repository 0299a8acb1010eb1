package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/orders"
)

func (h *handlers) registerRefunds(api huma.API, tags []string) {
	handle(api, h, guarded(needs(access.RefundsWrite), huma.Operation{
		OperationID: "refund-order", Method: http.MethodPost, Path: "/orders/{order_id}/refunds",
		Summary: "Refund part or all of a shipped or delivered order",
		Description: "Runs as an update of the order's workflow, one refund at a time: the amount is held against the payment, " +
			"asked of the payment provider (retried while it fails transiently) and settled. Answers 200 with the refund, " +
			"409 with the reason when the order's state refuses it (not shipped, more than captured minus already refunded, " +
			"the provider's refusal, the return window over), or 202 with the refund pending while the provider is retried. " +
			"Each refund is on the order's timeline and in the event feed (order.partially_refunded, order.refunded).",
		Tags: tags, DefaultStatus: http.StatusOK,
		Responses: map[string]*huma.Response{"202": {Description: "Accepted: the provider is being retried; the refund as it is now"}},
		Errors:    []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
	}), h.refundOrder)
	handle(api, h, guarded(own(access.OrdersRead), huma.Operation{
		OperationID: "list-order-refunds", Method: http.MethodGet, Path: "/orders/{order_id}/refunds",
		Summary: "An order's refunds, oldest first", Tags: tags, Errors: []int{http.StatusNotFound},
	}), h.orderRefunds)
}

func (h *handlers) refundOrder(ctx context.Context, in *RefundInput) (*RefundOutput, error) {
	traceOrder(ctx, in.ID.String())
	req := orders.RefundRequest{AmountCents: in.Body.AmountCents, Reason: in.Body.Reason}
	for _, l := range in.Body.Lines {
		req.Lines = append(req.Lines, orders.LineQuantity{LineNo: l.LineNo, Quantity: l.Quantity})
	}
	r, done, err := h.Orders.Refund(ctx, viewer(ctx), in.ID, req)
	if err != nil {
		return nil, err
	}
	status := http.StatusOK
	if !done {
		status = http.StatusAccepted
	}
	return &RefundOutput{Status: status, Body: orders.RefundViewOf(r)}, nil
}

func (h *handlers) orderRefunds(ctx context.Context, in *OrderIDPath) (*ListOutput[RefundPublic], error) {
	traceOrder(ctx, in.ID.String())
	refunds, err := h.Orders.Refunds(ctx, viewer(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return listOf(refunds, orders.RefundViewOf, counted(len(refunds))), nil
}

// lineQuantityDetails is where a refund's or a return's line problem lies.
func lineQuantityDetails(e *orders.LineQuantityError) error {
	return huma.Error422UnprocessableEntity("a line cannot be "+e.Action+"ed", &huma.ErrorDetail{
		Location: fmt.Sprintf("body.lines[%d].%s", e.Index, e.Field), Message: e.Message, Value: e.Value,
	})
}
