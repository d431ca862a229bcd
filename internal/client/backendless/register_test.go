package backendless

import (
	"strings"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/calls/callstest"
)

// TestRegister_EveryExportedMethodIsTagged fails when an exported method is added without its
// vendor calls (or an entry in NoCall), or an entry names a method that is gone.
func TestRegister_EveryExportedMethodIsTagged(t *testing.T) {
	if problems := callstest.Check(Register, ".", RegisterTypes...); len(problems) > 0 {
		t.Fatalf("the register of Backendless calls is out of date:\n  %s", strings.Join(problems, "\n  "))
	}
}
