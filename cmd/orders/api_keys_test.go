package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/acme/orders/internal/testenv"
)

// TestARevokedOrExpiredKeyIsRefusedByEveryReplica: a key made through one
// API process works through a second on the same database; once revoked
// through the first, or past its expiry, the second refuses it on the very
// next request. Neither process logs it, even at debug.
func TestARevokedOrExpiredKeyIsRefusedByEveryReplica(t *testing.T) {
	temporal := testenv.SharedTemporal(t)
	kv := platformEnv(temporal.HostPort(), testenv.NewEmptyDatabase(t), "orders-keys")
	kv["FIRST_SUPERUSER"], kv["FIRST_SUPERUSER_PASSWORD"], kv["LOG_LEVEL"] = "root@example.com", "root-password", "debug"
	// Each process remembers what it verified for longer than this test:
	// what makes the second refuse is the change's notification.
	kv["CREDENTIAL_CACHE_TTL"] = "1h"
	first, firstLogs := serve(t, kv, "dev") // migrates, then serves
	second, secondLogs := serve(t, kv, "api")
	root := login(t, first, "root@example.com", "root-password")

	newKey := func(expires string) (id, secret string) {
		t.Helper()
		body := `{"name":"erp","scopes":["orders:read"]` + expires + `}`
		var k struct{ ID, Key string }
		call(t, http.MethodPost, first+"/api-keys", root, body, http.StatusCreated, &k)
		return k.ID, k.Key
	}
	id, key := newKey("")
	call(t, http.MethodGet, second+"/orders", key, "", http.StatusOK, nil)
	call(t, http.MethodDelete, first+"/api-keys/"+id, root, "", http.StatusOK, nil)
	refusedSoon(t, second+"/orders", key, http.StatusUnauthorized)

	// A deactivated account likewise.
	var ann struct{ ID string }
	call(t, http.MethodPost, first+"/users/", root, `{"email":"ann@example.com","password":"ann-password-1"}`, http.StatusCreated, &ann)
	annToken := login(t, second, "ann@example.com", "ann-password-1")
	call(t, http.MethodGet, second+"/users/me", annToken, "", http.StatusOK, nil)
	call(t, http.MethodPatch, first+"/users/"+ann.ID, root, `{"is_active":false}`, http.StatusOK, nil)
	refusedSoon(t, second+"/users/me", annToken, http.StatusForbidden)

	expiry := time.Now().Add(2 * time.Second).UTC()
	_, brief := newKey(fmt.Sprintf(`,"expires_at":%q`, expiry.Format(time.RFC3339Nano)))
	call(t, http.MethodGet, second+"/orders", brief, "", http.StatusOK, nil)
	time.Sleep(time.Until(expiry) + 10*time.Millisecond) // the database's clock is this machine's
	call(t, http.MethodGet, second+"/orders", brief, "", http.StatusUnauthorized, nil)

	for name, logs := range map[string]*testenv.Buffer{"first": firstLogs, "second": secondLogs} {
		for _, secret := range []string{key, brief} {
			if strings.Contains(logs.String(), strings.TrimPrefix(secret, "ok_live_")) {
				t.Errorf("the %s process logged a key", name)
			}
		}
	}
}

// refusedSoon waits up to 5 seconds for the credential to be refused with
// want: as soon as the change's notification reaches the process.
func refusedSoon(t *testing.T, url, credential string, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+credential)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		switch {
		case resp.StatusCode == want:
			return
		case resp.StatusCode != http.StatusOK:
			t.Fatalf("GET %s: %d, want %d", url, resp.StatusCode, want)
		case time.Now().After(deadline):
			t.Fatalf("GET %s still answers 200 five seconds after the change", url)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
