package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/apikeys"
	"github.com/acme/orders/internal/catalog"
	"github.com/acme/orders/internal/emails"
	"github.com/acme/orders/internal/events"
	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/page"
)

// errKeyHasNoAccount is the API's own: an account's operation called with
// an API key.
var errKeyHasNoAccount = errors.New("an API key has no account: this operation needs a user's log-in")

// missingScopeError is a caller without the scope an operation needs; its
// text names the scope.
type missingScopeError struct{ scope access.Scope }

func (e *missingScopeError) Error() string {
	return fmt.Sprintf("this operation needs the scope %s", e.scope)
}

// retryAfter is what a 503 tells the client to wait, in seconds.
const retryAfter = "5"

// problems is the one table from the packages' errors to HTTP. Each is a
// sentinel written to be shown: its own text is the problem's detail (never
// the text of what wraps it). location names the input at fault, for a 422.
var problems = []struct {
	err      error
	status   int
	location string
}{
	{accounts.ErrNotFound, http.StatusNotFound, ""},
	{catalog.ErrNotFound, http.StatusNotFound, ""},
	{orders.ErrNotFound, http.StatusNotFound, ""},
	{orders.ErrRefundNotFound, http.StatusNotFound, ""},
	{orders.ErrReturnNotFound, http.StatusNotFound, ""},
	{events.ErrNotFound, http.StatusNotFound, ""},
	{events.ErrEndpointNotFound, http.StatusNotFound, ""},
	{events.ErrDeliveryNotFound, http.StatusNotFound, ""},
	{events.ErrEndpointDisabled, http.StatusConflict, ""},
	{events.ErrUnknownType, http.StatusUnprocessableEntity, "body.event_types"},

	{accounts.ErrBadCredentials, http.StatusBadRequest, ""},
	{accounts.ErrLoginInactive, http.StatusBadRequest, ""},
	{accounts.ErrIncorrectPassword, http.StatusBadRequest, ""},
	{accounts.ErrSamePassword, http.StatusBadRequest, ""},
	{accounts.ErrInvalidResetToken, http.StatusBadRequest, ""},

	{accounts.ErrUnauthenticated, http.StatusUnauthorized, ""},
	{accounts.ErrInactive, http.StatusForbidden, ""},
	{apikeys.ErrUnknown, http.StatusUnauthorized, ""},
	{errKeyHasNoAccount, http.StatusForbidden, ""},
	{apikeys.ErrNotFound, http.StatusNotFound, ""},
	{apikeys.ErrExpiryPast, http.StatusUnprocessableEntity, "body.expires_at"},
	{apikeys.ErrBadScope, http.StatusUnprocessableEntity, "body.scopes"},
	{accounts.ErrUnknownRole, http.StatusUnprocessableEntity, "body.role"},
	{accounts.ErrRoleConflict, http.StatusUnprocessableEntity, "body.role"},
	{orders.ErrCustomerRequired, http.StatusUnprocessableEntity, "body.customer_id"},
	{orders.ErrCustomerNotFound, http.StatusUnprocessableEntity, "body.customer_id"},
	{errBadSignature, http.StatusBadRequest, ""},
	{orders.ErrNotAllowed, http.StatusForbidden, ""},
	{accounts.ErrRegistrationClosed, http.StatusForbidden, ""},
	{accounts.ErrAdminSelfDelete, http.StatusForbidden, ""},

	{accounts.ErrEmailTaken, http.StatusConflict, ""},
	{accounts.ErrHasOrders, http.StatusConflict, ""},
	{accounts.ErrLastAdmin, http.StatusConflict, ""},
	{catalog.ErrSKUTaken, http.StatusConflict, ""},
	{catalog.ErrStockBelowReserved, http.StatusConflict, ""},

	{accounts.ErrPasswordLength, http.StatusUnprocessableEntity, ""},
	{accounts.ErrInvalidEmail, http.StatusUnprocessableEntity, "body.email"},
	{catalog.ErrZeroDelta, http.StatusUnprocessableEntity, "body.delta"},
	{catalog.ErrTooMuchStock, http.StatusUnprocessableEntity, "body.delta"},
	{orders.ErrKeyReused, http.StatusUnprocessableEntity, "header.Idempotency-Key"},
	{page.ErrBadCursor, http.StatusUnprocessableEntity, "query.cursor"},
	{orders.ErrKeyInvalid, http.StatusUnprocessableEntity, "header.Idempotency-Key"},

	{orders.ErrWorkflowNotStarted, http.StatusServiceUnavailable, ""},
	{emails.ErrDisabled, http.StatusServiceUnavailable, ""},
	{errProviderEventsOff, http.StatusServiceUnavailable, ""},
}

