package transport

import (
	"fmt"
	"net/url"
)

// CheckBaseURL reports why s cannot serve as a vendor base URL: it must be absolute http(s)
// with a host and carry no query or fragment, because clients append paths to it.
func CheckBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %v", s, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return fmt.Errorf("%q must start with https:// (or http:// for a local sandbox)", s)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", s)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q must not carry credentials, a query or a fragment", s)
	}
	return nil
}
