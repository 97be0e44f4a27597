package httpfetch

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// ErrBlocked reports a connection refused because the address is internal
// (loopback, private, link-local, multicast, cloud metadata) and not allowed.
var ErrBlocked = errors.New("address blocked")

// blockedPrefixes are the ranges refused by default, beyond what netip's
// predicates cover: carrier-grade NAT, benchmarking, documentation, reserved,
// NAT64, the "this network" block and the Oracle/Alibaba metadata addresses.
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("fd00:ec2::/32"), // AWS IMDS over IPv6 (also ULA, listed for clarity)
	netip.MustParsePrefix("100.100.100.200/32"),
	netip.MustParsePrefix("192.0.0.192/32"),
}

// Guard decides which addresses the client may connect to.
type Guard struct {
	allow []netip.Prefix
}

// NewGuard builds a guard whose allow-list holds the given IPs and CIDR
// prefixes ("127.0.0.1", "10.1.0.0/16"). Host names are not accepted: they
// would be re-resolved at connect time, which is exactly the DNS-rebinding
// hole the guard exists to close.
func NewGuard(allow []string) (*Guard, error) {
	g := &Guard{}
	var errs []error
	for _, a := range allow {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if p, err := netip.ParsePrefix(a); err == nil {
			g.allow = append(g.allow, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(a)
		if err != nil {
			errs = append(errs, fmt.Errorf("allow-list entry %q is neither an IP nor a CIDR prefix", a))
			continue
		}
		g.allow = append(g.allow, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
	}
	return g, errors.Join(errs...)
}

// Check returns nil when ip may be dialled.
func (g *Guard) Check(ip netip.Addr) error {
	ip = ip.Unmap()
	for _, p := range g.allow {
		if p.Contains(ip) {
			return nil
		}
	}
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return fmt.Errorf("%w: %s is not a public address", ErrBlocked, ip)
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return fmt.Errorf("%w: %s is in reserved range %s", ErrBlocked, ip, p)
		}
	}
	return nil
}

// control is a net.Dialer Control hook. It runs after DNS resolution, on the
// exact address about to be connected, for every connection including those
// made to follow redirects, so neither rebinding nor a redirect to an
// internal address gets through.
func (g *Guard) control(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%w: bad address %q", ErrBlocked, address)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%w: %q is not an IP", ErrBlocked, host)
	}
	return g.Check(ip)
}
