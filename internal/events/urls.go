package events

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"time"
)

// URLGuard keeps the platform from calling into its own network (SSRF): a
// webhook URL must be https and its host must resolve only to public
// addresses, unless AllowPrivate (a local set-up, WEBHOOK_ALLOW_PRIVATE_URLS)
// lets http and any address through. Check runs at registration; the
// sender checks each address again as it dials (Forbidden), since DNS can
// change in between.
type URLGuard struct {
	AllowPrivate bool
	// Resolver looks hosts up; nil: net.DefaultResolver.
	Resolver interface {
		LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
	}
}

// Check refuses, as ErrBadURL with the reason, a URL the platform will not
// call.
func (g URLGuard) Check(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Hostname() == "" {
		return badURL("%q is not an absolute URL", raw)
	}
	if u.User != nil {
		return badURL("credentials in the URL are not allowed")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && g.AllowPrivate:
	default:
		return badURL("the URL must use https")
	}
	if g.AllowPrivate {
		return nil
	}
	addrs, err := g.lookup(ctx, u.Hostname())
	if err != nil {
		return badURL("host %s does not resolve: %v", u.Hostname(), err)
	}
	for _, a := range addrs {
		if Forbidden(a) {
			return badURL("host %s resolves to %s, a private or reserved address", u.Hostname(), a)
		}
	}
	return nil
}

func (g URLGuard) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var r interface {
		LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
	} = net.DefaultResolver
	if g.Resolver != nil {
		r = g.Resolver
	}
	return r.LookupNetIP(ctx, "ip", host)
}

// URLError is a URL the platform will not call, and why; it is ErrBadURL.
type URLError struct{ Reason string }

func (e *URLError) Error() string        { return ErrBadURL.Error() + ": " + e.Reason }
func (e *URLError) Is(target error) bool { return target == ErrBadURL }

func badURL(format string, args ...any) error { return &URLError{Reason: fmt.Sprintf(format, args...)} }

// Forbidden tells whether an address is one a webhook must not reach:
// loopback, private, link-local, multicast, unspecified, or another
// special-purpose range (shared CGNAT space, IPv4-mapped forms of these).
func Forbidden(a netip.Addr) bool {
	a = a.Unmap()
	switch {
	case !a.IsValid(), a.IsLoopback(), a.IsPrivate(), a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast(),
		a.IsInterfaceLocalMulticast(), a.IsMulticast(), a.IsUnspecified():
		return true
	}
	for _, p := range reserved {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// reserved are special-purpose ranges the netip predicates do not name.
var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),     // "this network"
	netip.MustParsePrefix("100.64.0.0/10"), // shared address space (CGNAT)
	netip.MustParsePrefix("192.0.0.0/24"),  // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"), // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),   // reserved, broadcast
	netip.MustParsePrefix("64:ff9b::/96"),  // NAT64, which can reach IPv4 private space
	netip.MustParsePrefix("2001:db8::/32"), // documentation
}
