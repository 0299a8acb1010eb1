package api

import (
	"context"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/apikeys"
	"github.com/acme/orders/internal/audit"
	"github.com/acme/orders/internal/catalog"
	"github.com/acme/orders/internal/emails"
	"github.com/acme/orders/internal/events"
	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/page"
	"github.com/acme/orders/internal/upkeep"
)

// What the handlers call, declared here by their consumer: cmd plugs in the
// domain packages' services (and workflowclient.Client for Jobs), the handler
// tests plug in fakes. Each returns its package's sentinel errors, which
// errors.go maps to HTTP.

// Authenticator resolves an access token to its user.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (accounts.User, error)
}

// Accounts is log-in, password recovery and the users.
type Accounts interface {
	Login(ctx context.Context, email, password string) (token string, err error)
	RecoverPassword(ctx context.Context, email string)
	ResetPassword(ctx context.Context, token, password string) error
	RecoveryEmail(ctx context.Context, email string) (emails.Rendered, error)

	Create(ctx context.Context, u accounts.NewUser) (accounts.User, error)
	Signup(ctx context.Context, email, fullName, password string) (accounts.User, error)
	List(ctx context.Context, f accounts.Filter) (page.Page[accounts.User], *int64, error)
	Get(ctx context.Context, id uuid.UUID) (accounts.User, error)
	UpdateMe(ctx context.Context, me accounts.User, email, fullName *string) (accounts.User, error)
	ChangePassword(ctx context.Context, me accounts.User, current, next string) error
	DeleteMe(ctx context.Context, me accounts.User) error
	Update(ctx context.Context, id uuid.UUID, c accounts.Change) (u accounts.User, was access.Role, err error)
	Delete(ctx context.Context, by accounts.User, id uuid.UUID) error
}

// Keys is the API keys: created, listed and revoked by admins, and
// resolved (and counted) on every request made with one.
type Keys interface {
	Create(ctx context.Context, n apikeys.New) (k apikeys.Key, secret string, err error)
	List(ctx context.Context, r page.Request) (page.Page[apikeys.Key], error)
	Revoke(ctx context.Context, id uuid.UUID) (apikeys.Key, error)
	Authenticate(ctx context.Context, secret string) (apikeys.Use, error)
}

// AuditLog records who did what, and lists it.
type AuditLog interface {
	Record(ctx context.Context, r audit.Record) error
	List(ctx context.Context, f audit.Filter) (page.Page[audit.Record], error)
}

// Catalog is the products and their stock.
type Catalog interface {
	List(ctx context.Context, f catalog.Filter) (page.Page[catalog.Product], *int64, error)
	Get(ctx context.Context, id uuid.UUID) (catalog.Product, error)
	Create(ctx context.Context, actor *uuid.UUID, p catalog.NewProduct) (catalog.Product, error)
	Update(ctx context.Context, id uuid.UUID, c catalog.Change) (catalog.Product, error)
	Delete(ctx context.Context, id uuid.UUID) (deactivated bool, err error)
	AdjustStock(ctx context.Context, actor *uuid.UUID, id uuid.UUID, delta int32, reason string) (catalog.Product, error)
	Adjustments(ctx context.Context, id uuid.UUID) ([]catalog.StockAdjustment, error)
}

// Orders is placing, reading and acting on orders.
type Orders interface {
	Place(ctx context.Context, by orders.Viewer, r orders.PlaceRequest) (orders.Order, error)
	Get(ctx context.Context, by orders.Viewer, id uuid.UUID) (orders.Order, error)
	List(ctx context.Context, by orders.Viewer, f orders.Filter) (page.Page[orders.Order], error)
	Events(ctx context.Context, by orders.Viewer, id uuid.UUID) ([]orders.Event, error)
	Act(ctx context.Context, by orders.Viewer, id uuid.UUID, a orders.Action, reason string, shipment *orders.ShipmentDetails) (o orders.Order, done bool, err error)
	Refund(ctx context.Context, by orders.Viewer, id uuid.UUID, r orders.RefundRequest) (orders.Refund, bool, error)
	Refunds(ctx context.Context, by orders.Viewer, id uuid.UUID) ([]orders.Refund, error)
	RequestReturn(ctx context.Context, by orders.Viewer, id uuid.UUID, r orders.ReturnRequest) (orders.Return, bool, error)
	StepReturn(ctx context.Context, by orders.Viewer, id, returnID uuid.UUID, step orders.ReturnStep, note string) (orders.Return, bool, error)
	Returns(ctx context.Context, by orders.Viewer, id uuid.UUID) ([]orders.Return, error)
	TakeProviderEvent(ctx context.Context, e orders.ProviderEvent) (taken bool, err error)
}

// Events is the feed and its live streams.
type Events interface {
	List(ctx context.Context, f events.Filter) (page.Page[events.Event], *int64, error)
	Get(ctx context.Context, id uuid.UUID) (events.Event, error)
	After(ctx context.Context, seq int64, orderID *uuid.UUID) ([]events.Event, error)
	LastSeq(ctx context.Context) (int64, error)
	Subscribe(orderID *uuid.UUID) (wake <-chan struct{}, stop func())
}

// Webhooks is the endpoints and their deliveries.
type Webhooks interface {
	Create(ctx context.Context, n events.NewEndpoint) (events.Endpoint, error)
	Get(ctx context.Context, id uuid.UUID) (events.Endpoint, error)
	List(ctx context.Context, r page.Request) (page.Page[events.Endpoint], int64, error)
	Update(ctx context.Context, id uuid.UUID, c events.EndpointChange) (events.Endpoint, error)
	Delete(ctx context.Context, id uuid.UUID) error
	RotateSecret(ctx context.Context, id uuid.UUID) (events.Endpoint, error)
	SendTest(ctx context.Context, id uuid.UUID) (events.Delivery, error)
	Deliveries(ctx context.Context, id uuid.UUID, f events.DeliveryFilter) (page.Page[events.Delivery], *int64, error)
	Redeliver(ctx context.Context, id, delivery uuid.UUID) (events.Delivery, error)
}

// Jobs starts the operators' background work directly.
type Jobs interface {
	SendEmail(ctx context.Context, to string, t emails.Template, d emails.Data) (workflowID string, err error)
	StartTestWorkflow(ctx context.Context, message string) (workflowID, runID string, err error)
}

// Findings lists what the reconciliation job found.
type Findings interface {
	Findings(ctx context.Context, kind upkeep.Kind, r page.Request) (page.Page[upkeep.Finding], error)
}

// Check is one dependency that readiness reports on, by name.
type Check struct {
	Name string
	Ping func(context.Context) error
}
