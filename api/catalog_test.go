package api_test

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
)

type product struct {
	ID         string `json:"id"`
	SKU        string `json:"sku"`
	Name       string `json:"name"`
	PriceCents int64  `json:"price_cents"`
	Currency   string `json:"currency"`
	Active     bool   `json:"active"`
	OnHand     int32  `json:"on_hand"`
	Reserved   int32  `json:"reserved"`
	Available  int32  `json:"available"`
}

var skuSeq atomic.Int64

// newProduct adds a product through the API (as the superuser).
func (p *platform) newProduct(price int64, currency string, stock int32) product {
	p.t.Helper()
	n := skuSeq.Add(1)
	var pr product
	code := p.do(http.MethodPost, "/api/v1/products/", p.admin, map[string]any{
		"sku": fmt.Sprintf("SKU-%d", n), "name": fmt.Sprintf("Product %d", n),
		"price_cents": price, "currency": currency, "initial_stock": stock,
	}, &pr)
	if code != http.StatusCreated {
		p.t.Fatalf("create product: %d", code)
	}
	return pr
}

func (p *platform) product(id string) product {
	p.t.Helper()
	var pr product
	if code := p.do(http.MethodGet, "/api/v1/products/"+id, "", nil, &pr); code != http.StatusOK {
		p.t.Fatalf("read product: %d", code)
	}
	return pr
}

func TestCatalog(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	mug := p.newProduct(1290, "EUR", 10)
	if mug.OnHand != 10 || mug.Available != 10 || !mug.Active {
		t.Fatalf("created %+v", mug)
	}
	lamp := p.newProduct(4990, "EUR", 0)

	// Public reading, filters and search.
	type productPage struct {
		Data       []product
		Count      *int
		NextCursor string `json:"next_cursor"`
	}
	var page productPage
	if code := p.do(http.MethodGet, "/api/v1/products/", "", nil, &page); code != http.StatusOK || len(page.Data) != 2 || page.Count != nil {
		t.Fatalf("list (counted only when asked): %d %+v", code, page)
	}
	page = productPage{}
	p.do(http.MethodGet, "/api/v1/products/?count=true&q="+mug.SKU[:4]+"&limit=1", "", nil, &page)
	if page.Count == nil || *page.Count != 2 || len(page.Data) != 1 || page.Data[0].ID != lamp.ID || page.NextCursor == "" {
		t.Fatalf("search by sku prefix with limit 1, counted: %+v", page)
	}
	next := page.NextCursor
	page = productPage{}
	p.do(http.MethodGet, "/api/v1/products/?q="+mug.SKU[:4]+"&limit=1&cursor="+next, "", nil, &page)
	if len(page.Data) != 1 || page.Data[0].ID != mug.ID || page.NextCursor != "" {
		t.Fatalf("the next page: %+v", page)
	}
	p.do(http.MethodGet, "/api/v1/products/?q="+mug.Name, "", nil, &page)
	if len(page.Data) != 1 || page.Data[0].ID != mug.ID {
		t.Fatalf("search by name: %+v", page)
	}
	p.do(http.MethodGet, "/api/v1/products/?skip=1&count=true", "", nil, &page)
	if len(page.Data) != 1 || page.Data[0].ID != mug.ID || *page.Count != 2 {
		t.Fatalf("old clients' skip: %+v", page)
	}
	for _, q := range []string{"skip=1&cursor=" + next, "cursor=not-a-cursor", "count=maybe"} {
		if code := p.do(http.MethodGet, "/api/v1/products/?"+q, "", nil, nil); code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", q, code)
		}
	}
	p.do(http.MethodPatch, "/api/v1/products/"+lamp.ID, p.admin, map[string]any{"active": false, "price_cents": 5990}, nil)
	p.do(http.MethodGet, "/api/v1/products/?active=true", "", nil, &page)
	if len(page.Data) != 1 || page.Data[0].ID != mug.ID {
		t.Fatalf("active filter: %+v", page)
	}
	if got := p.product(lamp.ID); got.Active || got.PriceCents != 5990 {
		t.Fatalf("patch: %+v", got)
	}

	// Bad input changes nothing.
	for name, body := range map[string]map[string]any{
		"bad sku":        {"sku": "no spaces", "name": "x", "price_cents": 1, "currency": "EUR"},
		"lower currency": {"sku": "OK-1", "name": "x", "price_cents": 1, "currency": "eur"},
		"negative price": {"sku": "OK-1", "name": "x", "price_cents": -1, "currency": "EUR"},
		"float price":    {"sku": "OK-1", "name": "x", "price_cents": 1.5, "currency": "EUR"},
		"no name":        {"sku": "OK-1", "price_cents": 1, "currency": "EUR"},
	} {
		if code := p.do(http.MethodPost, "/api/v1/products/", p.admin, body, nil); code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", name, code)
		}
	}
	if code := p.do(http.MethodPost, "/api/v1/products/", p.admin, map[string]any{
		"sku": mug.SKU, "name": "Twin", "price_cents": 1, "currency": "EUR"}, nil); code != http.StatusConflict {
		t.Fatalf("duplicate sku: %d", code)
	}
	_, customer := p.newUser(false, true)
	if code := p.do(http.MethodPost, "/api/v1/products/", customer, map[string]any{
		"sku": "C-1", "name": "x", "price_cents": 1, "currency": "EUR"}, nil); code != http.StatusForbidden {
		t.Fatalf("customer creating a product: %d", code)
	}

	// Stock adjustments are recorded and cannot go below zero.
	stock := func(delta int, reason string) int {
		return p.do(http.MethodPost, "/api/v1/products/"+mug.ID+"/stock", p.admin, map[string]any{"delta": delta, "reason": reason}, nil)
	}
	if code := stock(5, "delivery"); code != http.StatusOK {
		t.Fatalf("add stock: %d", code)
	}
	if code := stock(-16, "count"); code != http.StatusConflict {
		t.Fatalf("below zero: %d, want 409", code)
	}
	if code := stock(0, "nothing"); code != http.StatusUnprocessableEntity {
		t.Fatalf("zero delta: %d", code)
	}
	if code := stock(-3, "breakage"); code != http.StatusOK {
		t.Fatalf("remove stock: %d", code)
	}
	if got := p.product(mug.ID); got.OnHand != 12 {
		t.Fatalf("on hand %d, want 12", got.OnHand)
	}
	var adjustments struct {
		Data []struct {
			Delta       int32  `json:"delta"`
			OnHandAfter int32  `json:"on_hand_after"`
			Reason      string `json:"reason"`
		}
	}
	p.do(http.MethodGet, "/api/v1/products/"+mug.ID+"/stock", p.admin, nil, &adjustments)
	if len(adjustments.Data) != 3 || adjustments.Data[0].Reason != "breakage" || adjustments.Data[0].OnHandAfter != 12 ||
		adjustments.Data[2].Reason != "initial stock" {
		t.Fatalf("adjustments %+v", adjustments.Data)
	}

	// An unordered product is deleted.
	if code := p.do(http.MethodDelete, "/api/v1/products/"+lamp.ID, p.admin, nil, nil); code != http.StatusOK {
		t.Fatalf("delete: %d", code)
	}
	if code := p.do(http.MethodGet, "/api/v1/products/"+lamp.ID, "", nil, nil); code != http.StatusNotFound {
		t.Fatalf("deleted product: %d", code)
	}
}
