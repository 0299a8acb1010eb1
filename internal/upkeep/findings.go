package upkeep

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/page"
)

// Kind is what a reconciliation finding is about.
type Kind string

const (
	// KindStatusMismatch: the order's status in the database disagrees with
	// its workflow (closed, missing, or at another status).
	KindStatusMismatch Kind = "status_mismatch"
	// KindNeverStarted: an order accepted whose workflow never started.
	KindNeverStarted Kind = "never_started"
	// KindReservationHeld: stock still held by an order past confirmed.
	KindReservationHeld Kind = "reservation_held"
	// KindAuthorizationLapsed: a payment authorization open past its lifetime.
	KindAuthorizationLapsed Kind = "authorization_lapsed"
)

// Kinds lists every kind, in the order the reconciliation checks them.
func Kinds() []Kind {
	return []Kind{KindNeverStarted, KindStatusMismatch, KindReservationHeld, KindAuthorizationLapsed}
}

// Finding is one inconsistency a reconciliation run found, and whether it
// repaired it.
type Finding struct {
	ID       uuid.UUID
	RunID    string // the workflow run that found it
	Kind     Kind
	OrderID  uuid.UUID
	Detail   string
	Repaired bool
	FoundAt  time.Time
}

func (s *Store) addFinding(ctx context.Context, f Finding) error {
	return dbErrors.Of(s.db.Q().AddFinding(ctx, db.AddFindingParams{
		RunID: f.RunID, Kind: string(f.Kind), OrderID: f.OrderID, Detail: f.Detail, Repaired: f.Repaired,
	}))
}

// Findings returns a page of findings, newest first; kind "" is any.
func (s *Store) Findings(ctx context.Context, kind Kind, r page.Request) (page.Page[Finding], error) {
	p := db.ListFindingsParams{MaxRows: r.Fetch()}
	var err error
	if p.AfterFound, p.AfterID, err = r.After(); err != nil {
		return page.Page[Finding]{}, err
	}
	if kind != "" {
		k := string(kind)
		p.Kind = &k
	}
	rows, err := s.db.Q().ListFindings(ctx, p)
	if err != nil {
		return page.Page[Finding]{}, dbErrors.Of(err)
	}
	out := make([]Finding, len(rows))
	for i, f := range rows {
		out[i] = Finding{ID: f.ID, RunID: f.RunID, Kind: Kind(f.Kind), OrderID: f.OrderID, Detail: f.Detail, Repaired: f.Repaired, FoundAt: f.FoundAt}
	}
	return page.Of(out, r, func(f Finding) page.Position { return page.Position{CreatedAt: f.FoundAt, ID: f.ID} }), nil
}

// PurgeFindings removes the findings older than before, in batches.
func (s *Store) PurgeFindings(ctx context.Context, before time.Time) (int64, error) {
	n, err := db.InBatches(ctx, 1000, func(ctx context.Context, maxRows int32) (int64, error) {
		return s.db.Q().PurgeFindings(ctx, db.PurgeFindingsParams{Before: before, MaxRows: maxRows})
	})
	return n, dbErrors.Of(err)
}
