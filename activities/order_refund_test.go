package activities_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/internal/orders"
)

// captured is a fixture whose order (2 lines of 5 at 100) is confirmed and
// captured: 1,000 to refund.
func captured(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t, [2]int32{5, 5}, [2]int32{5, 5}, activities.TokenApprove)
	if err := f.run(a.ConfirmOrder, confirmInput(f.order)); err != nil {
		t.Fatal(err)
	}
	if err := f.run(a.CapturePayment, f.order); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) refund(in activities.RefundInput) (orders.RefundView, error) {
	return f.refundIn(f.env, in)
}

func (f *fixture) refundIn(env *testsuite.TestActivityEnvironment, in activities.RefundInput) (orders.RefundView, error) {
	in.OrderID, in.Actor = f.order, "ops@example.com"
	if in.RefundID == uuid.Nil {
		in.RefundID = uuid.New()
	}
	v, err := env.ExecuteActivity(a.Refund, in)
	var out orders.RefundView
	if err == nil {
		err = v.Get(&out)
	}
	return out, err
}

func wantRefused(t *testing.T, err error, what string) {
	t.Helper()
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != activities.ErrTypeRefundRefused || !appErr.NonRetryable() {
		t.Fatalf("%s: %v, want a non-retryable RefundRefused", what, err)
	}
}

// TestRefundsNeverExceedTheCapture: two refunds at once of more than half
// cannot both pass; lines are priced and never refunded twice; the
// payment's status follows, and each refund is an event of the feed.
func TestRefundsNeverExceedTheCapture(t *testing.T) {
	f := captured(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		env := f.newEnv() // each its own: an environment runs one activity at a time
		wg.Go(func() { _, errs[i] = f.refundIn(env, activities.RefundInput{AmountCents: 600}) })
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("two refunds of 600 of 1,000: %v, %v", errs[0], errs[1])
	}
	p, err := f.q.GetPayment(t.Context(), f.order)
	if err != nil || p.RefundedCents != 600 || p.Status != "partially_refunded" {
		t.Fatalf("payment %+v %v", p, err)
	}
	r, err := f.refund(activities.RefundInput{Lines: []orders.LineQuantity{{LineNo: 2, Quantity: 4}}, Reason: "damaged"})
	if err != nil || r.AmountCents != 400 || r.Status != orders.RefundSucceeded || r.Reference == "" {
		t.Fatalf("refund of 4 of line 2: %+v %v", r, err)
	}
	_, err = f.refund(activities.RefundInput{Lines: []orders.LineQuantity{{LineNo: 2, Quantity: 2}}})
	wantRefused(t, err, "line 2 has 1 left")
	_, err = f.refund(activities.RefundInput{AmountCents: 1})
	wantRefused(t, err, "nothing left")
	if p, _ := f.q.GetPayment(t.Context(), f.order); p.RefundedCents != 1_000 || p.Status != "refunded" {
		t.Fatalf("payment %+v", p)
	}
	var types []string
	rows, err := f.pool.Query(t.Context(), `SELECT type FROM events WHERE order_id = $1 AND type LIKE '%refunded' ORDER BY seq`, f.order)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var typ string
		_ = rows.Scan(&typ)
		types = append(types, typ)
	}
	if len(types) != 2 || types[0] != "order.partially_refunded" || types[1] != "order.refunded" {
		t.Fatalf("events %v", types)
	}
}

// TestRefundRetriedAfterATransientFailure: the provider's transient failure
// leaves the refund pending and its amount held; the retry, under the same
// refund ID, settles it once.
func TestRefundRetriedAfterATransientFailure(t *testing.T) {
	f := captured(t)
	f.gateway.RefundFailures = 1
	in := activities.RefundInput{RefundID: uuid.New(), AmountCents: 250}
	if _, err := f.refund(in); err == nil {
		t.Fatal("the first attempt succeeded despite the gateway's failure")
	}
	var appErr *temporal.ApplicationError
	if _, err := f.refund(in); err != nil && errors.As(err, &appErr) {
		t.Fatalf("retry: %v", err)
	}
	r, err := f.refund(in) // a third time: settled already, nothing more
	if err != nil || r.Status != orders.RefundSucceeded || r.AmountCents != 250 {
		t.Fatalf("retry: %+v %v", r, err)
	}
	if p, _ := f.q.GetPayment(t.Context(), f.order); p.RefundedCents != 250 {
		t.Fatalf("refunded %d, want 250 once", p.RefundedCents)
	}
}

// TestRefundBeforeCaptureIsRefused: an authorized payment has nothing to
// refund.
func TestRefundBeforeCaptureIsRefused(t *testing.T) {
	f := newFixture(t, [2]int32{5, 5}, [2]int32{5, 5}, activities.TokenApprove)
	if err := f.run(a.ConfirmOrder, confirmInput(f.order)); err != nil {
		t.Fatal(err)
	}
	_, err := f.refund(activities.RefundInput{AmountCents: 100})
	wantRefused(t, err, "refund of an uncaptured payment")
}

// TestReauthorizeRenewsOnce: the renewal takes a new authorization, voids
// the old one and records it; a second call changes nothing.
func TestReauthorizeRenewsOnce(t *testing.T) {
	f := newFixture(t, [2]int32{5, 5}, [2]int32{5, 5}, activities.TokenApprove)
	if err := f.run(a.ConfirmOrder, confirmInput(f.order)); err != nil {
		t.Fatal(err)
	}
	before, _ := f.q.GetPayment(t.Context(), f.order)
	for range 2 {
		if err := f.run(a.ReauthorizePayment, activities.ReauthorizeInput{OrderID: f.order, AuthorizationTTL: 168 * 3600e9}); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := f.q.GetPayment(t.Context(), f.order)
	if !after.Reauthorized || after.GatewayRef == before.GatewayRef || after.ExpiresAt == nil || f.gateway.authorizations.Load() != 2 {
		t.Fatalf("before %+v, after %+v, %d authorizations", before, after, f.gateway.authorizations.Load())
	}
}
