//go:build unix

package main

import (
	"os"
	"os/exec"
	"syscall"
	"time"
)

// childCPU is the user+system CPU time wait4 reported for a finished command: the process and
// every descendant it waited for (terraform waits for the providers it starts).
func childCPU(ps *os.ProcessState) time.Duration {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ownProcessGroup starts terraform in a process group of its own, with the providers it
// starts, so a timed-out run can be ended whole.
func ownProcessGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

// killProcessGroup SIGKILLs what is left of terraform's group.
func killProcessGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
