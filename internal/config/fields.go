package config

import (
	"log/slog"
	"net/url"
	"reflect"
	"strings"
	"time"
)

// variable is one field of Config that a variable sets.
type variable struct {
	name  string
	tag   reflect.StructTag
	value reflect.Value
}

// walk calls fn for every variable of c, in declaration order, descending
// into the groups.
func walk(c *Config, fn func(v variable)) {
	var visit func(v reflect.Value)
	visit = func(v reflect.Value) {
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if name := f.Tag.Get("env"); name != "" {
				fn(variable{name: name, tag: f.Tag, value: v.Field(i)})
			} else if f.Type.Kind() == reflect.Struct {
				visit(v.Field(i))
			}
		}
	}
	visit(reflect.ValueOf(c).Elem())
}

// Variables lists every variable Load reads, in the order .env.example
// documents them.
func Variables() []string {
	var names []string
	walk(&Config{}, func(v variable) { names = append(names, v.name) })
	return names
}

// LogValue prints every setting by its variable's name, secrets masked.
func (c Config) LogValue() slog.Value { return slog.GroupValue(c.Settings()...) }

// Settings are every setting by its variable's name (DATABASE_URL), secrets
// masked, in the order of the Config struct: what a process logs, one line
// each, at debug level when it starts.
func (c Config) Settings() []slog.Attr {
	var attrs []slog.Attr
	walk(&c, func(v variable) {
		key := v.name
		switch val := v.value.Interface().(type) {
		case string:
			switch v.tag.Get("secret") {
			case "true":
				val = mask(val)
			case "url":
				val = MaskURL(val)
			}
			attrs = append(attrs, slog.String(key, val))
		case []string:
			attrs = append(attrs, slog.String(key, strings.Join(val, ",")))
		case time.Duration:
			attrs = append(attrs, slog.Duration(key, val))
		default:
			attrs = append(attrs, slog.Any(key, val))
		}
	})
	return attrs
}

func (c Config) String() string { return c.LogValue().String() }

func mask(s string) string {
	if s == "" {
		return ""
	}
	return "****"
}

// MaskURL hides the password of a connection URL.
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "****"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "****")
	}
	return u.Redacted()
}
