package events

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/page"
)

// Store reads and writes the events, the endpoints and the deliveries.
type Store struct {
	db       *db.Store
	listener *db.Listener // nil: no live streams
}

// NewStore is a store over s; listener (nil: none) wakes the streams and
// the delivery workers when an event commits.
func NewStore(s *db.Store, listener *db.Listener) *Store { return &Store{db: s, listener: listener} }

// Filter picks events of the feed.
type Filter struct {
	Type        string
	OrderID     *uuid.UUID
	CreatedFrom time.Time
	CreatedTo   time.Time
	Page        page.Request
	Count       bool // also count every match
}

// List pages through the feed, newest first; with f.Count, it also counts
// every match. A cursor the API did not give out is page.ErrBadCursor.
func (s *Store) List(ctx context.Context, f Filter) (page.Page[Event], *int64, error) {
	p := db.ListEventsParams{OrderID: f.OrderID, Limit: f.Page.Fetch()}
	var err error
	if p.AfterCreated, p.AfterID, err = f.Page.After(); err != nil {
		return page.Page[Event]{}, nil, err
	}
	p.Type, p.CreatedFrom, p.CreatedTo = db.Text(f.Type), db.Time(f.CreatedFrom), db.Time(f.CreatedTo)
	rows, err := s.db.Q().ListEvents(ctx, p)
	if err != nil {
		return page.Page[Event]{}, nil, dbErrors.Of(err)
	}
	out := make([]Event, len(rows))
	for i, r := range rows {
		out[i] = eventFromDB(r)
	}
	pg := page.Of(out, f.Page, func(e Event) page.Position { return page.Position{CreatedAt: e.CreatedAt, ID: e.ID} })
	if !f.Count {
		return pg, nil, nil
	}
	n, err := s.db.Q().CountEvents(ctx, db.CountEventsParams{
		Type: p.Type, OrderID: p.OrderID, CreatedFrom: p.CreatedFrom, CreatedTo: p.CreatedTo,
	})
	return pg, &n, dbErrors.Of(err)
}

// Get is one event; ErrNotFound when there is none (or no longer).
func (s *Store) Get(ctx context.Context, id uuid.UUID) (Event, error) {
	e, err := s.db.Q().GetEvent(ctx, id)
	if err != nil {
		return Event{}, dbErrors.Of(err)
	}
	return eventFromDB(e), nil
}

// StreamBatch is how many events a stream reads at a time.
const StreamBatch = 500

// After is the events committed after seq, oldest first, of one order
// (orderID not nil) or of all, at most StreamBatch.
func (s *Store) After(ctx context.Context, seq int64, orderID *uuid.UUID) ([]Event, error) {
	rows, err := s.db.Q().EventsAfter(ctx, db.EventsAfterParams{AfterSeq: seq, OrderID: orderID, MaxRows: StreamBatch})
	if err != nil {
		return nil, dbErrors.Of(err)
	}
	out := make([]Event, len(rows))
	for i, r := range rows {
		out[i] = eventFromDB(r)
	}
	return out, nil
}

// LastSeq is the newest event's seq (0: none yet): a stream that shows
// only what comes next starts after it.
func (s *Store) LastSeq(ctx context.Context) (int64, error) {
	seq, err := s.db.Q().LastEventSeq(ctx)
	return seq, dbErrors.Of(err)
}

// Subscribe wakes C when an event of the order (orderID not nil) or any
// event commits; the caller reads After to see which. Close it when done.
// Without a listener it wakes every second, so streams still move.
func (s *Store) Subscribe(orderID *uuid.UUID) (c <-chan struct{}, closeFn func()) {
	if s.listener == nil {
		t := time.NewTicker(time.Second)
		ch := make(chan struct{}, 1)
		done := make(chan struct{})
		go func() {
			for {
				select {
				case <-done:
					return
				case <-t.C:
					select {
					case ch <- struct{}{}:
					default:
					}
				}
			}
		}()
		return ch, func() { t.Stop(); close(done) }
	}
	var wants func(db.Note) bool
	if orderID != nil {
		id := *orderID
		wants = func(n db.Note) bool { return n.OrderID == id }
	}
	sub := s.listener.Subscribe(wants)
	return sub.C, sub.Close
}

// purgeBatch is how many events one purge statement removes.
const purgeBatch = 5000

// Purge removes the events created before before, with their deliveries,
// in batches, and returns how many it removed.
func (s *Store) Purge(ctx context.Context, before time.Time) (int64, error) {
	n, err := db.InBatches(ctx, purgeBatch, func(ctx context.Context, maxRows int32) (int64, error) {
		return s.db.Q().PurgeEvents(ctx, db.PurgeEventsParams{Before: before, MaxRows: maxRows})
	})
	return n, dbErrors.Of(err)
}

// PurgeSettledDeliveries removes the deliveries settled (delivered, failed
// or abandoned) before before, with their attempts' log; pending ones stay.
func (s *Store) PurgeSettledDeliveries(ctx context.Context, before time.Time) (int64, error) {
	n, err := db.InBatches(ctx, purgeBatch, func(ctx context.Context, maxRows int32) (int64, error) {
		return s.db.Q().PurgeSettledDeliveries(ctx, db.PurgeSettledDeliveriesParams{Before: before, MaxRows: maxRows})
	})
	return n, dbErrors.Of(err)
}
