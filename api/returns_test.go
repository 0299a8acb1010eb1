package api_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
)

type returned struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	RefundID string `json:"refund_id"`
	Lines    []struct {
		LineNo   int32 `json:"line_no"`
		Quantity int32 `json:"quantity"`
	} `json:"lines"`
}

type returnedOrder struct {
	Status string `json:"status"`
	Lines  []struct {
		ProductID        string `json:"product_id"`
		Quantity         int32  `json:"quantity"`
		ReturnedQuantity int32  `json:"returned_quantity"`
	} `json:"lines"`
	Payment *payment   `json:"payment"`
	Returns []returned `json:"returns"`
}

func returnBody(lines ...[2]int) map[string]any {
	var ls []any
	for _, l := range lines {
		ls = append(ls, map[string]any{"line_no": l[0], "quantity": l[1]})
	}
	return map[string]any{"lines": ls, "reason": "did not fit"}
}

// TestReturnsOfADeliveredOrder: the customer returns a delivered order in
// two parts; bad and excessive returns are refused, two at once cannot
// over-return; each approved return, once received, is back on hand and
// refunded through Stripe; the order ends returned, and its timeline and
// the feed record each step.
func TestReturnsOfADeliveredOrder(t *testing.T) {
	t.Parallel()
	p := refundPlatform(t)
	id, token := p.shippedOrder() // 2 mugs at 1,000 and a tee at 500
	if code := p.do(http.MethodPost, "/api/v1/orders/"+id+"/returns", token, returnBody([2]int{1, 1}), nil); code != http.StatusConflict {
		t.Fatalf("a return before delivery: %d, want 409", code)
	}
	if code, _ := p.act(p.admin, id, "deliver"); code != http.StatusOK {
		t.Fatalf("deliver: %d", code)
	}
	for _, bad := range []map[string]any{{}, returnBody(), returnBody([2]int{3, 1}), returnBody([2]int{1, 3}), returnBody([2]int{1, 0}), returnBody([2]int{1, 1}, [2]int{1, 1})} {
		if code := p.do(http.MethodPost, "/api/v1/orders/"+id+"/returns", token, bad, nil); code != http.StatusUnprocessableEntity {
			t.Fatalf("return %v: %d, want 422", bad, code)
		}
	}
	_, stranger := p.newUser(false, true)
	if code := p.do(http.MethodPost, "/api/v1/orders/"+id+"/returns", stranger, returnBody([2]int{1, 1}), nil); code != http.StatusNotFound {
		t.Fatalf("another customer's return: %d, want 404", code)
	}

	// Two at once of both mugs: one is taken, one refused.
	codes := make([]int, 2)
	var first returned
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() {
			var r returned
			codes[i] = p.do(http.MethodPost, "/api/v1/orders/"+id+"/returns", token, returnBody([2]int{1, 2}), &r)
			if codes[i] == http.StatusCreated {
				first = r
			}
		})
	}
	wg.Wait()
	if !(codes[0] == http.StatusCreated && codes[1] != http.StatusCreated || codes[0] != http.StatusCreated && codes[1] == http.StatusCreated) ||
		codes[0]+codes[1] != http.StatusCreated+http.StatusConflict && codes[0]+codes[1] != http.StatusCreated+http.StatusUnprocessableEntity {
		t.Fatalf("two returns of both mugs at once: %v", codes)
	}
	if first.Status != "requested" || len(first.Lines) != 1 {
		t.Fatalf("the return: %+v", first)
	}
	step := func(who, returnID, step string, want int) returned {
		t.Helper()
		var r returned
		if code := p.do(http.MethodPost, "/api/v1/orders/"+id+"/returns/"+returnID+"/"+step, who, map[string]any{"note": "ok"}, &r); code != want {
			t.Fatalf("%s of return %s: %d, want %d", step, returnID, code, want)
		}
		return r
	}
	step(token, first.ID, "approve", http.StatusForbidden)
	step(p.admin, first.ID, "receive", http.StatusConflict) // not approved yet
	step(p.admin, first.ID, "approve", http.StatusOK)

	var tee returned
	if code := p.do(http.MethodPost, "/api/v1/orders/"+id+"/returns", token, returnBody([2]int{2, 1}), &tee); code != http.StatusCreated {
		t.Fatalf("return of the tee: %d", code)
	}
	step(p.admin, tee.ID, "reject", http.StatusOK)
	if code := p.do(http.MethodPost, "/api/v1/orders/"+id+"/returns", token, returnBody([2]int{2, 1}), &tee); code != http.StatusCreated {
		t.Fatalf("the tee again, after the rejection: %d", code)
	}
	step(p.admin, tee.ID, "approve", http.StatusOK)

	var o returnedOrder
	p.do(http.MethodGet, "/api/v1/orders/"+id, token, nil, &o)
	mugID := o.Lines[0].ProductID
	before := p.product(mugID).OnHand
	if r := step(p.admin, first.ID, "receive", http.StatusOK); r.Status != "refunded" || r.RefundID == "" {
		t.Fatalf("received mugs: %+v", r)
	}
	if after := p.product(mugID).OnHand; after != before+2 {
		t.Fatalf("mugs on hand: %d, want %d", after, before+2)
	}
	p.do(http.MethodGet, "/api/v1/orders/"+id, token, nil, &o)
	if o.Status != "delivered" || o.Lines[0].ReturnedQuantity != 2 || o.Lines[1].ReturnedQuantity != 0 ||
		o.Payment.RefundedCents != 2_000 || len(o.Returns) != 3 {
		t.Fatalf("after the mugs came back: %+v %+v", o, o.Payment)
	}

	step(p.admin, tee.ID, "receive", http.StatusOK)
	p.waitStatus(token, id, "returned")
	p.do(http.MethodGet, "/api/v1/orders/"+id, token, nil, &o)
	if o.Payment.RefundedCents != 2_500 || o.Payment.Status != "refunded" || o.Lines[1].ReturnedQuantity != 1 {
		t.Fatalf("returned: %+v %+v", o, o.Payment)
	}
	var list struct{ Data []returned }
	p.do(http.MethodGet, "/api/v1/orders/"+id+"/returns", token, nil, &list)
	if len(list.Data) != 3 || list.Data[0].Status != "refunded" || list.Data[1].Status != "rejected" || list.Data[2].Status != "refunded" {
		t.Fatalf("returns: %+v", list.Data)
	}
	tl := p.timelineTypes(id)
	for _, want := range []string{"return_requested", "return_approved", "return_rejected", "return_received", "return_refunded"} {
		if !strings.Contains(tl, want) {
			t.Fatalf("timeline lacks %s: %s", want, tl)
		}
	}
	for typ, want := range map[string]int{"order.return_requested": 3, "order.return_refunded": 2, "order.returned": 1} {
		var feed struct{ Data []struct{ Type string } }
		p.do(http.MethodGet, "/api/v1/events?order_id="+id+"&type="+typ, p.admin, nil, &feed)
		if len(feed.Data) != want {
			t.Fatalf("%s events: %d, want %d", typ, len(feed.Data), want)
		}
	}
	if code := p.do(http.MethodPost, "/api/v1/orders/"+id+"/returns", token, returnBody([2]int{1, 1}), nil); code != http.StatusConflict {
		t.Fatalf("a return of a returned order: %d, want 409", code)
	}
}
