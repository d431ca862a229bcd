package main

import (
	"os"
	"testing"
)

// TestTemplates_AreWhatTheRegistersSay fails when a register changed and `go generate ./...`
// was not run: the guide and the provider page must list every call with its tag.
func TestTemplates_AreWhatTheRegistersSay(t *testing.T) {
	t.Chdir("../../..")
	if _, err := os.Stat("templates/index.md.tmpl"); err != nil {
		t.Fatal(err)
	}
	if err := run(true); err != nil {
		t.Fatal(err)
	}
}
