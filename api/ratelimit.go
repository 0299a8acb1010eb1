package api

import (
	"context"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// RateCounter counts a client's requests to a bucket (an operation) in
// fixed windows. The server's, db.RateCounter, keeps the counts in
// PostgreSQL so that a limit holds across every API replica; without one,
// the process counts alone (memoryRateCounter).
type RateCounter interface {
	// Hit counts one request and returns the window's count so far and how
	// long until the window ends.
	Hit(ctx context.Context, bucket, client string, window time.Duration) (hits int, resetIn time.Duration, err error)
}

// rateLimiter allows limit requests per client address per window on one
// operation. The address is the client's (clientAddress: behind a trusted
// proxy, from X-Forwarded-For), not the proxy's.
type rateLimiter struct {
	bucket  string
	limit   int
	window  time.Duration
	counter RateCounter
}

func clientKey(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return host
}

// middleware answers 429 with Retry-After once a client is over the limit,
// and 503 when the counts cannot be reached (the database is down: the
// operations limited need it anyway).
func (l *rateLimiter) middleware(h *handlers) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		hits, wait, err := l.counter.Hit(ctx.Context(), l.bucket, clientKey(ctx.RemoteAddr()), l.window)
		if err != nil {
			h.writeError(ctx, err)
			return
		}
		if hits > l.limit {
			secs := int(wait.Seconds() + 0.999)
			ctx.SetHeader("Retry-After", strconv.Itoa(max(secs, 1)))
			h.writeError(ctx, huma.Error429TooManyRequests("too many requests; retry later"))
			return
		}
		next(ctx)
	}
}

// memoryRateCounter counts in this process alone: windows start at the
// first request after the last one ended, and memory stays bounded by one
// window's clients.
type memoryRateCounter struct {
	now func() time.Time

	mu      sync.Mutex
	windows map[string]*memoryWindow // by bucket
}

type memoryWindow struct {
	start   time.Time
	counted map[string]int
}

func newMemoryRateCounter() *memoryRateCounter {
	return &memoryRateCounter{now: time.Now, windows: map[string]*memoryWindow{}}
}

func (c *memoryRateCounter) Hit(_ context.Context, bucket, client string, window time.Duration) (int, time.Duration, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	w := c.windows[bucket]
	if w == nil || now.Sub(w.start) >= window {
		w = &memoryWindow{start: now, counted: map[string]int{}}
		c.windows[bucket] = w
	}
	w.counted[client]++
	return w.counted[client], w.start.Add(window).Sub(now), nil
}
