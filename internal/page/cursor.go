// Package page is the one way the platform's lists are paged: newest first,
// by a keyset cursor on (created_at, id), so that a page costs the same
// however deep it is and however many rows there are. Offset paging (skip)
// is kept for old clients and counts are opt-in, both documented as slow.
package page

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// ErrBadCursor: a cursor this API did not give out.
var ErrBadCursor = errors.New("cursor is not one this API gave out")

// MaxLimit bounds every page.
const MaxLimit = 100

// Position is where a page ended: its last row's keyset.
type Position struct {
	CreatedAt time.Time
	ID        uuid.UUID
}

// Request is which page a caller asks for: after Cursor (the previous
// page's Next), or past Skip rows; at most Limit rows.
type Request struct {
	Cursor string
	Skip   int32
	Limit  int32
}

// After decodes the cursor into the keyset a query pages after, as sqlc's
// nullable arguments take it; both nil for the first page.
func (r Request) After() (createdAt *time.Time, id *uuid.UUID, err error) {
	if r.Cursor == "" {
		return nil, nil, nil
	}
	p, err := decode(r.Cursor)
	if err != nil {
		return nil, nil, err
	}
	return &p.CreatedAt, &p.ID, nil
}

// Fetch is how many rows to read: one more than the page, which tells
// whether a next page exists.
func (r Request) Fetch() int32 { return r.Limit + 1 }

// Page is a page of items and the cursor of the next one ("" on the last).
type Page[T any] struct {
	Items []T
	Next  string
}

// Of makes the page from rows read with Fetch: the extra row, if any, is
// dropped and the last kept row's position becomes the next cursor.
func Of[T any](rows []T, r Request, at func(T) Position) Page[T] {
	if len(rows) <= int(r.Limit) {
		return Page[T]{Items: rows}
	}
	rows = rows[:r.Limit]
	return Page[T]{Items: rows, Next: encode(at(rows[len(rows)-1]))}
}

func encode(p Position) string {
	return base64.RawURLEncoding.EncodeToString([]byte(p.CreatedAt.UTC().Format(time.RFC3339Nano) + "|" + p.ID.String()))
}

func decode(s string) (Position, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Position{}, fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	ts, idText, ok := strings.Cut(string(raw), "|")
	if !ok {
		return Position{}, ErrBadCursor
	}
	at, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return Position{}, fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	id, err := uuid.Parse(idText)
	if err != nil {
		return Position{}, fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	return Position{CreatedAt: at, ID: id}, nil
}
