package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/acme/orders/api"
	"github.com/acme/orders/internal/access"
)

// accessRules is who may call each operation, as this test expects it:
// "public", "account" (any user's log-in, no API key), "own <scope>" (a
// user on their own; an API key needs the scope) or the scope itself. An
// operation the document has and this table lacks fails the test, so that
// no operation goes without its rule being decided here.
var accessRules = map[string]string{
	"login-access-token": "public", "recover-password": "public", "reset-password": "public", "register-user": "public",
	"list-products": "public", "read-product": "public", "health-check": "public", "ready": "public",
	"receive-stripe-event": "public",

	"login-test-token": "account", "read-user-me": "account", "update-user-me": "account",
	"update-password-me": "account", "delete-user-me": "account",

	"place-order": "own orders:write", "cancel-order": "own orders:write",
	"list-orders": "own orders:read", "read-order": "own orders:read", "list-order-events": "own orders:read",
	"stream-order-events": "own orders:read", "list-order-refunds": "own orders:read", "list-order-returns": "own orders:read",
	"return-order": "own returns:write", "read-user": "own users:read",

	"approve-order": "orders:write", "reject-order": "orders:write",
	"ship-order": "fulfillments:write", "deliver-order": "fulfillments:write",
	"refund-order":   "refunds:write",
	"approve-return": "returns:write", "reject-return": "returns:write", "receive-return": "returns:write",
	"create-product": "products:write", "update-product": "products:write", "delete-product": "products:write",
	"adjust-stock": "stock:write", "list-stock-adjustments": "products:read",
	"list-events": "events:read", "read-event": "events:read", "stream-events": "events:read",
	"list-webhooks": "webhooks:manage", "create-webhook": "webhooks:manage", "read-webhook": "webhooks:manage",
	"update-webhook": "webhooks:manage", "delete-webhook": "webhooks:manage", "rotate-webhook-secret": "webhooks:manage",
	"test-webhook": "webhooks:manage", "list-webhook-deliveries": "webhooks:manage", "redeliver-webhook-delivery": "webhooks:manage",
	"list-users": "users:read",

	"create-user": "admin", "update-user": "admin", "delete-user": "admin",
	"create-api-key": "admin", "list-api-keys": "admin", "revoke-api-key": "admin", "list-audit-log": "admin",
	"list-reconciliation-findings": "admin", "test-email": "admin", "test-workflow": "admin",
	"recover-password-html-content": "admin",
}

// documentedRule reads an operation's rule back from its security
// requirements, in accessRules' words.
func documentedRule(op *huma.Operation) string {
	var login, key []string
	hasLogin, hasKey := false, false
	for _, req := range op.Security {
		if s, ok := req["OAuth2PasswordBearer"]; ok {
			login, hasLogin = s, true
		}
		if s, ok := req["APIKey"]; ok {
			key, hasKey = s, true
		}
	}
	switch {
	case !hasLogin && !hasKey:
		return "public"
	case hasLogin && len(login) == 0 && !hasKey:
		return "account"
	case hasLogin && len(login) == 0 && len(key) == 1:
		return "own " + key[0]
	case len(login) == 1 && (!hasKey && login[0] == "admin" || hasKey && slices.Equal(login, key)):
		return login[0]
	}
	return "unclear"
}

// matrixCaller is one kind of caller: a user of a role, or a key with one scope.
type matrixCaller struct {
	name   string
	token  string
	key    bool
	grants access.Grants
}

func (c matrixCaller) allowed(rule string) bool {
	switch scope, own := strings.CutPrefix(rule, "own "); {
	case rule == "public":
		return true
	case rule == "account":
		return !c.key
	case own:
		return !c.key || c.grants.Has(access.Scope(scope))
	}
	return c.grants.Has(access.Scope(rule))
}

