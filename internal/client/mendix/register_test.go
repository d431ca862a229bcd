package mendix

import (
	"strings"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/calls"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/calls/callstest"
)

func TestRegister_TagsEveryExportedMethod(t *testing.T) {
	for _, p := range callstest.Check(Register, ".", "Client", "Download") {
		t.Error(p)
	}
}

func TestRegister_ModeledCallsAreThePortalOnlySteps(t *testing.T) {
	var modeled []string
	for _, c := range Register.Calls {
		if c.Tag == calls.Modeled || c.Tag == calls.Inferred {
			modeled = append(modeled, c.Method)
		}
	}
	want := "Client.StartRestore Client.RestoresOf Client.UploadSnapshot Client.LinkNode"
	if got := strings.Join(modeled, " "); got != want {
		t.Fatalf("calls off the documented APIs: %s, want only %s (documented-only mode depends on it)", got, want)
	}
}
