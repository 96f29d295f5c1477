// Package outbound makes the HTTP requests Stagecraft sends to addresses
// its users give (Slack-format webhooks, signed webhooks). It refuses
// URLs that are not http(s) and, unless private addresses are allowed,
// connections to loopback, link-local, private, unspecified and multicast
// addresses. The address is checked when the connection is made, after
// DNS, so a name that resolves (or re-resolves) to an internal address is
// refused too, and so is a redirect to one.
package outbound

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// ErrForbidden is returned (wrapped) for a URL or address that may not be
// called.
var ErrForbidden = errors.New("address not allowed")

// Guard decides which outgoing URLs and addresses may be used.
type Guard struct {
	// AllowPrivate permits loopback, private and link-local addresses
	// (OUTBOUND_ALLOW_PRIVATE, for tests and all-internal installs).
	AllowPrivate bool
	// Resolver looks names up for CheckURL; nil means net.DefaultResolver.
	Resolver *net.Resolver
}

// Forbidden reports whether ip is an address outgoing requests may never
// reach unless private addresses are allowed.
func Forbidden(ip netip.Addr) bool {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid(),
		ip.IsLoopback(),
		ip.IsPrivate(),
		ip.IsUnspecified(),
		ip.IsLinkLocalUnicast(),
		ip.IsLinkLocalMulticast(),
		ip.IsInterfaceLocalMulticast(),
		ip.IsMulticast():
		return true
	}
	for _, p := range extraForbidden {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// extraForbidden are ranges the netip predicates do not cover but that
// reach no public service: "this network", carrier-grade NAT, the IETF
// protocol block, benchmarking, reserved and broadcast, and NAT64's
// embedding of IPv4 (which could name a private IPv4 address).
var extraForbidden = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
}

// allowed reports whether the guard lets a connection reach ip.
func (g *Guard) allowed(ip netip.Addr) bool {
	return g.AllowPrivate || !Forbidden(ip)
}

// ParseURL checks that raw is an absolute http(s) URL with a host and no
// credentials, and, when its host is an address literal, that the address
// is allowed. It does no DNS; CheckURL does.
func (g *Guard) ParseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("not a URL: %w", ErrForbidden)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("only http and https URLs may be called: %w", ErrForbidden)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("the URL has no host: %w", ErrForbidden)
	}
	if u.User != nil {
		return nil, fmt.Errorf("the URL may not hold credentials: %w", ErrForbidden)
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil && !g.allowed(ip) {
		return nil, fmt.Errorf("%s is a loopback, private or link-local address: %w", ip, ErrForbidden)
	}
	return u, nil
}

// CheckURL is ParseURL plus a DNS look-up of the host: every address it
// resolves to must be allowed. The connection is checked again when made.
func (g *Guard) CheckURL(ctx context.Context, raw string) error {
	u, err := g.ParseURL(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if _, err := netip.ParseAddr(host); err == nil || g.AllowPrivate {
		return nil
	}
	r := g.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	ips, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("the host %s cannot be resolved: %w", host, ErrForbidden)
	}
	for _, ip := range ips {
		if !g.allowed(ip) {
			return fmt.Errorf("%s resolves to %s, a loopback, private or link-local address: %w", host, ip, ErrForbidden)
		}
	}
	return nil
}

// control refuses a connection about to be made to a forbidden address.
// It runs after DNS, for every address tried.
func (g *Guard) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", address, ErrForbidden)
	}
	if !g.allowed(ap.Addr()) {
		return fmt.Errorf("connect to %s: %w", ap.Addr(), ErrForbidden)
	}
	return nil
}

// MaxRedirects is how many redirects a request follows.
const MaxRedirects = 3

// Client returns an HTTP client whose every connection passes the guard,
// that follows at most MaxRedirects redirects (each to an http(s) URL the
// guard allows), uses no proxy from the environment (a proxy would connect
// for us, out of the guard's sight), and gives up after timeout.
func (g *Guard) Client(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: g.control}
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          20,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= MaxRedirects {
				return fmt.Errorf("stopped after %d redirects", MaxRedirects)
			}
			if _, err := g.ParseURL(req.URL.String()); err != nil {
				return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), err)
			}
			return nil
		},
	}
}
