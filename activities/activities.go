// Package activities holds the platform's side effects, as methods on structs
// that carry their dependencies. Activities are idempotent: Temporal may run
// one more than once. Business failures are non-retryable application errors.
package activities
