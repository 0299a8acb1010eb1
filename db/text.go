package db

import "time"

// Text is an optional text column's parameter: NULL for "".
func Text(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// TextOf is an optional text column's value: "" for NULL.
func TextOf(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Time is an optional timestamp column's parameter: NULL for the zero time.
func Time(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
