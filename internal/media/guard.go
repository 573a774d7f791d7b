package media

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// cdnHostSuffixes are the CDN domains that Instagram media links point at:
// scontent-<pop>.cdninstagram.com, video-<pop>.cdninstagram.com, scontent.xx.fbcdn.net and
// scontent-<pop>.xx.fbcdn.net.
var cdnHostSuffixes = []string{".cdninstagram.com", ".fbcdn.net"}

// maxRedirects bounds the same-host redirects that one download follows.
const maxRedirects = 3

// errRejected marks a download that the guard rejected: the link, an address, the size or
// the content type is not allowed.
var errRejected = errors.New("rejected")

func rejectf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errRejected}, args...)...)
}

// nonPublicPrefixes are ranges that netip's predicates do not cover but no CDN uses: shared
// address space (100.64.0.0/10, where some clouds put their metadata service), "this network",
// benchmarking, IETF protocol assignments and the reserved class E space.
var nonPublicPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
}

// guard decides which links may be fetched and which addresses may be connected to.
type guard struct {
	allowed  map[string]bool // "host:port" origins exempt from the CDN host and address rules
	resolver NetResolver

	// onControl, when set, is called for every connection attempt before the address check.
	// Tests use it to show that a rejected link never reached the dialer.
	onControl func(address string)
}

func newGuard(cfg Config) (*guard, error) {
	g := &guard{allowed: make(map[string]bool), resolver: cfg.NetResolver}
	if g.resolver == nil {
		g.resolver = net.DefaultResolver
	}
	for _, h := range cfg.AllowedHosts {
		host, port, err := net.SplitHostPort(h)
		if err != nil || host == "" || port == "" {
			return nil, fmt.Errorf("invalid allowed media host %q: expected host:port, such as 127.0.0.1:8081", h)
		}
		g.allowed[strings.ToLower(net.JoinHostPort(host, port))] = true
	}
	return g, nil
}

// origin returns the URL's "host:port", with the scheme's default port when none is given.
func origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "443"
		if u.Scheme == "http" {
			port = "80"
		}
	}
	return strings.ToLower(net.JoinHostPort(u.Hostname(), port))
}

// checkURL accepts https links on Instagram's CDN hosts and http or https links on the
// allowed origins.
func (g *guard) checkURL(u *url.URL) error {
	if u.User != nil {
		return rejectf("link to %s carries user information", u.Host)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return rejectf("link scheme %q is not https", u.Scheme)
	}
	if g.allowed[origin(u)] {
		return nil
	}
	host := strings.ToLower(u.Hostname())
	if !isCDNHost(host) {
		return rejectf("host %s is not an Instagram CDN host", u.Host)
	}
	if u.Scheme != "https" {
		return rejectf("link to %s uses %s instead of https", u.Host, u.Scheme)
	}
	if p := u.Port(); p != "" && p != "443" {
		return rejectf("link to %s uses port %s instead of 443", u.Host, p)
	}
	return nil
}

func isCDNHost(host string) bool {
	for _, suffix := range cdnHostSuffixes {
		if strings.HasSuffix(host, suffix) && len(host) > len(suffix) {
			return true
		}
	}
	return false
}

// isPublic reports whether a CDN may live at addr: loopback, private, link-local (which
// includes the 169.254.169.254 metadata service), unspecified, multicast and reserved
// addresses are not public.
func isPublic(addr netip.Addr) bool {
	addr = addr.Unmap()
	if !addr.IsValid() || addr.IsLoopback() || addr.IsPrivate() || addr.IsUnspecified() ||
		addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() || addr.IsMulticast() ||
		addr.IsInterfaceLocalMulticast() || addr == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return false
	}
	for _, p := range nonPublicPrefixes {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}

// client returns an HTTP client that fetches only what the guard allows. It uses no proxy,
// because a proxy would connect on the guard's behalf to addresses that the guard never checks.
func (g *guard) client(downloads int) *http.Client {
	transport := &http.Transport{
		Proxy:                  nil,
		DialContext:            g.dialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConnsPerHost:    downloads,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    DefaultTimeout / 4,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{Transport: transport, CheckRedirect: g.checkRedirect}
}

// checkRedirect follows a redirect only to the same host and only if the guard allows its
// link, so a CDN response can never send the fetcher to another host or a private address.
func (g *guard) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return rejectf("more than %d redirects", maxRedirects)
	}
	if !strings.EqualFold(req.URL.Host, via[0].URL.Host) {
		return rejectf("redirect from %s to another host %s", via[0].URL.Host, req.URL.Host)
	}
	return g.checkURL(req.URL)
}

// dialContext resolves the host itself, then connects through a net.Dialer whose Control
// checks the address actually connected to, so that a name resolving to a private address is
// rejected however the name was checked before.
func (g *guard) dialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", address, err)
	}
	exempt := g.allowed[strings.ToLower(address)]
	addrs, err := g.lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	dialer := &net.Dialer{Control: g.control(exempt)}
	var errs []error
	for _, a := range addrs {
		conn, err := dialer.DialContext(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

func (g *guard) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	addrs, err := g.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("look up %s: %w", host, err)
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("look up %s: no addresses", host)
	}
	return addrs, nil
}

// control runs after the socket is created and before it connects.
func (g *guard) control(exempt bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		if g.onControl != nil {
			g.onControl(address)
		}
		if exempt {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return rejectf("address %s does not parse: %v", address, err)
		}
		if !isPublic(ap.Addr()) {
			return rejectf("address %s is not public", ap.Addr())
		}
		return nil
	}
}