// TestEveryOperationKeepsItsAccessRule walks every operation of the OpenAPI
// document: its documented security is the rule accessRules expects, and a
// call by each role and by a key of each scope is let in, or refused with a
// 403 naming the missing scope, as that rule says.
func TestEveryOperationKeepsItsAccessRule(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	var callers []matrixCaller
	for _, role := range access.Roles() {
		_, token := p.staff(string(role))
		callers = append(callers, matrixCaller{name: string(role), token: token, grants: role.Scopes()})
	}
	for _, scope := range access.KeyScopes() {
		k := p.newKey("only "+string(scope), string(scope))
		callers = append(callers, matrixCaller{name: "key " + string(scope), token: k.Key, key: true, grants: access.Grants{scope}})
	}

	type operation struct {
		op   *huma.Operation
		path string
	}
	var ops []operation
	seen := map[string]bool{}
	for path, item := range p.api.OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op != nil {
				ops = append(ops, operation{op, path})
				seen[op.OperationID] = true
			}
		}
	}
	for id := range accessRules {
		if !seen[id] {
			t.Errorf("accessRules has %s, which the document does not", id)
		}
	}
	// Deleting your own account goes last: the callers need theirs until then.
	slices.SortFunc(ops, func(a, b operation) int {
		if (a.op.OperationID == "delete-user-me") != (b.op.OperationID == "delete-user-me") {
			if a.op.OperationID == "delete-user-me" {
				return 1
			}
			return -1
		}
		return strings.Compare(a.op.OperationID, b.op.OperationID)
	})
	for _, o := range ops {
		id := o.op.OperationID
		rule, ok := accessRules[id]
		if !ok {
			t.Errorf("%s %s has no rule in accessRules: decide who may call it", o.op.Method, o.path)
			continue
		}
		if got := documentedRule(o.op); got != rule {
			t.Errorf("%s: the document says %q, want %q", id, got, rule)
		}
		if rule == "public" {
			continue
		}
		path := fillPath(o.path)
		for _, c := range callers {
			resp := callBriefly(p, o.op.Method, path, c.token)
			body := resp.Body.String()
			refused := resp.Code == http.StatusForbidden &&
				(strings.Contains(body, "needs the scope") || strings.Contains(body, "has no account"))
			switch {
			case resp.Code == http.StatusUnauthorized:
				t.Errorf("%s as %s: 401 %s", id, c.name, body)
			case c.allowed(rule) && refused:
				t.Errorf("%s as %s: refused, want let in: %s", id, c.name, body)
			case !c.allowed(rule) && !refused:
				t.Errorf("%s as %s: %d, want 403 for the missing scope: %s", id, c.name, resp.Code, body)
			case refused && !c.allowed(rule) && !strings.HasPrefix(rule, "account") &&
				!strings.Contains(body, strings.TrimPrefix(rule, "own ")):
				t.Errorf("%s as %s: the 403 does not name %s: %s", id, c.name, rule, body)
			}
		}
	}
}

// fillPath puts a new ID (or an address) in each of a path's parameters:
// nothing is found, so a call let in changes nothing.
func fillPath(path string) string {
	for {
		open := strings.IndexByte(path, '{')
		if open < 0 {
			return path
		}
		end := strings.IndexByte(path, '}')
		value := uuid.NewString()
		if path[open+1:end] == "email" {
			value = "nobody@example.com"
		}
		path = path[:open] + value + path[end+1:]
	}
}

// callBriefly calls with an empty JSON body, for at most a second: a live
// stream that was let in ends then.
func callBriefly(p *platform, method, path, token string) *httptest.ResponseRecorder {
	ctx, cancel := context.WithTimeout(p.ctx(), time.Second)
	defer cancel()
	args := []any{"Authorization: Bearer " + token}
	if method != http.MethodGet && method != http.MethodDelete {
		args = append(args, map[string]any{})
	}
	return p.api.DoCtx(ctx, method, path, args...)
}

// TestTheDocumentListsEveryScopeAndRole: the scopes a key may be given and
// the roles a user may have are access's, in the document too.
func TestTheDocumentListsEveryScopeAndRole(t *testing.T) {
	doc := api.NewAPI(api.Deps{Logger: quietLogger()}).OpenAPI()
	schema := func(name string) *huma.Schema {
		s := doc.Components.Schemas.Map()[name]
		if s == nil {
			t.Fatalf("no schema %s", name)
		}
		return s
	}
	var scopes, roles []string
	for _, e := range schema("CreateAPIKeyInputBody").Properties["scopes"].Items.Enum {
		scopes = append(scopes, e.(string))
	}
	for _, e := range schema("UserPublic").Properties["role"].Enum {
		roles = append(roles, e.(string))
	}
	var wantScopes, wantRoles []string
	for _, s := range access.KeyScopes() {
		wantScopes = append(wantScopes, string(s))
	}
	for _, r := range access.Roles() {
		wantRoles = append(wantRoles, string(r))
	}
	if !slices.Equal(scopes, wantScopes) || !slices.Equal(roles, wantRoles) {
		t.Fatalf("the document lists scopes %v and roles %v, want %v and %v", scopes, roles, wantScopes, wantRoles)
	}
	described := doc.Components.SecuritySchemes["OAuth2PasswordBearer"].Flows.Password.Scopes
	for _, s := range append(wantScopes, "admin") {
		if described[s] == "" {
			t.Errorf("the security scheme does not describe %s", s)
		}
	}
}
