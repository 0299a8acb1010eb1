package api

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddressTrustsOnlyConfiguredProxies(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	cases := []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"direct client, header ignored", "203.0.113.9:5555", []string{"198.51.100.1"}, "203.0.113.9:5555"},
		{"through the proxy", "10.0.0.2:4444", []string{"198.51.100.1"}, "198.51.100.1:0"},
		{"forged entries left of the proxy's", "10.0.0.2:4444", []string{"1.1.1.1, 198.51.100.1"}, "198.51.100.1:0"},
		{"two trusted hops", "10.0.0.2:4444", []string{"198.51.100.1, 10.0.0.7"}, "198.51.100.1:0"},
		{"headers on several lines", "10.0.0.2:4444", []string{"1.1.1.1", "198.51.100.1"}, "198.51.100.1:0"},
		{"only proxies: the farthest", "10.0.0.2:4444", []string{"10.0.0.9, 10.0.0.7"}, "10.0.0.9:0"},
		{"garbage stops the walk", "10.0.0.2:4444", []string{"1.1.1.1, nonsense"}, "10.0.0.2:4444"},
		{"an address with a port", "10.0.0.2:4444", []string{"198.51.100.1:7000"}, "198.51.100.1:0"},
		{"IPv6 proxy and client", "[fd00::1]:4444", []string{"2001:db8::5"}, "[2001:db8::5]:0"},
		{"no header", "10.0.0.2:4444", nil, "10.0.0.2:4444"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			h := clientAddress(trusted)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = r.RemoteAddr }))
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tc.peer
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if got != tc.want {
				t.Fatalf("client %q, want %q", got, tc.want)
			}
		})
	}
	// Without trusted proxies the header is never read.
	var got string
	h := clientAddress(nil)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = r.RemoteAddr }))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "10.0.0.2:4444"
	r.Header.Set("X-Forwarded-For", "198.51.100.1")
	h.ServeHTTP(httptest.NewRecorder(), r)
	if got != "10.0.0.2:4444" {
		t.Fatalf("no trusted proxies: client %q", got)
	}
}
