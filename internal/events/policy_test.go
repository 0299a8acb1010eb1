package events_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/acme/orders/internal/events"
)

func TestPolicyRetriesOnScheduleThenGivesUp(t *testing.T) {
	p := events.Policy{Schedule: events.DefaultSchedule, DisableAfter: 120 * time.Hour}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, wait := range events.DefaultSchedule {
		state, next := p.Next(i+1, events.Retryable, 0, now)
		if state != events.DeliveryPending || next == nil {
			t.Fatalf("attempt %d: %s %v", i+1, state, next)
		}
		if d := next.Sub(now); d < wait*9/10 || d > wait*11/10 {
			t.Errorf("retry %d after %s, want %s ±10%%", i+1, d, wait)
		}
	}
	if state, next := p.Next(len(events.DefaultSchedule)+1, events.Retryable, 0, now); state != events.DeliveryFailed || next != nil {
		t.Errorf("after the last retry: %s %v", state, next)
	}
	if _, next := p.Next(1, events.Retryable, time.Minute, now); next.Sub(now) != time.Minute {
		t.Errorf("Retry-After 60s: retried after %s", next.Sub(now))
	}
	if _, next := p.Next(1, events.Retryable, 1000*time.Hour, now); next.Sub(now) != 24*time.Hour {
		t.Errorf("a Retry-After of 1000h is bounded: %s", next.Sub(now))
	}
	for o, want := range map[events.Outcome]events.DeliveryState{events.Delivered: events.DeliverySucceeded, events.Refused: events.DeliveryFailed, events.Gone: events.DeliveryFailed} {
		if state, next := p.Next(1, o, 0, now); state != want || next != nil {
			t.Errorf("outcome %d: %s %v", o, state, next)
		}
	}
	since := now.Add(-119 * time.Hour)
	if p.Disable(&since, now) || p.Disable(nil, now) || !p.Disable(&since, now.Add(time.Hour)) {
		t.Error("an endpoint is disabled once it has failed for DisableAfter, not before")
	}
}

type resolver map[string][]netip.Addr

func (r resolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := r[host]; ok {
		return a, nil
	}
	return nil, errors.New("no such host")
}

func TestURLGuard(t *testing.T) {
	g := events.URLGuard{Resolver: resolver{
		"hooks.example.com":    {netip.MustParseAddr("93.184.216.34")},
		"rebind.example.com":   {netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("10.0.0.7")},
		"internal.example.com": {netip.MustParseAddr("::ffff:127.0.0.1")},
	}}
	for url, ok := range map[string]bool{
		"https://hooks.example.com/orders": true,
		"https://93.184.216.34:8443/x":     true,
		"http://hooks.example.com/orders":  false,
		"https://rebind.example.com/x":     false,
		"https://internal.example.com/x":   false,
		"https://nowhere.example.com/x":    false,
		"https://100.64.1.1/x":             false,
		"https://[fe80::1]/x":              false,
		"https://0.0.0.0/x":                false,
		"https://224.0.0.1/x":              false,
		"ftp://hooks.example.com/x":        false,
		"/relative":                        false,
		"https://a:b@hooks.example.com/x":  false,
	} {
		err := g.Check(context.Background(), url)
		if (err == nil) != ok || err != nil && !errors.Is(err, events.ErrBadURL) {
			t.Errorf("%s: %v", url, err)
		}
	}
	local := events.URLGuard{AllowPrivate: true}
	if err := local.Check(context.Background(), "http://127.0.0.1:9000/hooks"); err != nil {
		t.Errorf("WEBHOOK_ALLOW_PRIVATE_URLS: %v", err)
	}
}
