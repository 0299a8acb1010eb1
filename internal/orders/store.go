package orders

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
)

// Store holds the order's tables: every read, and every write in the
// transaction that keeps its rules. The API's Service and the lifecycle's
// activities both go through it.
type Store struct {
	db *db.Store
}

// NewStore returns the order store over a database.
func NewStore(s *db.Store) *Store { return &Store{db: s} }

// Get returns the order with its lines, in one round trip.
func (s *Store) Get(ctx context.Context, id uuid.UUID) (Order, error) {
	row, err := s.db.Q().GetOrderWithLines(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		return Order{}, ErrNotFound
	}
	if err != nil {
		return Order{}, err
	}
	o := orderFromDB(row.Order)
	o.Lines = make([]Line, len(row.ProductIds))
	for i := range o.Lines {
		o.Lines[i] = Line{ProductID: row.ProductIds[i], SKU: row.Skus[i], Name: row.Names[i],
			UnitPriceCents: row.UnitPricesCents[i], Quantity: row.Quantities[i]}
	}
	return o, nil
}

// order returns the order without its lines.
func (s *Store) order(ctx context.Context, id uuid.UUID) (Order, error) {
	row, err := s.db.Q().GetOrder(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		return Order{}, ErrNotFound
	}
	if err != nil {
		return Order{}, err
	}
	return orderFromDB(row), nil
}

// Events is the order's whole timeline, oldest first.
func (s *Store) Events(ctx context.Context, id uuid.UUID) ([]Event, error) {
	rows, err := s.db.Q().ListOrderEvents(ctx, id)
	if err != nil {
		return nil, err
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
	if errors.Is(err, db.ErrNotFound) {
		return "", ErrNotFound
	}
	return email, err
}

// listQuery selects a keyset page of orders, newest first; zero fields do
// not filter.
type listQuery struct {
	CustomerID  *uuid.UUID
	Status      Status
	CreatedFrom time.Time
	CreatedTo   time.Time
	After       *position
	Limit       int32
}

func (s *Store) list(ctx context.Context, lq listQuery) ([]Order, error) {
	p := db.ListOrdersParams{CustomerID: lq.CustomerID, Limit: lq.Limit}
	if lq.Status != "" {
		st := string(lq.Status)
		p.Status = &st
	}
	if !lq.CreatedFrom.IsZero() {
		p.CreatedFrom = &lq.CreatedFrom
	}
	if !lq.CreatedTo.IsZero() {
		p.CreatedTo = &lq.CreatedTo
	}
	if lq.After != nil {
		p.AfterCreated, p.AfterID = &lq.After.CreatedAt, &lq.After.ID
	}
	rows, err := s.db.Q().ListOrders(ctx, p)
	if err != nil {
		return nil, err
	}
	out := make([]Order, len(rows))
	for i, r := range rows {
		out[i] = orderFromDB(r)
	}
	return out, nil
}
