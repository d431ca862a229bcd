package mendix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// api is one of the Mendix API families; each has its own base path, credential and error style.
type api int

const (
	apiDeployV1 api = iota // {deploy}/api/1: Deploy v1, Build API, Backups v1 (API key)
	apiDeployV2            // {deploy}/api/v2: Deploy v2, Backups v2 (API key)
	apiCloudV4             // {cloud}: Deploy v4 (PAT)
	apiProjects            // {projects}: Projects v2 (PAT)
)

func (a api) String() string {
	switch a {
	case apiDeployV1:
		return "Deploy API v1"
	case apiDeployV2:
		return "Deploy API v2"
	case apiCloudV4:
		return "Deploy API v4"
	default:
		return "Projects API v2"
	}
}

// base is the API's root URL. §2: note `/api/1` (no "v") against `/api/v2`.
func (c *Client) base(a api) string {
	switch a {
	case apiDeployV1:
		return c.cfg.DeployURL + "/api/1"
	case apiDeployV2:
		return c.cfg.DeployURL + "/api/v2"
	case apiCloudV4:
		return c.cfg.CloudURL
	default:
		return c.cfg.ProjectsURL
	}
}

// header carries the API's credential (§3.1 Mendix-Username + Mendix-ApiKey; §3.2 Authorization:
// MxToken) or says which one is missing.
func (c *Client) header(a api) (http.Header, error) {
	h := http.Header{"Accept": []string{"application/json"}}
	switch a {
	case apiDeployV1, apiDeployV2:
		if !c.HasAPIKey() {
			return nil, &CredentialsError{API: a.String(), Needs: "username and api_key"}
		}
		h.Set("Mendix-Username", c.cfg.Username)
		h.Set("Mendix-ApiKey", c.cfg.APIKey)
	default:
		if !c.HasPAT() {
			return nil, &CredentialsError{API: a.String(), Needs: "pat"}
		}
		h.Set("Authorization", "MxToken "+c.cfg.PAT)
	}
	return h, nil
}

func (a api) errorStyle() errorStyle {
	if a == apiCloudV4 || a == apiProjects {
		return styleV4
	}
	return styleDeploy
}

// seg joins path segments, escaping each one (app ids, modes and ids come from users).
func seg(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// call is one JSON request to a Mendix API.
type call struct {
	api    api
	op     string
	method string
	path   string // below the API's base, already escaped (see seg)
	query  url.Values
	in     any
	out    any
	// idempotent marks a POST that may be sent again without harm: repeating it cannot create a
	// second object or start a second job. Every call site that sets it says why. GET, PUT and
	// DELETE are idempotent by definition whatever this says.
	idempotent bool
	// notDone is the lookup for a POST that creates something, run when its outcome is unknown:
	// true proves it did not take effect, so it is sent again; false makes do return a
	// *transport.TookEffectError and the caller adopts what the lookup found.
	notDone func(ctx context.Context) (bool, error)
	// opaque keeps both bodies out of the trace log (settings: constant values, some secret).
	opaque bool
}

// do sends c, decodes a 2xx JSON answer into c.out and turns any other answer into an *Error.
// It returns the status so callers can tell documented 2xx variants apart (start's 200 vs job).
func (c *Client) do(ctx context.Context, cl call) (int, []byte, error) {
	h, err := c.header(cl.api)
	if err != nil {
		return 0, nil, err
	}
	u := c.base(cl.api) + cl.path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	req := &transport.Request{Name: cl.op, Method: cl.method, URL: u, Header: h, Idempotent: cl.idempotent, NotDone: cl.notDone, Final: finalAnswer, OpaqueBody: cl.opaque}
	if cl.api == apiDeployV1 || cl.api == apiDeployV2 {
		// §3.1: Content-Type: application/json is required on most Deploy v1 calls, body or not
		// (deploy-api-1.md: every call but Upload Package; its example GETs and stop carry it, as
		// do backups-api-v2.md's).
		req.Header.Set("Content-Type", "application/json")
	}
	if cl.in != nil {
		body, err := transport.JSONBody(cl.in)
		if err != nil {
			return 0, nil, fmt.Errorf("%s: %w", cl.op, err)
		}
		req.Body = body
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return 0, nil, err // already names the operation and carries no secret
	}
	defer drain(resp.Body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := apiError(cl.op, resp, cl.api.errorStyle())
		e.API = cl.api.String()
		return resp.StatusCode, nil, e
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("%s: reading the answer: %w", cl.op, err)
	}
	if cl.out != nil && len(strings.TrimSpace(string(raw))) > 0 {
		if err := unmarshalLenient(raw, cl.out); err != nil {
			return resp.StatusCode, raw, fmt.Errorf("%s: the answer is not the documented JSON: %w", cl.op, err)
		}
	}
	return resp.StatusCode, raw, nil
}

// unmarshalLenient is json.Unmarshal that also reads a body whose only fault is a trailing comma
// before a closing brace or bracket: Deploy API v1 documents its start answers that way
// (deploy-api-1.md: `{ "JobId" : "…" , }` and `{ "Status" : "Starting" , }`).
func unmarshalLenient(raw []byte, out any) error {
	err := json.Unmarshal(raw, out)
	if err == nil {
		return nil
	}
	if fixed, ok := dropTrailingCommas(raw); ok && json.Unmarshal(fixed, out) == nil {
		return nil
	}
	return err
}

// dropTrailingCommas removes each comma that only whitespace separates from a following '}' or
// ']', outside strings; ok is false when there was none.
func dropTrailingCommas(raw []byte) (out []byte, ok bool) {
	out = make([]byte, 0, len(raw))
	inString, escaped := false, false
	for i := 0; i < len(raw); i++ {
		b := raw[i]
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
		case b == '"':
			inString = true
		case b == ',':
			j := i + 1
			for j < len(raw) && (raw[j] == ' ' || raw[j] == '\t' || raw[j] == '\n' || raw[j] == '\r') {
				j++
			}
			if j < len(raw) && (raw[j] == '}' || raw[j] == ']') {
				ok = true
				continue
			}
		}
		out = append(out, b)
	}
	return out, ok
}

