package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/apikeys"
	"github.com/acme/orders/internal/orders"
)

// rule is who may call an operation: the auth middleware enforces it, and
// guarded writes it into the OpenAPI document as the security requirement.
type rule struct {
	kind  ruleKind
	scope access.Scope
}

type ruleKind int

const (
	kindPublic  ruleKind = iota
	kindAccount          // a user's log-in, any role: their own account (an API key has none)
	kindOwn              // a user on their own (orders, account), the scope on anyone's; an API key needs the scope
	kindScope            // whoever holds the scope
)

var (
	anyone  = rule{kind: kindPublic}
	account = rule{kind: kindAccount}
)

// own is an operation on what is the caller's own, or on anyone's with the scope.
func own(s access.Scope) rule { return rule{kind: kindOwn, scope: s} }

// needs is an operation for whoever holds the scope.
func needs(s access.Scope) rule { return rule{kind: kindScope, scope: s} }

const (
	securityScheme = "OAuth2PasswordBearer"
	keyScheme      = "APIKey"
	tokenURL       = BasePath + "/login/access-token"
	ruleKey        = "access"
)

// guarded sets the operation's security in the document and the rule the
// middleware reads; every operation is registered through it.
func guarded(r rule, op huma.Operation) huma.Operation {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[ruleKey] = r
	login := func(scopes ...access.Scope) map[string][]string {
		return map[string][]string{securityScheme: access.Names(scopes)}
	}
	key := map[string][]string{keyScheme: {string(r.scope)}}
	switch {
	case r.kind == kindPublic:
		op.Security = public
		return op
	case r.kind == kindAccount:
		op.Security = []map[string][]string{login()}
	case r.kind == kindOwn:
		op.Security = []map[string][]string{login(), key}
	case r.scope == access.Admin:
		op.Security = []map[string][]string{login(r.scope)}
	default:
		op.Security = []map[string][]string{login(r.scope), key}
	}
	op.Description = strings.TrimSpace(op.Description + "\n\n" + r.describe())
	op.Errors = append(op.Errors, http.StatusUnauthorized, http.StatusForbidden)
	if len(op.Security) > 1 { // an API key may call it: RATE_LIMIT_API_KEY
		op.Errors = append(op.Errors, http.StatusTooManyRequests)
	}
	return op
}

// describe says who may call, for the operation's page in /docs.
func (r rule) describe() string {
	switch {
	case r.kind == kindAccount:
		return "**Access:** any user, on their own account (not an API key)."
	case r.kind == kindOwn:
		return fmt.Sprintf("**Access:** any user, on their own; with the scope `%s` (a staff role's or an API key's), on anyone's.", r.scope)
	case r.scope == access.Admin:
		return "**Access:** admins only (scope `admin`; never an API key)."
	}
	return fmt.Sprintf("**Access:** the scope `%s`: a staff role that holds it, or an API key given it.", r.scope)
}

// caller is who makes a request: a user by their log-in, or an API key.
type caller struct {
	user   accounts.User // zero for an API key
	key    *apikeys.Use  // nil for a user
	grants access.Grants
}

func (c caller) isKey() bool { return c.key != nil }

// actor is how the caller is named in timelines and the audit log.
func (c caller) actor() string {
	if c.isKey() {
		return "api-key:" + c.key.Name
	}
	return c.user.Email
}

// allows is nil when the rule lets the caller in, or why not.
func (r rule) allows(c caller) error {
	switch {
	case r.kind == kindAccount && c.isKey():
		return errKeyHasNoAccount
	case r.kind == kindOwn && c.isKey() && !c.grants.Has(r.scope),
		r.kind == kindScope && !c.grants.Has(r.scope):
		return &missingScopeError{r.scope}
	}
	return nil
}

type callerKey struct{}

func currentCaller(ctx context.Context) caller {
	c, ok := ctx.Value(callerKey{}).(caller)
	if !ok {
		panic("currentCaller on an operation without authentication")
	}
	return c
}

// currentUser is the authenticated user; only operations a user alone may
// call (account), or that need a user's ID, call it.
func currentUser(ctx context.Context) accounts.User {
	c := currentCaller(ctx)
	if c.isKey() {
		panic("currentUser for an API key")
	}
	return c.user
}

// currentUserID is the caller's account, for the records that name one;
// nil for an API key (the audit log names the key).
func currentUserID(ctx context.Context) *uuid.UUID {
	c := currentCaller(ctx)
	if c.isKey() {
		return nil
	}
	return &c.user.ID
}

// viewer is the caller as the orders see them.
func viewer(ctx context.Context) orders.Viewer {
	c := currentCaller(ctx)
	return orders.Viewer{ID: c.user.ID, Email: c.actor(), Scopes: c.grants}
}

// authenticate resolves the bearer credential (a log-in token or an API
// key) to its caller and checks the operation's rule: 401 (with
// WWW-Authenticate) without a valid credential, 403 without the right, 429
// for a key over its rate. An operator's action and a key's write are
// written to the audit log once they ran.
func (h *handlers) authenticate(ctx huma.Context, next func(huma.Context)) {
	r, _ := ctx.Operation().Metadata[ruleKey].(rule)
	if r.kind == kindPublic {
		next(ctx)
		return
	}
	c, err := h.callerFrom(ctx.Context(), ctx.Header("Authorization"))
	if err == nil && c.isKey() {
		err = h.keyRate(ctx, c.key)
	}
	if err == nil {
		err = r.allows(c)
	}
	if err != nil {
		h.writeError(ctx, err)
		return
	}
	ctx = huma.WithValue(ctx, callerKey{}, c)
	if audited(ctx.Method(), r, c) {
		h.audit(ctx, c, next)
		return
	}
	next(ctx)
}

func (h *handlers) callerFrom(ctx context.Context, header string) (caller, error) {
	scheme, credential, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || credential == "" {
		return caller{}, accounts.ErrUnauthenticated
	}
	if apikeys.IsKey(credential) {
		use, err := h.Keys.Authenticate(ctx, credential)
		if err != nil {
			return caller{}, err
		}
		return caller{key: &use, grants: use.Scopes}, nil
	}
	user, err := h.Auth.Authenticate(ctx, credential)
	if err != nil {
		return caller{}, err
	}
	return caller{user: user, grants: user.Role.Scopes()}, nil
}

// keyRate refuses a key over its limit of requests per minute, with
// Retry-After: when its current minute ends.
func (h *handlers) keyRate(ctx huma.Context, use *apikeys.Use) error {
	limit := h.Options.RateLimits.APIKey
	if limit <= 0 || use.Rate <= float64(limit) {
		return nil
	}
	return tooManyRequests(ctx, use.Reset, "this API key is over its rate limit; retry later")
}
