package mendix

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// Error is a refusal from a Mendix API: the HTTP status and, when the body carried them, the
// vendor's upper-case code (APP_IS_RUNNING) and message. mendix-cloud-api.md §6: Deploy v1/v2,
// Build and Backups document the codes but not the JSON fields carrying them, so the body is
// searched for the code; Deploy v4 and Projects v2 wrap errors as {"error": {...}}.
type Error struct {
	// API names the API family that refused ("Deploy API v1", "Deploy API v4", "storage"), so
	// callers can point at the right credential.
	API     string
	Op      string
	Status  int
	Code    string
	Message string
	// InvalidParams are Deploy v4 / Projects v2 `invalid-params` entries (note the hyphen, §6).
	InvalidParams []InvalidParam
	// body is the start of the raw answer, so HasCode finds a code whatever field carried it.
	body string
	// vendorShape is set when the body had the API's own error shape although its code was not
	// an upper-case identifier (Deploy v4 / Projects v2 {"error": {"code": 404, …}}).
	vendorShape bool
}

// InvalidParam is one entry of a v4/Projects `invalid-params` list.
type InvalidParam struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: HTTP %d", e.Op, e.Status)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.Message != "" && e.Message != e.Code {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	for _, p := range e.InvalidParams {
		fmt.Fprintf(&b, "; %s: %s", p.Name, p.Reason)
	}
	if e.Status == http.StatusNotFound && e.Code == "" && !e.vendorShape && e.API != "storage" {
		b.WriteString(" (not in a Mendix error shape: this proves nothing about what was asked for; a base URL is likely wrong (check mendix.deploy_url, cloud_url or projects_url), or a proxy answered)")
	}
	return b.String()
}

// HasCode reports whether err is a Mendix refusal carrying the vendor code (e.g. "PACKAGE_IN_USE"),
// in whatever field the body put it.
func HasCode(err error, code string) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code == code || strings.Contains(e.body, code)
}

// StatusOf returns the HTTP status of a Mendix refusal, or 0 for any other error.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// IsNotFound reports proof that what was asked for does not exist: a 404 that a Mendix API
// answered in its own error shape, with its code (APP_NOT_FOUND, ENVIRONMENT_NOT_FOUND,
// PACKAGE_NOT_FOUND, storage's NoSuchKey, …) or the v4 {"error": {…}} wrapper.
//
// A bare 404 (an empty or HTML answer: a wrong base URL, a proxy or gateway in front of Mendix)
// proves nothing: nothing is removed from state, forgotten as deleted or created again on it; it
// stays an error (IsBareNotFound tells it apart for messages).
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusNotFound && (e.Code != "" || e.vendorShape)
}

// IsBareNotFound reports a 404 that did not come in a Mendix API's error shape.
func IsBareNotFound(err error) bool {
	return StatusOf(err) == http.StatusNotFound && !IsNotFound(err)
}

// IsUnauthorized reports refused credentials (401) or missing node permissions (403 NO_ACCESS).
func IsUnauthorized(err error) bool {
	s := StatusOf(err)
	return s == http.StatusUnauthorized || (s == http.StatusForbidden && HasCode(err, "NO_ACCESS"))
}

// IsRetryLater reports the documented "try again later" answers (§6): transport's 503 while a new
// package is still being processed, ENVIRONMENT_BUSY, and the Backups v1 snapshot 500 that means
// "still being made" (§5.4).
func IsRetryLater(err error) bool {
	s := StatusOf(err)
	return s == http.StatusServiceUnavailable || s == http.StatusTooManyRequests || HasCode(err, "ENVIRONMENT_BUSY")
}

// permanent5xx are the documented 5xx codes that are the vendor's final word on a request, not an
// outage: the start call and the start-job read (§5.3), transport's PACKAGE_PARSE_FAILED (§5.3),
// the v1 upload's INVALID_PACKAGE (§5.2), the settings write's INVALID_SCHEDULED_EVENT_PARAMETER
// (§5.6), clean and stop failures. Asking again gives the same answer, so they are neither retried
// by the transport (finalAnswer) nor waited out by a poll (Transient).
var permanent5xx = []string{
	"APP_ALREADY_HAS_A_STARTING_JOB", "NO_MDA_HAS_BEEN_DEPLOYED", "INVALID_SCHEDULED_EVENT_PARAMETER",
	"INSECURE_ADMIN_PASSWORD", "STARTUP_ACTION_FAILED", "INVALID_DB_STRUCTURE", "ENVIRONMENT_CLEAN_FAILED",
	"PACKAGE_PARSE_FAILED", "MISSING_CONSTANT", "DB_SYNC_FAILED", "ALREADY_STARTED", "ALREADY_LOCKED",
	"INVALID_PACKAGE", "START_FAILED", "STOP_FAILED", "NO_PACKAGE",
}

