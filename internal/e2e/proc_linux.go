//go:build linux

package e2e

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// setProcessGroup starts cmd in a process group of its own, so Interrupt can signal terraform
// and its providers together, as a terminal's Ctrl-C does.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// interruptGroup sends SIGINT to the process group led by pid.
func interruptGroup(pid int) error { return syscall.Kill(-pid, syscall.SIGINT) }

// killAll SIGKILLs every pid; processes already gone are not an error.
func killAll(pids []int) error {
	var errs []error
	for _, pid := range pids {
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// descendantsRunning lists the processes below root (children, grandchildren…) whose
// executable is binary, by reading /proc.
func descendantsRunning(root int, binary string) ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	parent := map[int]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, ok := parentOf(pid); ok {
			parent[pid] = ppid
		}
	}
	var out []int
	for pid := range parent {
		if !below(pid, root, parent) {
			continue
		}
		exe, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "exe"))
		if err != nil {
			continue // gone meanwhile, or not ours to read
		}
		if strings.TrimSuffix(exe, " (deleted)") == binary {
			out = append(out, pid)
		}
	}
	return out, nil
}

// parentOf reads the parent pid from /proc/<pid>/stat. The command name (field 2) may hold
// spaces and parentheses, so fields are counted after its closing parenthesis.
func parentOf(pid int) (int, bool) {
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, false
	}
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	fields := strings.Fields(s[i+1:]) // state, ppid, ...
	if len(fields) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(fields[1])
	return ppid, err == nil
}

// below reports whether pid descends from root.
func below(pid, root int, parent map[int]int) bool {
	for seen := 0; seen < len(parent); seen++ {
		p, ok := parent[pid]
		if !ok || p == 0 {
			return false
		}
		if p == root {
			return true
		}
		pid = p
	}
	return false
}
