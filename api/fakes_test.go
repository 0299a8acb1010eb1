package api_test

import (
	"context"
	"sync"
	"testing"

	"github.com/danielgtaylor/huma/v2/humatest"
	"github.com/google/uuid"

	"github.com/acme/orders/api"
	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/apikeys"
	"github.com/acme/orders/internal/audit"
	"github.com/acme/orders/internal/catalog"
	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/page"
)

// Fakes of the interfaces the handlers consume, for the fast tier: each
// embeds its interface, so a method a test did not expect to be called
// panics (and the answer is a 500).

var (
	customer = accounts.User{ID: uuid.New(), Email: "ann@example.com", IsActive: true, Role: access.Customer}
	operator = accounts.User{ID: uuid.New(), Email: "ops@example.com", IsActive: true, Role: access.AdminRole}
)

// fakeAuth knows three tokens: "customer", "operator" and "inactive".
type fakeAuth struct{}

func (fakeAuth) Authenticate(_ context.Context, token string) (accounts.User, error) {
	switch token {
	case "customer":
		return customer, nil
	case "operator":
		return operator, nil
	case "inactive":
		return accounts.User{}, accounts.ErrInactive
	}
	return accounts.User{}, accounts.ErrUnauthenticated
}

// fakeKeys knows no key.
type fakeKeys struct{ api.Keys }

func (fakeKeys) Authenticate(context.Context, string) (apikeys.Use, error) {
	return apikeys.Use{}, apikeys.ErrUnknown
}

// fakeAudit keeps the records in memory.
type fakeAudit struct {
	mu      sync.Mutex
	records []audit.Record
}

func (f *fakeAudit) Record(_ context.Context, r audit.Record) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.records = append(f.records, r)
	return nil
}

func (f *fakeAudit) List(context.Context, audit.Filter) (page.Page[audit.Record], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return page.Page[audit.Record]{Items: f.records}, nil
}

type fakeAccounts struct {
	api.Accounts
	list func() (page.Page[accounts.User], *int64, error)
}

func (f *fakeAccounts) List(context.Context, accounts.Filter) (page.Page[accounts.User], *int64, error) {
	return f.list()
}

type fakeCatalog struct {
	api.Catalog
	get    func(id uuid.UUID) (catalog.Product, error)
	create func(actor *uuid.UUID, p catalog.NewProduct) (catalog.Product, error)
}

func (f *fakeCatalog) Get(_ context.Context, id uuid.UUID) (catalog.Product, error) { return f.get(id) }
func (f *fakeCatalog) Create(_ context.Context, actor *uuid.UUID, p catalog.NewProduct) (catalog.Product, error) {
	return f.create(actor, p)
}

type fakeOrders struct {
	api.Orders
	place func(by orders.Viewer, r orders.PlaceRequest) (orders.Order, error)
	list  func(by orders.Viewer, f orders.Filter) (page.Page[orders.Order], error)
	act   func(by orders.Viewer, id uuid.UUID, a orders.Action, reason string) (orders.Order, bool, error)
}

func (f *fakeOrders) Place(_ context.Context, by orders.Viewer, r orders.PlaceRequest) (orders.Order, error) {
	return f.place(by, r)
}

func (f *fakeOrders) List(_ context.Context, by orders.Viewer, filter orders.Filter) (page.Page[orders.Order], error) {
	return f.list(by, filter)
}

func (f *fakeOrders) Act(_ context.Context, by orders.Viewer, id uuid.UUID, a orders.Action, reason string, _ *orders.ShipmentDetails) (orders.Order, bool, error) {
	return f.act(by, id, a, reason)
}

// fakeAPI is the whole HTTP layer over fakes; d's zero services are fakes
// that panic when called.
func fakeAPI(t *testing.T, d api.Deps) humatest.TestAPI {
	t.Helper()
	d.Logger, d.Auth, d.Options.MaxBodyBytes = quietLogger(), fakeAuth{}, 1<<20
	d.Keys, d.Audit = fakeKeys{}, &fakeAudit{}
	if d.Accounts == nil {
		d.Accounts = &fakeAccounts{}
	}
	if d.Catalog == nil {
		d.Catalog = &fakeCatalog{}
	}
	if d.Orders == nil {
		d.Orders = &fakeOrders{}
	}
	return newTestAPI(t, d)
}

// sampleOrder is an order as the service returns one: every field the
// document requires is filled, as the database's constraints guarantee.
func sampleOrder(id uuid.UUID, status orders.Status) orders.Order {
	return orders.Order{
		ID: id, CustomerID: customer.ID, Status: status, Currency: "EUR", TotalCents: 1290, Version: 1,
		ShippingAddress: orders.Address{Name: "Ann", Line1: "Main St 1", City: "Berlin", PostalCode: "10115", Country: "DE"},
	}
}
