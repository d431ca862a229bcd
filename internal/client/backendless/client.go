// Package backendless is a typed client for the Backendless console (management) API and the
// client REST Files API, as described in ../shared/reference/backendless-console-api.md.
//
// Vendor quirks live here, each with a comment naming the section of the reference notes it
// comes from, so the provider can speak in terms of runbook steps. This package never imports
// Terraform packages.
package backendless

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// Default hosts, from backendless-console-api.md §2.
const (
	// DefaultConsoleURL is the US cluster of the console API (SDK, console-sdk-mcp-server config).
	DefaultConsoleURL = "https://develop.backendless.com"
	// DefaultAPIURL is the 5.x client REST host (documented).
	DefaultAPIURL = "https://api.backendless.com"
	// DefaultLegacyURL is the 3.x client REST host (documented 3.x file upload page).
	DefaultLegacyURL = "https://api.backendless.com"
	// DefaultLegacyApplicationType is the 3.x application-type header many public REST
	// clients send with the REST secret key (§3.3, INFERRED).
	DefaultLegacyApplicationType = "REST"
)

// Config is what the client needs to reach one Backendless account.
type Config struct {
	ConsoleURL string
	APIURL     string
	LegacyURL  string
	// Login and Password sign in to the console; AuthKey, when set, is a pre-obtained session
	// token used instead (for accounts with e-mailed two-factor login, §3.1).
	Login    string
	Password string
	AuthKey  string
	// LegacySecretKeys maps a 3.x application id to its secret key (§3.3: sent as the
	// secret-key header with application-id); LegacyApplicationType is the application-type
	// header sent with it, default "REST".
	LegacySecretKeys      map[string]string
	LegacyApplicationType string
	HTTP                  *transport.Client
}

// Client talks to one Backendless account. It is safe for concurrent use: resources of one
// provider share it, and it logs in once.
type Client struct {
	cfg  Config
	http *transport.Client

	mu      sync.Mutex
	authKey string
	// restKeys caches each 5.x app's REST API key (§3.2) for the life of the client; it is never
	// handed to the provider, so it never reaches state.
	restKeys map[string]string

	// apps is the app list of the last ListApps, shared by every read of one provider process
	// (a plan's refresh of N apps lists them once, not N times); our own create, rename and
	// delete drop it, and it is never older than appsTTL.
	appsMu    sync.Mutex
	appsFetch sync.Mutex // held while one caller reads the list for everyone
	apps      []App
	appsAt    time.Time
}

// appsTTL bounds how long GetApp trusts the app list of an earlier read in the same process.
const appsTTL = 30 * time.Second

// New checks the configuration and returns a client. It makes no request.
func New(cfg Config) (*Client, error) {
	if cfg.HTTP == nil {
		return nil, errors.New("backendless: no HTTP transport configured")
	}
	for name, u := range map[string]string{"console_url": cfg.ConsoleURL, "api_url": cfg.APIURL, "legacy_url": cfg.LegacyURL} {
		if u == "" {
			continue
		}
		if err := transport.CheckBaseURL(u); err != nil {
			return nil, fmt.Errorf("backendless %s: %w", name, err)
		}
	}
	if cfg.AuthKey == "" && (cfg.Login == "" || cfg.Password == "") {
		return nil, errors.New("backendless: either auth_key, or login and password, are required")
	}
	cfg.ConsoleURL = strings.TrimRight(cfg.ConsoleURL, "/")
	cfg.APIURL = strings.TrimRight(cfg.APIURL, "/")
	cfg.LegacyURL = strings.TrimRight(cfg.LegacyURL, "/")
	cfg.HTTP.AddSecret(cfg.Password)
	cfg.HTTP.AddSecret(cfg.AuthKey)
	keys := make(map[string]string, len(cfg.LegacySecretKeys))
	for id, key := range cfg.LegacySecretKeys {
		if id == "" || key == "" {
			return nil, fmt.Errorf("backendless: legacy_secret_keys: an entry has an empty application id or secret key")
		}
		cfg.HTTP.AddSecret(key)
		keys[id] = key
	}
	cfg.LegacySecretKeys = keys
	if cfg.LegacyApplicationType == "" {
		cfg.LegacyApplicationType = DefaultLegacyApplicationType
	}
	return &Client{cfg: cfg, http: cfg.HTTP, authKey: cfg.AuthKey, restKeys: map[string]string{}}, nil
}

