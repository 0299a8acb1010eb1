package apikeys

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
)

// meter counts the requests of the keys this process remembered (the
// requests that read no row), and writes them to the keys' rows every
// flush interval, in one statement, getting back each key's counts as every
// process made them. A key's rate is then its counts as of the last flush,
// plus what this process counted since: exact within one process, and
// within one flush interval of the other processes' requests.
type meter struct {
	mu   sync.Mutex
	keys map[uuid.UUID]*keyCount
}

// keyCount is one key's requests per minute, as this process knows them.
type keyCount struct {
	window          time.Time // the minute count is of
	count, previous int64     // in that minute, and in the one before
	pending         int64     // counted here and not written yet
	last            time.Time // this process's last request with it
}

func newMeter() *meter { return &meter{keys: map[uuid.UUID]*keyCount{}} }

// roll moves the counts on to the minute of now.
func (k *keyCount) roll(now time.Time) {
	minute := now.Truncate(time.Minute)
	switch {
	case k.window.Equal(minute):
		return
	case k.window.Equal(minute.Add(-time.Minute)):
		k.previous = k.count
	default:
		k.previous = 0
	}
	k.window, k.count = minute, 0
}

// rate is the requests of the 60 seconds up to now, estimated as UseAPIKey
// does, and when the current minute ends.
func (k *keyCount) rate(now time.Time) (float64, time.Duration) {
	elapsed := now.Sub(k.window).Seconds()
	left := 60 - min(max(elapsed, 0), 60)
	return float64(k.count) + float64(k.previous)*left/60, time.Duration(left * float64(time.Second))
}

// seen takes the counts the database returned for a key: the request that
// read the row, and earlier ones of every process, are counted there.
func (m *meter) seen(id uuid.UUID, now time.Time, count, previous int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := m.key(id)
	k.window, k.count, k.previous = now.Truncate(time.Minute), count+k.pending, previous
	k.last = now
}

// use counts a request with a remembered key and returns its rate.
func (m *meter) use(id uuid.UUID, now time.Time) (float64, time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := m.key(id)
	k.roll(now)
	k.count++
	k.pending++
	k.last = now
	return k.rate(now)
}

// key is the key's counts, new ones for a key not seen yet (m.mu held).
func (m *meter) key(id uuid.UUID) *keyCount {
	k := m.keys[id]
	if k == nil {
		k = &keyCount{}
		m.keys[id] = k
	}
	return k
}

// flush writes what was counted since the last flush and takes back every
// process's counts; keys unused for two minutes are dropped.
func (m *meter) flush(ctx context.Context, q *db.Queries, now time.Time) error {
	m.mu.Lock()
	var p db.CountAPIKeyUsesParams
	for id, k := range m.keys {
		switch {
		case k.pending > 0:
			p.Ids = append(p.Ids, id)
		case now.Sub(k.last) > 2*time.Minute:
			delete(m.keys, id)
		}
	}
	slices.SortFunc(p.Ids, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	sent := make(map[uuid.UUID]int64, len(p.Ids))
	for _, id := range p.Ids {
		k := m.keys[id]
		sent[id] = k.pending
		p.Counts, p.Lasts = append(p.Counts, int32(k.pending)), append(p.Lasts, k.last)
		k.pending = 0
	}
	m.mu.Unlock()
	if len(p.Ids) == 0 {
		return nil
	}
	rows, err := q.CountAPIKeyUses(ctx, p)
	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil { // counted again at the next flush
		for id, n := range sent {
			if k := m.keys[id]; k != nil {
				k.pending += n
			}
		}
		return err
	}
	for _, r := range rows {
		if k := m.keys[r.ID]; k != nil {
			k.window, k.count, k.previous = now.Truncate(time.Minute), int64(r.RateCount)+k.pending, int64(r.RatePrevious)
		}
	}
	return nil
}
