package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/orders"
)

// returnSteps are the operators' steps of a return, each its own
// operation: what it does, for the OpenAPI description.
var returnSteps = []struct {
	step orders.ReturnStep
	doc  string
}{
	{orders.ReturnApprove, "Approve a requested return: the customer may send the goods."},
	{orders.ReturnReject, "Reject a requested return: nothing is sent back, and its lines can be asked for again."},
	{orders.ReturnReceive, "Record an approved return's goods as arrived (as the `return-received` signal does): " +
		"they go back on hand and their lines are refunded through the payment provider. " +
		"Once every unit of the order came back, the order becomes returned."},
}

func (h *handlers) registerReturns(api huma.API, tags []string) {
	handle(api, h, guarded(own(access.ReturnsWrite), huma.Operation{
		OperationID: "return-order", Method: http.MethodPost, Path: "/orders/{order_id}/returns",
		Summary: "Ask to send back lines of a delivered order",
		Description: "By the order's customer (or who holds returns:write), within the return window (ORDER_RETURN_WINDOW after delivery). " +
			"Runs as an update of the order's workflow: the return is requested, for an operator to approve or reject. " +
			"A line can be returned up to its delivered quantity minus what other returns (but the rejected) send back; " +
			"more is 422 (or 409 when a return asked at the same time took it). 409 when the order is not delivered or its window is over.",
		Tags: tags, DefaultStatus: http.StatusCreated,
		Responses: map[string]*huma.Response{"202": {Description: "Accepted: the workflow took it and has not written it yet"}},
		Errors:    []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
	}), h.requestReturn)
	handle(api, h, guarded(own(access.OrdersRead), huma.Operation{
		OperationID: "list-order-returns", Method: http.MethodGet, Path: "/orders/{order_id}/returns",
		Summary: "An order's returns, oldest first", Tags: tags, Errors: []int{http.StatusNotFound},
	}), h.orderReturns)
	for _, s := range returnSteps {
		handle(api, h, guarded(needs(access.ReturnsWrite), huma.Operation{
			OperationID: string(s.step) + "-return", Method: http.MethodPost, Path: "/orders/{order_id}/returns/{return_id}/" + string(s.step),
			Summary: s.doc[:len(s.doc)-1], Description: s.doc + " Runs as an update of the order's workflow; 409 when the return's status does not allow it.",
			Tags: tags, DefaultStatus: http.StatusOK,
			Responses: map[string]*huma.Response{"202": {Description: "Accepted: the step still runs (the provider's refund is being retried)"}},
			Errors:    []int{http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable},
		}), func(ctx context.Context, in *ReturnStepInput) (*ReturnOutput, error) {
			traceOrder(ctx, in.ID.String())
			note := ""
			if in.Body != nil {
				note = in.Body.Note
			}
			r, done, err := h.Orders.StepReturn(ctx, viewer(ctx), in.ID, in.ReturnID, s.step, note)
			return returnOutput(r, done, http.StatusOK, err)
		})
	}
}

func (h *handlers) requestReturn(ctx context.Context, in *ReturnRequestInput) (*ReturnOutput, error) {
	traceOrder(ctx, in.ID.String())
	req := orders.ReturnRequest{Reason: in.Body.Reason}
	for _, l := range in.Body.Lines {
		req.Lines = append(req.Lines, orders.LineQuantity{LineNo: l.LineNo, Quantity: l.Quantity})
	}
	r, done, err := h.Orders.RequestReturn(ctx, viewer(ctx), in.ID, req)
	return returnOutput(r, done, http.StatusCreated, err)
}

// returnOutput answers with the return: status once the workflow did it,
// 202 while it still runs.
func returnOutput(r orders.Return, done bool, status int, err error) (*ReturnOutput, error) {
	if err != nil {
		return nil, err
	}
	if !done {
		status = http.StatusAccepted
	}
	return &ReturnOutput{Status: status, Body: orders.ReturnViewOf(r)}, nil
}

func (h *handlers) orderReturns(ctx context.Context, in *OrderIDPath) (*ListOutput[ReturnPublic], error) {
	traceOrder(ctx, in.ID.String())
	returns, err := h.Orders.Returns(ctx, viewer(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return listOf(returns, orders.ReturnViewOf, counted(len(returns))), nil
}
