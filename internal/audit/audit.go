// Package audit is the record of who did what: every staff action, every
// write made with an API key, every role change and every key created or
// revoked, with when, from which address and under which request ID. The
// API writes it; admins read it; the clean-up job removes what is older
// than its retention.
package audit

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/page"
)

// ActorType is what acted: a user, or an API key.
type ActorType string

const (
	ActorUser ActorType = "user"
	ActorKey  ActorType = "api_key"
	ActorCLI  ActorType = "cli" // the orders command line; no ActorID, method, path or status
)

// Record is one action.
type Record struct {
	ID        uuid.UUID
	At        time.Time
	ActorType ActorType
	ActorID   uuid.UUID // uuid.Nil for the command line
	Actor     string    // the user's e-mail or the key's name, as it was then, or the command
	Role      string    // the user's role then; "" for a key
	Action    string    // the operation's ID
	Method    string
	Path      string
	// TargetType and TargetID name what the action was on ("" when nothing).
	TargetType    string
	TargetID      string
	Status        int
	ClientAddress string
	RequestID     string
	// Detail is what else the action changed that the path does not say
	// (a role's from and to, a key's scopes); nil when nothing.
	Detail map[string]any
}

// Filter selects records; zero fields do not filter.
type Filter struct {
	ActorID  *uuid.UUID
	Action   string
	TargetID string
	From, To time.Time // From inclusive, To exclusive
	Page     page.Request
}

// Log writes and reads the audit log.
type Log struct {
	db *db.Store
}

// NewLog returns the audit log over a database.
func NewLog(s *db.Store) *Log { return &Log{db: s} }

// Record writes one record.
func (l *Log) Record(ctx context.Context, r Record) error {
	var detail []byte
	if r.Detail != nil {
		var err error
		if detail, err = json.Marshal(r.Detail); err != nil {
			return err
		}
	}
	return l.db.Q().RecordAudit(ctx, db.RecordAuditParams{
		ID: uuid.New(), ActorType: string(r.ActorType), ActorID: idOrNil(r.ActorID), Actor: r.Actor, Role: db.Text(r.Role),
		Action: r.Action, Method: r.Method, Path: r.Path, TargetType: db.Text(r.TargetType), TargetID: db.Text(r.TargetID),
		Status: int32(r.Status), ClientAddress: r.ClientAddress, RequestID: r.RequestID, Detail: detail,
	})
}

// List returns a page of records, newest first. A cursor this API did not
// give out is page.ErrBadCursor.
func (l *Log) List(ctx context.Context, f Filter) (page.Page[Record], error) {
	p := db.ListAuditParams{
		ActorID: f.ActorID, Action: db.Text(f.Action), TargetID: db.Text(f.TargetID),
		From: db.Time(f.From), To: db.Time(f.To), Limit: f.Page.Fetch(),
	}
	var err error
	if p.AfterAt, p.AfterID, err = f.Page.After(); err != nil {
		return page.Page[Record]{}, err
	}
	rows, err := l.db.Q().ListAudit(ctx, p)
	if err != nil {
		return page.Page[Record]{}, err
	}
	out := make([]Record, len(rows))
	for i, row := range rows {
		if out[i], err = recordOf(row); err != nil {
			return page.Page[Record]{}, err
		}
	}
	return page.Of(out, f.Page, func(r Record) page.Position { return page.Position{CreatedAt: r.At, ID: r.ID} }), nil
}

// Purge removes the records made before before, in batches, and returns how many.
func (l *Log) Purge(ctx context.Context, before time.Time) (int64, error) {
	return db.InBatches(ctx, 5000, func(ctx context.Context, maxRows int32) (int64, error) {
		return l.db.Q().PurgeAudit(ctx, db.PurgeAuditParams{Before: before, MaxRows: maxRows})
	})
}

func recordOf(row db.AuditLog) (Record, error) {
	r := Record{
		ID: row.ID, At: row.At, ActorType: ActorType(row.ActorType), Actor: row.Actor,
		Role: db.TextOf(row.Role), Action: row.Action, Method: row.Method, Path: row.Path,
		TargetType: db.TextOf(row.TargetType), TargetID: db.TextOf(row.TargetID), Status: int(row.Status),
		ClientAddress: row.ClientAddress, RequestID: row.RequestID,
	}
	if row.ActorID != nil {
		r.ActorID = *row.ActorID
	}
	if len(row.Detail) > 0 {
		if err := json.Unmarshal(row.Detail, &r.Detail); err != nil {
			return Record{}, err
		}
	}
	return r, nil
}

func idOrNil(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}
