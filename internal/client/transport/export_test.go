package transport

import (
	"net/http"
	"time"
)

// BackoffForTest exposes the wait computed before retry attemptNum+1, so the Retry-After cap can be
// checked without sleeping through it.
func (c *Client) BackoffForTest(attemptNum int, resp *http.Response) time.Duration {
	return c.backoff(c.opts.MinBackoff, c.opts.MaxBackoff, attemptNum, resp)
}

// SetNowForTest pins the clock Retry-After dates are measured against.
func (c *Client) SetNowForTest(now func() time.Time) { c.now = now }
