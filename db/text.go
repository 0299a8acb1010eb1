package db

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