// outage is an error that says a dependency (the database, Temporal) cannot
// be reached now: db.ErrUnavailable and temporalconn.ErrUnavailable are
// recognised by this behaviour, so the API needs to import neither.
type outage interface {
	error
	Unavailable() bool
}

// problem turns a handler's error into its HTTP answer. An outage is a 503
// with Retry-After; an error the table does not know is logged with its
// cause and answered with a bare 500; a 503's cause is logged too, never
// shown.
func (h *handlers) problem(ctx context.Context, err error) error {
	var (
		status   huma.StatusError
		lines    *orders.LinesError
		rejected *orders.RejectedError
		badURL   *events.URLError
		quantity *orders.LineQuantityError
		scope    *missingScopeError
	)
	switch {
	case errors.As(err, &status):
		return err // already an answer (Huma's validation)
	case errors.As(err, &lines):
		return huma.Error422UnprocessableEntity("some lines cannot be ordered", lineDetails(lines, nil)...)
	case errors.As(err, &scope):
		return huma.Error403Forbidden(scope.Error())
	case errors.As(err, &rejected):
		return huma.Error409Conflict(rejected.Reason)
	case errors.As(err, &quantity):
		return lineQuantityDetails(quantity)
	case errors.As(err, &badURL):
		return huma.Error422UnprocessableEntity(events.ErrBadURL.Error(), &huma.ErrorDetail{Location: "body.url", Message: badURL.Reason})
	}
	var down outage
	if errors.As(err, &down) && down.Unavailable() {
		return h.unavailable(ctx, huma.Error503ServiceUnavailable(down.Error()), err)
	}
	for _, p := range problems {
		if !errors.Is(err, p.err) {
			continue
		}
		var details []error
		if p.location != "" {
			details = append(details, &huma.ErrorDetail{Location: p.location, Message: p.err.Error()})
		}
		answer := huma.NewError(p.status, p.err.Error(), details...)
		switch p.status {
		case http.StatusUnauthorized:
			return huma.ErrorWithHeaders(answer, http.Header{"WWW-Authenticate": {"Bearer"}})
		case http.StatusServiceUnavailable:
			return h.unavailable(ctx, answer, err)
		}
		return answer
	}
	h.Logger.ErrorContext(ctx, "unexpected error", "error", err)
	return huma.Error500InternalServerError("")
}

// lineDetails are the problems of an order's lines, each at its location
// (under prefix, or the request body).
func lineDetails(lines *orders.LinesError, prefix *huma.PathBuffer) []error {
	at := func(path string) string {
		if prefix == nil {
			return "body." + path
		}
		return prefix.With(path)
	}
	details := make([]error, len(lines.Problems))
	for i, p := range lines.Problems {
		location := at("lines")
		if p.Index >= 0 {
			location = at(fmt.Sprintf("lines[%d].%s", p.Index, p.Field))
		}
		details[i] = &huma.ErrorDetail{Location: location, Message: p.Message, Value: p.Value}
	}
	return details
}

// unavailable logs a 503's cause and adds Retry-After to its answer.
func (h *handlers) unavailable(ctx context.Context, answer huma.StatusError, cause error) error {
	h.Logger.WarnContext(ctx, "dependency unavailable", "error", cause)
	return huma.ErrorWithHeaders(answer, http.Header{"Retry-After": {retryAfter}})
}

// handle registers an operation whose handler returns the packages' errors
// as they are: every one becomes an answer through problem, here. Before
// the handler runs, every text input is checked (textProblems). The
// document lists every answer the operation can give (documented).
func handle[I, O any](api huma.API, h *handlers, op huma.Operation, fn func(context.Context, *I) (*O, error)) {
	huma.Register(api, documented[I](op), func(ctx context.Context, in *I) (*O, error) {
		if errs := textProblems(in); len(errs) > 0 {
			return nil, textError(errs)
		}
		out, err := fn(ctx, in)
		if err != nil {
			return nil, h.problem(ctx, err)
		}
		return out, nil
	})
}

// writeError answers from a middleware, through the same table.
func (h *handlers) writeError(ctx huma.Context, err error) {
	answer := h.problem(ctx.Context(), err)
	var he huma.HeadersError
	if errors.As(answer, &he) {
		for k, vs := range he.GetHeaders() {
			for _, v := range vs {
				ctx.AppendHeader(k, v)
			}
		}
	}
	var se huma.StatusError
	errors.As(answer, &se)
	ctx.SetHeader("Content-Type", "application/problem+json")
	ctx.SetStatus(se.GetStatus())
	_ = h.api.Marshal(ctx.BodyWriter(), "application/problem+json", se)
}
