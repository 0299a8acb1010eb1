package orders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/events"
)

// ReturnStatus is where a return stands: requested (an operator decides),
// approved (the goods may come) or rejected, received (back on hand), then
// refunded.
type ReturnStatus string

const (
	ReturnRequested ReturnStatus = "requested"
	ReturnApproved  ReturnStatus = "approved"
	ReturnRejected  ReturnStatus = "rejected"
	ReturnReceived  ReturnStatus = "received"
	ReturnRefunded  ReturnStatus = "refunded"
)

// Open reports whether the return still waits for a decision or the goods.
func (s ReturnStatus) Open() bool { return s == ReturnRequested || s == ReturnApproved }

// Return is delivered goods the customer sends back.
type Return struct {
	ID           uuid.UUID
	OrderID      uuid.UUID
	Lines        []LineQuantity
	Reason       string
	Status       ReturnStatus
	Actor        string // who asked
	DecidedBy    string
	DecisionNote string
	RefundID     *uuid.UUID
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ReturnRequest is what a customer asks to send back.
type ReturnRequest struct {
	Lines  []LineQuantity
	Reason string
}

// ReturnStep is what moves a return on: an operator's decision, the goods'
// arrival, its refund.
type ReturnStep string

const (
	ReturnApprove ReturnStep = "approve"
	ReturnReject  ReturnStep = "reject"
	ReturnReceive ReturnStep = "receive"
	ReturnRefund  ReturnStep = "refund"
)

// returnSteps is each step's rule: from which statuses, to which, and the
// feed's event.
var returnSteps = map[ReturnStep]struct {
	from  []ReturnStatus
	to    ReturnStatus
	event string
}{
	ReturnApprove: {[]ReturnStatus{ReturnRequested}, ReturnApproved, events.TypeOrderReturnApproved},
	// An approved return whose goods never came is rejected when the window
	// closes.
	ReturnReject:  {[]ReturnStatus{ReturnRequested, ReturnApproved}, ReturnRejected, events.TypeOrderReturnRejected},
	ReturnReceive: {[]ReturnStatus{ReturnApproved}, ReturnReceived, events.TypeOrderReturnReceived},
	ReturnRefund:  {[]ReturnStatus{ReturnReceived}, ReturnRefunded, events.TypeOrderReturnRefunded},
}

// ReturnAllowed tells whether a return in status s can take the step; the
// error is the refusal, for a 409.
func ReturnAllowed(s ReturnStatus, step ReturnStep) error {
	rule, ok := returnSteps[step]
	if !ok {
		return &RejectedError{Reason: fmt.Sprintf("%q is not a return step", step)}
	}
	if !slices.Contains(rule.from, s) {
		return &RejectedError{Reason: fmt.Sprintf("the return is %s; %s needs it %s", s, step, joinStatuses(rule.from))}
	}
	return nil
}

func joinStatuses(ss []ReturnStatus) string {
	out := string(ss[0])
	for _, s := range ss[1:] {
		out += " or " + string(s)
	}
	return out
}

// ErrReturnNotFound: no such return of the order.
var ErrReturnNotFound = errors.New("return not found")

// Returnable tells whether an order in status s takes return requests.
func Returnable(s Status) error {
	if s == StatusDelivered {
		return nil
	}
	return &RejectedError{Reason: fmt.Sprintf("only a delivered order can be returned; this one is %s", s)}
}

// CheckReturn judges the lines of a return against the order's lines and
// what its other returns (but the rejected) already send back.
func CheckReturn(lines []Line, returned map[int32]int32, want []LineQuantity) error {
	_, err := linesAmount(lines, returned, want, "return")
	return err
}

// RequestReturn writes a requested return, its timeline entry and its
// order.return_requested event, under the order's row lock so that two
// returns at once cannot send back more than was delivered. The order must
// be delivered. Retried with the same ID, it returns the return it wrote.
func (s *Store) RequestReturn(ctx context.Context, id, orderID uuid.UUID, r ReturnRequest, actor string) (Return, error) {
	var out Return
	err := s.db.InTx(ctx, func(q *db.Queries) error {
		if existing, err := q.GetReturn(ctx, id); err == nil {
			out = returnFromDB(existing)
			return nil
		} else if !errors.Is(err, db.ErrNotFound) {
			return err
		}
		status, err := q.LockOrderStatus(ctx, orderID)
		if err != nil {
			return err
		}
		if err := Returnable(Status(status)); err != nil {
			return err
		}
		lines, err := linesOf(ctx, q, orderID)
		if err != nil {
			return err
		}
		others, err := returnsOf(ctx, q, orderID)
		if err != nil {
			return err
		}
		asked, _ := tally(others)
		if err := CheckReturn(lines, asked, r.Lines); err != nil {
			return err
		}
		encoded, _ := json.Marshal(r.Lines)
		row, err := q.CreateReturn(ctx, db.CreateReturnParams{ID: id, OrderID: orderID, Lines: encoded, Reason: r.Reason, Actor: actor})
		if err != nil {
			return err
		}
		out = returnFromDB(row)
		detail := fmt.Sprintf("return %s requested: %s", id, describeLines(out.Lines))
		if r.Reason != "" {
			detail += ": " + r.Reason
		}
		return s.returnNoted(ctx, q, out, "return_requested", actor, detail, events.TypeOrderReturnRequested)
	})
	return out, dbErrors.Of(err)
}

// MoveReturn takes a step of a return (ReturnApprove, ReturnReject,
// ReturnReceive, ReturnRefund with the refund's ID, or none when earlier
// refunds had already given the lines' money back), writing its timeline
// entry and event. Retried after it moved, it returns the return as it is;
// a step the return's status does not allow is a *RejectedError.
func (s *Store) MoveReturn(ctx context.Context, id uuid.UUID, step ReturnStep, actor, note string, refundID *uuid.UUID) (Return, error) {
	rule, ok := returnSteps[step]
	if !ok {
		return Return{}, ReturnAllowed("", step)
	}
	var out Return
	err := s.db.InTx(ctx, func(q *db.Queries) error {
		from := make([]string, len(rule.from))
		for i, f := range rule.from {
			from[i] = string(f)
		}
		p := db.MoveReturnParams{ID: id, Status: string(rule.to), FromStatuses: from, RefundID: refundID}
		if step == ReturnApprove || step == ReturnReject {
			p.DecidedBy, p.DecisionNote = &actor, &note
		}
		row, err := q.MoveReturn(ctx, p)
		if errors.Is(err, db.ErrNotFound) {
			existing, gerr := q.GetReturn(ctx, id)
			if errors.Is(gerr, db.ErrNotFound) {
				return ErrReturnNotFound
			}
			out = returnFromDB(existing)
			if gerr != nil || out.Status == rule.to {
				return gerr // moved by an earlier attempt
			}
			return ReturnAllowed(out.Status, step)
		}
		if err != nil {
			return err
		}
		out = returnFromDB(row)
		detail := fmt.Sprintf("return %s %s", id, rule.to)
		if note != "" {
			detail += ": " + note
		}
		return s.returnNoted(ctx, q, out, "return_"+string(rule.to), actor, detail, rule.event)
	})
	return out, dbErrors.Of(err)
}

// returnNoted writes a return's step to the order's timeline and feed.
func (s *Store) returnNoted(ctx context.Context, q *db.Queries, r Return, typ, actor, detail, event string) error {
	if err := note(ctx, q, r.OrderID, typ, actor, detail, typ+":"+r.ID.String()); err != nil {
		return err
	}
	return recordOrderEvent(ctx, q, event, r.OrderID)
}

func describeLines(lines []LineQuantity) string {
	out := ""
	for i, l := range lines {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("line %d ×%d", l.LineNo, l.Quantity)
	}
	return out
}

// ReturnRefundLines is what a received return's refund gives back: its
// lines, each at most what earlier refunds left of it (an operator may have
// refunded them before the goods came).
func (s *Store) ReturnRefundLines(ctx context.Context, r Return) ([]LineQuantity, error) {
	refunded, err := s.RefundedQuantities(ctx, r.OrderID)
	if err != nil {
		return nil, err
	}
	lines, err := s.Lines(ctx, r.OrderID)
	if err != nil {
		return nil, err
	}
	var out []LineQuantity
	for _, l := range r.Lines {
		left := lines[l.LineNo-1].Quantity - refunded[l.LineNo]
		if q := min(l.Quantity, left); q > 0 {
			out = append(out, LineQuantity{LineNo: l.LineNo, Quantity: q})
		}
	}
	return out, nil
}

// AllReturned reports whether every unit of the order came back.
func (s *Store) AllReturned(ctx context.Context, orderID uuid.UUID) (bool, error) {
	lines, err := s.Lines(ctx, orderID)
	if err != nil {
		return false, err
	}
	returns, err := s.Returns(ctx, orderID)
	if err != nil {
		return false, err
	}
	_, back := tally(returns)
	for i, l := range lines {
		if back[int32(i+1)] < l.Quantity {
			return false, nil
		}
	}
	return true, nil
}

// tally is how many of each line (by number) the returns (but the
// rejected) send back, and how many of those came back.
func tally(returns []Return) (asked, back map[int32]int32) {
	asked, back = map[int32]int32{}, map[int32]int32{}
	for _, r := range returns {
		if r.Status == ReturnRejected {
			continue
		}
		for _, l := range r.Lines {
			asked[l.LineNo] += l.Quantity
			if r.Status == ReturnReceived || r.Status == ReturnRefunded {
				back[l.LineNo] += l.Quantity
			}
		}
	}
	return asked, back
}

// Returns lists an order's returns, oldest first.
func (s *Store) Returns(ctx context.Context, orderID uuid.UUID) ([]Return, error) {
	out, err := returnsOf(ctx, s.db.Q(), orderID)
	return out, dbErrors.Of(err)
}

func returnsOf(ctx context.Context, q *db.Queries, orderID uuid.UUID) ([]Return, error) {
	rows, err := q.ListReturns(ctx, orderID)
	if err != nil {
		return nil, err
	}
	out := make([]Return, len(rows))
	for i, r := range rows {
		out[i] = returnFromDB(r)
	}
	return out, nil
}

// Return returns one return.
func (s *Store) Return(ctx context.Context, id uuid.UUID) (Return, error) {
	row, err := s.db.Q().GetReturn(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		return Return{}, ErrReturnNotFound
	}
	return returnFromDB(row), dbErrors.Of(err)
}

func returnFromDB(r db.Return) Return {
	out := Return{
		ID: r.ID, OrderID: r.OrderID, Reason: r.Reason, Status: ReturnStatus(r.Status), Actor: r.Actor,
		DecidedBy: db.TextOf(r.DecidedBy), DecisionNote: db.TextOf(r.DecisionNote), RefundID: r.RefundID,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
	_ = json.Unmarshal(r.Lines, &out.Lines) // written by RequestReturn, always valid
	return out
}
