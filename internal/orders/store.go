package orders

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/events"
	"github.com/acme/orders/internal/page"
)

// Store holds the order's tables (orders and their lines, the timeline,
// payments, shipments, refunds and the provider's events taken): every read, and every write in the transaction
// that keeps its rules. The API's Service and the lifecycle's activities
// both go through it, and its errors are the order's own.
type Store struct {
	db *db.Store
}

// NewStore returns the order store over a database.
func NewStore(s *db.Store) *Store { return &Store{db: s} }

// dbErrors turns the database's refusals into the order's errors.
var dbErrors = db.Translation{NotFound: ErrNotFound, Refusals: map[string]error{
	"order_lines_product_id_fkey": errProductGone,
	"orders_customer_id_fkey":     ErrCustomerNotFound,
}}

// Get returns the order with its lines, payment and shipment, in one round trip.
func (s *Store) Get(ctx context.Context, id uuid.UUID) (Order, error) {
	o, err := readOrder(ctx, s.db.Q(), id)
	return o, dbErrors.Of(err)
}

// readOrder reads the order as GET shows it, through q (a transaction's:
// what it will read once committed). Only a delivered or returned order can
// have returns: a second query reads them.
func readOrder(ctx context.Context, q *db.Queries, id uuid.UUID) (Order, error) {
	row, err := q.GetOrderWithLines(ctx, id)
	if err != nil {
		return Order{}, err
	}
	o := orderFromRead(row)
	if o.Status == StatusDelivered || o.Status == StatusReturned {
		if o.Returns, err = returnsOf(ctx, q, id); err != nil {
			return Order{}, err
		}
	}
	return o, nil
}

// recordOrderEvent writes, within q's transaction, an event of type typ
// whose object is the order as it will read once committed.
func recordOrderEvent(ctx context.Context, q *db.Queries, typ string, orderID uuid.UUID) error {
	o, err := readOrder(ctx, q, orderID)
	if err != nil {
		return err
	}
	return events.Record(ctx, q, typ, o.ID, ViewOf(o))
}

// orderFromRead is the order as its one read returned it: its lines as
// arrays, in line order, its payment's and shipment's columns null when
// there is none. A list's rows have the same fields.
func orderFromRead(r db.GetOrderWithLinesRow) Order {
	o := orderFromDB(r.Order)
	o.Lines = make([]Line, len(r.ProductIds))
	for i := range o.Lines {
		o.Lines[i] = Line{ProductID: r.ProductIds[i], SKU: r.Skus[i], Name: r.Names[i], UnitPriceCents: r.UnitPricesCents[i], Quantity: r.Quantities[i]}
	}
	if r.PaymentStatus != nil {
		o.Payment = &Payment{
			Status: PaymentStatus(*r.PaymentStatus), AmountCents: *r.PaymentAmountCents, CapturedCents: *r.PaymentCapturedCents,
			RefundedCents: *r.PaymentRefundedCents, Currency: o.Currency, Gateway: *r.PaymentGateway, GatewayRef: *r.PaymentGatewayRef,
			AuthorizedAt: *r.PaymentAuthorizedAt, ExpiresAt: r.PaymentExpiresAt, Reauthorized: *r.PaymentReauthorized,
			DisputeStatus: db.TextOf(r.PaymentDisputeStatus), DisputedCents: *r.PaymentDisputedCents,
		}
	}
	if r.ShipmentStatus != nil {
		o.Shipment = &Shipment{
			Status: ShipmentStatus(*r.ShipmentStatus), Carrier: *r.ShipmentCarrier, CarrierRef: *r.ShipmentCarrierRef,
			TrackingNumber: db.TextOf(r.ShipmentTrackingNumber), TrackingURL: db.TextOf(r.ShipmentTrackingUrl),
			ShippedAt: r.ShipmentShippedAt, DeliveredAt: r.ShipmentDeliveredAt,
		}
	}
	return o
}

// order returns the order without its lines.
func (s *Store) order(ctx context.Context, id uuid.UUID) (Order, error) {
	row, err := s.db.Q().GetOrder(ctx, id)
	return orderFromDB(row), dbErrors.Of(err)
}

// Lines returns the order's lines; an order without any is ErrNoLines.
func (s *Store) Lines(ctx context.Context, id uuid.UUID) ([]Line, error) {
	lines, err := linesOf(ctx, s.db.Q(), id)
	if err != nil {
		return nil, dbErrors.Of(err)
	}
	if len(lines) == 0 {
		return nil, ErrNoLines
	}
	return lines, nil
}

