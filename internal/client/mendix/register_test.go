package mendix

import (
	"regexp"
	"strings"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/calls"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/calls/callstest"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

func TestRegister_TagsEveryExportedMethod(t *testing.T) {
	for _, p := range callstest.Check(Register, ".", "Client", "Download") {
		t.Error(p)
	}
}

// routeKey normalises "METHOD /a/{X}/b" so that the register's and the sandbox's parameter names
// need not agree.
var param = regexp.MustCompile(`\{[^}]*\}`)

func routeKey(method, path string) string {
	return method + " " + param.ReplaceAllString(path, "{}")
}

func TestRegister_TagsMatchTheSandboxRoutes(t *testing.T) {
	sb, err := sandbox.New(sandbox.Options{DataDir: t.TempDir(), JobDuration: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	served := map[string]string{}
	for _, rt := range sb.Routes() {
		if rt.Vendor != "Mendix" && !strings.HasPrefix(rt.Host, "/mendix/") {
			continue
		}
		served[routeKey(rt.Method, rt.Pattern)] = string(rt.Tag)
	}
	for _, c := range Register.Calls {
		method, path, _ := strings.Cut(c.HTTP, " ")
		if !strings.HasPrefix(path, "/") {
			continue // a pre-signed link: the sandbox's storage route, any path
		}
		tag, ok := served[routeKey(method, path)]
		if !ok {
			t.Errorf("%s (%s) is not served by the sandbox", c.Method, c.HTTP)
			continue
		}
		if tag != string(c.Tag) {
			t.Errorf("%s (%s): the register says %s, the sandbox's route says %s", c.Method, c.HTTP, c.Tag, tag)
		}
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
