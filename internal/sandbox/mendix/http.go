package mendix

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// mxErr is a Mendix failure: HTTP status, the vendor's upper-case code and its message, plus the
// package sentinel for in-process callers. Deploy v1/v2 and Backups write it as
// {"errorCode","errorMessage"}; the home.mendix.com hosts use their own error shapes.
type mxErr struct {
	status int
	code   string
	msg    string
	kind   error
	// invalid names the request fields at fault (Deploy v4 / Projects "invalid-params").
	invalid []mxInvalidParam
}

// Error is the vendor code and message.
func (e *mxErr) Error() string { return e.code + ": " + e.msg }

// Unwrap gives the package sentinel.
func (e *mxErr) Unwrap() error { return e.kind }

func newMxErr(status int, code, msg string) *mxErr {
	kind := core.ErrInvalid
	switch status {
	case http.StatusNotFound:
		kind = core.ErrNotFound
	case http.StatusConflict:
		kind = core.ErrConflict
	}
	return &mxErr{status: status, code: code, msg: msg, kind: kind}
}

// mxInvalidParam is one entry of "invalid-params" (mendix-cloud-api.md §6).
type mxInvalidParam struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// mxDeployErrorBody is the Deploy v1/v2 and Backups error body. modeled: the docs give codes
// and messages but not the field names (mendix-cloud-api.md §6); the contract fixes these.
type mxDeployErrorBody struct {
	ErrorCode    string `json:"errorCode"`
	ErrorMessage string `json:"errorMessage"`
}

func writeMxDeployError(w http.ResponseWriter, status int, code, msg string) {
	core.WriteJSON(w, status, mxDeployErrorBody{ErrorCode: code, ErrorMessage: msg})
}

// writeMxDeployErr answers a deploy.mendix.com call with err; anything that is not an mxErr is
// a sandbox fault (disk, bug), never the client's.
func writeMxDeployErr(w http.ResponseWriter, err error) {
	var me *mxErr
	if errors.As(err, &me) {
		writeMxDeployError(w, me.status, me.code, me.msg)
		return
	}
	writeMxDeployError(w, http.StatusInternalServerError, "INTERNAL_SERVER_ERROR", "sandbox: "+err.Error())
}

// mxV4ErrorBody is the Deploy v4 error shape: {"error": {"code", "message", "invalid-params"}}.
type mxV4ErrorBody struct {
	Error mxV4Error `json:"error"`
}

type mxV4Error struct {
	Code          int              `json:"code"`
	Message       string           `json:"message"`
	InvalidParams []mxInvalidParam `json:"invalid-params,omitempty"`
}

func writeMxV4Err(w http.ResponseWriter, err error) {
	var me *mxErr
	if !errors.As(err, &me) {
		me = &mxErr{status: http.StatusInternalServerError, msg: "sandbox: " + err.Error()}
	}
	core.WriteJSON(w, me.status, mxV4ErrorBody{Error: mxV4Error{Code: me.status, Message: me.msg, InvalidParams: me.invalid}})
}

// mxProjectsErrorBody is the Projects v2 error shape: {"error": {"message", "detail", "code",
// "instance", "invalid-params"}} (mendix-cloud-api.md §6).
type mxProjectsErrorBody struct {
	Error mxProjectsError `json:"error"`
}

type mxProjectsError struct {
	Code          int              `json:"code"`
	Message       string           `json:"message"`
	Detail        string           `json:"detail"`
	Instance      string           `json:"instance"`
	InvalidParams []mxInvalidParam `json:"invalid-params,omitempty"`
}

func writeMxProjectsErr(w http.ResponseWriter, r *http.Request, err error) {
	var me *mxErr
	if !errors.As(err, &me) {
		me = &mxErr{status: http.StatusInternalServerError, msg: "sandbox: " + err.Error()}
	}
	core.WriteJSON(w, me.status, mxProjectsErrorBody{Error: mxProjectsError{
		Message: http.StatusText(me.status), Detail: me.msg, Code: me.status,
		Instance: mountMendixProjects + r.URL.Path, InvalidParams: me.invalid,
	}})
}

