package activities

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"

	"github.com/acme/orders/internal/orders"
)

// ReturnInput is a return the order's workflow takes, or a step of one
// (Step empty: a new return of Lines).
type ReturnInput struct {
	OrderID  uuid.UUID             `json:"order_id"`
	ReturnID uuid.UUID             `json:"return_id"`
	Step     orders.ReturnStep     `json:"step,omitempty"`
	Lines    []orders.LineQuantity `json:"lines,omitempty"`
	Reason   string                `json:"reason,omitempty"`
	Actor    string                `json:"actor"`
}

// ReturnOutcome is a return as a step left it, and whether every unit of
// the order has now come back.
type ReturnOutcome struct {
	Return      orders.ReturnView `json:"return"`
	AllReturned bool              `json:"all_returned,omitempty"`
}

// RequestReturn writes a requested return (Store.RequestReturn). Lines the
// order does not have or has sent back already, or an order that is not
// delivered, are a non-retryable ReturnRefused with the reason.
func (o *Orders) RequestReturn(ctx context.Context, in ReturnInput) (orders.ReturnView, error) {
	r, err := o.Store.RequestReturn(ctx, in.ReturnID, in.OrderID, orders.ReturnRequest{Lines: in.Lines, Reason: in.Reason}, in.Actor)
	if err != nil {
		return orders.ReturnView{}, returnFailure(err)
	}
	return orders.ReturnViewOf(r), nil
}

// DecideReturn approves or rejects a requested return (Step); the system
// also rejects an approved one whose goods never came.
func (o *Orders) DecideReturn(ctx context.Context, in ReturnInput) (orders.ReturnView, error) {
	r, err := o.Store.MoveReturn(ctx, in.ReturnID, in.Step, in.Actor, in.Reason, nil)
	if err != nil {
		return orders.ReturnView{}, returnFailure(err)
	}
	return orders.ReturnViewOf(r), nil
}

// ReceiveReturn records an approved return's goods as arrived and puts
// them back on hand (once, however often it runs).
func (o *Orders) ReceiveReturn(ctx context.Context, in ReturnInput) (orders.ReturnView, error) {
	r, err := o.Store.MoveReturn(ctx, in.ReturnID, orders.ReturnReceive, in.Actor, in.Reason, nil)
	if err != nil {
		return orders.ReturnView{}, returnFailure(err)
	}
	lines, err := o.Store.Lines(ctx, in.OrderID)
	if err != nil {
		return orders.ReturnView{}, failure(err)
	}
	back := make([]orders.Line, len(r.Lines))
	for i, l := range r.Lines {
		back[i] = lines[l.LineNo-1]
		back[i].Quantity = l.Quantity
	}
	if err := o.Stock.Restock(ctx, r.ID, orders.StockHolds(back)); err != nil {
		return orders.ReturnView{}, err
	}
	return orders.ReturnViewOf(r), nil
}

// RefundReturn refunds a received return's lines through the provider (the
// Refund step, under the return's ID: a retry refunds once), each at most
// what earlier refunds left of it, and marks the return refunded. The
// provider's refusal is a non-retryable RefundRefused; the return stays
// received, for an operator to refund by hand.
func (o *Orders) RefundReturn(ctx context.Context, in ReturnInput) (ReturnOutcome, error) {
	r, err := o.Store.Return(ctx, in.ReturnID)
	if err != nil {
		return ReturnOutcome{}, returnFailure(err)
	}
	var refundID *uuid.UUID
	if r.Status == orders.ReturnReceived {
		lines, err := o.Store.ReturnRefundLines(ctx, r)
		if err != nil {
			return ReturnOutcome{}, err
		}
		if len(lines) > 0 {
			refund, err := o.Refund(ctx, RefundInput{
				OrderID: in.OrderID, RefundID: r.ID, Lines: lines, Reason: "return " + r.ID.String(), Actor: in.Actor,
			})
			if err != nil {
				return ReturnOutcome{}, err
			}
			refundID = &refund.ID
		}
	}
	if r, err = o.Store.MoveReturn(ctx, r.ID, orders.ReturnRefund, in.Actor, "", refundID); err != nil {
		return ReturnOutcome{}, returnFailure(err)
	}
	all, err := o.Store.AllReturned(ctx, in.OrderID)
	if err != nil {
		return ReturnOutcome{}, err
	}
	return ReturnOutcome{Return: orders.ReturnViewOf(r), AllReturned: all}, nil
}

// returnFailure makes the order's refusals of a return non-retryable
// ReturnRefused errors; anything else stays retryable.
func returnFailure(err error) error {
	var rejected *orders.RejectedError
	var lines *orders.LineQuantityError
	if errors.As(err, &rejected) || errors.As(err, &lines) || errors.Is(err, orders.ErrReturnNotFound) {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeReturnRefused, nil)
	}
	return failure(err)
}
