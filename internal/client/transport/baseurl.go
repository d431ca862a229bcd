package transport

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// CheckBaseURL reports why s cannot serve as a vendor base URL: it must be absolute https with a
// host and carry no credentials, query or fragment, because clients append paths to it and send
// credentials to it. Plain http is accepted only for a loopback host (a local sandbox or proxy on
// this machine): anywhere else it would put API keys, passwords and session tokens on the wire in
// clear. There is deliberately no switch to allow it: the sandbox listens on loopback only, and a
// real vendor API is https.
func CheckBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %v", s, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return fmt.Errorf("%q must start with https:// (or http:// for a local sandbox on loopback)", s)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", s)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q must not carry credentials, a query or a fragment", s)
	}
	if u.Scheme == "http" && !IsLoopbackHost(u.Hostname()) {
		return fmt.Errorf("%q uses plain http to %s, which would send credentials in clear: use https://, "+
			"or http:// only for a sandbox on this machine (localhost, 127.0.0.1, [::1])", s, u.Hostname())
	}
	return nil
}

// IsLoopbackHost reports whether host names this machine: "localhost" or a loopback IP address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
