package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/acme/orders/db"
	"github.com/acme/orders/workflows"
)

// updateWait bounds how long an action waits for the workflow to finish it
// (a cancel waits for its compensation); past it the action goes on and the
// caller gets 202.
const updateWait = 20 * time.Second

type orderAction struct {
	id, path, summary, update string
	who                       access
}

func (h *handlers) registerOrderActions(api huma.API, tags []string) {
	actions := []orderAction{
		{"cancel-order", "/orders/{order_id}/cancel", "Cancel an order until it ships; payment and stock are given back", workflows.UpdateCancel, loggedIn},
		{"approve-order", "/orders/{order_id}/approve", "Approve an order awaiting approval", workflows.UpdateApprove, superuser},
		{"reject-order", "/orders/{order_id}/reject", "Reject an order awaiting approval (it is cancelled)", workflows.UpdateReject, superuser},
		{"ship-order", "/orders/{order_id}/ship", "Record that a confirmed order shipped (payment is captured)", workflows.UpdateShip, superuser},
		{"deliver-order", "/orders/{order_id}/deliver", "Record that a shipped order was delivered", workflows.UpdateDeliver, superuser},
	}
	for _, a := range actions {
		huma.Register(api, guarded(a.who, huma.Operation{
			OperationID: a.id, Method: http.MethodPost, Path: a.path, Summary: a.summary, Tags: tags,
			Description: "Answers 200 with the order once the workflow has acted, 409 with the reason when the order's state does not allow it, " +
				"or 202 when the action was accepted but is still running.",
			Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable},
		}), func(ctx context.Context, in *OrderActionInput) (*OrderOutput, error) {
			return h.act(ctx, in, a.update)
		})
	}
}

// act asks the order's workflow to do something through a Temporal Update:
// its validator answers at once whether the order's state allows it.
func (h *handlers) act(ctx context.Context, in *OrderActionInput, update string) (*OrderOutput, error) {
	q := db.New(h.DB)
	order, err := h.visibleOrder(ctx, q, in.ID)
	if err != nil {
		return nil, err
	}
	if order.WorkflowStartedAt == nil {
		return nil, huma.Error503ServiceUnavailable("the order's workflow has not started yet; try again shortly")
	}
	action := workflows.Action{Actor: currentUser(ctx).Email}
	if in.Body != nil {
		action.Reason = in.Body.Reason
	}
	handle, err := h.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   workflows.OrderWorkflowID(order.ID),
		UpdateName:   update,
		Args:         []any{action},
		WaitForStage: client.WorkflowUpdateStageAccepted,
	})
	if err != nil {
		return nil, h.actionError(ctx, order, err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, updateWait)
	defer cancel()
	var state workflows.OrderState
	err = handle.Get(waitCtx, &state)
	if err != nil && waitCtx.Err() == nil {
		return nil, h.actionError(ctx, order, err)
	}
	if order, err = q.GetOrder(ctx, order.ID); err != nil {
		return nil, h.fail(ctx, err)
	}
	out, err := h.orderOutput(ctx, q, order, true)
	if err != nil {
		return nil, err
	}
	if waitCtx.Err() != nil {
		out.Status = http.StatusAccepted // accepted, still running
	}
	return out, nil
}

func (h *handlers) actionError(ctx context.Context, order db.Order, err error) error {
	var appErr *temporal.ApplicationError
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &appErr):
		return huma.Error409Conflict(appErr.Message())
	case errors.As(err, &notFound):
		return huma.Error409Conflict("order is " + string(order.Status) + "; its lifecycle is over")
	}
	h.Logger.ErrorContext(ctx, "order action", "order_id", order.ID, "error", err)
	return errWorkflowUnavailable
}