// permanentIn reports whether body carries one of the documented permanent 5xx codes.
func permanentIn(body string) bool {
	for _, c := range permanent5xx {
		if strings.Contains(body, c) {
			return true
		}
	}
	return false
}

// finalAnswer is the transport's Request.Final for every Mendix call: a 5xx that carries a
// documented permanent code is returned at once instead of being sent again.
func finalAnswer(status int, body []byte) bool {
	return status >= http.StatusInternalServerError && permanentIn(string(body))
}

// Transient reports a refusal that a later attempt may not meet: 429 and 5xx (an outage, a
// deploy, "still being processed"), but not a documented permanent 5xx code (permanent5xx). Polls
// keep going through transient refusals (transport.Poll) instead of failing the wait.
func (e *Error) Transient() bool {
	if !transport.TransientStatus(e.Status) {
		return false
	}
	return !permanentIn(e.Code) && !permanentIn(e.body)
}

// CredentialsError says a call needs a credential the provider was not given (§3: Deploy/Backups
// take username + API key, Deploy v4 and Projects take a personal access token).
type CredentialsError struct {
	API   string // "Deploy API v1"
	Needs string // "username and api_key" or "pat"
}

func (e *CredentialsError) Error() string {
	return fmt.Sprintf("mendix: %s needs %s, which is not configured", e.API, e.Needs)
}

// maxErrorBody bounds how much of an error answer is kept: error bodies are small, and a
// misrouted download must not be read whole.
const maxErrorBody = 16 << 10

// errorStyle is how one API family shapes its error bodies.
type errorStyle int

const (
	styleDeploy   errorStyle = iota // Deploy v1/v2, Build, Backups v1/v2: upper-case code, field names undocumented
	styleV4                         // Deploy v4, Projects v2: {"error": {"code", "message", "detail", "invalid-params"}}
	styleStorage                    // pre-signed storage: S3-style <Error><Code>…</Code><Message>…</Message></Error>
	styleNoDecode                   // anything else
)

// knownCodes are the documented upper-case codes (§5, §6), longest first where one contains another,
// searched for in bodies whose field names are not documented.
var knownCodes = []string{
	"APP_ALREADY_HAS_A_STARTING_JOB", "NO_MDA_HAS_BEEN_DEPLOYED", "INVALID_SCHEDULED_EVENT_PARAMETER",
	"CUSTOM_SETTING_NOT_SUPPORTED", "SCHEDULED_EVENT_NOT_FOUND", "INSECURE_ADMIN_PASSWORD", "ENVIRONMENT_CLEAN_FAILED",
	"ENVIRONMENT_NOT_DEPLOYED", "ENVIRONMENT_NOT_STOPPED", "ENVIRONMENT_NOT_FOUND", "INVALID_RUNTIME_VERSION",
	"SNAPSHOT_LISTING_FAILED", "APPLICATION_ALREADY_EXISTS", "INTERNAL_SERVER_ERROR", "STARTUP_ACTION_FAILED",
	"TRANSPORT_NOT_ALLOWED", "PACKAGE_PARSE_FAILED", "INVALID_DB_STRUCTURE", "INVALID_ENVIRONMENT",
	"INVALID_PARAMETERS", "SERVICE_UNAVAILABLE", "SERVICE UNAVAILABLE", "UPLOAD_COPY_FAILED", "SNAPSHOT_NOT_FOUND",
	"CONSTANT_NOT_FOUND", "ERROR_NOT_ALLOWED", "PACKAGE_NOT_FOUND", "ENVIRONMENT_BUSY", "MISSING_CONSTANT",
	"NO_SUCH_STARTJOB", "ALREADY_STARTED", "INVALID_PROJECTID", "INVALID_REQUEST", "INVALID_PACKAGE",
	"PACKAGE_IN_USE", "APP_IS_RUNNING", "DB_SYNC_FAILED", "ALREADY_LOCKED", "APP_NOT_FOUND", "NOT_SUPPORTED",
	"INVALID_APPID", "INVALID_STATE", "START_FAILED", "STOP_FAILED", "UNSUPPORTED", "NOT ALLOWED", "NOT_ALLOWED",
	"NO_PACKAGE", "NO_ACCESS", "NOT_FOUND", "UNAUTHORIZED", "FILE_TOO_LARGE",
}

