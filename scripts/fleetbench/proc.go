package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat: 100 on every Linux
// the provider supports (sysconf(_SC_CLK_TCK) needs cgo to ask).
const clockTicks = 100

// procCPU is a process's utime+stime so far, from /proc/<pid>/stat; ok is false when the process
// is gone or the system has no /proc.
func procCPU(pid int) (time.Duration, bool) {
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, false
	}
	return parseStatCPU(string(raw))
}

// parseStatCPU reads utime and stime (fields 14 and 15) from a /proc/<pid>/stat line; the
// command name (field 2) may hold spaces and parentheses, so fields count from the last ")".
func parseStatCPU(stat string) (time.Duration, bool) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(stat[i+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(ut+st) * time.Second / clockTicks, true
}

// procHWM is a process's peak resident set (VmHWM) in KiB, 0 when unknown.
func procHWM(pid int) int64 {
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	return parseHWM(string(raw))
}

// parseHWM reads VmHWM from /proc/<pid>/status.
func parseHWM(status string) int64 {
	for _, line := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// procsOf lists the processes whose executable is exe.
func procsOf(exe string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if got, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && got == exe {
			out = append(out, pid)
		}
	}
	return out
}

// sampler watches the processes of one executable while a terraform command runs: the peak of
// their VmHWM and the last CPU time seen of each (a process's CPU time only grows).
type sampler struct {
	exe  string
	stop chan struct{}
	done chan struct{}

	mu   sync.Mutex
	peak int64
	cpu  map[int]time.Duration
}

// sampleEvery is how often the sampler looks, as scripts/bench-lib.sh does.
const sampleEvery = 50 * time.Millisecond

func startSampler(exe string) *sampler {
	s := &sampler{exe: exe, stop: make(chan struct{}), done: make(chan struct{}), cpu: map[int]time.Duration{}}
	go func() {
		defer close(s.done)
		t := time.NewTicker(sampleEvery)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *sampler) sample() {
	for _, pid := range procsOf(s.exe) {
		hwm := procHWM(pid)
		cpu, ok := procCPU(pid)
		s.mu.Lock()
		s.peak = max(s.peak, hwm)
		if ok {
			s.cpu[pid] = max(s.cpu[pid], cpu)
		}
		s.mu.Unlock()
	}
}

// finish stops sampling and returns the peak VmHWM (KiB) and the CPU time of every process
// seen (a lower bound: what a process used after the last sample is missed).
func (s *sampler) finish() (peakKiB int64, cpu time.Duration) {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.cpu {
		cpu += c
	}
	return s.peak, cpu
}

// loadAvg is /proc/loadavg's first three fields ("" without /proc).
func loadAvg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
