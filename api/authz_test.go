package api_test

import (
	"fmt"
	"net/http"
	"testing"
)

// TestAuthorizationMatrix calls every protected operation as each kind of
// caller and checks the status. Each row gets fresh callers, because some
// operations (deleting) change them; the superuser goes last, as its call
// may delete the user the others act on.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)

	type callers struct {
		user, other, super user
		tokens             map[string]string
	}
	fresh := func() callers {
		u, ut := p.newUser(false, true)
		o, ot := p.newUser(false, true)
		s, st := p.newUser(true, true)
		_, it := p.newUser(false, false)
		return callers{user: u, other: o, super: s, tokens: map[string]string{
			"anonymous": "", "inactive": it, "user": ut, "other": ot, "superuser": st,
		}}
	}
	type row struct {
		name   string
		method string
		path   func(c callers) string
		body   func(c callers) any
		// expected status for user, other (same rights as user, on the user's objects) and superuser;
		// anonymous is always 401 and inactive always 403.
		user, other, super int
	}
	self := func(path string) func(callers) string { return func(callers) string { return path } }
	ofUser := func(suffix string) func(c callers) string {
		return func(c callers) string { return "/api/v1/users/" + c.user.ID + suffix }
	}
	noBody := func(callers) any { return nil }
	rows := []row{
		{"list users", "GET", self("/api/v1/users/"), noBody, 403, 403, 200},
		{"create user", "POST", self("/api/v1/users/"), func(callers) any {
			return map[string]any{"email": p.email(fmt.Sprintf("matrix%d", userSeq.Add(1))), "password": "password-123"}
		}, 403, 403, 201},
		{"read me", "GET", self("/api/v1/users/me"), noBody, 200, 200, 200},
		{"update me", "PATCH", self("/api/v1/users/me"), func(callers) any { return map[string]any{"full_name": "New"} }, 200, 200, 200},
		{"change my password (wrong current)", "PATCH", self("/api/v1/users/me/password"), func(callers) any {
			return map[string]any{"current_password": "not-it-at-all", "new_password": "password-456"}
		}, 400, 400, 400},
		{"test token", "POST", self("/api/v1/login/test-token"), noBody, 200, 200, 200},
		{"read a user", "GET", ofUser(""), noBody, 200, 404, 200},
		{"update a user", "PATCH", ofUser(""), func(callers) any { return map[string]any{"full_name": "X"} }, 403, 403, 200},
		{"recovery e-mail preview", "POST", func(c callers) string {
			return "/api/v1/password-recovery-html-content/" + c.user.Email
		}, noBody, 403, 403, 200},
		{"test e-mail", "POST", self("/api/v1/utils/test-email?email_to=ops@example.com"), noBody, 403, 403, 202},
		{"test workflow", "POST", self("/api/v1/utils/test-workflow"), func(callers) any { return map[string]any{"message": "hi"} }, 403, 403, 202},
		{"delete a user", "DELETE", ofUser(""), noBody, 403, 403, 200},
		{"delete me", "DELETE", self("/api/v1/users/me"), noBody, 200, 200, 403},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			want := map[string]int{"anonymous": 401, "inactive": 403, "user": r.user, "other": r.other, "superuser": r.super}
			c := fresh()
			for _, who := range []string{"anonymous", "inactive", "other", "user", "superuser"} {
				resp := p.api.Do(r.method, r.path(c), append(authArgs(c.tokens[who]), bodyArgs(r.body(c))...)...)
				if resp.Code != want[who] {
					t.Errorf("%s: got %d, want %d: %s", who, resp.Code, want[who], resp.Body)
				}
				if resp.Code == http.StatusUnauthorized && resp.Header().Get("WWW-Authenticate") != "Bearer" {
					t.Errorf("%s: 401 without WWW-Authenticate: Bearer", who)
				}
			}
		})
	}
}

func authArgs(token string) []any {
	if token == "" {
		return nil
	}
	return []any{"Authorization: Bearer " + token}
}

func bodyArgs(body any) []any {
	if body == nil {
		return nil
	}
	return []any{body}
}
