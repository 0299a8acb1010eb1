package api

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// rateLimiter allows limit requests per client address per window (a fixed
// window, starting at the first request after the last one ended: simple,
// and the burst at a window edge is bounded by 2*limit).
// The address is the connection's; behind a proxy, the proxy must be the one
// that limits, or pass the real address.
type rateLimiter struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu      sync.Mutex
	start   time.Time
	counted map[string]int
}

func newRateLimiter(limit int, window time.Duration) *rateLimiter {
	return &rateLimiter{limit: limit, window: window, now: time.Now, counted: map[string]int{}}
}

// allow counts one request from key and says whether it may proceed, and if
// not, how long until it may.
func (l *rateLimiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.start) >= l.window {
		l.start = now
		clear(l.counted) // memory stays bounded by one window's clients
	}
	if l.counted[key] >= l.limit {
		return false, l.start.Add(l.window).Sub(now)
	}
	l.counted[key]++
	return true, 0
}

func clientKey(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return host
}

// middleware answers 429 with Retry-After once a client is over the limit.
func (l *rateLimiter) middleware(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		ok, wait := l.allow(clientKey(ctx.RemoteAddr()))
		if !ok {
			secs := int(wait.Seconds() + 0.999)
			ctx.SetHeader("Retry-After", strconv.Itoa(max(secs, 1)))
			_ = huma.WriteErr(api, ctx, http.StatusTooManyRequests, "too many requests; retry later")
			return
		}
		next(ctx)
	}
}
