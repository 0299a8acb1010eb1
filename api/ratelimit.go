package api

import (
	"context"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// RateLog logs a client's attempts at a rate-limited operation (a bucket).
// The server's, db.RateLog, keeps them in PostgreSQL so that a limit holds
// across every API replica; without one, the process logs alone
// (memoryRateLog).
type RateLog interface {
	// Record logs one attempt, keeping the client's latest keep, and
	// returns those made within the last window, oldest first, this one
	// last (its time is now on the log's clock).
	Record(ctx context.Context, bucket, client string, keep int, window time.Duration) ([]time.Time, error)
}

// rateLimiter allows a client address limit attempts at one operation in
// any window-long span (a sliding window: no burst of twice the limit where
// two fixed windows meet). Refused attempts count too, so a client that
// keeps trying before its Retry-After stays refused. The address is the
// client's (clientAddress: behind a trusted proxy, from X-Forwarded-For),
// not the proxy's.
type rateLimiter struct {
	bucket string
	limit  int
	window time.Duration
	log    RateLog
}

func clientKey(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return host
}

// middleware answers 429 with Retry-After once a client is over the limit,
// and 503 when the log cannot be reached (the database is down: the
// operations limited need it anyway).
func (l *rateLimiter) middleware(h *handlers) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		recent, err := l.log.Record(ctx.Context(), l.bucket, clientKey(ctx.RemoteAddr()), l.limit+1, l.window)
		if err != nil {
			h.writeError(ctx, err)
			return
		}
		if wait, refused := l.refused(recent); refused {
			h.writeError(ctx, tooManyRequests(ctx, wait, "too many requests; retry later"))
			return
		}
		next(ctx)
	}
}

// tooManyRequests is a 429 whose Retry-After says to wait, in whole
// seconds rounded up (1 at least).
func tooManyRequests(ctx huma.Context, wait time.Duration, detail string) error {
	ctx.SetHeader("Retry-After", strconv.Itoa(max(int(wait.Seconds()+0.999), 1)))
	return huma.Error429TooManyRequests(detail)
}

// refused says whether the attempts within the window, the latest last,
// are over the limit, and if so how long until the next one would not be:
// once the second oldest has left the window, limit-1 of these and the next
// one are within it.
func (l *rateLimiter) refused(recent []time.Time) (time.Duration, bool) {
	if len(recent) <= l.limit {
		return 0, false
	}
	return recent[len(recent)-l.limit].Add(l.window).Sub(recent[len(recent)-1]), true
}

// memoryRateLog logs in this process alone. It forgets a client a window
// after its latest attempt, so memory stays bounded by the clients of the
// last two windows.
type memoryRateLog struct {
	now func() time.Time

	mu         sync.Mutex
	logs       map[memoryLogKey][]time.Time
	sweptUntil time.Time
}

type memoryLogKey struct{ bucket, client string }

func newMemoryRateLog() *memoryRateLog {
	return &memoryRateLog{now: time.Now, logs: map[memoryLogKey][]time.Time{}}
}

func (m *memoryRateLog) Record(_ context.Context, bucket, client string, keep int, window time.Duration) ([]time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	since := now.Add(-window)
	if now.After(m.sweptUntil) {
		for k, log := range m.logs {
			if !log[len(log)-1].After(since) {
				delete(m.logs, k)
			}
		}
		m.sweptUntil = now.Add(window)
	}
	key := memoryLogKey{bucket, client}
	log := append(m.logs[key], now)
	log = log[max(len(log)-keep, 0):]
	m.logs[key] = log
	recent := make([]time.Time, 0, len(log))
	for _, t := range log {
		if t.After(since) {
			recent = append(recent, t)
		}
	}
	return recent, nil
}
