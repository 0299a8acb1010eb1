package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestSignup(t *testing.T) {
	t.Parallel()
	closed := newPlatform(t)
	body := map[string]any{"email": "new@example.com", "password": "password-123", "full_name": "New"}
	if code := closed.do(http.MethodPost, "/api/v1/users/signup", "", body, nil); code != http.StatusForbidden {
		t.Fatalf("signup with registration closed: %d", code)
	}

	p := newPlatform(t, func(s *settings) { s.accounts.OpenRegistration = true })
	var u user
	if code := p.do(http.MethodPost, "/api/v1/users/signup", "", body, &u); code != http.StatusCreated {
		t.Fatalf("signup: %d", code)
	}
	if u.Email != "new@example.com" || u.IsSuperuser || !u.IsActive {
		t.Fatalf("signed up %+v", u)
	}
	body["email"] = "NEW@Example.COM"
	if code := p.do(http.MethodPost, "/api/v1/users/signup", "", body, nil); code != http.StatusConflict {
		t.Fatalf("same address in other case: %d, want 409", code)
	}
	for name, bad := range map[string]map[string]any{
		"bad e-mail":     {"email": "not-an-email", "password": "password-123"},
		"short password": {"email": "a@example.com", "password": "short"},
		"long password":  {"email": "a@example.com", "password": strings.Repeat("p", 129)},
		"no password":    {"email": "a@example.com"},
		"superuser flag": {"email": "a@example.com", "password": "password-123", "is_superuser": true},
	} {
		if code := p.do(http.MethodPost, "/api/v1/users/signup", "", bad, nil); code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", name, code)
		}
	}
	var list struct{ Count int }
	p.do(http.MethodGet, "/api/v1/users/?count=true", p.admin, nil, &list)
	if list.Count != 2 {
		t.Fatalf("bad input changed something: %d users, want 2", list.Count)
	}
}

func TestCreateUserSendsANewAccountEmailWithoutThePassword(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	var u user
	code := p.do(http.MethodPost, "/api/v1/users/", p.admin, map[string]any{
		"email": p.email("ann"), "password": "s3cret-Passw0rd", "full_name": "Ann",
	}, &u)
	if code != http.StatusCreated || u.FullName != "Ann" || !u.IsActive {
		t.Fatalf("create: %d %+v", code, u)
	}
	msg := p.mail.WaitForMessage(t, p.email("ann"), "New account", 30*time.Second)
	if !strings.Contains(msg.Text, p.email("ann")) || !strings.Contains(msg.HTML, "Ann") {
		t.Fatalf("new-account mail:\n%s", msg.Text)
	}
	if strings.Contains(msg.Text, "s3cret-Passw0rd") || strings.Contains(msg.HTML, "s3cret-Passw0rd") {
		t.Fatal("the new-account e-mail contains the password")
	}
	if code := p.do(http.MethodPost, "/api/v1/users/", p.admin, map[string]any{"email": strings.ToUpper(p.email("ann")), "password": "password-123"}, nil); code != http.StatusConflict {
		t.Fatalf("duplicate: %d", code)
	}
}

func TestListUsersNewestFirstInPages(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	var made []user
	for range 3 {
		u, _ := p.newUser(false, true)
		made = append(made, u)
	}
	type userPage struct {
		Data       []user
		Count      *int
		NextCursor string `json:"next_cursor"`
	}
	var page userPage
	if code := p.do(http.MethodGet, "/api/v1/users/?limit=2&count=true", p.admin, nil, &page); code != http.StatusOK {
		t.Fatalf("list: %d", code)
	}
	if *page.Count != 4 || len(page.Data) != 2 || page.Data[0].ID != made[2].ID || page.Data[1].ID != made[1].ID || page.NextCursor == "" {
		t.Fatalf("page 1: %+v", page)
	}
	cursor := page.NextCursor
	page = userPage{}
	p.do(http.MethodGet, "/api/v1/users/?limit=2&cursor="+cursor, p.admin, nil, &page)
	if len(page.Data) != 2 || page.Data[0].ID != made[0].ID || page.Data[1].Email != adminEmail || page.NextCursor != "" || page.Count != nil {
		t.Fatalf("page 2 by cursor: %+v", page)
	}
	page = userPage{}
	p.do(http.MethodGet, "/api/v1/users/?skip=2&limit=2", p.admin, nil, &page)
	if len(page.Data) != 2 || page.Data[0].ID != made[0].ID || page.Data[1].Email != adminEmail {
		t.Fatalf("page 2 by skip: %+v", page)
	}
	for _, q := range []string{"limit=0", "limit=101", "skip=-1", "limit=x", "skip=2&cursor=" + cursor} {
		if code := p.do(http.MethodGet, "/api/v1/users/?"+q, p.admin, nil, nil); code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", q, code)
		}
	}
}