// mxProjectsErrorBodyFor renders injected faults and unserved routes on the Projects host.
func mxProjectsErrorBodyFor(status int, msg string) any {
	return mxProjectsErrorBody{Error: mxProjectsError{Message: http.StatusText(status), Detail: msg, Code: status}}
}

type mxCallerKey struct{}

// mxCaller is the authenticated Mendix user of a call.
func mxCaller(r *http.Request) mxUser {
	u, _ := r.Context().Value(mxCallerKey{}).(mxUser)
	return u
}

// mxAPIKeyAuth requires Mendix-Username + Mendix-ApiKey of a known user (mendix-cloud-api.md
// §3.1). Node permissions are not modeled: every known user may act on every node.
func (s *Mendix) mxAPIKeyAuth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name, key := r.Header.Get("Mendix-Username"), r.Header.Get("Mendix-ApiKey")
		var u mxUser
		ok := false
		if name != "" && key != "" {
			s.store.read(func(st *state) {
				if p := st.Mendix.user(name); p != nil && subtle.ConstantTimeCompare([]byte(p.APIKey), []byte(key)) == 1 {
					u, ok = *p, true
				}
			})
		}
		if !ok {
			msg := "Missing or invalid Mendix-Username / Mendix-ApiKey headers"
			if r.Header.Get("Authorization") != "" && key == "" {
				msg += " (deploy.mendix.com takes an API key, not a personal access token)"
			}
			writeMxDeployError(w, http.StatusUnauthorized, "UNAUTHORIZED", msg)
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), mxCallerKey{}, u)))
	}
}

// mxPATAuth requires "Authorization: MxToken <PAT>" of a known user (mendix-cloud-api.md §3.2).
// Scopes are not modeled.
func (s *Mendix) mxPATAuth(next http.HandlerFunc, writeErr func(http.ResponseWriter, *http.Request, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, found := strings.CutPrefix(r.Header.Get("Authorization"), "MxToken ")
		tok = strings.TrimSpace(tok)
		var u mxUser
		ok := false
		if found && tok != "" {
			s.store.read(func(st *state) {
				for _, p := range st.Mendix.Users {
					if subtle.ConstantTimeCompare([]byte(p.PAT), []byte(tok)) == 1 {
						u, ok = *p, true
						return
					}
				}
			})
		}
		if !ok {
			msg := "Missing or invalid personal access token: send Authorization: MxToken <token>"
			if r.Header.Get("Mendix-ApiKey") != "" {
				msg += " (this host takes a personal access token, not an API key)"
			}
			writeErr(w, r, &mxErr{status: http.StatusUnauthorized, code: "UNAUTHORIZED", msg: msg, kind: core.ErrInvalid})
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), mxCallerKey{}, u)))
	}
}

// mxDecodeJSON decodes an optional JSON body: an empty body leaves v untouched.
func mxDecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	err := core.DecodeJSON(w, r, v)
	if errors.Is(err, core.ErrEmptyBody) {
		return nil
	}
	return err
}

// Timestamp formats: Deploy v1 sends epoch milliseconds, the newer APIs ISO-8601 strings
// (mendix-cloud-api.md §8.3); Backups v2's examples carry milliseconds and a Z.
const mxISO = "2006-01-02T15:04:05.000Z"

func isoTime(t time.Time) string { return t.UTC().Format(mxISO) }

// isoOrNull is an ISO time, or null for the zero time (Backups v2 timestamps are nullable
// while pending).
func isoOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := isoTime(t)
	return &s
}

// strOrNull is s, or null when empty.
func strOrNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// mxUploadLimit is Mendix Cloud's upload limit: "uploads above 1 GB are not possible"
// (mendix-cloud-api.md §5.2). The sandbox reads "1 GB" as 1,000,000,000 bytes (SI), the
// stricter of the two readings, so a client that passes here passes on the vendor too.
const mxUploadLimit int64 = 1_000_000_000

