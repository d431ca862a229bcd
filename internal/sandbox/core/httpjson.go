package core

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// MaxJSONBody bounds JSON request bodies: console calls carry a few fields, and a sandbox that
// reads an unbounded body into memory would be easy to knock over by mistake.
const MaxJSONBody = 1 << 20

// WriteJSON answers status with v encoded as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"sandbox: cannot encode response"}`)
	}
	WriteBody(w, status, "application/json", body)
}

// WriteBody answers status with a body of the given type; an empty body gets no Content-Type,
// so clients that special-case "404 with nothing" (backendless-console-api.md §6) see exactly that.
func WriteBody(w http.ResponseWriter, status int, contentType string, body []byte) {
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

// WriteEmpty answers status with no body at all.
func WriteEmpty(w http.ResponseWriter, status int) { WriteBody(w, status, "", nil) }

// ErrEmptyBody tells a handler the client sent no JSON at all.
var ErrEmptyBody = errors.New("request body is empty")

// DecodeJSON reads one JSON value from the request body into v. Unknown fields are allowed:
// vendor SDKs of different years send different extra keys (backendless-console-api.md §Step 3).
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxJSONBody))
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return ErrEmptyBody
		}
		return fmt.Errorf("malformed JSON: %v", err)
	}
	return nil
}

// controlError is the error body of the /_sandbox/ control surface (ours, not a vendor's).
type controlError struct {
	Error string `json:"error"`
}

// WriteControlError answers a /_sandbox/ call with status and a plain message.
func WriteControlError(w http.ResponseWriter, status int, msg string) {
	WriteJSON(w, status, controlError{Error: msg})
}
