package workflows_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/internal/emails"
	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/testenv"
	"github.com/acme/orders/workflowclient"
	"github.com/acme/orders/workflows"
)

// The live tests run the workflows on the package's Temporal dev server,
// on a worker whose order activities are stubs (stubOrders): the real
// workflow code, with real updates, signals, timers, cancellation and
// history, and no database. They record the replay histories too.
func TestMain(m *testing.M) { testenv.Main(m) }

// live is one test's worker, on a task queue of its own.
type live struct {
	t      *testing.T
	client client.Client
	orders *workflowclient.Client // as the API starts and acts on orders
	silent *workflowclient.Client // the same, with no mail relay configured
	stubs  *stubOrders
	hooks  *stubWebhooks
	queue  string
}

func newLive(t *testing.T) *live {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: testenv.SharedTemporal(t).HostPort(), Namespace: "default", Logger: log.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	queue := "workflows-test-" + uuid.NewString()
	l := &live{t: t, client: c, queue: queue, stubs: &stubOrders{gates: map[uuid.UUID]chan struct{}{}, fails: map[uuid.UUID]map[string]error{}, flaky: map[uuid.UUID]int{},
		refunded: map[uuid.UUID]int64{}, refunds: map[uuid.UUID]int64{}, returns: map[uuid.UUID]*stubReturn{}, back: map[uuid.UUID]map[int32]int32{}},
		orders: workflowclient.NewClient(c, workflowclient.ClientOptions{TaskQueue: queue, EmailsEnabled: true}),
		silent: workflowclient.NewClient(c, workflowclient.ClientOptions{TaskQueue: queue}),
		hooks:  &stubWebhooks{scripts: map[uuid.UUID][]activities.PumpResult{}, pumps: map[uuid.UUID]int{}},
	}
	w := worker.New(c, queue, worker.Options{})
	workflows.Register(w)
	w.RegisterActivity(l.stubs)
	w.RegisterActivity(&stubEmails{})
	w.RegisterActivity(l.hooks)
	w.RegisterActivity(&activities.Utils{})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return l
}

const approvalThreshold = 100_000

// order is what start places: a total below or above the approval threshold.
type order struct {
	id      uuid.UUID // a new one unless set (the stubs may hold or fail its steps)
	total   int64
	timeout time.Duration // the approval's; 48h unless set
	silent  bool          // placed with no mail relay
	payment orders.PaymentTimes
	// historyLimit continues the run as new past this many events (started
	// as the held ones are, since the API's start does not set it).
	historyLimit int
}

// start starts an order's workflow as the API does and returns its ID.
// An order whose stock reservation the stubs hold is started with a short
// workflow task timeout instead: a local activity holds its workflow task,
// which answers queries and takes updates only once it heartbeats (at 80 %
// of the timeout).
func (l *live) start(o order) uuid.UUID {
	l.t.Helper()
	id := o.id
	if id == uuid.Nil {
		id = uuid.New()
	}
	if o.timeout == 0 {
		o.timeout = 48 * time.Hour
	}
	if held := l.stubs.held(id); held || o.historyLimit > 0 {
		in := workflows.OrderInput{OrderID: id, TotalCents: o.total, Currency: "EUR", ApprovalThresholdCents: approvalThreshold,
			ApprovalTimeout: o.timeout, NoEmails: o.silent, CustomerEmail: "ann@example.com", Lines: 1,
			AuthorizationTTL: o.payment.AuthorizationTTL, ReauthorizeBefore: o.payment.ReauthorizeBefore, ReturnWindow: o.payment.ReturnWindow,
			HistoryLimit: o.historyLimit}
		opts := client.StartWorkflowOptions{ID: workflows.OrderWorkflowID(id), TaskQueue: l.queue}
		if held {
			opts.WorkflowTaskTimeout = time.Second
		}
		_, err := l.client.ExecuteWorkflow(l.t.Context(), opts, workflows.OrderWorkflowName, in)
		if err != nil {
			l.t.Fatal(err)
		}
		return id
	}
	c := l.orders
	if o.silent {
		c = l.silent
	}
	err := c.StartOrder(l.t.Context(), orders.Start{OrderID: id, TotalCents: o.total, Currency: "EUR",
		ApprovalThresholdCents: approvalThreshold, ApprovalTimeout: o.timeout, Payment: o.payment,
		CustomerEmail: "ann@example.com", Lines: 1, PlacedAt: time.Now()})
	if err != nil {
		l.t.Fatal(err)
	}
	return id
}