// mxMultipartSlack is how much multipart framing a request may add around a file at the limit
// before its Content-Length alone proves the file is too large.
const mxMultipartSlack = 1 << 20

var errMxTooLarge = fmt.Errorf("uploads above 1 GB (%d bytes) are not possible on Mendix Cloud", mxUploadLimit)

// limitedUpload counts bytes as they stream and fails once more than limit have passed, so an
// oversized upload is refused without ever being held anywhere.
type limitedUpload struct {
	r     io.Reader
	n     int64
	limit int64
}

func (l *limitedUpload) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.limit {
		return n, errMxTooLarge
	}
	return n, err
}

// mxReceiveFile streams the multipart part named "file" of r into a new blob, refusing files
// over mxUploadLimit while they stream (mendix-cloud-api.md §5.2: form field "file", 1 GB).
// The *mxErr it returns carries the status to answer.
func (s *Mendix) mxReceiveFile(r *http.Request) (blobID string, size int64, sum string, err error) {
	if r.ContentLength > mxUploadLimit+mxMultipartSlack {
		return "", 0, "", newMxErr(http.StatusRequestEntityTooLarge, "FILE_TOO_LARGE", errMxTooLarge.Error())
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return "", 0, "", newMxErr(http.StatusBadRequest, "INVALID_PARAMETERS", "Send the file as multipart/form-data in a form field named \"file\" (not "+describeContentType(r)+")")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", 0, "", newMxErr(http.StatusBadRequest, "INVALID_PARAMETERS", "The multipart body has no form field named \"file\"")
		}
		if err != nil {
			return "", 0, "", newMxErr(http.StatusBadRequest, "INVALID_PARAMETERS", "Malformed multipart body: "+err.Error())
		}
		if part.FormName() != "file" {
			if _, err := io.Copy(io.Discard, io.LimitReader(part, core.MaxJSONBody+1)); err != nil {
				return "", 0, "", newMxErr(http.StatusBadRequest, "INVALID_PARAMETERS", "Malformed multipart body: "+err.Error())
			}
			continue
		}
		id, size, sum, err := s.PutBlob(&chunkedReader{r: &limitedUpload{r: part, limit: mxUploadLimit}})
		_ = part.Close()
		if errors.Is(err, errMxTooLarge) {
			return "", 0, "", newMxErr(http.StatusRequestEntityTooLarge, "FILE_TOO_LARGE", errMxTooLarge.Error())
		}
		if err != nil {
			// mendix-cloud-api.md §5.2 (v1 upload): 500 UPLOAD_COPY_FAILED, also when the body broke off.
			return "", 0, "", newMxErr(http.StatusInternalServerError, "UPLOAD_COPY_FAILED", "Failed to store the uploaded file: "+err.Error())
		}
		return id, size, sum, nil
	}
}

// chunkedReader hands its reader's bytes on in large chunks: a multipart part reads a few KiB
// at a time, and writing (and hashing) each piece on its own makes a 1 GB upload hundreds of
// thousands of system calls.
type chunkedReader struct {
	r io.Reader
}

// Read reads directly; io.Copy uses WriteTo instead.
func (c *chunkedReader) Read(p []byte) (int, error) { return c.r.Read(p) }

// WriteTo fills a 1 MiB buffer before each write.
func (c *chunkedReader) WriteTo(w io.Writer) (int64, error) {
	buf := make([]byte, 1<<20)
	var total int64
	for {
		// Not io.ReadFull: it reports a short final chunk as io.ErrUnexpectedEOF, which is also
		// what a multipart part says when the body breaks off before its boundary.
		n := 0
		var err error
		for n < len(buf) && err == nil {
			var k int
			k, err = c.r.Read(buf[n:])
			n += k
		}
		if n > 0 {
			m, werr := w.Write(buf[:n])
			total += int64(m)
			if werr != nil {
				return total, werr
			}
		}
		if errors.Is(err, io.EOF) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

func describeContentType(r *http.Request) string {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		return ct
	}
	return "a body without Content-Type"
}
