package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
)

// TestBadTextIsRefusedAtTheEdge: a NUL character or bytes that are not UTF-8
// in any kind of text input (a body field, a nested one, the payment token,
// the sign-up and log-in forms, a query, a header) is a 422 that names the
// field, and nothing reaches PostgreSQL (which would fail with a 500).
func TestBadTextIsRefusedAtTheEdge(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, func(s *settings) { s.accounts.OpenRegistration = true })
	mug := p.newProduct(1290, "EUR", 10)
	_, token := p.newUser(false, true)
	auth := "Authorization: Bearer " + token
	key := func() string { return "Idempotency-Key: " + uuid.NewString() }
	withAddress := func(field, value string) map[string]any {
		a := map[string]any{}
		for k, v := range address {
			a[k] = v
		}
		a[field] = value
		b := orderBody("tok_approve", line(mug.ID, 1))
		b["shipping_address"] = a
		return b
	}
	withToken := orderBody("tok\u0000approve", line(mug.ID, 1))
	form := "Content-Type: application/x-www-form-urlencoded"

	cases := []struct {
		name     string
		send     func() *httptest.ResponseRecorder
		location string
	}{
		{"NUL in a nested body field", func() *httptest.ResponseRecorder {
			return p.api.Post("/api/v1/orders", auth, key(), withAddress("name", "Ann\u0000"))
		}, "body.shipping_address.name"},
		{"U+FFFD (bytes that were not UTF-8) in a body field", func() *httptest.ResponseRecorder {
			return p.api.Post("/api/v1/orders", auth, key(), strings.NewReader(
				strings.Replace(mustJSON(t, withAddress("city", "Berlin")), "Berlin", "Ber\xff\xfelin", 1)))
		}, "body.shipping_address.city"},
		{"NUL in the payment token", func() *httptest.ResponseRecorder {
			return p.api.Post("/api/v1/orders", auth, key(), withToken)
		}, "body.payment_token"},
		{"invalid UTF-8 in the Idempotency-Key header", func() *httptest.ResponseRecorder {
			return p.api.Post("/api/v1/orders", auth, "Idempotency-Key: \xff\xfe", orderBody("tok_approve", line(mug.ID, 1)))
		}, "header.Idempotency-Key"},
		{"NUL in sign-up", func() *httptest.ResponseRecorder {
			return p.api.Post("/api/v1/users/signup", map[string]any{"email": p.email("nul"), "password": "password-123", "full_name": "A\u0000"})
		}, "body.full_name"},
		{"NUL in a product name", func() *httptest.ResponseRecorder {
			return p.api.Post("/api/v1/products", "Authorization: Bearer "+p.admin,
				map[string]any{"sku": "NUL-1", "name": "Mug\u0000", "price_cents": 1, "currency": "EUR"})
		}, "body.name"},
		{"NUL in the log-in form", func() *httptest.ResponseRecorder {
			return p.api.Post("/api/v1/login/access-token", form, strings.NewReader("username=a%00b%40example.com&password=password-123"))
		}, "body.username"},
		{"NUL in the q filter", func() *httptest.ResponseRecorder { return p.api.Get("/api/v1/products?q=mug%00") }, "query.q"},
		{"invalid UTF-8 in the q filter", func() *httptest.ResponseRecorder { return p.api.Get("/api/v1/products?q=%FF%FE") }, "query.q"},
	}
	for _, c := range cases {
		resp := c.send()
		if resp.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d %s, want 422", c.name, resp.Code, resp.Body)
			continue
		}
		if !decodeProblem(t, resp).names(c.location) {
			t.Errorf("%s: the 422 does not name %s: %s", c.name, c.location, resp.Body)
		}
	}
	var orders struct{ Data []order }
	if p.do(http.MethodGet, "/api/v1/orders", token, nil, &orders); len(orders.Data) != 0 {
		t.Fatalf("refused requests placed %d orders", len(orders.Data))
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNumbersAreBounded: skip past the int32 range is refused, not a 500 or
// a wrapped first page, and a stock adjustment past the column's range is a
// 422 that names the limit.
func TestNumbersAreBounded(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	for _, path := range []string{"/api/v1/products", "/api/v1/users"} {
		for _, skip := range []string{"2147483648", "4294967296", "-1", "99999999999999999999"} {
			resp := p.api.Get(path+"?skip="+skip, "Authorization: Bearer "+p.admin)
			if resp.Code != http.StatusUnprocessableEntity || !decodeProblem(t, resp).names("query.skip") {
				t.Errorf("%s?skip=%s: %d %s", path, skip, resp.Code, resp.Body)
			}
		}
	}
	big := p.newProduct(100, "EUR", 1_000_000_000)
	adjust := func(delta int) *httptest.ResponseRecorder {
		return p.api.Post("/api/v1/products/"+big.ID+"/stock", "Authorization: Bearer "+p.admin,
			map[string]any{"delta": delta, "reason": "count"})
	}
	if resp := adjust(1_000_000_000); resp.Code != http.StatusOK {
		t.Fatalf("to 2e9: %d %s", resp.Code, resp.Body)
	}
	resp := adjust(1_000_000_000)
	if resp.Code != http.StatusUnprocessableEntity || !strings.Contains(resp.Body.String(), "2147483647") || !decodeProblem(t, resp).names("body.delta") {
		t.Fatalf("past the range: %d %s", resp.Code, resp.Body)
	}
	if got := p.product(big.ID); got.OnHand != 2_000_000_000 {
		t.Fatalf("on hand %d after a refused adjustment", got.OnHand)
	}
	if resp := adjust(3_000_000_000); resp.Code != http.StatusUnprocessableEntity {
		t.Fatalf("a delta past its own bound: %d", resp.Code)
	}
}

// TestLookAlikeEmailsAreRefused: an address is stored bare and trimmed and is
// unique whatever its case, so no look-alike of an account can be made.
func TestLookAlikeEmailsAreRefused(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, func(s *settings) { s.accounts.OpenRegistration = true })
	signup := func(email string) *httptest.ResponseRecorder {
		return p.api.Post("/api/v1/users/signup", map[string]any{"email": email, "password": "password-123"})
	}
	owner := p.email("owner")
	if resp := signup(owner); resp.Code != http.StatusCreated {
		t.Fatalf("signup: %d %s", resp.Code, resp.Body)
	}
	for _, look := range []string{" " + owner, owner + " ", strings.ToUpper(owner), "\t" + strings.ToUpper(owner[:1]) + owner[1:]} {
		if resp := signup(look); resp.Code != http.StatusConflict {
			t.Errorf("signup %q: %d %s, want 409", look, resp.Code, resp.Body)
		}
	}
	for _, named := range []string{"Owner <" + owner + ">", `"Owner" <` + owner + ">", "<" + owner + ">", owner + " (work)"} {
		resp := signup(named)
		if resp.Code != http.StatusUnprocessableEntity || !decodeProblem(t, resp).names("body.email") {
			t.Errorf("signup %q: %d %s, want 422", named, resp.Code, resp.Body)
		}
	}
	// A trimmed address is stored trimmed, and logs in as typed or not.
	other := p.email("other")
	var u user
	decode(t, signup("  "+other+"  ").Body.Bytes(), &u)
	if u.Email != other {
		t.Fatalf("stored %q", u.Email)
	}
	if code, _ := p.loginResponse(" "+strings.ToUpper(other), "password-123"); code != http.StatusOK {
		t.Fatalf("log in with spaces and capitals: %d", code)
	}
	// Changing an address follows the same rules.
	_, token := p.newUser(false, true)
	if code := p.do(http.MethodPatch, "/api/v1/users/me", token, map[string]any{"email": strings.ToUpper(owner)}, nil); code != http.StatusConflict {
		t.Fatalf("take a look-alike address: %d", code)
	}
	if code := p.do(http.MethodPatch, "/api/v1/users/me", token, map[string]any{"email": "Me <" + p.email("me") + ">"}, nil); code != http.StatusUnprocessableEntity {
		t.Fatalf("a display name: %d", code)
	}
}

