package workflows_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/internal/emails"
	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/workflows"
)

// lapsing is an order whose authorization holds 7 days, renewed a day
// ahead, and which stays open 30 days after delivery.
func lapsing(total int64) workflows.OrderInput {
	in := input(total)
	in.AuthorizationTTL, in.ReauthorizeBefore, in.ReturnWindow = 7*24*time.Hour, 24*time.Hour, 30*24*time.Hour
	return in
}

// TestOrderAuthorizationRenewedBeforeItLapses: an order unshipped after 6
// days renews its authorization once, then ships as usual.
func TestOrderAuthorizationRenewedBeforeItLapses(t *testing.T) {
	e := newOrderEnv(t)
	e.at(8*24*time.Hour, workflows.UpdateShip, false)
	e.at(9*24*time.Hour, workflows.UpdateDeliver, false)
	st, err := e.finish(lapsing(5_000))
	if err != nil || st.Status != orders.StatusDelivered || !st.PaymentReauthorized {
		t.Fatalf("state %+v, err %v", st, err)
	}
	e.wantCalls(append(append(slices.Clone(upToConfirmed), "ReauthorizePayment"), shipAndDeliver...)...)
}

// TestOrderRenewalDeclinedCancels: a declined renewal cancels the order with
// compensation and tells the customer.
func TestOrderRenewalDeclinedCancels(t *testing.T) {
	e := newOrderEnv(t)
	e.results["ReauthorizePayment"] = func(int) error {
		return temporal.NewNonRetryableApplicationError("payment declined", activities.ErrTypePaymentDeclined, nil)
	}
	started := time.Time{}
	e.SetStartTime(started)
	st, err := e.finish(lapsing(5_000))
	if err != nil || st.Status != orders.StatusCancelled || st.Reason != "the payment authorization lapsed and its renewal was declined" {
		t.Fatalf("state %+v, err %v", st, err)
	}
	if st.PaymentAuthorized || st.StockReserved || st.ShipmentRequested {
		t.Fatalf("cancelled holding something: %+v", st)
	}
	e.wantCalls(append(slices.Clone(upToConfirmed), "ReauthorizePayment failed", "CancelShipment", "ReversePayment", "ReleaseStock", "->cancelled")...)
	if e.counts["email "+string(emails.OrderCancelled)] != 1 {
		t.Fatalf("cancellation e-mails: %d", e.counts["email "+string(emails.OrderCancelled)])
	}
}

// TestOrderSecondLapseCancels: renewed once, an order still unshipped when
// the renewal nears its lapse is cancelled.
func TestOrderSecondLapseCancels(t *testing.T) {
	e := newOrderEnv(t)
	st, err := e.finish(lapsing(5_000))
	if err != nil || st.Status != orders.StatusCancelled || st.Reason != "the payment authorization lapsed before the order shipped" {
		t.Fatalf("state %+v, err %v", st, err)
	}
	e.wantCalls(append(slices.Clone(upToConfirmed), "ReauthorizePayment", "CancelShipment", "ReversePayment", "ReleaseStock", "->cancelled")...)
}

// TestOrderWithoutAuthorizationTTLNeverLapses: with no lifetime configured,
// an order waits for shipment as long as it takes.
func TestOrderWithoutAuthorizationTTLNeverLapses(t *testing.T) {
	e := newOrderEnv(t)
	e.at(60*24*time.Hour, workflows.UpdateShip, false)
	e.at(61*24*time.Hour, workflows.UpdateDeliver, false)
	st, err := e.finish(input(5_000))
	if err != nil || st.Status != orders.StatusDelivered || st.PaymentReauthorized {
		t.Fatalf("state %+v, err %v", st, err)
	}
}

// refundAt asks for a refund after d of workflow time; want is "" for a
// refund that must succeed, or the refusal's text.
func (e *orderEnv) refundAt(d time.Duration, amount int64, want string) {
	e.RegisterDelayedCallback(func() {
		e.UpdateWorkflow(workflows.UpdateRefund, uuid.NewString(), &testsuite.TestUpdateCallback{
			OnReject: func(err error) {
				var app *temporal.ApplicationError
				if want == "" || !errors.As(err, &app) || app.Message() != want {
					e.t.Errorf("refund of %d rejected: %v, want %q", amount, err, want)
				}
			},
			OnAccept: func() {},
			OnComplete: func(_ any, err error) {
				var app *temporal.ApplicationError
				switch {
				case want == "" && err != nil:
					e.t.Errorf("refund of %d: %v", amount, err)
				case want != "" && err != nil && (!errors.As(err, &app) || app.Message() != want):
					e.t.Errorf("refund of %d: %v, want %q", amount, err, want)
				}
			},
		}, workflows.RefundInput{RefundID: uuid.New(), AmountCents: amount, Actor: "ops@example.com"})
	}, d)
}

// TestOrderRefundsWhileShippedAndInTheReturnWindow: refunds run on a shipped
// order and, for the return window, on a delivered one; a refund before
// shipping is refused by the validator; the workflow closes when the
// window ends.
func TestOrderRefundsWhileShippedAndInTheReturnWindow(t *testing.T) {
	e := newOrderEnv(t)
	e.refundAt(30*time.Minute, 1_000, "only a shipped or delivered order can be refunded; this one is confirmed")
	e.at(time.Hour, workflows.UpdateShip, false)
	e.refundAt(90*time.Minute, 1_000, "")
	e.at(2*time.Hour, workflows.UpdateDeliver, false)
	e.refundAt(10*24*time.Hour, 2_000, "")
	in := lapsing(5_000)
	st, err := e.finish(in)
	if err != nil || st.Status != orders.StatusDelivered {
		t.Fatalf("state %+v, err %v", st, err)
	}
	e.wantCalls(append(append(slices.Clone(upToConfirmed), "CapturePayment", "CommitStock", "shipment shipped", "->shipped", "Refund 1000",
		"shipment delivered", "->delivered"), "Refund 2000")...)
}

// TestOrderRefundRetriedUntilTheProviderAnswers: a refund that fails
// transiently is retried, and its update answers once it went through.
func TestOrderRefundRetriedUntilTheProviderAnswers(t *testing.T) {
	e := newOrderEnv(t)
	e.results["Refund 1000"] = func(attempt int) error {
		if attempt < 3 {
			return errors.New("payment gateway unavailable")
		}
		return nil
	}
	e.at(time.Hour, workflows.UpdateShip, false)
	e.refundAt(90*time.Minute, 1_000, "")
	e.at(3*time.Hour, workflows.UpdateDeliver, false)
	if st, err := e.finish(input(5_000)); err != nil || st.Status != orders.StatusDelivered {
		t.Fatalf("state %+v, err %v", st, err)
	}
	if e.counts["Refund 1000"] != 3 {
		t.Fatalf("refund attempts: %d, want 3", e.counts["Refund 1000"])
	}
}
