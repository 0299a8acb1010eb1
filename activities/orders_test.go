package activities_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/catalog"
	"github.com/acme/orders/internal/emails"
	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/testenv"
)

// fixture is an order of two products in a fresh database, and the
// activities over it, run in Temporal's activity test environment.
type fixture struct {
	t        *testing.T
	pool     *pgxpool.Pool
	q        *db.Queries
	env      *testsuite.TestActivityEnvironment
	deps     activities.Deps
	gateway  *countingGateway
	mail     *recorder
	order    uuid.UUID
	products [2]uuid.UUID
}

// countingGateway is the simulated gateway, counting authorizations.
type countingGateway struct {
	*activities.SimulatedGateway
	authorizations atomic.Int32
}

func (g *countingGateway) Authorize(ctx context.Context, a activities.Authorize) (activities.Authorized, error) {
	g.authorizations.Add(1)
	return g.SimulatedGateway.Authorize(ctx, a)
}

func newFixture(t *testing.T, stock [2]int32, qty [2]int32, token string) *fixture {
	t.Helper()
	pool, _ := testenv.NewPool(t)
	store := db.NewStore(pool)
	f := &fixture{t: t, pool: pool, q: store.Q(), gateway: &countingGateway{SimulatedGateway: activities.NewSimulatedGateway()}}
	ctx := t.Context()
	user, err := f.q.CreateUser(ctx, db.CreateUserParams{Email: "c@example.com", PasswordHash: "x", IsActive: true, Role: "customer"})
	if err != nil {
		t.Fatal(err)
	}
	key := "k"
	place := db.PlaceOrderParams{ID: uuid.New(), CustomerID: user.ID, Currency: "EUR", TotalCents: 1000,
		ShippingAddress: []byte(`{}`), PaymentToken: token, IdempotencyKey: &key, RequestHash: "h", Actor: "c@example.com"}
	for i := range 2 {
		p, err := f.q.CreateProduct(ctx, db.CreateProductParams{Sku: uuid.NewString()[:8], Name: "P", PriceCents: 100, Currency: "EUR", Active: true})
		if err != nil {
			t.Fatal(err)
		}
		f.products[i] = p.ID
		if err := f.q.CreateInventory(ctx, db.CreateInventoryParams{ProductID: p.ID, OnHand: stock[i]}); err != nil {
			t.Fatal(err)
		}
		place.ProductIds, place.Skus, place.Names = append(place.ProductIds, p.ID), append(place.Skus, p.Sku), append(place.Names, p.Name)
		place.UnitPricesCents, place.Quantities = append(place.UnitPricesCents, 100), append(place.Quantities, qty[i])
	}
	order, err := f.q.PlaceOrder(ctx, place)
	if err != nil {
		t.Fatal(err)
	}
	f.order = order.ID
	f.mail = &recorder{}
	f.deps = activities.Deps{Orders: orders.NewStore(store), Stock: catalog.NewStore(store), Payments: f.gateway, Carrier: activities.SimulatedCarrier{},
		Mailer: f.mail, ProjectName: "Shop"}
	f.env = f.newEnv()
	return f
}

// newEnv is another activity environment over the fixture's activities:
// one environment runs one activity at a time.
func (f *fixture) newEnv() *testsuite.TestActivityEnvironment {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	activities.Register(env, f.deps)
	return env
}

var a *activities.Orders

func (f *fixture) run(activity, arg any) error {
	f.t.Helper()
	_, err := f.env.ExecuteActivity(activity, arg)
	return err
}

// reserved and onHand read the two products' stock.
func (f *fixture) reserved() [2]int32 {
	return f.stock(func(i db.Inventory) int32 { return i.Reserved })
}
func (f *fixture) onHand() [2]int32 { return f.stock(func(i db.Inventory) int32 { return i.OnHand }) }

func (f *fixture) stock(field func(db.Inventory) int32) [2]int32 {
	f.t.Helper()
	var out [2]int32
	for i, id := range f.products {
		inv, err := f.q.GetInventory(f.t.Context(), id)
		if err != nil {
			f.t.Fatal(err)
		}
		out[i] = field(inv)
	}
	return out
}

func TestReserveIsAllOrNothingAndIdempotent(t *testing.T) {
	f := newFixture(t, [2]int32{5, 1}, [2]int32{2, 2}, activities.TokenApprove) // the second line cannot be had
	err := f.run(a.ReserveStock, f.order)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != activities.ErrTypeOutOfStock {
		t.Fatalf("want OutOfStock, got %v", err)
	}
	if got := f.reserved(); got != [2]int32{0, 0} {
		t.Fatalf("out of stock left %v reserved", got)
	}

	f2 := newFixture(t, [2]int32{5, 5}, [2]int32{2, 3}, activities.TokenApprove)
	for range 2 { // a retry after success changes nothing
		if err := f2.run(a.ReserveStock, f2.order); err != nil {
			t.Fatal(err)
		}
	}
	if got := f2.reserved(); got != [2]int32{2, 3} {
		t.Fatalf("reserved %v, want [2 3]", got)
	}
	for range 2 {
		if err := f2.run(a.ReleaseStock, f2.order); err != nil {
			t.Fatal(err)
		}
	}
	if got := f2.reserved(); got != [2]int32{0, 0} {
		t.Fatalf("after release %v", got)
	}
}