// TestTheLastAdminStays: no change may leave the platform without an
// active admin, also when two admins demote each other at once.
func TestTheLastAdminStays(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	var me user
	p.do(http.MethodGet, "/api/v1/users/me", p.admin, nil, &me)
	patch := func(token, id string, body map[string]any) *httptest.ResponseRecorder {
		return p.api.Patch("/api/v1/users/"+id, "Authorization: Bearer "+token, body)
	}
	for _, change := range []map[string]any{{"is_superuser": false}, {"role": "support"}, {"is_active": false}, {"is_superuser": false, "is_active": false}} {
		resp := patch(p.admin, me.ID, change)
		if resp.Code != http.StatusConflict || !strings.Contains(resp.Body.String(), "no active admin") {
			t.Fatalf("the only superuser: %v: %d %s", change, resp.Code, resp.Body)
		}
	}
	if p.do(http.MethodGet, "/api/v1/users/me", p.admin, nil, &me); !me.IsSuperuser || !me.IsActive {
		t.Fatalf("changed anyway: %+v", me)
	}

	// With a second superuser, either may step down, but not both.
	for round := range 5 {
		second, secondToken := p.newUser(true, true)
		var wg sync.WaitGroup
		codes := make([]int, 2)
		wg.Go(func() { codes[0] = patch(p.admin, second.ID, map[string]any{"is_superuser": false}).Code })
		wg.Go(func() { codes[1] = patch(secondToken, me.ID, map[string]any{"is_superuser": false}).Code })
		wg.Wait()
		ok := 0
		for _, c := range codes {
			switch c {
			case http.StatusOK:
				ok++
			case http.StatusConflict, http.StatusForbidden: // refused, or no longer a superuser to ask
			default:
				t.Fatalf("round %d: %v", round, codes)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d demotions succeeded (%v), want exactly 1", round, ok, codes)
		}
		// Put things back: if the admin stepped down, the second promotes it again.
		if codes[1] == http.StatusOK {
			if resp := patch(secondToken, me.ID, map[string]any{"is_superuser": true}); resp.Code != http.StatusOK {
				t.Fatalf("round %d: promote the admin again: %d", round, resp.Code)
			}
		}
		if code := p.do(http.MethodDelete, "/api/v1/users/"+second.ID, p.admin, nil, nil); code != http.StatusOK {
			t.Fatalf("round %d: delete the second: %d", round, code)
		}
	}
}

// TestSmallHardenings: X-Request-Id is echoed only when it is a short token;
// the q filter matches % and _ as typed; a 422 never echoes a password.
func TestSmallHardenings(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	for id, echoed := range map[string]bool{
		"abc-123":                    true,
		"req.42:7_a":                 true,
		strings.Repeat("a", 64):      true,
		strings.Repeat("a", 65):      false,
		"two words":                  false,
		"<script>":                   false,
		"caf\u00e9":                  false,
		"x\r\nSet-Cookie: session=1": false,
	} {
		resp := p.api.Get("/api/v1/utils/health-check", "X-Request-Id: "+id)
		got := resp.Header().Get("X-Request-Id")
		if echoed && got != id || !echoed && (got == id || len(got) != 36) {
			t.Errorf("X-Request-Id %q came back as %q", id, got)
		}
	}

	for _, name := range []string{"100% cotton", "50_50 blend", "plain"} {
		p.do(http.MethodPost, "/api/v1/products", p.admin, map[string]any{
			"sku": "Q-" + uuid.NewString()[:8], "name": name, "price_cents": 1, "currency": "EUR",
		}, nil)
	}
	for q, want := range map[string]int{"100%25": 1, "%25": 1, "_": 1, "0_5": 1, "plain": 1, "x%25y": 0} {
		var page struct {
			Data []product `json:"data"`
		}
		if code := p.do(http.MethodGet, "/api/v1/products?q="+q, "", nil, &page); code != http.StatusOK || len(page.Data) != want {
			t.Errorf("q=%s: %d, %d products, want %d", q, code, len(page.Data), want)
		}
	}

	secret := "short"
	for path, body := range map[string]map[string]any{
		"/api/v1/users":             {"email": p.email("pw"), "password": secret},
		"/api/v1/users/me/password": {"current_password": "admin-password-1", "new_password": secret},
	} {
		method := http.MethodPost
		if strings.HasSuffix(path, "password") {
			method = http.MethodPatch
		}
		resp := p.api.Do(method, path, "Authorization: Bearer "+p.admin, body)
		if resp.Code != http.StatusUnprocessableEntity || strings.Contains(resp.Body.String(), secret) {
			t.Errorf("%s: %d %s: must be 422 without the password", path, resp.Code, resp.Body)
		}
	}
}

// TestOrderRacingAProductDelete: an order placed while its product is deleted
// gets what it would get in sequence: 201 if it won (and the product is
// deactivated, not deleted), or 422 "no such product"; never a message
// about something else.
func TestOrderRacingAProductDelete(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	_, token := p.newUser(false, true)
	for round := range 15 {
		pr := p.newProduct(100, "EUR", 5)
		var wg sync.WaitGroup
		var placed *httptest.ResponseRecorder
		var deleted *httptest.ResponseRecorder
		wg.Go(func() {
			placed = p.api.Post("/api/v1/orders", "Authorization: Bearer "+token, "Idempotency-Key: "+uuid.NewString(),
				orderBody("tok_approve", line(pr.ID, 1)))
		})
		wg.Go(func() { deleted = p.api.Delete("/api/v1/products/"+pr.ID, "Authorization: Bearer "+p.admin) })
		wg.Wait()
		if deleted.Code != http.StatusOK {
			t.Fatalf("round %d: delete %d %s", round, deleted.Code, deleted.Body)
		}
		switch placed.Code {
		case http.StatusCreated:
			if !strings.Contains(deleted.Body.String(), "deactivated") {
				t.Fatalf("round %d: the order won but the product was deleted: %s", round, deleted.Body)
			}
		case http.StatusUnprocessableEntity:
			if !strings.Contains(placed.Body.String(), "no such product") {
				t.Fatalf("round %d: %s", round, placed.Body)
			}
		default:
			t.Fatalf("round %d: place %d %s", round, placed.Code, placed.Body)
		}
	}
}
