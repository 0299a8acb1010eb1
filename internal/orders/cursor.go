package orders

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// position is where a page ended: the last order's (created_at, id), the
// keyset the list is ordered by.
type position struct {
	CreatedAt time.Time
	ID        uuid.UUID
}

func encodeCursor(p position) string {
	return base64.RawURLEncoding.EncodeToString([]byte(p.CreatedAt.UTC().Format(time.RFC3339Nano) + "|" + p.ID.String()))
}

func decodeCursor(s string) (position, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return position{}, fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	ts, idText, ok := strings.Cut(string(raw), "|")
	if !ok {
		return position{}, ErrBadCursor
	}
	at, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return position{}, fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	id, err := uuid.Parse(idText)
	if err != nil {
		return position{}, fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	return position{CreatedAt: at, ID: id}, nil
}
