package orders_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/catalog"
	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/testenv"
)

// fakeWorkflows stands in for Temporal: it records what the service asks,
// and answers what a test sets.
type fakeWorkflows struct {
	mu       sync.Mutex
	starts   []orders.Start
	tries    int // StartOrder calls, failed ones included
	startErr error
	block    chan struct{} // when set, StartOrder waits for it to close
	calling  chan struct{} // when set, StartOrder signals it is being called
	refunds  []orders.RefundAsk
	returns  []orders.ReturnAsk
	acts     []orders.ActRequest
	done     bool
	actErr   error
}

func (f *fakeWorkflows) StartOrder(ctx context.Context, s orders.Start) error {
	f.mu.Lock()
	f.tries++
	block, calling, err := f.block, f.calling, f.startErr
	f.mu.Unlock()
	if calling != nil {
		calling <- struct{}{}
	}
	if block != nil {
		<-block
	}
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.starts = append(f.starts, s)
	return nil
}

func (f *fakeWorkflows) Act(_ context.Context, r orders.ActRequest) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.acts = append(f.acts, r)
	return f.done, f.actErr
}

func (f *fakeWorkflows) Refund(_ context.Context, r orders.RefundAsk) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refunds = append(f.refunds, r)
	return f.done, f.actErr
}

func (f *fakeWorkflows) Return(_ context.Context, r orders.ReturnAsk) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.returns = append(f.returns, r)
	return f.done, f.actErr
}

func (f *fakeWorkflows) startTries() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tries
}

func (f *fakeWorkflows) started() []orders.Start {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]orders.Start(nil), f.starts...)
}

var opts = orders.Options{ApprovalThresholdCents: 100_000, ApprovalTimeout: time.Hour, RetryInterval: time.Second}

// fixture is the order service over a fresh database, with a customer, an
// operator and the fake workflow engine.
type fixture struct {
	t        *testing.T
	pool     *pgxpool.Pool
	store    *db.Store
	wf       *fakeWorkflows
	svc      *orders.Service
	customer orders.Viewer
	operator orders.Viewer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	pool, _ := testenv.NewPool(t)
	f := &fixture{t: t, pool: pool, store: db.NewStore(pool), wf: &fakeWorkflows{}}
	f.svc = f.service()
	f.customer = f.user("ann@example.com", access.Customer)
	f.operator = f.user("ops@example.com", access.AdminRole)
	return f
}

// service is another service over the same database and fake, as a second
// API process would have.
func (f *fixture) service() *orders.Service {
	return orders.NewService(orders.NewStore(f.store), catalog.NewStore(f.store), f.wf, opts, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// user creates an account with the role and returns it as a viewer.
func (f *fixture) user(email string, role access.Role) orders.Viewer {
	f.t.Helper()
	u, err := f.store.Q().CreateUser(f.t.Context(), db.CreateUserParams{Email: email, PasswordHash: "x", IsActive: true, Role: string(role)})
	if err != nil {
		f.t.Fatal(err)
	}
	return orders.Viewer{ID: u.ID, Email: u.Email, Scopes: role.Scopes()}
}

func (f *fixture) product(price int64, currency string, stock int32) uuid.UUID {
	f.t.Helper()
	q := f.store.Q()
	p, err := q.CreateProduct(f.t.Context(), db.CreateProductParams{Sku: uuid.NewString()[:8], Name: "Mug", PriceCents: price, Currency: currency, Active: true})
	if err != nil {
		f.t.Fatal(err)
	}
	if err := q.CreateInventory(f.t.Context(), db.CreateInventoryParams{ProductID: p.ID, OnHand: stock}); err != nil {
		f.t.Fatal(err)
	}
	return p.ID
}

var address = orders.Address{Name: "Ann", Line1: "1 Main St", City: "Berlin", PostalCode: "10115", Country: "DE"}

func request(key string, lines ...orders.LineRequest) orders.PlaceRequest {
	return orders.PlaceRequest{IdempotencyKey: key, Lines: lines, ShippingAddress: address, PaymentToken: "tok_approve"}
}

func (f *fixture) place(by orders.Viewer, lines ...orders.LineRequest) orders.Order {
	f.t.Helper()
	o, err := f.svc.Place(f.t.Context(), by, request(uuid.NewString(), lines...))
	if err != nil {
		f.t.Fatal(err)
	}
	return o
}

func (f *fixture) count(sql string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.pool.QueryRow(f.t.Context(), sql, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}
