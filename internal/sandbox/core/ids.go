package core

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
)

// RandomHex returns n random bytes as lower-case hex; crypto/rand because the values are
// session tokens and API keys that a test must not be able to guess.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails since Go 1.24
	return hex.EncodeToString(b)
}

// NewUUID returns a random upper-case UUID (version 4), the shape of Backendless app ids and
// API keys as the console shows them.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}
