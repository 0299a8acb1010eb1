package api

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/go-chi/chi/v5/middleware"
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
