package api

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
)

// The one place where every text input is held to what PostgreSQL can
// store: valid UTF-8 without NUL characters. handle runs it on every
// operation's decoded input after Huma's own validation, so a new field is
// covered the day it is added. JSON bodies with invalid UTF-8 reach here
// with U+FFFD in place of the broken bytes (encoding/json replaces them),
// so that character is refused too.

// textProblems names each string in an operation's input that is not such
// text, by its location (path.x, query.x, header.X, body.a.b[2].c).
func textProblems(in any) []error {
	var errs []error
	walkText(reflect.ValueOf(in), "", func(loc, msg string) {
		errs = append(errs, &huma.ErrorDetail{Location: loc, Message: msg})
	})
	return errs
}

// textError is the 422 for textProblems; it never echoes the values, which
// may be passwords or tokens.
func textError(errs []error) error {
	return huma.Error422UnprocessableEntity("text must be valid UTF-8 without NUL characters", errs...)
}

func walkText(v reflect.Value, loc string, fail func(loc, msg string)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkText(v.Elem(), loc, fail)
		}
	case reflect.String:
		if msg := textFault(v.String()); msg != "" {
			fail(loc, msg)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // raw bytes, not text
		}
		for i := range v.Len() {
			walkText(v.Index(i), fmt.Sprintf("%s[%d]", loc, i), fail)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			key := fmt.Sprint(iter.Key().Interface())
			if msg := textFault(key); msg != "" {
				fail(loc, "keys "+msg)
				continue
			}
			walkText(iter.Value(), join(loc, key), fail)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			if name, ok := fieldLocation(f, loc); ok {
				walkText(v.Field(i), name, fail)
			}
		}
	}
}

// fieldLocation is where a field's value came from, as Huma names it in
// its own validation errors; ok is false for fields that are not input.
func fieldLocation(f reflect.StructField, parent string) (string, bool) {
	for _, in := range []string{"path", "query", "header", "cookie"} {
		if name := f.Tag.Get(in); name != "" {
			return in + "." + strings.Split(name, ",")[0], true
		}
	}
	switch {
	case parent == "" && f.Name == "Body":
		return "body", true
	case f.Anonymous:
		return parent, true
	case parent == "":
		return "", false // resolved or internal fields of the input struct
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" {
		return "", false
	}
	if name == "" {
		name = f.Name
	}
	return join(parent, name), true
}

func join(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// textFault says what is wrong with s as stored text, or "".
func textFault(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "must be valid UTF-8"
	case strings.ContainsRune(s, 0):
		return "must not contain NUL (U+0000) characters"
	case strings.ContainsRune(s, utf8.RuneError):
		return "must be valid UTF-8 (U+FFFD marks bytes that were not)"
	}
	return ""
}

// secretNames are the inputs never echoed back in an error's details.
var secretNames = []string{"password", "token", "secret"}

// hideSecrets is a Huma transformer: every problem body leaves out the
// submitted value of a password, token or secret field (Huma's validation
// echoes values, such as a password that is too short).
func hideSecrets(_ huma.Context, _ string, v any) (any, error) {
	model, ok := v.(*huma.ErrorModel)
	if !ok {
		return v, nil
	}
	for _, d := range model.Errors {
		if d != nil && isSecret(d.Location) {
			d.Value = nil
		}
	}
	return v, nil
}

func isSecret(location string) bool {
	last := strings.ToLower(location[strings.LastIndexAny(location, ".")+1:])
	for _, s := range secretNames {
		if strings.Contains(last, s) {
			return true
		}
	}
	return false
}
