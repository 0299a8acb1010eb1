// Package archtest holds no code: its test checks the platform's dependency
// rules (which package may import which) over `go list`, for `make check`.
package archtest
