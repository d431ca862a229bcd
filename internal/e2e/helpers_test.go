package e2e_test

import (
	"strconv"
	"time"
)

// e2eWait bounds how long a test waits for terraform to exit.
const e2eWait = 2 * time.Minute

func itoa(n int) string { return strconv.Itoa(n) }