func TestUpdateUser(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	u, _ := p.newUser(false, true)
	other, _ := p.newUser(false, true)
	path := "/api/v1/users/" + u.ID

	// Without a password: the password stays (the old stack crashed here).
	var got user
	if code := p.do(http.MethodPatch, path, p.admin, map[string]any{"full_name": "Renamed"}, &got); code != http.StatusOK {
		t.Fatalf("update: %d", code)
	}
	if got.FullName != "Renamed" || got.Email != u.Email {
		t.Fatalf("updated %+v", got)
	}
	p.login(u.Email, "password-123")

	if code := p.do(http.MethodPatch, path, p.admin, map[string]any{"password": "password-new"}, nil); code != http.StatusOK {
		t.Fatalf("set password: %d", code)
	}
	p.login(u.Email, "password-new")

	if code := p.do(http.MethodPatch, path, p.admin, map[string]any{"email": strings.ToUpper(other.Email)}, nil); code != http.StatusConflict {
		t.Fatalf("taken e-mail: %d", code)
	}
	if code := p.do(http.MethodPatch, path, p.admin, map[string]any{"password": "short"}, nil); code != http.StatusUnprocessableEntity {
		t.Fatalf("short password: %d", code)
	}
	if code := p.do(http.MethodPatch, "/api/v1/users/"+uuid.NewString(), p.admin, map[string]any{"full_name": "X"}, nil); code != http.StatusNotFound {
		t.Fatalf("unknown user: %d", code)
	}
	if code := p.do(http.MethodGet, "/api/v1/users/not-a-uuid", p.admin, nil, nil); code != http.StatusUnprocessableEntity {
		t.Fatalf("bad id: %d", code)
	}
}

func TestMyProfile(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	u, token := p.newUser(false, true)
	other, _ := p.newUser(false, true)

	var me user
	if code := p.do(http.MethodPatch, "/api/v1/users/me", token, map[string]any{"full_name": "Me", "email": "me@example.com"}, &me); code != http.StatusOK {
		t.Fatalf("update me: %d", code)
	}
	if me.FullName != "Me" || me.Email != "me@example.com" || me.ID != u.ID {
		t.Fatalf("me %+v", me)
	}
	if code := p.do(http.MethodPatch, "/api/v1/users/me", token, map[string]any{"email": other.Email}, nil); code != http.StatusConflict {
		t.Fatalf("taken e-mail: %d", code)
	}
	if code := p.do(http.MethodPatch, "/api/v1/users/me", token, map[string]any{"is_superuser": true}, nil); code != http.StatusUnprocessableEntity {
		t.Fatalf("self-promotion: %d, want 422", code)
	}

	change := func(current, next string) int {
		return p.do(http.MethodPatch, "/api/v1/users/me/password", token, map[string]any{"current_password": current, "new_password": next}, nil)
	}
	if code := change("password-123", "password-123"); code != http.StatusBadRequest {
		t.Fatalf("reusing the current password: %d", code)
	}
	if code := change("wrong-password", "password-999"); code != http.StatusBadRequest {
		t.Fatalf("wrong current password: %d", code)
	}
	if code := change("password-123", "password-999"); code != http.StatusOK {
		t.Fatalf("change: %d", code)
	}
	token = p.login("me@example.com", "password-999")

	if code := p.do(http.MethodDelete, "/api/v1/users/me", p.admin, nil, nil); code != http.StatusForbidden {
		t.Fatalf("superuser deleting itself: %d", code)
	}
	var admin user
	p.do(http.MethodGet, "/api/v1/users/me", p.admin, nil, &admin)
	if code := p.do(http.MethodDelete, "/api/v1/users/"+admin.ID, p.admin, nil, nil); code != http.StatusForbidden {
		t.Fatalf("superuser deleting itself by id: %d", code)
	}
	if code := p.do(http.MethodDelete, "/api/v1/users/me", token, nil, nil); code != http.StatusOK {
		t.Fatalf("delete me: %d", code)
	}
	if code, _ := p.loginResponse("me@example.com", "password-999"); code != http.StatusBadRequest {
		t.Fatalf("deleted user logs in: %d", code)
	}
	if code := p.do(http.MethodDelete, "/api/v1/users/"+u.ID, p.admin, nil, nil); code != http.StatusNotFound {
		t.Fatalf("deleting a deleted user: %d", code)
	}
}

func TestTestEmailArrivesEvenWhenSMTPIsDownAtFirst(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, func(s *settings) { s.ownMailpit = true }) // it stops the relay
	var sent struct {
		WorkflowID string `json:"workflow_id"`
	}
	if code := p.do(http.MethodPost, "/api/v1/utils/test-email?email_to="+p.email("ops"), p.admin, nil, &sent); code != http.StatusAccepted {
		t.Fatalf("test e-mail: %d", code)
	}
	if !strings.HasPrefix(sent.WorkflowID, "email-") {
		t.Fatalf("workflow id %q", sent.WorkflowID)
	}
	msg := p.mail.WaitForMessage(t, p.email("ops"), "Test email", 30*time.Second)
	if !strings.Contains(msg.Text, "Test Shop") || !strings.Contains(strings.Join(msg.Headers["Message-Id"], ""), sent.WorkflowID) {
		t.Fatalf("test e-mail: %+v", msg)
	}

	p.mail.Stop()
	if code := p.do(http.MethodPost, "/api/v1/utils/test-email?email_to="+p.email("later"), p.admin, nil, nil); code != http.StatusAccepted {
		t.Fatalf("test e-mail while SMTP is down: %d", code)
	}
	time.Sleep(3 * time.Second) // a few failed attempts
	p.mail.Start(t)
	p.mail.WaitForMessage(t, p.email("later"), "Test email", 60*time.Second)
}

func TestTestEmailWithoutSMTP(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, func(s *settings) { s.emails = false })
	if code := p.do(http.MethodPost, "/api/v1/utils/test-email?email_to=ops@example.com", p.admin, nil, nil); code != http.StatusServiceUnavailable {
		t.Fatalf("test e-mail with no SMTP_HOST: %d", code)
	}
	if code := p.do(http.MethodPost, "/api/v1/utils/test-email?email_to=nope", p.admin, nil, nil); code != http.StatusUnprocessableEntity {
		t.Fatalf("bad address: %d", code)
	}
}
