package transport

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
)

// TookEffectError reports a call that creates something whose answer was lost (or that failed
// with a 5xx after it may have acted), and whose NotDone lookup found that it did take effect.
// The caller adopts what the lookup found instead of creating a second one.
type TookEffectError struct {
	Name  string
	Cause error // the failure that hid the answer
}

// Error says what happened and that nothing was repeated.
func (e *TookEffectError) Error() string {
	return fmt.Sprintf("%s: the answer was lost (%v), but the vendor shows the request took effect; it was not sent again", e.Name, e.Cause)
}

// Unwrap exposes the failure that hid the answer.
func (e *TookEffectError) Unwrap() error { return e.Cause }

// OutcomeUnknownError reports a call that creates something and failed after the server may have
// acted, with no lookup able to prove either way. Sending it again could make a second object, so
// it is not retried; the next apply's lookup (or the operator) decides.
type OutcomeUnknownError struct {
	Name   string
	Cause  error
	Lookup error // the lookup's own failure, when one was tried
}

// Error names the call and why its outcome is unknown.
func (e *OutcomeUnknownError) Error() string {
	msg := fmt.Sprintf("%s: failed after the vendor may have acted on it (%v); not sent again, so that nothing is created twice", e.Name, e.Cause)
	if e.Lookup != nil {
		msg += "; " + e.Lookup.Error()
	}
	return msg
}

// Unwrap exposes the lookup's failure first (it is what the user can act on), else the cause.
func (e *OutcomeUnknownError) Unwrap() []error {
	if e.Lookup != nil {
		return []error{e.Lookup, e.Cause}
	}
	return []error{e.Cause}
}

// Transient is true: the next apply looks the outcome up again.
func (e *OutcomeUnknownError) Transient() bool { return true }

// IsTookEffect reports whether err says a create happened although its answer was lost.
func IsTookEffect(err error) bool {
	var e *TookEffectError
	return errors.As(err, &e)
}

// IsOutcomeUnknown reports whether err says a create may or may not have happened.
func IsOutcomeUnknown(err error) bool {
	var e *OutcomeUnknownError
	return errors.As(err, &e)
}

// RedirectError reports a redirect that was not followed because it leads to another host (scheme,
// host or port) while the request carries credentials, which must never leave the host they were
// configured for.
type RedirectError struct {
	Name     string
	From, To string // redacted URLs
}

// Error names both hosts and what to check.
func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s: the server at %s redirected to another host (%s); the redirect was not followed so that credentials stay with the host they were configured for. "+
		"Check the provider's base URLs: they must name the vendor's API host itself", e.Name, e.From, e.To)
}

// transienter is implemented by errors that another attempt later may not meet (a network
// failure after all retries, a 5xx or 429 answer). Waiting loops keep going through them.
type transienter interface{ Transient() bool }

// IsTransient reports whether err is a temporary condition: a broken or stalled connection after
// the retries ran out, a vendor 5xx/429, or an unknown outcome a later lookup resolves.
func IsTransient(err error) bool {
	var t transienter
	return errors.As(err, &t) && t.Transient()
}

// IsUnreachable reports whether err says nothing is there to answer: the connection was refused
// or the host name does not resolve. Right after a service worked it can be a restart; before it
// ever answered it is a wrong URL or a stopped service.
func IsUnreachable(err error) bool {
	var dns *net.DNSError
	return errors.Is(err, syscall.ECONNREFUSED) || (errors.As(err, &dns) && dns.IsNotFound)
}

// TransientStatus reports HTTP statuses that mean "try again later" rather than "this is wrong".
func TransientStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}