// codeRe finds an upper-case code in free text when no known code is present: two or more
// upper-case words joined by underscores (or a space, as in "SERVICE UNAVAILABLE").
var codeRe = regexp.MustCompile(`\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b`)

var (
	xmlCodeRe    = regexp.MustCompile(`<Code>([^<]*)</Code>`)
	xmlMessageRe = regexp.MustCompile(`<Message>([^<]*)</Message>`)
)

// apiError reads a non-2xx answer into an *Error, decoding defensively in the API's style.
func apiError(op string, resp *http.Response, style errorStyle) *Error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	return decodeError(op, resp.StatusCode, raw, style)
}

func decodeError(op string, status int, raw []byte, style errorStyle) *Error {
	e := &Error{Op: op, Status: status, body: string(raw)}
	text := strings.TrimSpace(string(raw))
	switch style {
	case styleV4:
		decodeV4Error(e, raw)
	case styleStorage:
		e.API = "storage"
		if m := xmlCodeRe.FindStringSubmatch(text); m != nil {
			e.Code = m[1]
		}
		if m := xmlMessageRe.FindStringSubmatch(text); m != nil {
			e.Message = m[1]
		}
	case styleDeploy:
		decodeDeployError(e, raw)
	}
	if e.Message == "" && e.Code == "" && text != "" && !strings.HasPrefix(text, "<") {
		e.Message = truncate(text, 300)
	}
	return e
}

// decodeDeployError looks for the code and message under any of the field names seen in the wild,
// then falls back to searching the body for a documented code (§6: field names undocumented).
func decodeDeployError(e *Error, raw []byte) {
	var doc map[string]any
	if json.Unmarshal(raw, &doc) == nil {
		e.Code = firstString(doc, "errorCode", "ErrorCode", "error_code", "code", "Code")
		e.Message = firstString(doc, "errorMessage", "ErrorMessage", "error_message", "message", "Message", "detail", "error")
		if e.Code != "" && !looksLikeCode(e.Code) {
			if e.Message == "" {
				e.Message = e.Code
			}
			e.Code = ""
		}
	}
	if e.Code != "" {
		return
	}
	body := string(raw)
	if strings.HasPrefix(strings.TrimSpace(body), "<") {
		return // an HTML page: a proxy or gateway answered, not Mendix; its words are no code
	}
	for _, c := range knownCodes {
		if strings.Contains(body, c) {
			e.Code = c
			return
		}
	}
	if m := codeRe.FindString(body); m != "" {
		e.Code = m
	}
}

// decodeV4Error reads {"error": {"code": <int or str>, "message", "detail", "invalid-params"}}.
func decodeV4Error(e *Error, raw []byte) {
	var doc struct {
		Error *struct {
			Code          json.RawMessage `json:"code"`
			Message       string          `json:"message"`
			Detail        string          `json:"detail"`
			InvalidParams []InvalidParam  `json:"invalid-params"`
		} `json:"error"`
	}
	if json.Unmarshal(raw, &doc) != nil || doc.Error == nil {
		decodeDeployError(e, raw)
		return
	}
	e.vendorShape = true
	e.Message = doc.Error.Message
	if doc.Error.Detail != "" && doc.Error.Detail != e.Message {
		e.Message = strings.TrimSpace(e.Message + " (" + doc.Error.Detail + ")")
	}
	// cloud-portal-v4.yaml's 404 and 500 examples carry a placeholder {"name": "", "reason": ""}.
	for _, p := range doc.Error.InvalidParams {
		if p.Name != "" || p.Reason != "" {
			e.InvalidParams = append(e.InvalidParams, p)
		}
	}
	var s string
	if json.Unmarshal(doc.Error.Code, &s) == nil && looksLikeCode(s) {
		e.Code = s
	}
}

func firstString(doc map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := doc[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// looksLikeCode accepts upper-case identifiers such as APP_IS_RUNNING or "SERVICE UNAVAILABLE".
func looksLikeCode(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '_' && r != ' ' {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
