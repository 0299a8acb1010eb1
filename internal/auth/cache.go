package auth

import (
	"sync"
	"time"
)

// Cache remembers credentials a process verified against the database (an
// account, an API key) for up to a TTL, so that a request need not read
// them again. Any change to any account or key makes every process Forget
// everything: PostgreSQL notifies them all when the change commits. While
// those notifications may be missed (live reports false: the listener is
// reconnecting), nothing is remembered or served. So a revocation, a
// deactivation or a password change is refused on every replica as soon as
// its notification arrives (milliseconds), and within the TTL if a
// notification were ever lost on a connection that still looks alive.
//
// A nil *Cache remembers nothing.
type Cache[V any] struct {
	ttl  time.Duration
	max  int
	live func() bool
	now  func() time.Time

	mu      sync.Mutex
	gen     uint64 // counts Forget calls
	entries map[string]cached[V]
}

type cached[V any] struct {
	v  V
	at time.Time
}

// NewCache holds up to max entries for up to ttl each, while live says
// forgetting is reliable.
func NewCache[V any](ttl time.Duration, max int, live func() bool) *Cache[V] {
	return &Cache[V]{ttl: ttl, max: max, live: live, now: time.Now, entries: map[string]cached[V]{}}
}

// Get returns what is remembered under key. On a miss, gen is to be passed
// to Put with what the caller then reads, so that a read that raced with a
// change is not remembered.
func (c *Cache[V]) Get(key string) (v V, gen uint64, ok bool) {
	if c == nil {
		return v, 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, found := c.entries[key]
	if found && c.now().Sub(e.at) < c.ttl && c.live() {
		return e.v, c.gen, true
	}
	return v, c.gen, false
}

// Put remembers v under key, unless something was forgotten since gen was
// handed out (v may be from before the change) or forgetting is not
// reliable now. A full cache starts over.
func (c *Cache[V]) Put(key string, gen uint64, v V) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || !c.live() {
		return
	}
	if len(c.entries) >= c.max {
		clear(c.entries)
	}
	c.entries[key] = cached[V]{v: v, at: c.now()}
}

// Forget drops everything remembered, and every read in flight.
func (c *Cache[V]) Forget() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.entries)
}
