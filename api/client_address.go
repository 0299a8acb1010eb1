package api

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddress makes r.RemoteAddr the client's address before anything
// reads it (rate limits, access log, traces). A request whose connection
// comes from a trusted proxy (TRUSTED_PROXIES: Traefik, the Ingress
// controller, a load balancer) is from the rightmost X-Forwarded-For entry
// that is not itself a trusted proxy: entries left of it were written by
// the client and may be forged. From anywhere else, the header is ignored.
func clientAddress(trusted []netip.Prefix) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if len(trusted) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if client, ok := forwardedClient(r, trusted); ok {
				r.RemoteAddr = net.JoinHostPort(client.String(), "0")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// forwardedClient is the client behind the trusted proxies, when the
// connection comes from one and the header names an address.
func forwardedClient(r *http.Request, trusted []netip.Prefix) (netip.Addr, bool) {
	peer, ok := parseAddr(clientKey(r.RemoteAddr))
	if !ok || !isTrusted(peer, trusted) {
		return netip.Addr{}, false
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client, found := netip.Addr{}, false
	for i := len(hops) - 1; i >= 0; i-- {
		addr, ok := parseAddr(strings.TrimSpace(hops[i]))
		if !ok {
			break // garbage: trust nothing left of it
		}
		client, found = addr, true
		if !isTrusted(addr, trusted) {
			break
		}
	}
	return client, found
}

func parseAddr(s string) (netip.Addr, bool) {
	addr, err := netip.ParseAddr(s)
	if err != nil {
		// "ip:port" appears in some proxies' headers
		ap, perr := netip.ParseAddrPort(s)
		if perr != nil {
			return netip.Addr{}, false
		}
		addr = ap.Addr()
	}
	return addr.Unmap(), true
}

func isTrusted(addr netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
