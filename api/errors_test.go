package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/temporalconn"
)

func newHandlers(logs io.Writer) *handlers {
	return &handlers{Deps: Deps{Logger: slog.New(slog.NewTextHandler(logs, nil))}}
}

func answer(t *testing.T, err error) *huma.ErrorModel {
	t.Helper()
	var model *huma.ErrorModel
	if !errors.As(err, &model) {
		t.Fatalf("%v is not a problem", err)
	}
	return model
}

// TestEverySentinelHasItsAnswer: each error of the table, even wrapped,
// answers its status with the sentinel's own text, never the wrapper's.
func TestEverySentinelHasItsAnswer(t *testing.T) {
	h := newHandlers(io.Discard)
	for _, p := range problems {
		got := h.problem(t.Context(), fmt.Errorf("select from secret_table: %w", p.err))
		m := answer(t, got)
		if m.Status != p.status || m.Detail != p.err.Error() || strings.Contains(m.Error(), "secret_table") {
			t.Errorf("%v: got %d %q", p.err, m.Status, m.Detail)
		}
		if p.location != "" && (len(m.Errors) != 1 || m.Errors[0].Location != p.location) {
			t.Errorf("%v: errors %+v, want location %s", p.err, m.Errors, p.location)
		}
	}
}

func TestUnmappedErrorsAreBare(t *testing.T) {
	var logs bytes.Buffer
	h := newHandlers(&logs)
	m := answer(t, h.problem(t.Context(), errors.New("pq: relation secret_table does not exist")))
	if m.Status != http.StatusInternalServerError {
		t.Fatalf("got %#v", m)
	}
	if m.Detail != "" || len(m.Errors) != 0 || strings.Contains(m.Error(), "secret_table") {
		t.Fatalf("500 leaks its cause: %+v", m)
	}
	if !strings.Contains(logs.String(), "secret_table") {
		t.Fatal("the cause was not logged")
	}
	// Client errors keep their detail: it is what the caller must fix.
	bad := answer(t, h.problem(t.Context(), huma.Error422UnprocessableEntity("validation failed", errors.New("quantity too large"))))
	if !strings.Contains(bad.Error(), "validation failed") || len(bad.Errors) != 1 {
		t.Fatalf("4xx lost its detail: %+v", bad)
	}
}

func TestUnavailableIsA503ToRetryWithItsCauseLogged(t *testing.T) {
	var logs bytes.Buffer
	h := newHandlers(&logs)
	got := h.problem(t.Context(), fmt.Errorf("%w: dial tcp 10.0.0.7:7233: connection refused", temporalconn.ErrUnavailable))
	m := answer(t, got)
	var he huma.HeadersError
	if m.Status != http.StatusServiceUnavailable || !errors.As(got, &he) || he.GetHeaders().Get("Retry-After") == "" {
		t.Fatalf("got %+v", got)
	}
	if strings.Contains(m.Error(), "10.0.0.7") || !strings.Contains(logs.String(), "10.0.0.7") {
		t.Fatalf("the cause must be logged, not shown: %+v / %s", m, logs.String())
	}
}

func TestOrderProblemsKeepTheirDetail(t *testing.T) {
	h := newHandlers(io.Discard)
	lines := answer(t, h.problem(t.Context(), &orders.LinesError{Problems: []orders.LineProblem{
		{Index: 0, Field: "product_id", Message: "no such product"}, {Index: 2, Field: "product_id", Message: "product is not for sale"},
	}}))
	if lines.Status != http.StatusUnprocessableEntity || len(lines.Errors) != 2 ||
		lines.Errors[1].Location != "body.lines[2].product_id" || lines.Errors[1].Message != "product is not for sale" {
		t.Fatalf("lines: %+v", lines)
	}
	rejected := answer(t, h.problem(t.Context(), &orders.RejectedError{Reason: "order is shipped; it can be cancelled only until it ships"}))
	if rejected.Status != http.StatusConflict || !strings.Contains(rejected.Detail, "only until it ships") {
		t.Fatalf("rejected: %+v", rejected)
	}
}
