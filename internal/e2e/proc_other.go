//go:build !linux

package e2e

import (
	"errors"
	"os/exec"
)

// errNoProc is what the process helpers answer where there is no /proc; PreCheck skips first.
var errNoProc = errors.New("e2e: the crash-test harness needs Linux (/proc)")

func setProcessGroup(*exec.Cmd) {}

func interruptGroup(int) error { return errNoProc }

func killAll(pids []int) error {
	if len(pids) == 0 {
		return nil
	}
	return errNoProc
}

func descendantsRunning(int, string) ([]int, error) { return nil, errNoProc }
