package orders

import (
	"context"
	"time"

	"github.com/google/uuid"
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
// any for a superuser. Anyone else's is as if it did not exist.
func (v Viewer) mustSee(o Order) error {
	if o.CustomerID != v.ID && !v.Superuser {
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
	CustomerID  *uuid.UUID // heeded for superusers; customers always see their own
	CreatedFrom time.Time  // inclusive
	CreatedTo   time.Time  // exclusive
	Cursor      string     // Page.NextCursor of the previous page
	Limit       int32
}

// Page is a page of orders, newest first, and the cursor of the next page
// ("" on the last).
type Page struct {
	Orders     []Order
	NextCursor string
}

// List pages through the orders the viewer may see, newest first. A cursor
// this service did not give out is ErrBadCursor.
func (s *Service) List(ctx context.Context, by Viewer, f Filter) (Page, error) {
	lq := listQuery{Status: f.Status, CreatedFrom: f.CreatedFrom, CreatedTo: f.CreatedTo, Limit: f.Limit + 1} // one more tells whether there is a next page
	switch {
	case !by.Superuser:
		lq.CustomerID = &by.ID
	case f.CustomerID != nil:
		lq.CustomerID = f.CustomerID
	}
	if f.Cursor != "" {
		pos, err := decodeCursor(f.Cursor)
		if err != nil {
			return Page{}, err
		}
		lq.After = &pos
	}
	orders, err := s.store.list(ctx, lq)
	if err != nil {
		return Page{}, err
	}
	var page Page
	if len(orders) > int(f.Limit) {
		orders = orders[:f.Limit]
		last := orders[len(orders)-1]
		page.NextCursor = encodeCursor(position{CreatedAt: last.CreatedAt, ID: last.ID})
	}
	page.Orders = orders
	return page, nil
}
