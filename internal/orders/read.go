package orders

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/page"
)

// Get returns an order the viewer may see, with its lines.
func (s *Service) Get(ctx context.Context, by Viewer, id uuid.UUID) (Order, error) {
	o, err := s.store.Get(ctx, id)
	if err == nil {
		err = by.mustSee(o)
	}
	if err != nil {
		return Order{}, err
	}
	return o, nil
}

// visible returns an order, without its lines, if the viewer may see it.
func (s *Service) visible(ctx context.Context, by Viewer, id uuid.UUID) (Order, error) {
	o, err := s.store.order(ctx, id)
	if err == nil {
		err = by.mustSee(o)
	}
	if err != nil {
		return Order{}, err
	}
	return o, nil
}

// mustSee is ErrNotFound unless the viewer may see the order: their own, or
// any for who holds one of the order scopes. Anyone else's is as if it did
// not exist.
func (v Viewer) mustSee(o Order) error {
	if !v.owns(o) && !v.seesAll() {
		return ErrNotFound
	}
	return nil
}

// Events is the timeline of an order the viewer may see, oldest first.
func (s *Service) Events(ctx context.Context, by Viewer, id uuid.UUID) ([]Event, error) {
	if _, err := s.visible(ctx, by, id); err != nil {
		return nil, err
	}
	return s.store.Events(ctx, id)
}

// Filter selects orders; zero fields do not filter.
type Filter struct {
	Status      Status
	CustomerID  *uuid.UUID // heeded for who holds orders:read; others always see their own
	CreatedFrom time.Time  // inclusive
	CreatedTo   time.Time  // exclusive
	Page        page.Request
}

// List pages through the orders the viewer may see, newest first, each with
// its lines. A cursor this API did not give out is page.ErrBadCursor.
func (s *Service) List(ctx context.Context, by Viewer, f Filter) (page.Page[Order], error) {
	lq := listQuery{Status: f.Status, CreatedFrom: f.CreatedFrom, CreatedTo: f.CreatedTo, Page: f.Page}
	switch {
	case !by.Scopes.Has(access.OrdersRead):
		lq.CustomerID = &by.ID
	case f.CustomerID != nil:
		lq.CustomerID = f.CustomerID
	}
	return s.store.list(ctx, lq)
}
