//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup starts terraform in a process group of its own, with the providers it
// starts, so a timed-out run can be killed whole.
func ownProcessGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

// killProcessGroup SIGKILLs what is left of terraform's group (providers it left behind).
func killProcessGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
