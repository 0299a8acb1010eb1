package emails

import (
	"errors"
	"strings"
	"testing"
)

func TestRenderEveryTemplate(t *testing.T) {
	d := Data{ProjectName: "Shop", Email: "ann@example.com", Link: "http://x/reset?token=abc&x=1", ValidHours: 48}
	for _, tpl := range []Template{NewAccount, ResetPassword, TestEmail} {
		r, err := Render(tpl, d)
		if err != nil {
			t.Fatalf("%s: %v", tpl, err)
		}
		if !strings.HasPrefix(r.Subject, "Shop - ") || r.Text == "" || !strings.Contains(r.HTML, "<strong>Shop</strong>") {
			t.Errorf("%s rendered %+v", tpl, r)
		}
	}
	r, _ := Render(ResetPassword, d)
	if !strings.Contains(r.Text, d.Link) || !strings.Contains(r.HTML, `href="http://x/reset?token=abc&amp;x=1"`) ||
		!strings.Contains(r.Text, "48 hours") {
		t.Errorf("reset mail lacks the link or validity: %+v", r)
	}
}

func TestHTMLIsEscaped(t *testing.T) {
	r, err := Render(NewAccount, Data{ProjectName: "Shop", Email: "x@y.z", FullName: "<script>alert(1)</script>"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.HTML, "<script>") {
		t.Fatalf("HTML not escaped: %s", r.HTML)
	}
}

func TestUnknownTemplate(t *testing.T) {
	if _, err := Render("nope", Data{}); !errors.Is(err, ErrUnknownTemplate) {
		t.Fatalf("got %v", err)
	}
}

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		cents    int64
		currency string
		want     string
	}{{123456, "EUR", "1234.56 EUR"}, {5, "usd", "0.05 USD"}, {1500, "JPY", "1500 JPY"}, {-250, "GBP", "-2.50 GBP"}} {
		if got := Money(c.cents, c.currency); got != c.want {
			t.Errorf("Money(%d, %s) = %q, want %q", c.cents, c.currency, got, c.want)
		}
	}
}

func TestOrderConfirmation(t *testing.T) {
	r, err := Render(OrderConfirmation, Data{ProjectName: "Shop", Email: "a@b.c", OrderID: "o-1", Total: "12.00 EUR",
		Lines: []string{"2 x Mug (MUG-1) at 6.00 EUR"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Subject, "o-1") || !strings.Contains(r.Text, "2 x Mug") || !strings.Contains(r.HTML, "12.00 EUR") {
		t.Fatalf("%+v", r)
	}
}

func TestOrderCancelled(t *testing.T) {
	r, err := Render(OrderCancelled, Data{ProjectName: "Shop", Email: "a@b.c", OrderID: "o-1", Total: "12.00 EUR",
		Lines: []string{"2 x Mug (MUG-1) at 6.00 EUR"}, Reason: "the payment authorization lapsed and its renewal was declined"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Subject != "Shop - Order o-1 cancelled" || !strings.Contains(r.Text, "renewal was declined") || !strings.Contains(r.HTML, "renewal was declined") {
		t.Fatalf("%+v", r)
	}
}
