package api_test

import (
	"fmt"
	"net/http"
)

// staff creates an active user with the role through the API (as the
// admin) and returns it with a token.
func (p *platform) staff(role string) (user, string) {
	p.t.Helper()
	email := p.email(fmt.Sprintf("%s%d", role, userSeq.Add(1)))
	var u user
	if code := p.do(http.MethodPost, "/api/v1/users/", p.admin, map[string]any{
		"email": email, "password": "password-123", "role": role,
	}, &u); code != http.StatusCreated || u.Role != role {
		p.t.Fatalf("create %s: %d %+v", role, code, u)
	}
	return u, p.login(email, "password-123")
}

// apiKey is a key as POST /api-keys answers it, secret included.
type apiKey struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Prefix     string   `json:"prefix"`
	Scopes     []string `json:"scopes"`
	Key        string   `json:"key"`
	RevokedAt  *string  `json:"revoked_at"`
	LastUsedAt *string  `json:"last_used_at"`
}

// newKey creates an API key with the scopes (as the admin).
func (p *platform) newKey(name string, scopes ...string) apiKey {
	p.t.Helper()
	var k apiKey
	if code := p.do(http.MethodPost, "/api/v1/api-keys", p.admin, map[string]any{"name": name, "scopes": scopes}, &k); code != http.StatusCreated {
		p.t.Fatalf("create key %s: %d", name, code)
	}
	return k
}
