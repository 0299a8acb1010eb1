package orders

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/events"
)

// ProviderEvent is what the payment provider told the platform of a
// payment, already verified as the provider's: a refund or a dispute made
// outside the platform (in the provider's dashboard). Other events carry
// neither and are only taken note of.
type ProviderEvent struct {
	ID       string // the provider's event ID: an event is taken once
	Provider string // the gateway's name, as payments record it
	Type     string
	Refund   *ProviderRefund
	Dispute  *ProviderDispute
}

// ProviderRefund is a refund as the provider reports it.
type ProviderRefund struct {
	PaymentRef  string // the payment's reference (Stripe: the PaymentIntent)
	RefundRef   string
	AmountCents int64
	Failed      bool // failed or cancelled: it gives nothing back
	Reason      string
}

// ProviderDispute is a customer's dispute of a payment, as the provider
// reports it.
type ProviderDispute struct {
	PaymentRef  string
	DisputeRef  string
	Status      string // the provider's: needs_response, won, lost, …
	AmountCents int64
	Reason      string
}

// TakeProviderEvent records a verified provider event once: a refund
// becomes a refund of the order (its amount counted against the payment),
// a dispute the payment's dispute state, each on the order's timeline and
// in the feed. taken is false for an event taken before. An event about a
// payment the platform does not know is noted and ignored.
func (s *Store) TakeProviderEvent(ctx context.Context, e ProviderEvent) (taken bool, err error) {
	err = s.db.InTx(ctx, func(q *db.Queries) error {
		if _, err := q.AddProviderEvent(ctx, db.AddProviderEventParams{ID: e.ID, Provider: e.Provider, Type: e.Type}); errors.Is(err, db.ErrNotFound) {
			return nil // taken before
		} else if err != nil {
			return err
		}
		taken = true
		var ref string
		switch {
		case e.Refund != nil:
			ref = e.Refund.PaymentRef
		case e.Dispute != nil:
			ref = e.Dispute.PaymentRef
		default:
			return nil
		}
		pay, err := q.GetPaymentByRef(ctx, db.GetPaymentByRefParams{Gateway: e.Provider, GatewayRef: ref})
		if errors.Is(err, db.ErrNotFound) {
			return nil // not a payment of this platform's
		}
		if err != nil {
			return err
		}
		if e.Refund != nil {
			return s.providerRefund(ctx, q, pay.OrderID, *e.Refund)
		}
		return s.providerDispute(ctx, q, pay.OrderID, e.ID, *e.Dispute)
	})
	return taken, dbErrors.Of(err)
}

// providerRefund records a refund made outside the platform, or its change
// (a pending one that failed gives its amount back).
func (s *Store) providerRefund(ctx context.Context, q *db.Queries, orderID uuid.UUID, r ProviderRefund) error {
	status := RefundSucceeded
	if r.Failed {
		status = RefundFailed
	}
	existing, err := q.GetRefundByProviderRef(ctx, &r.RefundRef)
	switch {
	case errors.Is(err, db.ErrNotFound):
		if r.Failed {
			return nil // never counted
		}
		if _, err := q.AddRefunded(ctx, db.AddRefundedParams{OrderID: orderID, DeltaCents: r.AmountCents}); err != nil {
			return fmt.Errorf("provider refund %s of %d: %w", r.RefundRef, r.AmountCents, err)
		}
		row, err := q.CreateRefund(ctx, db.CreateRefundParams{
			ID: uuid.New(), OrderID: orderID, AmountCents: r.AmountCents, Lines: []byte("[]"), Reason: r.Reason,
			Status: string(RefundSucceeded), Source: RefundSourceProvider, Actor: "payment provider", ProviderRef: &r.RefundRef,
		})
		if err != nil {
			return err
		}
		return s.refunded(ctx, q, refundFromDB(row))
	case err != nil:
		return err
	case existing.Status == string(status) || existing.Status == string(RefundFailed):
		return nil // nothing new; a failed refund stays failed
	}
	if status == RefundFailed {
		if _, err := q.AddRefunded(ctx, db.AddRefundedParams{OrderID: orderID, DeltaCents: -existing.AmountCents}); err != nil {
			return err
		}
		if err := q.SetRefundStatus(ctx, db.SetRefundStatusParams{ID: existing.ID, Status: string(status)}); err != nil {
			return err
		}
		return note(ctx, q, orderID, "refund_failed", "payment provider", fmt.Sprintf("refund of %d failed at the provider", existing.AmountCents), "refund-failed:"+existing.ID.String())
	}
	return nil
}

// providerDispute records the dispute's state on the payment, its timeline
// entry, and an order.disputed event when it opens.
func (s *Store) providerDispute(ctx context.Context, q *db.Queries, orderID uuid.UUID, eventID string, d ProviderDispute) error {
	if err := q.SetDispute(ctx, db.SetDisputeParams{OrderID: orderID, Status: &d.Status, AmountCents: d.AmountCents}); err != nil {
		return err
	}
	detail := fmt.Sprintf("dispute %s of %d: %s", d.DisputeRef, d.AmountCents, d.Status)
	if d.Reason != "" {
		detail += " (" + d.Reason + ")"
	}
	if err := note(ctx, q, orderID, "dispute", "payment provider", detail, "dispute:"+eventID); err != nil {
		return err
	}
	return recordOrderEvent(ctx, q, events.TypeOrderDisputed, orderID)
}

// ProviderStripe is the gateway name Stripe's payments are recorded under:
// the Stripe gateway's name, and the provider of Stripe's events.
const ProviderStripe = "stripe"

// RefundIDMetadata is the metadata key under which a refund the platform
// asks of the provider carries its ID there: the provider's events about
// it are then known as the platform's own.
const RefundIDMetadata = "refund_id"
