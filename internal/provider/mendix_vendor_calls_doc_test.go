package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/calls"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

// vendorCallRows returns the rows of a template's "Vendor calls" table.
func vendorCallRows(t *testing.T, file string) []string {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(raw), "## Vendor calls")
	if !ok {
		return nil
	}
	var rows []string
	for _, line := range strings.Split(rest, "\n") {
		if strings.HasPrefix(line, "## ") {
			break
		}
		if strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| when ") {
			rows = append(rows, line)
		}
	}
	return rows
}

// modeledMarks are how the templates write the calls the register tags MODELED: the part of the
// path (and verb) no documented call shares.
var modeledMarks = map[string]string{
	"POST /api/v4/apps/{appId}/node":                                              "/apps/{appId}/node",
	"POST /api/v2/apps/{ProjectId}/environments/{EnvironmentId}/snapshots/upload": "/snapshots/upload",
	"GET /api/v2/apps/{ProjectId}/environments/{EnvironmentId}/restores":          "GET .../restores?",
}

func TestMendixVendorCallsTables_TagAsTheRegisterDoes(t *testing.T) {
	// Every MODELED call of the register has its mark; no other call is MODELED or INFERRED.
	for _, c := range mendix.Register.Calls {
		_, marked := modeledMarks[c.HTTP]
		if (c.Tag == calls.Modeled) != marked {
			t.Errorf("%s (%s) is %s in the register; modeledMarks disagrees", c.Method, c.HTTP, c.Tag)
		}
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "templates", "*", "mendix_*.md.tmpl"))
	if len(files) < 10 {
		t.Fatalf("found %d Mendix templates", len(files))
	}
	for _, f := range files {
		for _, row := range vendorCallRows(t, f) {
			cells := strings.Split(row, " | ")
			status := cells[len(cells)-1]
			mentions := false
			for _, mark := range modeledMarks {
				if strings.Contains(row, mark) {
					mentions = true
				}
			}
			switch {
			case mentions && !strings.Contains(status, "MODELED"):
				t.Errorf("%s: a call the register tags MODELED is tagged otherwise: %s", filepath.Base(f), row)
			case !mentions && strings.Contains(status, "MODELED"):
				t.Errorf("%s: tagged MODELED but no modeled call of the register is named: %s", filepath.Base(f), row)
			}
		}
	}
}

// routeKey normalises "METHOD /a/{X}/b" so that the register's and the sandbox's parameter names
// need not agree.
var routeParam = regexp.MustCompile(`\{[^}]*\}`)

func routeKey(method, path string) string {
	return method + " " + routeParam.ReplaceAllString(path, "{}")
}

func TestMendixRegister_TagsMatchTheSandboxRoutes(t *testing.T) {
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
	for _, c := range mendix.Register.Calls {
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
