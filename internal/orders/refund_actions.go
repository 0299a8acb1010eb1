package orders

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/access"
)

// RefundAsk is a refund for an order's workflow: the workflow holds it,
// asks the provider (retrying what fails for a while) and settles it.
type RefundAsk struct {
	OrderID  uuid.UUID
	RefundID uuid.UUID // chosen by the caller: asking twice refunds once
	Request  RefundRequest
	Actor    string
	Wait     time.Duration
}

// Refundable tells whether an order in status s takes refunds: once its
// payment is captured, that is once it shipped.
func Refundable(s Status) error {
	if s == StatusShipped || s == StatusDelivered {
		return nil
	}
	return &RejectedError{Reason: fmt.Sprintf("only a shipped or delivered order can be refunded; this one is %s", s)}
}

// Refund asks the order's workflow to give money back, on behalf of a
// caller who holds refunds:write: an amount, or lines at their prices. Lines the order does not
// have are a *LineQuantityError; an order that is not shipped or delivered,
// or a refund beyond what is left of the captured amount, a *RejectedError
// with the reason. It returns the refund; done is false when it was
// accepted but still runs (the provider is being retried).
func (s *Service) Refund(ctx context.Context, by Viewer, id uuid.UUID, r RefundRequest) (out Refund, done bool, err error) {
	if !by.Scopes.Has(access.RefundsWrite) {
		return Refund{}, false, ErrNotAllowed
	}
	o, err := s.store.Get(ctx, id)
	if err != nil {
		return Refund{}, false, err
	}
	if err := Refundable(o.Status); err != nil {
		return Refund{}, false, err
	}
	var refunded map[int32]int32 // what earlier refunds gave back of each line: only lines need it
	if len(r.Lines) > 0 {
		if refunded, err = s.store.RefundedQuantities(ctx, id); err != nil {
			return Refund{}, false, err
		}
	}
	if err := CheckRefund(o, r, refunded); errors.Is(err, ErrNothingToRefund) {
		return Refund{}, false, &RejectedError{Reason: err.Error()}
	} else if err != nil {
		return Refund{}, false, err
	}
	ask := RefundAsk{OrderID: id, RefundID: uuid.New(), Request: r, Actor: by.Email, Wait: actionWait}
	done, err = s.workflows.Refund(ctx, ask)
	if errors.Is(err, ErrWorkflowClosed) {
		return Refund{}, false, &RejectedError{Reason: "the order's workflow has completed: its refund window is over"}
	}
	if err != nil {
		return Refund{}, false, err
	}
	out, err = s.store.Refund(ctx, ask.RefundID)
	if errors.Is(err, ErrRefundNotFound) && !done { // accepted, not held yet
		return Refund{ID: ask.RefundID, OrderID: id, AmountCents: r.AmountCents, Lines: r.Lines, Reason: r.Reason,
			Status: RefundPending, Source: RefundSourceAPI, Actor: by.Email, CreatedAt: time.Now(), UpdatedAt: time.Now()}, false, nil
	}
	return out, done, err
}

// Refunds lists the refunds of an order the viewer may see, oldest first.
func (s *Service) Refunds(ctx context.Context, by Viewer, id uuid.UUID) ([]Refund, error) {
	if _, err := s.visible(ctx, by, id); err != nil {
		return nil, err
	}
	return s.store.Refunds(ctx, id)
}

// TakeProviderEvent records a verified event of the payment provider once
// (Store.TakeProviderEvent).
func (s *Service) TakeProviderEvent(ctx context.Context, e ProviderEvent) (taken bool, err error) {
	return s.store.TakeProviderEvent(ctx, e)
}
