package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// reader collects one error per bad variable, so that a start-up failure lists
// everything that needs fixing at once.
type reader struct {
	get  func(string) string
	errs []error
}

func (r *reader) fail(name, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("%w: %s: %s", ErrInvalid, name, fmt.Sprintf(format, args...)))
}

func (r *reader) err() error { return errors.Join(r.errs...) }

func (r *reader) str(name, def string) string {
	if v := strings.TrimSpace(r.get(name)); v != "" {
		return v
	}
	return def
}

func (r *reader) required(name string) string {
	v := r.str(name, "")
	if v == "" {
		r.fail(name, "is required")
	}
	return v
}

func (r *reader) oneOf(name, def string, allowed ...string) string {
	v := strings.ToLower(r.str(name, def))
	if !slices.Contains(allowed, v) {
		r.fail(name, "%q is not one of %s", v, strings.Join(allowed, ", "))
	}
	return v
}

func (r *reader) intIn(name string, def, lo, hi int) int {
	raw := r.str(name, "")
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		r.fail(name, "%q is not a whole number from %d to %d", raw, lo, hi)
		return def
	}
	return n
}

func (r *reader) duration(name string, def time.Duration) time.Duration {
	raw := r.str(name, "")
	if raw == "" {
		return def
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 {
		r.fail(name, "%q is not a positive duration such as 30s or 2m", raw)
		return def
	}
	return d
}

func (r *reader) boolean(name string, def bool) bool {
	raw := r.str(name, "")
	if raw == "" {
		return def
	}
	b, err := strconv.ParseBool(raw)
	if err != nil {
		r.fail(name, "%q is not true or false", raw)
		return def
	}
	return b
}

func (r *reader) list(name string) []string {
	var out []string
	for _, part := range strings.Split(r.str(name, ""), ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (r *reader) url(name string, schemes ...string) string {
	raw := r.required(name)
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || !slices.Contains(schemes, u.Scheme) || u.Host == "" && u.Query().Get("host") == "" {
		r.fail(name, "is not a %s:// URL with a host", schemes[0])
	}
	return raw
}

func (r *reader) level(name string, def slog.Level) slog.Level {
	raw := r.str(name, "")
	if raw == "" {
		return def
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(raw)); err != nil {
		r.fail(name, "%q is not one of debug, info, warn, error", raw)
		return def
	}
	return l
}
