package page

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestPagesEndWhereTheNextBegins(t *testing.T) {
	at := time.Date(2026, 12, 5, 10, 0, 0, 123456789, time.UTC)
	rows := []Position{{at, uuid.New()}, {at.Add(-time.Second), uuid.New()}, {at.Add(-2 * time.Second), uuid.New()}}
	r := Request{Limit: 2}
	p := Of(rows, r, func(p Position) Position { return p })
	if len(p.Items) != 2 || p.Next == "" {
		t.Fatalf("first page %+v", p)
	}
	after, id, err := Request{Cursor: p.Next}.After()
	if err != nil || !after.Equal(rows[1].CreatedAt) || *id != rows[1].ID {
		t.Fatalf("cursor leads to %v %v (%v), want %+v", after, id, err, rows[1])
	}
	if last := Of(rows[2:], r, func(p Position) Position { return p }); last.Next != "" {
		t.Fatalf("the last page has a next cursor %q", last.Next)
	}
	if after, id, err := (Request{}).After(); after != nil || id != nil || err != nil {
		t.Fatalf("the first page starts after %v %v (%v)", after, id, err)
	}
	for _, bad := range []string{"%%%", "bm8tc2VwYXJhdG9y", "eHx5"} {
		if _, _, err := (Request{Cursor: bad}).After(); !errors.Is(err, ErrBadCursor) {
			t.Errorf("cursor %q: %v", bad, err)
		}
	}
}
