package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/orders"
)

// access is who may call an operation; the auth middleware enforces it.
type access int

const (
	anyone access = iota
	loggedIn
	superuser
)

const (
	securityScheme = "OAuth2PasswordBearer"
	tokenURL       = BasePath + "/login/access-token"
	accessKey      = "access"
)

// guarded sets the operation's security in the document and the access rule
// the middleware reads; every operation is registered through it.
func guarded(a access, op huma.Operation) huma.Operation {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[accessKey] = a
	if a == anyone {
		op.Security = public
		return op
	}
	op.Security = []map[string][]string{{securityScheme: {}}}
	op.Errors = append(op.Errors, http.StatusUnauthorized, http.StatusForbidden)
	return op
}

type userKey struct{}

// currentUser is the authenticated caller; only operations guarded by
// loggedIn or superuser may call it.
func currentUser(ctx context.Context) accounts.User {
	u, ok := ctx.Value(userKey{}).(accounts.User)
	if !ok {
		panic("currentUser on an operation without authentication")
	}
	return u
}

// viewer is the caller as the orders see them.
func viewer(ctx context.Context) orders.Viewer {
	u := currentUser(ctx)
	return orders.Viewer{ID: u.ID, Email: u.Email, Superuser: u.IsSuperuser}
}

// authenticate resolves the bearer token to an active user, or answers 401
// (with WWW-Authenticate) or 403.
func (h *handlers) authenticate(ctx huma.Context, next func(huma.Context)) {
	a, _ := ctx.Operation().Metadata[accessKey].(access)
	if a == anyone {
		next(ctx)
		return
	}
	user, err := h.userFromHeader(ctx.Context(), ctx.Header("Authorization"))
	if err == nil && a == superuser && !user.IsSuperuser {
		err = errNotSuperuser
	}
	if err != nil {
		h.writeError(ctx, err)
		return
	}
	next(huma.WithValue(ctx, userKey{}, user))
}

func (h *handlers) userFromHeader(ctx context.Context, header string) (accounts.User, error) {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return accounts.User{}, accounts.ErrUnauthenticated
	}
	return h.Auth.Authenticate(ctx, token)
}