func TestTransitionRetriedWritesOneEvent(t *testing.T) {
	f := newFixture(t, [2]int32{5, 5}, [2]int32{1, 1}, activities.TokenApprove)
	in := activities.TransitionInput{OrderID: f.order, From: orders.StatusPending, Action: orders.ActionConfirm, Actor: orders.ActorSystem}
	for range 3 {
		if err := f.run(a.Transition, in); err != nil {
			t.Fatal(err)
		}
	}
	events, err := f.q.ListOrderEvents(t.Context(), f.order)
	if err != nil || len(events) != 2 || events[1].Type != "status_changed" { // placed, then confirmed once
		t.Fatalf("%d events, %v", len(events), err)
	}
	var appErr *temporal.ApplicationError
	for _, wrong := range []activities.TransitionInput{
		{OrderID: f.order, From: orders.StatusPending, Action: orders.ActionShip},    // not in the lifecycle table
		{OrderID: f.order, From: orders.StatusShipped, Action: orders.ActionDeliver}, // the order is confirmed, not shipped
	} {
		if err := f.run(a.Transition, wrong); !errors.As(err, &appErr) || appErr.Type() != activities.ErrTypeInvalidTransition || !appErr.NonRetryable() {
			t.Fatalf("%s from %s: %v", wrong.Action, wrong.From, err)
		}
	}
}

func TestPaymentIsReversedOnce(t *testing.T) {
	f := newFixture(t, [2]int32{5, 5}, [2]int32{1, 1}, activities.TokenApprove)
	if err := f.run(a.ConfirmOrder, confirmInput(f.order)); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := f.run(a.ReversePayment, f.order); err != nil {
			t.Fatal(err)
		}
	}
	p, err := f.q.GetPayment(t.Context(), f.order)
	if err != nil || p.Status != "voided" {
		t.Fatalf("payment %+v %v", p, err)
	}
}

// confirmInput confirms a pending order without approval.
func confirmInput(order uuid.UUID) activities.ConfirmInput {
	return activities.ConfirmInput{TransitionInput: activities.TransitionInput{OrderID: order, From: orders.StatusPending, Action: orders.ActionConfirm,
		Actor: orders.ActorSystem, Detail: "stock reserved and payment authorized"}}
}

// recorder is a mail relay that keeps what it is sent.
type recorder struct {
	mu   sync.Mutex
	sent []activities.Mail
}

func (r *recorder) Send(_ context.Context, m activities.Mail) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, m)
	return nil
}

func TestConfirmOrderChargesOnceAndConfirmsOnce(t *testing.T) {
	f := newFixture(t, [2]int32{5, 5}, [2]int32{1, 1}, activities.TokenApprove)
	in := confirmInput(f.order)
	for range 3 { // retried after success: no second charge, no second event
		if err := f.run(a.ConfirmOrder, in); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.gateway.authorizations.Load(); n != 1 {
		t.Fatalf("gateway asked %d times, want once", n)
	}
	order, err := f.q.GetOrder(t.Context(), f.order)
	if err != nil || order.Status != "confirmed" {
		t.Fatalf("order %s %v", order.Status, err)
	}
	events, err := f.q.ListOrderEvents(t.Context(), f.order)
	if err != nil || len(events) != 2 || *events[1].ToStatus != "confirmed" {
		t.Fatalf("events %+v %v", events, err)
	}

	declined := newFixture(t, [2]int32{5, 5}, [2]int32{1, 1}, activities.TokenDecline)
	var appErr *temporal.ApplicationError
	err = declined.run(a.ConfirmOrder, confirmInput(declined.order))
	if !errors.As(err, &appErr) || appErr.Type() != activities.ErrTypePaymentDeclined || !appErr.NonRetryable() {
		t.Fatalf("decline: %v", err)
	}
	if order, err := declined.q.GetOrder(t.Context(), declined.order); err != nil || order.Status != "pending" {
		t.Fatalf("a declined order stays pending for the workflow to fail it: %s %v", order.Status, err)
	}
	transient := newFixture(t, [2]int32{5, 5}, [2]int32{1, 1}, activities.TokenTransient)
	if err := transient.run(a.ConfirmOrder, confirmInput(transient.order)); err == nil || errors.As(err, &appErr) && appErr.NonRetryable() {
		t.Fatalf("transient failure must be retryable: %v", err)
	}
}

// TestConfirmationEmailIsBuiltWhenSent: an order's e-mail names only the
// order; the activity reads the recipient and the lines from it.
func TestConfirmationEmailIsBuiltWhenSent(t *testing.T) {
	f := newFixture(t, [2]int32{5, 5}, [2]int32{2, 1}, activities.TokenApprove)
	var e *activities.Emails
	if err := f.run(e.SendEmail, activities.EmailRequest{Template: emails.OrderConfirmation, OrderID: f.order}); err != nil {
		t.Fatal(err)
	}
	if len(f.mail.sent) != 1 {
		t.Fatalf("sent %d e-mails", len(f.mail.sent))
	}
	m := f.mail.sent[0]
	if m.To != "c@example.com" || !strings.Contains(m.Text, f.order.String()) || !strings.Contains(m.Text, "2 x P") {
		t.Fatalf("e-mail to %s:\n%s", m.To, m.Text)
	}
}
