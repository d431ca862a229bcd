package e2e_test

import (
	"errors"
	"strconv"
	"testing"
	"time"
)

// e2eWait bounds how long a test waits for terraform to exit.
const e2eWait = 2 * time.Minute

func itoa(n int) string { return strconv.Itoa(n) }

// fatalRecorder is a testing.TB whose Fatal and Fatalf record the failure and stop the calling
// function with a panic, which the test recovers, instead of failing the test.
type fatalRecorder struct {
	testing.TB
	failed bool
}

// errFatal is what fatalRecorder panics with.
var errFatal = errors.New("fatal")

// Fatal records the failure and stops the caller.
func (f *fatalRecorder) Fatal(args ...any) { f.failed = true; panic(errFatal) }

// Fatalf records the failure and stops the caller.
func (f *fatalRecorder) Fatalf(format string, args ...any) { f.failed = true; panic(errFatal) }
