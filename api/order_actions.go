package api

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

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

// orderActions are the HTTP face of the lifecycle's askable actions; who
// may call each and what it answers come from the lifecycle table.
var orderActions = map[orders.Action]struct{ id, summary string }{
	orders.ActionCancel:  {"cancel-order", "Cancel an order until it ships; payment and stock are given back"},
	orders.ActionApprove: {"approve-order", "Approve an order awaiting approval"},
	orders.ActionReject:  {"reject-order", "Reject an order awaiting approval (it is cancelled)"},
	orders.ActionShip:    {"ship-order", "Record that a confirmed order shipped, with its carrier and tracking (payment is captured)"},
	orders.ActionDeliver: {"deliver-order", "Record that a shipped order was delivered"},
}

func (h *handlers) registerOrderActions(api huma.API, tags []string) {
	for _, action := range orders.Askable() {
		if action == orders.ActionShip {
			registerOrderAction(h, api, tags, action, func(in *ShipOrderInput) (string, *orders.ShipmentDetails) {
				if in.Body == nil {
					return "", nil
				}
				return in.Body.Reason, &orders.ShipmentDetails{
					Carrier: in.Body.Carrier, TrackingNumber: in.Body.TrackingNumber, TrackingURL: in.Body.TrackingURL,
				}
			})
			continue
		}
		registerOrderAction(h, api, tags, action, func(in *OrderActionInput) (string, *orders.ShipmentDetails) {
			if in.Body == nil {
				return "", nil
			}
			return in.Body.Reason, nil
		})
	}
}

// registerOrderAction registers one action, whose input I gives the order,
// the reason and, for ship, the shipment's details.
func registerOrderAction[I interface{ orderID() uuid.UUID }](h *handlers, api huma.API, tags []string, action orders.Action,
	details func(*I) (string, *orders.ShipmentDetails)) {
	a := orderActions[action]
	who := needs(orders.ActionScope(action))
	if orders.MayAsk(orders.PartyCustomer, action) {
		who = own(orders.ActionScope(action))
	}
	handle(api, h, guarded(who, huma.Operation{
		OperationID: a.id, Method: http.MethodPost, Path: "/orders/{order_id}/" + string(action), Summary: a.summary, Tags: tags,
		DefaultStatus: http.StatusOK, Responses: map[string]*huma.Response{"202": stillRunning(api)},
		Description: actionDescription(action),
		Errors:      []int{http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable},
	}), func(ctx context.Context, in *I) (*OrderOutput, error) {
		id := (*in).orderID()
		traceOrder(ctx, id.String())
		reason, shipment := details(in)
		o, done, err := h.Orders.Act(ctx, viewer(ctx), id, action, reason, shipment)
		if err != nil {
			return nil, err
		}
		if !done {
			return orderOutput(o, http.StatusAccepted), nil // accepted, still running
		}
		return orderOutput(o, http.StatusOK), nil
	})
}

// actionDescription tells, from the lifecycle table, from which statuses
// the action is allowed, where it leads and who may ask.
func actionDescription(a orders.Action) string {
	var from, parties []string
	for _, r := range orders.Rules() {
		if r.Action == a && r.Allowed {
			from = append(from, fmt.Sprintf("`%s` (the order becomes `%s`)", r.Status, r.Next))
		}
	}
	for _, p := range orders.Parties(a) {
		parties = append(parties, string(p))
	}
	return fmt.Sprintf("Allowed from %s. Who may ask: %s (a customer only of their own order). "+
		"Answers 200 with the order once the workflow has acted, 409 with the reason when the order's state does not allow it, "+
		"or 202 when the action was accepted but is still running.", strings.Join(from, ", "), strings.Join(parties, ", "))
}
