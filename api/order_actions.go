package api

import (
	"context"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"github.com/acme/orders/internal/orders"
)

// stillRunning is an action's 202: the order as it is while the workflow
// carries the action out.
func stillRunning(api huma.API) *huma.Response {
	order := api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[OrderPublic](), true, "")
	return &huma.Response{
		Description: "Accepted: the workflow is still carrying the action out; the order as it is now",
		Headers:     map[string]*huma.Param{"Location": {Description: "The order", Schema: &huma.Schema{Type: huma.TypeString}}},
		Content:     map[string]*huma.MediaType{"application/json": {Schema: order}},
	}
}

type orderAction struct {
	id, path, summary string
	action            orders.Action
	who               access
}

func (h *handlers) registerOrderActions(api huma.API, tags []string) {
	actions := []orderAction{
		{"cancel-order", "/orders/{order_id}/cancel", "Cancel an order until it ships; payment and stock are given back", orders.ActionCancel, loggedIn},
		{"approve-order", "/orders/{order_id}/approve", "Approve an order awaiting approval", orders.ActionApprove, superuser},
		{"reject-order", "/orders/{order_id}/reject", "Reject an order awaiting approval (it is cancelled)", orders.ActionReject, superuser},
		{"ship-order", "/orders/{order_id}/ship", "Record that a confirmed order shipped (payment is captured)", orders.ActionShip, superuser},
		{"deliver-order", "/orders/{order_id}/deliver", "Record that a shipped order was delivered", orders.ActionDeliver, superuser},
	}
	for _, a := range actions {
		handle(api, h, guarded(a.who, huma.Operation{
			OperationID: a.id, Method: http.MethodPost, Path: a.path, Summary: a.summary, Tags: tags,
			DefaultStatus: http.StatusOK, Responses: map[string]*huma.Response{"202": stillRunning(api)},
			Description: "Answers 200 with the order once the workflow has acted, 409 with the reason when the order's state does not allow it, " +
				"or 202 when the action was accepted but is still running.",
			Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable},
		}), func(ctx context.Context, in *OrderActionInput) (*OrderOutput, error) {
			traceOrder(ctx, in.ID.String())
			reason := ""
			if in.Body != nil {
				reason = in.Body.Reason
			}
			o, done, err := h.Orders.Act(ctx, viewer(ctx), in.ID, a.action, reason)
			if err != nil {
				return nil, err
			}
			if !done {
				return orderOutput(o, http.StatusAccepted), nil // accepted, still running
			}
			return orderOutput(o, http.StatusOK), nil
		})
	}
}
