package callstest

import (
	"strings"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/calls"
)

func TestCheck_ReportsUntaggedAndStaleEntries(t *testing.T) {
	reg := calls.Register{
		Vendor: "fake",
		Calls: []calls.Call{
			{Method: "Client.List", HTTP: "GET /things", Tag: calls.Documented, Ref: "§1"},
			{Method: "Client.Gone", HTTP: "DELETE /things/{id}", Tag: calls.SDK, Ref: "§2"},
			{Method: "Client.Name", HTTP: "GET /name", Tag: "GUESSED", Ref: "§3"},
		},
	}
	got := strings.Join(Check(reg, "../testdata/fake", "Client"), "\n")
	for _, want := range []string{
		"Client.Create is an exported method that is neither tagged",
		"Client.Gone (DELETE /things/{id}) is registered but no such exported method exists",
		`tag "GUESSED" is not`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing problem %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "helper") || strings.Contains(got, "Ignored") {
		t.Errorf("unexported methods and other types are not checked:\n%s", got)
	}
}

func TestCheck_CleanRegister(t *testing.T) {
	reg := calls.Register{
		Vendor: "fake",
		Calls: []calls.Call{
			{Method: "Client.List", HTTP: "GET /things", Tag: calls.Documented, Ref: "§1"},
			{Method: "Client.Create", HTTP: "POST /things", Tag: calls.Modeled, Ref: "§2"},
		},
		NoCall: []string{"Client.Name"},
	}
	if got := Check(reg, "../testdata/fake", "Client"); len(got) != 0 {
		t.Fatalf("a complete register has no problems, got %q", got)
	}
}
