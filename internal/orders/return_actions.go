package orders

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/access"
)

// ReturnAsk is a return, or a step of one, for an order's workflow: Step
// empty asks for a new return (Request); otherwise it moves return ReturnID
// on.
type ReturnAsk struct {
	OrderID  uuid.UUID
	ReturnID uuid.UUID // chosen by the caller for a new return: asking twice asks once
	Step     ReturnStep
	Request  ReturnRequest
	Actor    string
	Note     string
	Wait     time.Duration
}

// RequestReturn asks the order's workflow to take a return of delivered
// lines, on behalf of the order's customer (or who holds returns:write). Lines the
// order does not have, or more than is left to send back, are a
// *LineQuantityError; an order that is not delivered, or whose return
// window is over, a *RejectedError. done is false when the workflow took
// the request but has not written it yet: the return is then as asked.
func (s *Service) RequestReturn(ctx context.Context, by Viewer, id uuid.UUID, r ReturnRequest) (out Return, done bool, err error) {
	o, err := s.Get(ctx, by, id)
	if err != nil {
		return Return{}, false, err
	}
	if !by.may(o, access.ReturnsWrite) {
		return Return{}, false, ErrNotAllowed
	}
	if err := Returnable(o.Status); err != nil {
		return Return{}, false, err
	}
	asked, _ := tally(o.Returns) // a delivered order is read with its returns
	if err := CheckReturn(o.Lines, asked, r.Lines); err != nil {
		return Return{}, false, err
	}
	ask := ReturnAsk{OrderID: id, ReturnID: uuid.New(), Request: r, Actor: by.Email, Wait: actionWait}
	if done, err = s.askReturn(ctx, ask); err != nil {
		return Return{}, false, err
	}
	out, err = s.store.Return(ctx, ask.ReturnID)
	if errors.Is(err, ErrReturnNotFound) && !done { // taken, not written yet
		now := time.Now()
		return Return{ID: ask.ReturnID, OrderID: id, Lines: r.Lines, Reason: r.Reason, Status: ReturnRequested, Actor: by.Email,
			CreatedAt: now, UpdatedAt: now}, false, nil
	}
	return out, done, err
}

// StepReturn moves a return on for who holds returns:write: approve, reject or
// receive (the goods arrived: they go back on hand and their amount is
// refunded). It returns the return as it then is; done is false when the
// step still runs (the provider's refund is being retried).
func (s *Service) StepReturn(ctx context.Context, by Viewer, id, returnID uuid.UUID, step ReturnStep, note string) (out Return, done bool, err error) {
	if !by.Scopes.Has(access.ReturnsWrite) {
		return Return{}, false, ErrNotAllowed
	}
	r, err := s.store.Return(ctx, returnID)
	if err == nil && r.OrderID != id {
		err = ErrReturnNotFound
	}
	if err != nil {
		return Return{}, false, err
	}
	if err := ReturnAllowed(r.Status, step); err != nil {
		return Return{}, false, err
	}
	ask := ReturnAsk{OrderID: id, ReturnID: returnID, Step: step, Actor: by.Email, Note: note, Wait: actionWait}
	if done, err = s.askReturn(ctx, ask); err != nil {
		return Return{}, false, err
	}
	out, err = s.store.Return(ctx, returnID)
	return out, done, err
}

func (s *Service) askReturn(ctx context.Context, ask ReturnAsk) (done bool, err error) {
	done, err = s.workflows.Return(ctx, ask)
	if errors.Is(err, ErrWorkflowClosed) {
		return false, &RejectedError{Reason: "the order's workflow has completed: its return window is over"}
	}
	return done, err
}

// Returns lists the returns of an order the viewer may see, oldest first.
func (s *Service) Returns(ctx context.Context, by Viewer, id uuid.UUID) ([]Return, error) {
	if _, err := s.visible(ctx, by, id); err != nil {
		return nil, err
	}
	return s.store.Returns(ctx, id)
}