// state queries the order's workflow.
func (l *live) state(id uuid.UUID) (workflows.OrderState, error) {
	v, err := l.client.QueryWorkflow(l.t.Context(), workflows.OrderWorkflowID(id), "", workflows.QueryState)
	var st workflows.OrderState
	if err == nil {
		err = v.Get(&st)
	}
	return st, err
}

// waitFor waits until the order's workflow reports the status.
func (l *live) waitFor(id uuid.UUID, want orders.Status) {
	l.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := l.state(id)
		if err == nil && st.Status == want {
			return
		}
		if time.Now().After(deadline) {
			l.t.Fatalf("order %s: want %s, last state %+v (%v)", id, want, st, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// act asks for an action through the client the API uses, and waits for
// its outcome.
func (l *live) act(id uuid.UUID, a orders.Action) error {
	l.t.Helper()
	done, err := l.ask(id, a, 30*time.Second)
	if err == nil && !done {
		l.t.Fatalf("order %s: %s still running after 30s", id, a)
	}
	return err
}

// ask asks for an action and waits up to wait for its outcome; done is
// false when it was accepted and still runs.
func (l *live) ask(id uuid.UUID, a orders.Action, wait time.Duration) (done bool, err error) {
	return l.orders.Act(l.t.Context(), orders.ActRequest{OrderID: id, Action: a, Actor: "ops@example.com", Wait: wait})
}

// must asks for an action that the order must allow.
func (l *live) must(id uuid.UUID, a orders.Action) {
	l.t.Helper()
	if err := l.act(id, a); err != nil {
		l.t.Fatalf("order %s: %s: %v", id, a, err)
	}
}

// refund asks the order's workflow for a refund, as the API does, and
// waits for its outcome.
func (l *live) refund(id uuid.UUID, amount int64) error {
	l.t.Helper()
	done, err := l.orders.Refund(l.t.Context(), orders.RefundAsk{OrderID: id, RefundID: uuid.New(),
		Request: orders.RefundRequest{AmountCents: amount}, Actor: "ops@example.com", Wait: 30 * time.Second})
	if err == nil && !done {
		l.t.Fatalf("order %s: refund still running after 30s", id)
	}
	return err
}

// returnStep asks for a new return of lines (step empty) or a step of
// return id, as the API does, and waits for its outcome.
func (l *live) returnStep(orderID, id uuid.UUID, step orders.ReturnStep, lines ...orders.LineQuantity) {
	l.t.Helper()
	done, err := l.orders.Return(l.t.Context(), orders.ReturnAsk{OrderID: orderID, ReturnID: id, Step: step,
		Request: orders.ReturnRequest{Lines: lines}, Actor: "ops@example.com", Wait: 30 * time.Second})
	if err != nil || !done {
		l.t.Fatalf("order %s: return %s %q: done %v, %v", orderID, id, step, done, err)
	}
}

// signal reports an action as a fact from outside.
func (l *live) signal(id uuid.UUID, name string) {
	l.t.Helper()
	if err := l.client.SignalWorkflow(l.t.Context(), workflows.OrderWorkflowID(id), "", name, workflows.ActionInput{Actor: "carrier"}); err != nil {
		l.t.Fatal(err)
	}
}

// result waits for the order's workflow to close and returns its state.
func (l *live) result(id uuid.UUID) (workflows.OrderState, error) {
	l.t.Helper()
	ctx, cancel := context.WithTimeout(l.t.Context(), 60*time.Second)
	defer cancel()
	var st workflows.OrderState
	err := l.client.GetWorkflow(ctx, workflows.OrderWorkflowID(id), "").Get(ctx, &st)
	return st, err
}

// finish waits for the order's workflow to close with the status.
func (l *live) finish(id uuid.UUID, want orders.Status) workflows.OrderState {
	l.t.Helper()
	st, err := l.result(id)
	if err != nil || st.Status != want {
		l.t.Fatalf("order %s ended %+v (%v), want %s", id, st, err, want)
	}
	return st
}

// stubOrders stands in for activities.Orders under the same method names:
// every step succeeds unless the test holds or fails it for one order.
// Transition keeps the lifecycle table as the real store does.
type stubOrders struct {
	mu    sync.Mutex
	gates map[uuid.UUID]chan struct{}    // ReserveStock waits until closed
	fails map[uuid.UUID]map[string]error // a step's final answer
	flaky map[uuid.UUID]int              // ConfirmOrder (or Refund) attempts that fail first
	// What Refund gave back, per order and per refund.
	refunded map[uuid.UUID]int64
	refunds  map[uuid.UUID]int64
	// The returns (every order has returnedLines): their status and lines,
	// and the units back per order and line.
	returns map[uuid.UUID]*stubReturn
	back    map[uuid.UUID]map[int32]int32
}

type stubReturn struct {
	status orders.ReturnStatus
	lines  []orders.LineQuantity
}

// hold makes the order's stock reservation wait until release is called.
func (s *stubOrders) hold(id uuid.UUID) (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	gate := make(chan struct{})
	s.gates[id] = gate
	return sync.OnceFunc(func() { close(gate) })
}

// fail makes the step end the order's way with a business failure.
// held reports whether the order's stock reservation is held.
func (s *stubOrders) held(id uuid.UUID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gates[id] != nil
}

func (s *stubOrders) fail(id uuid.UUID, step, errType, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fails[id] == nil {
		s.fails[id] = map[string]error{}
	}
	s.fails[id][step] = temporal.NewNonRetryableApplicationError(message, errType, nil)
}

func (s *stubOrders) failure(id uuid.UUID, step string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fails[id][step]
}

func (s *stubOrders) ReserveStock(ctx context.Context, id uuid.UUID) error {
	s.mu.Lock()
	gate := s.gates[id]
	s.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return s.failure(id, "ReserveStock")
}

func (s *stubOrders) ConfirmOrder(ctx context.Context, in activities.ConfirmInput) error {
	if in.Reserve {
		if err := s.ReserveStock(ctx, in.OrderID); err != nil {
			return err
		}
	}
	s.mu.Lock()
	if s.flaky[in.OrderID] > 0 {
		s.flaky[in.OrderID]--
		s.mu.Unlock()
		return errors.New("payment gateway unavailable")
	}
	s.mu.Unlock()
	if err := s.failure(in.OrderID, "ConfirmOrder"); err != nil {
		return err
	}
	return s.Transition(context.Background(), in.TransitionInput)
}

func (s *stubOrders) ReauthorizePayment(_ context.Context, in activities.ReauthorizeInput) error {
	return s.failure(in.OrderID, "ReauthorizePayment")
}

// stubCaptured is what every stub order captured: the scenarios' 5,000.
const stubCaptured = 5_000

// Refund refunds up to stubCaptured per order, failing transiently first
// as many times as flaky says for the order.
func (s *stubOrders) Refund(_ context.Context, in activities.RefundInput) (orders.RefundView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flaky[in.OrderID] > 0 {
		s.flaky[in.OrderID]--
		return orders.RefundView{}, errors.New("payment gateway unavailable")
	}
	if s.refunds[in.RefundID] == 0 {
		if s.refunded[in.OrderID]+in.AmountCents > stubCaptured {
			return orders.RefundView{}, temporal.NewNonRetryableApplicationError("the refund exceeds what is left to refund", activities.ErrTypeRefundRefused, nil)
		}
		s.refunded[in.OrderID] += in.AmountCents
		s.refunds[in.RefundID] = in.AmountCents
	}
	return orders.RefundView{ID: in.RefundID, OrderID: in.OrderID, AmountCents: in.AmountCents, Status: orders.RefundSucceeded}, nil
}

func (s *stubOrders) RequestReturn(_ context.Context, in activities.ReturnInput) (orders.ReturnView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.returns[in.ReturnID] == nil {
		s.returns[in.ReturnID] = &stubReturn{status: orders.ReturnRequested, lines: in.Lines}
	}
	return s.returnView(in.ReturnID), nil
}

func (s *stubOrders) DecideReturn(_ context.Context, in activities.ReturnInput) (orders.ReturnView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.returns[in.ReturnID].status = orders.ReturnApproved
	if in.Step == orders.ReturnReject {
		s.returns[in.ReturnID].status = orders.ReturnRejected
	}
	return s.returnView(in.ReturnID), nil
}

func (s *stubOrders) ReceiveReturn(_ context.Context, in activities.ReturnInput) (orders.ReturnView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.returns[in.ReturnID]; r.status == orders.ReturnApproved {
		r.status = orders.ReturnReceived
		if s.back[in.OrderID] == nil {
			s.back[in.OrderID] = map[int32]int32{}
		}
		for _, l := range r.lines {
			s.back[in.OrderID][l.LineNo] += l.Quantity
		}
	}
	return s.returnView(in.ReturnID), nil
}

func (s *stubOrders) RefundReturn(_ context.Context, in activities.ReturnInput) (activities.ReturnOutcome, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.returns[in.ReturnID].status = orders.ReturnRefunded
	all := true
	for no, q := range returnedLines {
		all = all && s.back[in.OrderID][no] == q
	}
	return activities.ReturnOutcome{Return: s.returnView(in.ReturnID), AllReturned: all}, nil
}

func (s *stubOrders) returnView(id uuid.UUID) orders.ReturnView {
	return orders.ReturnView{ID: id, Lines: s.returns[id].lines, Status: s.returns[id].status}
}

func (s *stubOrders) Transition(_ context.Context, in activities.TransitionInput) error {
	if rule := orders.Decide(in.From, in.Action); !rule.Allowed {
		return temporal.NewNonRetryableApplicationError(rule.Refusal, activities.ErrTypeInvalidTransition, nil)
	}
	return nil
}

func (*stubOrders) ReleaseStock(context.Context, uuid.UUID) error    { return nil }
func (*stubOrders) CommitStock(context.Context, uuid.UUID) error     { return nil }
func (*stubOrders) CapturePayment(context.Context, uuid.UUID) error  { return nil }
func (*stubOrders) ReversePayment(context.Context, uuid.UUID) error  { return nil }
func (*stubOrders) RequestShipment(context.Context, uuid.UUID) error { return nil }
func (*stubOrders) CancelShipment(context.Context, uuid.UUID) error  { return nil }
func (*stubOrders) MarkShipment(context.Context, activities.MarkShipmentInput) error {
	return nil
}
func (s *stubOrders) ShipOrder(ctx context.Context, in activities.ShipInput) error {
	return s.Transition(ctx, in.TransitionInput)
}
func (s *stubOrders) DeliverOrder(ctx context.Context, in activities.TransitionInput) error {
	return s.Transition(ctx, in)
}

// stubEmails stands in for activities.Emails: every e-mail is sent.
type stubEmails struct{}

func (*stubEmails) SendEmail(context.Context, activities.EmailRequest) error { return nil }

// stubWebhooks stands in for activities.Webhooks: each endpoint's pumps
// answer what its script says, in turn, then idle with nothing due.
type stubWebhooks struct {
	mu      sync.Mutex
	scripts map[uuid.UUID][]activities.PumpResult
	pumps   map[uuid.UUID]int
	emails  int
}

func (s *stubWebhooks) script(id uuid.UUID, results ...activities.PumpResult) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scripts[id] = results
}

func (s *stubWebhooks) pumped(id uuid.UUID) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pumps[id]
}

func (s *stubWebhooks) Pump(_ context.Context, in activities.PumpInput) (activities.PumpResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pumps[in.EndpointID]++
	script := s.scripts[in.EndpointID]
	if len(script) == 0 {
		return activities.PumpResult{Idle: true}, nil
	}
	s.scripts[in.EndpointID] = script[1:]
	return script[0], nil
}

func (s *stubWebhooks) DisabledEmails(context.Context, activities.WebhookDisabled) ([]activities.EmailRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emails++
	return []activities.EmailRequest{{To: "ops@example.com", Template: emails.WebhookDisabled}}, nil
}

func (*stubWebhooks) PurgeEvents(context.Context, time.Duration) (int64, error) { return 3, nil }
