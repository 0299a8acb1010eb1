package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/jackc/pgx/v5"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/auth"
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

var errUnauthenticated = errors.New("unauthenticated")

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
func currentUser(ctx context.Context) db.User {
	u, ok := ctx.Value(userKey{}).(db.User)
	if !ok {
		panic("currentUser on an operation without authentication")
	}
	return u
}

// authenticate resolves the bearer token to an active user, or answers 401
// (with WWW-Authenticate) or 403.
func (h *handlers) authenticate(ctx huma.Context, next func(huma.Context)) {
	a, _ := ctx.Operation().Metadata[accessKey].(access)
	if a == anyone {
		next(ctx)
		return
	}
	user, err := h.userFromToken(ctx.Context(), ctx.Header("Authorization"))
	switch {
	case errors.Is(err, errUnauthenticated):
		ctx.SetHeader("WWW-Authenticate", `Bearer`)
		_ = huma.WriteErr(h.api, ctx, http.StatusUnauthorized, "could not validate credentials")
		return
	case err != nil:
		h.Logger.ErrorContext(ctx.Context(), "authenticate", "error", err)
		_ = huma.WriteErr(h.api, ctx, http.StatusInternalServerError, "")
		return
	case !user.IsActive:
		_ = huma.WriteErr(h.api, ctx, http.StatusForbidden, "inactive user")
		return
	case a == superuser && !user.IsSuperuser:
		_ = huma.WriteErr(h.api, ctx, http.StatusForbidden, "the user does not have enough privileges")
		return
	}
	next(huma.WithValue(ctx, userKey{}, user))
}

func (h *handlers) userFromToken(ctx context.Context, header string) (db.User, error) {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return db.User{}, errUnauthenticated
	}
	id, version, err := h.tokens.Parse(token, auth.PurposeAccess)
	if err != nil {
		return db.User{}, errUnauthenticated
	}
	user, err := db.New(h.DB).GetUser(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return db.User{}, errUnauthenticated // deleted since the token was issued
	}
	if err != nil {
		return db.User{}, err
	}
	if user.TokenVersion != version {
		return db.User{}, errUnauthenticated // revoked by a password change
	}
	return user, nil
}
