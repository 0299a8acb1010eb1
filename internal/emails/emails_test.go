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