// drain lets the connection be reused; what is left of an answer read this way is small.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

// epochMS reads a v1 timestamp (§8.3: epoch milliseconds, a number; tolerated as a string).
type epochMS time.Time

// UnmarshalJSON accepts a number, a numeric string or null.
func (t *epochMS) UnmarshalJSON(b []byte) error {
	s := strings.Trim(strings.TrimSpace(string(b)), `"`)
	if s == "" || s == "null" {
		*t = epochMS(time.Time{})
		return nil
	}
	ms, err := strconv.ParseFloat(s, 64)
	if err != nil {
		// Lenient: a date string where a number was documented.
		if tt, perr := time.Parse(time.RFC3339, s); perr == nil {
			*t = epochMS(tt)
			return nil
		}
		return fmt.Errorf("timestamp %s is neither epoch milliseconds nor RFC 3339", s)
	}
	*t = epochMS(time.UnixMilli(int64(ms)).UTC())
	return nil
}

// isoTime reads a v2/v4 timestamp (§8.3: ISO-8601 strings; nullable while pending).
type isoTime time.Time

// UnmarshalJSON accepts RFC 3339 with or without fractional seconds, or null.
func (t *isoTime) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("timestamp %s is not a string", b)
	}
	if s == nil || *s == "" {
		*t = isoTime(time.Time{})
		return nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999"} {
		if tt, err := time.Parse(layout, *s); err == nil {
			*t = isoTime(tt.UTC())
			return nil
		}
	}
	return fmt.Errorf("timestamp %q is not ISO-8601", *s)
}

// lenientBool reads a boolean that one v4 spec example shows as a string (§5.1).
type lenientBool bool

// UnmarshalJSON accepts true/false or "true"/"false".
func (b *lenientBool) UnmarshalJSON(raw []byte) error {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	v, err := strconv.ParseBool(s)
	if err != nil && s != "null" && s != "" {
		return fmt.Errorf("%s is not a boolean", raw)
	}
	*b = lenientBool(v)
	return nil
}

// errNoID is returned when a documented answer lacks the id it must carry.
var errNoID = errors.New("the answer carries no id")

// decodeJSON reads a small JSON answer from a streamed response.
func decodeJSON(r io.Reader, out any) error {
	raw, err := io.ReadAll(io.LimitReader(r, 32<<20))
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(string(raw))) == 0 {
		return nil
	}
	return json.Unmarshal(raw, out)
}
