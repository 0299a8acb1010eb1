package orders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/events"
)

// RefundStatus is where a refund stands: pending holds its amount against
// the payment while the provider is asked; failed gives it back.
type RefundStatus string

const (
	RefundPending   RefundStatus = "pending"
	RefundSucceeded RefundStatus = "succeeded"
	RefundFailed    RefundStatus = "failed"
)

// Where a refund came from.
const (
	RefundSourceAPI      = "api"      // asked of the platform
	RefundSourceProvider = "provider" // made in the provider's dashboard
)

// Refund is money given back on a captured payment.
type Refund struct {
	ID          uuid.UUID
	OrderID     uuid.UUID
	AmountCents int64
	Lines       []LineQuantity // empty for an amount
	Reason      string
	Status      RefundStatus
	Source      string
	Actor       string
	ProviderRef string
	Failure     string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// LineQuantity is a quantity of one of the order's lines, refunded or
// returned.
type LineQuantity struct {
	LineNo   int32 `json:"line_no"`
	Quantity int32 `json:"quantity"`
}

// RefundRequest is what an operator asks to refund: an amount, or lines
// (their unit prices times the quantities).
type RefundRequest struct {
	AmountCents int64
	Lines       []LineQuantity
	Reason      string
}

// The refunds' errors: the answers of a refund the order's state refuses.
var (
	// ErrNothingToRefund: the payment is not captured (the order has not
	// shipped), or there is no payment.
	ErrNothingToRefund = errors.New("nothing captured to refund")
	// ErrRefundExceeds: more than captured minus already refunded.
	ErrRefundExceeds = errors.New("the refund exceeds what is left to refund")
	// ErrRefundNotFound: no such refund of the order.
	ErrRefundNotFound = errors.New("refund not found")
)

// LineQuantityError is a refund's or return's line that the order does not have, or a
// quantity beyond what is left of it.
type LineQuantityError struct {
	Action  string // refund or return
	Index   int
	Field   string // line_no or quantity
	Message string
	Value   int32
}

func (e *LineQuantityError) Error() string { return e.Message }

// linesAmount prices the lines of a refund or a return (what) against the
// order's, each at most what is left of it after the earlier ones (used).
func linesAmount(lines []Line, used map[int32]int32, want []LineQuantity, what string) (int64, error) {
	var total int64
	seen := map[int32]bool{}
	for i, w := range want {
		if w.LineNo < 1 || int(w.LineNo) > len(lines) || seen[w.LineNo] {
			return 0, &LineQuantityError{Action: what, Index: i, Field: "line_no", Value: w.LineNo, Message: "no such line, or named twice"}
		}
		seen[w.LineNo] = true
		l := lines[w.LineNo-1]
		if left := l.Quantity - used[w.LineNo]; w.Quantity < 1 || w.Quantity > left {
			return 0, &LineQuantityError{Action: what, Index: i, Field: "quantity", Value: w.Quantity,
				Message: fmt.Sprintf("line %d has %d left to %s", w.LineNo, left, what)}
		}
		total += l.UnitPriceCents * int64(w.Quantity)
	}
	return total, nil
}

// CheckRefund judges a request against the order as read (lines, payment):
// the lines must be the order's, within what is left of them, and
// something must be captured. What is left of the money is judged again
// when the refund is held.
func CheckRefund(o Order, r RefundRequest, refunded map[int32]int32) error {
	if len(r.Lines) > 0 {
		if _, err := linesAmount(o.Lines, refunded, r.Lines, "refund"); err != nil {
			return err
		}
	}
	if o.Payment == nil || o.Payment.CapturedCents == 0 {
		return ErrNothingToRefund
	}
	return nil
}

// HoldRefund starts a refund: it prices it, holds its amount against the
// payment (refused with ErrRefundExceeds when that would pass what was
// captured; the payment's row lock makes two at once wait for each other)
// and writes it pending. Retried with the same ID, it returns the refund
// it wrote.
func (s *Store) HoldRefund(ctx context.Context, id, orderID uuid.UUID, r RefundRequest, actor string) (Refund, error) {
	var out Refund
	err := s.db.InTx(ctx, func(q *db.Queries) error {
		if existing, err := q.GetRefund(ctx, id); err == nil {
			out = refundFromDB(existing)
			return nil
		} else if !errors.Is(err, db.ErrNotFound) {
			return err
		}
		pay, err := q.LockPayment(ctx, orderID)
		if errors.Is(err, db.ErrNotFound) {
			return ErrNothingToRefund
		}
		if err != nil {
			return err
		}
		amount := r.AmountCents
		if len(r.Lines) > 0 {
			if amount, err = s.priceLines(ctx, q, orderID, r.Lines); err != nil {
				return err
			}
		}
		if pay.CapturedCents == 0 {
			return ErrNothingToRefund
		}
		if left := pay.CapturedCents - pay.RefundedCents; amount > left {
			return fmt.Errorf("%w: %d asked, %d left of %d captured", ErrRefundExceeds, amount, left, pay.CapturedCents)
		}
		if _, err := q.AddRefunded(ctx, db.AddRefundedParams{OrderID: orderID, DeltaCents: amount}); err != nil {
			return err
		}
		lines, _ := json.Marshal(nonNil(r.Lines))
		row, err := q.CreateRefund(ctx, db.CreateRefundParams{
			ID: id, OrderID: orderID, AmountCents: amount, Lines: lines, Reason: r.Reason,
			Status: string(RefundPending), Source: RefundSourceAPI, Actor: actor,
		})
		out = refundFromDB(row)
		return err
	})
	return out, dbErrors.Of(err)
}

func (s *Store) priceLines(ctx context.Context, q *db.Queries, orderID uuid.UUID, want []LineQuantity) (int64, error) {
	lines, err := linesOf(ctx, q, orderID)
	if err != nil {
		return 0, err
	}
	refunded, err := refundedQuantities(ctx, q, orderID)
	if err != nil {
		return 0, err
	}
	return linesAmount(lines, refunded, want, "refund")
}

// RefundedQuantities is how many of each line (by number) refunds gave back.
func (s *Store) RefundedQuantities(ctx context.Context, orderID uuid.UUID) (map[int32]int32, error) {
	m, err := refundedQuantities(ctx, s.db.Q(), orderID)
	return m, dbErrors.Of(err)
}

func refundedQuantities(ctx context.Context, q *db.Queries, orderID uuid.UUID) (map[int32]int32, error) {
	rows, err := q.RefundedQuantities(ctx, orderID)
	if err != nil {
		return nil, err
	}
	m := make(map[int32]int32, len(rows))
	for _, r := range rows {
		m[r.LineNo] = r.Quantity
	}
	return m, nil
}

// SettleRefund records the provider's answer to a pending refund: succeeded
// (with its reference), or failed (its amount is given back to the
// payment). A success is written to the timeline and as an order.refunded
// or order.partially_refunded event. Settling a settled refund changes
// nothing.
func (s *Store) SettleRefund(ctx context.Context, id uuid.UUID, providerRef, failure string) (Refund, error) {
	var out Refund
	err := s.db.InTx(ctx, func(q *db.Queries) error {
		status := RefundSucceeded
		if failure != "" {
			status = RefundFailed
		}
		row, err := q.SettleRefund(ctx, db.SettleRefundParams{ID: id, Status: string(status), ProviderRef: db.Text(providerRef), Failure: db.Text(failure)})
		if errors.Is(err, db.ErrNotFound) { // settled before: a retry
			existing, gerr := q.GetRefund(ctx, id)
			out = refundFromDB(existing)
			return gerr
		}
		if err != nil {
			return err
		}
		out = refundFromDB(row)
		if status == RefundFailed {
			if _, err := q.AddRefunded(ctx, db.AddRefundedParams{OrderID: row.OrderID, DeltaCents: -row.AmountCents}); err != nil {
				return err
			}
			return note(ctx, q, row.OrderID, "refund_failed", row.Actor, fmt.Sprintf("refund of %d failed: %s", row.AmountCents, failure), "refund:"+id.String())
		}
		return s.refunded(ctx, q, out)
	})
	return out, dbErrors.Of(err)
}

// refunded writes a refund that went through to the timeline and the feed.
func (s *Store) refunded(ctx context.Context, q *db.Queries, r Refund) error {
	detail := fmt.Sprintf("refunded %d", r.AmountCents)
	if r.Reason != "" {
		detail += ": " + r.Reason
	}
	if err := note(ctx, q, r.OrderID, "refunded", r.Actor, detail, "refund:"+r.ID.String()); err != nil {
		return err
	}
	o, err := readOrder(ctx, q, r.OrderID)
	if err != nil {
		return err
	}
	typ := events.TypeOrderPartiallyRefunded
	if o.Payment != nil && o.Payment.RefundedCents == o.Payment.CapturedCents {
		typ = events.TypeOrderRefunded
	}
	return events.Record(ctx, q, typ, o.ID, ViewOf(o))
}

// Refunds lists an order's refunds, oldest first.
func (s *Store) Refunds(ctx context.Context, orderID uuid.UUID) ([]Refund, error) {
	rows, err := s.db.Q().ListRefunds(ctx, orderID)
	if err != nil {
		return nil, dbErrors.Of(err)
	}
	out := make([]Refund, len(rows))
	for i, r := range rows {
		out[i] = refundFromDB(r)
	}
	return out, nil
}

// Refund returns one refund.
func (s *Store) Refund(ctx context.Context, id uuid.UUID) (Refund, error) {
	row, err := s.db.Q().GetRefund(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		return Refund{}, ErrRefundNotFound
	}
	return refundFromDB(row), dbErrors.Of(err)
}

func refundFromDB(r db.Refund) Refund {
	out := Refund{
		ID: r.ID, OrderID: r.OrderID, AmountCents: r.AmountCents, Reason: r.Reason, Status: RefundStatus(r.Status),
		Source: r.Source, Actor: r.Actor, ProviderRef: db.TextOf(r.ProviderRef), Failure: db.TextOf(r.Failure),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Lines: []LineQuantity{},
	}
	_ = json.Unmarshal(r.Lines, &out.Lines) // written by HoldRefund, always valid
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