// linesOf reads the order's lines through q (a transaction's, or none).
func linesOf(ctx context.Context, q *db.Queries, id uuid.UUID) ([]Line, error) {
	rows, err := q.GetOrderLines(ctx, id)
	if err != nil {
		return nil, err
	}
	lines := make([]Line, len(rows))
	for i, l := range rows {
		lines[i] = Line{ProductID: l.ProductID, SKU: l.Sku, Name: l.Name, UnitPriceCents: l.UnitPriceCents, Quantity: l.Quantity}
	}
	return lines, nil
}

// Events is the order's whole timeline, oldest first.
func (s *Store) Events(ctx context.Context, id uuid.UUID) ([]Event, error) {
	rows, err := s.db.Q().ListOrderEvents(ctx, id)
	if err != nil {
		return nil, dbErrors.Of(err)
	}
	events := make([]Event, len(rows))
	for i, e := range rows {
		events[i] = eventFromDB(e)
	}
	return events, nil
}

// CustomerEmail is where the order's e-mails go.
func (s *Store) CustomerEmail(ctx context.Context, id uuid.UUID) (string, error) {
	email, err := s.db.Q().GetCustomerEmail(ctx, id)
	return email, dbErrors.Of(err)
}

// listQuery selects a keyset page of orders, newest first; zero fields do
// not filter.
type listQuery struct {
	CustomerID  *uuid.UUID
	Status      Status
	CreatedFrom time.Time
	CreatedTo   time.Time
	Page        page.Request
}

func (s *Store) list(ctx context.Context, lq listQuery) (page.Page[Order], error) {
	p := db.ListOrdersParams{CustomerID: lq.CustomerID, Limit: lq.Page.Fetch()}
	var err error
	if p.AfterCreated, p.AfterID, err = lq.Page.After(); err != nil {
		return page.Page[Order]{}, err
	}
	p.Status, p.CreatedFrom, p.CreatedTo = db.Text(string(lq.Status)), db.Time(lq.CreatedFrom), db.Time(lq.CreatedTo)
	rows, err := s.db.Q().ListOrders(ctx, p)
	if err != nil {
		return page.Page[Order]{}, dbErrors.Of(err)
	}
	out := make([]Order, len(rows))
	for i, r := range rows {
		out[i] = orderFromRead(db.GetOrderWithLinesRow(r))
	}
	return page.Of(out, lq.Page, func(o Order) page.Position { return page.Position{CreatedAt: o.CreatedAt, ID: o.ID} }), nil
}

// place writes the order, its lines, its "placed" timeline entry (one
// statement) and its order.placed event, in one transaction; taken is true,
// and nothing written, when the customer already used the idempotency key.
// email is the customer's: the caller's own (by) when they place for
// themselves, read in the same transaction when they place for someone else.
func (s *Store) place(ctx context.Context, p db.PlaceOrderParams, lines []Line, by Viewer) (o Order, email string, taken bool, err error) {
	email = by.Email
	err = s.db.InTx(ctx, func(q *db.Queries) error {
		row, err := q.PlaceOrder(ctx, p)
		if err != nil {
			return err
		}
		o = orderFromDB(db.Order(row))
		o.Lines = lines
		if o.CustomerID != by.ID {
			if email, err = q.GetCustomerEmail(ctx, o.ID); err != nil {
				return err
			}
		}
		return events.Record(ctx, q, events.TypeOrderPlaced, o.ID, ViewOf(o))
	})
	switch {
	case errors.Is(err, db.ErrNotFound):
		return Order{}, "", true, nil
	case err != nil:
		return Order{}, "", false, dbErrors.Of(err)
	}
	return o, email, false, nil
}

// byIdempotencyKey returns the ID of the order the customer placed under
// the key and the hash of its request.
func (s *Store) byIdempotencyKey(ctx context.Context, customer uuid.UUID, key string) (id uuid.UUID, hash string, err error) {
	row, err := s.db.Q().GetOrderByIdempotencyKey(ctx, db.GetOrderByIdempotencyKeyParams{CustomerID: customer, IdempotencyKey: &key})
	return row.ID, row.RequestHash, dbErrors.Of(err)
}

func (s *Store) markWorkflowStarted(ctx context.Context, id uuid.UUID) error {
	return dbErrors.Of(s.db.Q().MarkWorkflowStarted(ctx, id))
}
