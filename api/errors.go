package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/accounts"
)

// Huma answers an error a handler did not map with a 500 whose detail is the
// error text. That text can hold SQL or hostnames, so the cause goes to the log
// and the client gets a bare problem.
func init() {
	next := huma.NewErrorWithContext
	huma.NewErrorWithContext = func(hctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
		if status < http.StatusInternalServerError || len(errs) == 0 {
			return next(hctx, status, msg, errs...)
		}
		ctx := context.Background()
		if hctx != nil {
			ctx = hctx.Context()
		}
		slog.Default().ErrorContext(ctx, "unhandled error", "status", status, "error", errs,
			"request_id", middleware.GetReqID(ctx))
		return next(hctx, status, "")
	}
}

// errWorkflowUnavailable answers when Temporal cannot be reached; the cause is logged.
var errWorkflowUnavailable = huma.Error503ServiceUnavailable("the workflow service is unavailable; try again later")

// fail is the one place that maps the packages' errors to HTTP. An error it
// does not know is logged with its cause and answered with a bare 500.
func (h *handlers) fail(ctx context.Context, err error) error {
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return huma.Error404NotFound("not found")
	case errors.Is(err, accounts.ErrEmailTaken):
		return huma.Error409Conflict("a user with this e-mail already exists")
	case errors.Is(err, accounts.ErrPasswordLength):
		return huma.Error422UnprocessableEntity(err.Error())
	case db.IsForeignKeyViolation(err):
		return huma.Error409Conflict("still referenced elsewhere (a user with orders cannot be deleted; deactivate it)")
	}
	h.Logger.ErrorContext(ctx, "unexpected error", "error", err, "request_id", middleware.GetReqID(ctx))
	return huma.Error500InternalServerError("")
}
