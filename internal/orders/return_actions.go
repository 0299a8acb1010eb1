package orders

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
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
// lines, on behalf of the order's customer (or a superuser). Lines the
// order does not have, or more than is left to send back, are a
// *LineQuantityError; an order that is not delivered, or whose return
// window is over, a *RejectedError.
func (s *Service) RequestReturn(ctx context.Context, by Viewer, id uuid.UUID, r ReturnRequest) (Return, error) {
	o, err := s.Get(ctx, by, id)
	if err != nil {
		return Return{}, err
	}
	if err := Returnable(o.Status); err != nil {
		return Return{}, err
	}
	asked, _, err := returnedQuantities(ctx, s.store.db.Q(), id)
	if err != nil {
		return Return{}, dbErrors.Of(err)
	}
	if err := CheckReturn(o.Lines, asked, r.Lines); err != nil {
		return Return{}, err
	}
	ask := ReturnAsk{OrderID: id, ReturnID: uuid.New(), Request: r, Actor: by.Email, Wait: actionWait}
	if err := s.askReturn(ctx, ask); err != nil {
		return Return{}, err
	}
	return s.store.Return(ctx, ask.ReturnID)
}

// StepReturn moves a return on for a superuser: approve, reject or
// receive (the goods arrived: they go back on hand and their amount is
// refunded). It returns the return as it then is.
func (s *Service) StepReturn(ctx context.Context, by Viewer, id, returnID uuid.UUID, step ReturnStep, note string) (Return, error) {
	if !by.Superuser {
		return Return{}, ErrNotAllowed
	}
	r, err := s.store.Return(ctx, returnID)
	if err == nil && r.OrderID != id {
		err = ErrReturnNotFound
	}
	if err != nil {
		return Return{}, err
	}
	if err := ReturnAllowed(r.Status, step); err != nil {
		return Return{}, err
	}
	ask := ReturnAsk{OrderID: id, ReturnID: returnID, Step: step, Actor: by.Email, Note: note, Wait: actionWait}
	if err := s.askReturn(ctx, ask); err != nil {
		return Return{}, err
	}
	return s.store.Return(ctx, returnID)
}

func (s *Service) askReturn(ctx context.Context, ask ReturnAsk) error {
	_, err := s.workflows.Return(ctx, ask)
	if errors.Is(err, ErrWorkflowClosed) {
		return &RejectedError{Reason: "the order's workflow has completed: its return window is over"}
	}
	return err
}

// Returns lists the returns of an order the viewer may see, oldest first.
func (s *Service) Returns(ctx context.Context, by Viewer, id uuid.UUID) ([]Return, error) {
	if _, err := s.visible(ctx, by, id); err != nil {
		return nil, err
	}
	return s.store.Returns(ctx, id)
}
