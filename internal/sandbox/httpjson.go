package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// maxJSONBody bounds JSON request bodies: console calls carry a few fields, and a sandbox that
// reads an unbounded body into memory would be easy to knock over by mistake.
const maxJSONBody = 1 << 20

// writeJSON answers status with v encoded as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"sandbox: cannot encode response"}`)
	}
	writeBody(w, status, "application/json", body)
}

// writeBody answers status with a body of the given type; an empty body gets no Content-Type,
// so clients that special-case "404 with nothing" (backendless-console-api.md §6) see exactly that.
func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	h := w.Header()
	if len(body) > 0 && contentType != "" {
		h.Set("Content-Type", contentType)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if len(body) > 0 {
		_, _ = w.Write(body)
	}
}

// writeEmpty answers status with no body at all.
func writeEmpty(w http.ResponseWriter, status int) { writeBody(w, status, "", nil) }

// errEmptyBody tells a handler the client sent no JSON at all.
var errEmptyBody = errors.New("request body is empty")

// decodeJSON reads one JSON value from the request body into v. Unknown fields are allowed:
// vendor SDKs of different years send different extra keys (backendless-console-api.md §Step 3).
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errEmptyBody
		}
		return fmt.Errorf("malformed JSON: %v", err)
	}
	return nil
}

// controlError is the error body of the /_sandbox/ control surface (ours, not a vendor's).
type controlError struct {
	Error string `json:"error"`
}

// writeControlError answers a /_sandbox/ call with status and a plain message.
func writeControlError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, controlError{Error: msg})
}