// Error is a refusal from Backendless: the HTTP status and, when the body carried one, the
// vendor's `{code, message}` (backendless-console-api.md §6).
type Error struct {
	Op      string
	Status  int
	Code    int
	Message string
	// Proven marks a 404 this client established itself from a listing the vendor answered in
	// full (GetApp's app list, a directory listing without the file): proof of absence although
	// the answer carried no Backendless code.
	Proven bool
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: HTTP %d", e.Op, e.Status)
	if e.Code != 0 {
		fmt.Fprintf(&b, ", Backendless code %d", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if m := codeMeaning[e.Code]; m != "" {
		fmt.Fprintf(&b, " (%s)", m)
	} else if e.Code == 0 && e.Message == "" && e.Status == http.StatusNotFound && !e.Proven {
		b.WriteString(" with no Backendless error in the answer: nothing answers at this URL, so the base URL is likely wrong (check backendless.console_url, api_url or legacy_url)")
	}
	return b.String()
}

// codeMeaning says what the codes this provider meets mean, in words a user can act on
// (backendless-console-api.md §6; 6007, 1009 and 8009 as users saw them).
var codeMeaning = map[int]string{
	2002: "Backendless 3.x answers 2002 when the version is disabled or does not exist, or the application id or its secret key is wrong",
	6007: "the file or directory does not exist",
	1009: "the table does not exist",
	8009: "an app of this name already exists in the account",
}

// Transient reports a refusal that another attempt later may not meet: 429 and 5xx. Waiting
// loops (transport.Poll) keep polling through them instead of failing a long job on a blip.
func (e *Error) Transient() bool { return transport.TransientStatus(e.Status) }

// IsNotFound reports proof that what was asked for does not exist: a 404 that carries a
// Backendless error code (the REST, Files and 3.x APIs answer a missing object with one: 6007,
// 1009, …), or an absence this client established from a listing the vendor answered (Proven).
//
// A bare 404 is not proof: the console answers 404 with an empty body (§6), and so do a wrong
// base URL, a proxy or a gateway in front of the vendor. Nothing is removed from state, forgotten
// as deleted or created again on it; the caller reports it as an error (IsBareNotFound tells it
// apart for the message) or, where it can, proves the absence with a listing first.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusNotFound && (e.Code != 0 || e.Proven)
}

// IsBareNotFound reports a 404 without a Backendless error code that this client has not proven
// either: nothing Backendless answers at that URL (a wrong base URL), or the console's empty 404,
// which proves nothing about the app, version or file asked for.
func IsBareNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusNotFound && e.Code == 0 && !e.Proven
}

// Is404 reports any 404, proven or not. Only a wait that changes nothing may act on it (a log
// not written yet): a decision to forget, delete or create needs IsNotFound.
func Is404(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

// Codes of the Backendless {code, message} error body this client acts on.
const (
	// CodeFileNotFound is the Files API's "The specified resource was not found" (sandbox
	// contract; the same code Backendless' file error table uses).
	CodeFileNotFound = 6007
	// CodeAppNameTaken answers a create or rename to a name the developer already uses: the code
	// users saw from the console (backendless-console-api.md §Step 3 says errors are UNKNOWN).
	CodeAppNameTaken = 8009
)

// IsFileNotFound reports a 404 that proves a file or directory is missing: the Files API's own
// code 6007, or a directory listing that succeeded without the file. A bare 404 (a wrong base
// URL, a proxy) proves nothing and is not one.
func IsFileNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusNotFound && e.Code == CodeFileNotFound
}

// IsNameTaken reports the console's refusal of an app name the developer already uses.
func IsNameTaken(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == CodeAppNameTaken
}

// LoginError is a refused console login; the provider turns it into a diagnostic that names
// the credentials to check.
type LoginError struct {
	Login string
	Cause error
}

func (e *LoginError) Error() string {
	return fmt.Sprintf("Backendless console login as %q refused: %v", e.Login, e.Cause)
}

func (e *LoginError) Unwrap() error { return e.Cause }

// AuthKeyError means a pre-obtained auth-key was refused; it cannot be renewed unattended.
type AuthKeyError struct{ Cause error }

func (e *AuthKeyError) Error() string {
	return fmt.Sprintf("Backendless refused the configured auth-key (expired or revoked): %v", e.Cause)
}

func (e *AuthKeyError) Unwrap() error { return e.Cause }

// apiError reads a non-2xx answer into an *Error. §6: 404 may have an empty body, so the body
// is decoded only when it is JSON.
func apiError(op string, resp *http.Response) error {
	e := &Error{Op: op, Status: resp.StatusCode}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var v struct {
		Code    json.Number `json:"code"`
		Message string      `json:"message"`
	}
	if len(body) > 0 && json.Unmarshal(body, &v) == nil {
		if n, err := v.Code.Int64(); err == nil {
			e.Code = int(n)
		}
		e.Message = v.Message
	} else if len(body) > 0 && resp.StatusCode != http.StatusNotFound {
		e.Message = strings.TrimSpace(string(body))
		if len(e.Message) > 300 {
			e.Message = e.Message[:300] + "…"
		}
	}
	return e
}

// path joins segments, escaping each one separately (§2: encodePath per segment).
func path(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// call is one JSON request to a Backendless host.
type call struct {
	name   string
	method string
	url    string
	header http.Header
	in     any
	out    any
	// idempotent marks a POST that may be sent again without creating anything twice (a login);
	// GET, PUT and DELETE are by their method. Any other POST creates something and needs
	// notDone, the vendor lookup that proves an unanswered attempt did nothing.
	idempotent bool
	notDone    func(ctx context.Context) (bool, error)
}

// do sends c and decodes a 2xx JSON answer into c.out; other answers become *Error.
func (cl *Client) do(ctx context.Context, c call) (*http.Response, error) {
	req := &transport.Request{Name: c.name, Method: c.method, URL: c.url, Header: c.header, Idempotent: c.idempotent, NotDone: c.notDone}
	if req.Header == nil {
		req.Header = http.Header{}
	}
	req.Header.Set("Accept", "application/json")
	if c.in != nil {
		body, err := transport.JSONBody(c.in)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
		req.Body = body
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := cl.http.Do(ctx, req)
	if err != nil {
		return nil, err // already names the operation
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp, apiError(c.name, resp)
	}
	if c.out != nil {
		if err := json.NewDecoder(resp.Body).Decode(c.out); err != nil && !errors.Is(err, io.EOF) {
			return resp, fmt.Errorf("%s: reading the answer: %w", c.name, err)
		}
	}
	return resp, nil
}
