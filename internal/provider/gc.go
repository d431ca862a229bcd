package provider

import (
	"runtime/debug"
)

// The provider's garbage collector settings when the user set none (main applies them, except
// in debug mode).
//
// A refresh or plan is hundreds of short RPCs whose decoding, plan modifiers and state encoding
// (mostly the plugin framework's) allocate a lot and keep little: with Go's default GOGC=100
// the live heap is small, so the collector ran constantly. Profiled on a plan of 200 Backendless
// migrations (800 resources), it was a quarter of the provider's CPU; at 400 the provider's CPU
// for that plan fell from about 4.7 s to 3.2 s. Streaming keeps its fixed buffers, so its peak
// RSS does not move (25 MiB for a 256 MiB archive either way). The memory limit is the
// backstop: whatever GOGC allows, the collector works harder as the heap nears it. The argon2id
// digests of secret constants reuse their memory (internal/argon2pool), so they add nothing.
const (
	gcPercent   = 400
	memoryLimit = 256 << 20
)

// TuneGC sets GOGC and GOMEMLIMIT's equivalents to gcPercent and memoryLimit, each only when the
// environment does not set it, and reports what it set.
func TuneGC(getenv func(string) string) (setPercent, setLimit bool) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
		setPercent = true
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
		setLimit = true
	}
	return setPercent, setLimit
}
