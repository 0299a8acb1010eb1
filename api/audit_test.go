package api_test

import (
	"fmt"
	"net/http"
	"testing"
)

type auditRecord struct {
	ID            string         `json:"id"`
	ActorType     string         `json:"actor_type"`
	ActorID       string         `json:"actor_id"`
	Actor         string         `json:"actor"`
	Role          string         `json:"role"`
	Action        string         `json:"action"`
	TargetType    string         `json:"target_type"`
	TargetID      string         `json:"target_id"`
	Status        int            `json:"status"`
	ClientAddress string         `json:"client_address"`
	RequestID     string         `json:"request_id"`
	Detail        map[string]any `json:"detail"`
}

// auditLog reads the whole audit log matching query, a page of limit at a
// time, and fails on a record seen twice.
func (p *platform) auditLog(query string, limit int) []auditRecord {
	p.t.Helper()
	var all []auditRecord
	seen := map[string]bool{}
	cursor := ""
	for {
		var page struct {
			Data       []auditRecord `json:"data"`
			NextCursor string        `json:"next_cursor"`
		}
		path := fmt.Sprintf("/api/v1/audit-log?limit=%d&%s", limit, query)
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		if code := p.do(http.MethodGet, path, p.admin, nil, &page); code != http.StatusOK {
			p.t.Fatalf("audit log %s: %d", path, code)
		}
		for _, r := range page.Data {
			if seen[r.ID] {
				p.t.Fatalf("record %s on two pages", r.ID)
			}
			seen[r.ID] = true
		}
		all = append(all, page.Data...)
		if cursor = page.NextCursor; cursor == "" {
			return all
		}
	}
}

func byAction(records []auditRecord) map[string][]auditRecord {
	out := map[string][]auditRecord{}
	for _, r := range records {
		out[r.Action] = append(out[r.Action], r)
	}
	return out
}

// TestStaffActionsAndKeyWritesAreAudited: an operator's action, a role
// change, a key created, used to write and revoked each leave a record of
// who, what, on what, with the request's ID and address; a customer's own
// order does not. Admins alone read the log, filtered and in pages.
func TestStaffActionsAndKeyWritesAreAudited(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	_, buyerToken := p.newUser(false, true) // created by the admin: audited too
	mug := p.newProduct(1290, "EUR", 10)
	_, o := p.place(buyerToken, orderBody("tok_approve", line(mug.ID, 1)))
	p.waitStatus(buyerToken, o.ID, "confirmed")
	agent, support := p.staff("support")

	resp := p.api.Post("/api/v1/orders/"+o.ID+"/cancel", "Authorization: Bearer "+support, "X-Request-Id: audit-cancel-1",
		map[string]any{"reason": "customer called"})
	if resp.Code != http.StatusOK && resp.Code != http.StatusAccepted {
		t.Fatalf("support cancels: %d %s", resp.Code, resp.Body)
	}
	if code := p.do(http.MethodPatch, "/api/v1/users/"+agent.ID, p.admin, map[string]any{"role": "fulfillment"}, nil); code != http.StatusOK {
		t.Fatalf("role change: %d", code)
	}
	k := p.newKey("warehouse", "stock:write")
	if code := p.do(http.MethodPost, "/api/v1/products/"+mug.ID+"/stock", k.Key, map[string]any{"delta": 5, "reason": "count"}, nil); code != http.StatusOK {
		t.Fatalf("the key adjusts stock: %d", code)
	}
	if code := p.do(http.MethodDelete, "/api/v1/api-keys/"+k.ID, p.admin, nil, nil); code != http.StatusOK {
		t.Fatalf("revoke: %d", code)
	}

	got := byAction(p.auditLog("", 2))
	one := func(action string) auditRecord {
		t.Helper()
		if len(got[action]) != 1 {
			t.Fatalf("%d records of %s, want 1: %+v", len(got[action]), action, got[action])
		}
		return got[action][0]
	}
	if r := one("create-product"); r.Actor != adminEmail || r.Role != "admin" || r.TargetType != "product" || r.TargetID != mug.ID || r.Status != http.StatusCreated {
		t.Errorf("create-product: %+v", r)
	}
	created := map[string]auditRecord{}
	for _, r := range got["create-user"] {
		created[r.TargetID] = r
	}
	if r := created[agent.ID]; r.TargetType != "user" || r.Detail["role"] == nil {
		t.Errorf("create-user of the agent: %+v", got["create-user"])
	}
	cancel := one("cancel-order")
	if cancel.Actor != agent.Email || cancel.Role != "support" || cancel.ActorType != "user" || cancel.ActorID != agent.ID ||
		cancel.TargetType != "order" || cancel.TargetID != o.ID || cancel.RequestID != "audit-cancel-1" || cancel.ClientAddress == "" {
		t.Errorf("cancel-order: %+v", cancel)
	}
	role, _ := one("update-user").Detail["role"].(map[string]any)
	if role["from"] != "support" || role["to"] != "fulfillment" {
		t.Errorf("role change: %+v", one("update-user"))
	}
	if r := one("create-api-key"); r.TargetType != "key" || r.TargetID != k.ID || r.Detail["name"] != "warehouse" {
		t.Errorf("create-api-key: %+v", r)
	}
	stock := one("adjust-stock")
	if stock.ActorType != "api_key" || stock.ActorID != k.ID || stock.Actor != "api-key:warehouse" || stock.TargetID != mug.ID || stock.Role != "" {
		t.Errorf("adjust-stock with the key: %+v", stock)
	}
	if r := one("revoke-api-key"); r.TargetID != k.ID {
		t.Errorf("revoke-api-key: %+v", r)
	}
	if len(got["place-order"]) != 0 {
		t.Errorf("a customer's own order is audited: %+v", got["place-order"])
	}

	for query, want := range map[string]string{
		"actor_id=" + k.ID: "adjust-stock", "action=cancel-order": "cancel-order", "target_id=" + o.ID: "cancel-order",
	} {
		if records := p.auditLog(query, 100); len(records) != 1 || records[0].Action != want {
			t.Errorf("?%s: %+v, want one %s", query, records, want)
		}
	}
	for _, who := range []string{buyerToken, support} {
		if code := p.do(http.MethodGet, "/api/v1/audit-log", who, nil, nil); code != http.StatusForbidden {
			t.Errorf("a non-admin reads the audit log: %d", code)
		}
	}
	if code := p.do(http.MethodGet, "/api/v1/audit-log?actor_id=nope", p.admin, nil, nil); code != http.StatusUnprocessableEntity {
		t.Errorf("a bad actor_id: %d", code)
	}
}
