//go:build !unix

package main

import (
	"os"
	"os/exec"
	"time"
)

// childCPU is not measured where wait4 reports no rusage.
func childCPU(*os.ProcessState) time.Duration { return 0 }

func ownProcessGroup(*exec.Cmd) {}

func killProcessGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}
