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

// fill sets every variable of c from its value, or its default.
func (r *reader) fill(c *Config) {
	walk(c, func(v variable) {
		raw := strings.TrimSpace(r.get(v.name))
		if raw == "" {
			if v.tag.Get("required") == "true" {
				r.fail(v.name, "is required")
				return
			}
			raw = v.tag.Get("default")
		}
		if raw != "" {
			r.set(v, raw)
		}
	})
}

// set parses raw by the field's type and checks it against the field's tags.
func (r *reader) set(v variable, raw string) {
	switch ptr := v.value.Addr().Interface().(type) {
	case *string:
		*ptr = r.str(v, raw)
	case *[]string:
		*ptr = list(raw)
	case *bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			r.fail(v.name, "%q is not true or false", raw)
		}
		*ptr = b
	case *int, *int32, *int64:
		v.value.SetInt(r.integer(v, raw))
	case *time.Duration:
		*ptr = r.duration(v, raw)
	case *[]time.Duration:
		*ptr = nil
		for _, part := range list(raw) {
			*ptr = append(*ptr, r.duration(v, part))
		}
	case *slog.Level:
		if err := ptr.UnmarshalText([]byte(raw)); err != nil {
			r.fail(v.name, "%q is not one of debug, info, warn, error", raw)
		}
	default:
		panic(fmt.Sprintf("config: %s has a type Load cannot read", v.name))
	}
}

func (r *reader) str(v variable, raw string) string {
	if allowed := v.tag.Get("oneof"); allowed != "" {
		raw = strings.ToLower(raw)
		if !slices.Contains(strings.Split(allowed, ","), raw) {
			r.fail(v.name, "%q is not one of %s", raw, strings.ReplaceAll(allowed, ",", ", "))
		}
	}
	if schemes := v.tag.Get("url"); schemes != "" {
		allowed := strings.Split(schemes, ",")
		u, err := url.Parse(raw)
		if err != nil || !slices.Contains(allowed, u.Scheme) || u.Host == "" && u.Query().Get("host") == "" {
			r.fail(v.name, "is not a %s:// URL with a host", allowed[0])
		}
	}
	return raw
}

func (r *reader) integer(v variable, raw string) int64 {
	lo, _ := strconv.ParseInt(v.tag.Get("min"), 10, 64)
	hi, err := strconv.ParseInt(v.tag.Get("max"), 10, 64)
	if err != nil {
		panic(fmt.Sprintf("config: %s needs a max tag", v.name))
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < lo || n > hi {
		r.fail(v.name, "%q is not a whole number from %d to %d", raw, lo, hi)
		return 0
	}
	return n
}

// duration reads "30s"-style durations, or a whole number of `unit`s (a
// variable such as ACCESS_TOKEN_EXPIRE_MINUTES).
func (r *reader) duration(v variable, raw string) time.Duration {
	if unit := v.tag.Get("unit"); unit != "" {
		d, _ := time.ParseDuration(unit)
		return time.Duration(r.integer(v, raw)) * d
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 {
		r.fail(v.name, "%q is not a positive duration such as 30s or 2m", raw)
		return d
	}
	lo, _ := time.ParseDuration(v.tag.Get("min"))
	hi, _ := time.ParseDuration(v.tag.Get("max"))
	if d < lo || hi > 0 && d > hi {
		r.fail(v.name, "%q is not a duration from %s to %s", raw, v.tag.Get("min"), v.tag.Get("max"))
	}
	return d
}

func list(raw string) []string {
	var out []string
	for _, part := range strings.Split(raw, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}
