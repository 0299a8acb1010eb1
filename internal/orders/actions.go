package orders

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// actionWait bounds how long an action waits for the workflow to finish it
// (a cancel waits for its compensation); past it the action goes on, and
// the caller learns that it was accepted but still runs.
const actionWait = 20 * time.Second

// Act asks the order's workflow for an action on behalf of the viewer. The
// workflow decides at once whether the order's state allows it (a refusal
// is a *RejectedError with the reason). It returns the order as the action
// left it; done is false when the action was accepted but still runs.
func (s *Service) Act(ctx context.Context, by Viewer, id uuid.UUID, action Action, reason string) (o Order, done bool, err error) {
	o, err = s.visible(ctx, by, id)
	if err != nil {
		return Order{}, false, err
	}
	if !o.WorkflowStarted {
		return Order{}, false, ErrWorkflowNotStarted
	}
	done, err = s.workflows.Act(ctx, ActRequest{OrderID: id, Action: action, Actor: by.Email, Reason: reason, Wait: actionWait})
	if errors.Is(err, ErrWorkflowClosed) {
		return Order{}, false, &RejectedError{Reason: fmt.Sprintf("order is %s; its lifecycle is over", o.Status)}
	}
	if err != nil {
		return Order{}, false, err
	}
	o, err = s.store.Get(ctx, id)
	return o, done, err
}
