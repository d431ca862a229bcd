package provider

import (
	"math"
	"runtime/debug"
	"testing"
)

// restoreGC puts the test binary's collector settings back.
func restoreGC(t *testing.T) {
	t.Helper()
	pct := debug.SetGCPercent(100)
	debug.SetGCPercent(pct)
	limit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(limit)
	})
}

func TestTuneGC_SetsBothWhenTheEnvironmentSetsNeither(t *testing.T) {
	restoreGC(t)
	debug.SetGCPercent(100)
	debug.SetMemoryLimit(math.MaxInt64)
	p, l := TuneGC(func(string) string { return "" })
	if !p || !l {
		t.Fatalf("set percent %v, limit %v: want both", p, l)
	}
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("GC percent %d, want %d", got, gcPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != memoryLimit {
		t.Errorf("memory limit %d, want %d", got, memoryLimit)
	}
}

func TestTuneGC_LeavesWhatTheUserSetAlone(t *testing.T) {
	restoreGC(t)
	debug.SetGCPercent(150)
	debug.SetMemoryLimit(1 << 30)
	env := map[string]string{"GOGC": "150", "GOMEMLIMIT": "1GiB"}
	p, l := TuneGC(func(k string) string { return env[k] })
	if p || l {
		t.Fatalf("set percent %v, limit %v: want neither", p, l)
	}
	if got := debug.SetGCPercent(100); got != 150 {
		t.Errorf("GC percent %d, want the user's 150", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("memory limit %d, want the user's 1 GiB", got)
	}

	// Each on its own.
	debug.SetGCPercent(100)
	debug.SetMemoryLimit(math.MaxInt64)
	p, l = TuneGC(func(k string) string { return map[string]string{"GOGC": "off"}[k] })
	if p || !l {
		t.Fatalf("GOGC set: set percent %v, limit %v; want the limit only", p, l)
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent %d changed though GOGC was set", got)
	}
}
