package main

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// opStats are one operation's outcomes in one run: every latency is kept
// (a run is at most some hundred thousand calls), errors by HTTP status
// (0: no answer).
type opStats struct {
	mu        sync.Mutex
	latencies []time.Duration
	errors    map[int]int
	firstErr  string // what the first error said
}

func (s *opStats) record(d time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if s.errors == nil {
			s.errors = map[int]int{}
			s.firstErr = err.Error()
		}
		s.errors[statusOf(err)]++
		return
	}
	s.latencies = append(s.latencies, d)
}

// latencySummary is the figures of a set of latencies, in milliseconds.
type latencySummary struct {
	N                  int
	P50, P95, P99, Max float64
}

func summarize(ds []time.Duration) latencySummary {
	if len(ds) == 0 {
		return latencySummary{}
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	at := func(q float64) float64 { return ms(sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]) }
	return latencySummary{N: len(sorted), P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: ms(sorted[len(sorted)-1])}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// opsTable prints one run's operations: throughput, latency percentiles and
// errors by status.
func opsTable(w io.Writer, title string, elapsed time.Duration, ops map[string]*opStats) {
	names := make([]string, 0, len(ops))
	for name := range ops {
		names = append(names, name)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "\n%s (%.1fs)\n", title, elapsed.Seconds())
	fmt.Fprintf(w, "  %-26s %8s %9s %8s %8s %8s %8s  %s\n", "operation", "ok", "ok/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors")
	for _, name := range names {
		s := ops[name]
		s.mu.Lock()
		l := summarize(s.latencies)
		errs := errorText(s.errors)
		if s.firstErr != "" {
			errs += " (first: " + truncate(s.firstErr, 120) + ")"
		}
		s.mu.Unlock()
		fmt.Fprintf(w, "  %-26s %8d %9.1f %8.1f %8.1f %8.1f %8.1f  %s\n", name, l.N, float64(l.N)/elapsed.Seconds(), l.P50, l.P95, l.P99, l.Max, errs)
	}
}

func errorText(errs map[int]int) string {
	if len(errs) == 0 {
		return "none"
	}
	var parts []string
	for status, n := range errs {
		label := fmt.Sprint(status)
		if status == 0 {
			label = "no answer"
		}
		parts = append(parts, fmt.Sprintf("%s: %d", label, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
