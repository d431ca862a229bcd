package provider

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The registry pages of importable resources show both ways to import: the CLI
// (examples/resources/<type>/import.sh) and an import block (import-by-string-id.tf), each
// included by the resource's template. These tests hold every resource to that, so a new
// importable resource cannot ship without its import examples, and an example cannot drift from
// the id format its ImportState parses.

// repoRoot is the repository root, seen from this package's directory.
const repoRoot = "../.."

// docResource is one resource type with what the docs tests need of it.
type docResource struct {
	typeName   string
	res        resource.Resource
	importable bool
}

func docResources(t *testing.T) []docResource {
	t.Helper()
	ctx := context.Background()
	p, ok := New("test")().(*AppMigrateProvider)
	if !ok {
		t.Fatal("New does not return *AppMigrateProvider")
	}
	var out []docResource
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "appmigrate"}, &meta)
		_, importable := r.(resource.ResourceWithImportState)
		out = append(out, docResource{typeName: meta.TypeName, res: r, importable: importable})
	}
	if len(out) == 0 {
		t.Fatal("the provider lists no resources")
	}
	return out
}

func readRepoFile(t *testing.T, rel string) (string, bool) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(rel)))
	if os.IsNotExist(err) {
		return "", false
	}
	if err != nil {
		t.Fatalf("reading %s: %v", rel, err)
	}
	return string(b), true
}

// templateOf is the path of a resource's registry page template: templates/resources/<type
// without the provider prefix>.md.tmpl.
func templateOf(typeName string) string {
	return "templates/resources/" + strings.TrimPrefix(typeName, "appmigrate_") + ".md.tmpl"
}

// importSection is the template's "## Import" section, up to the next heading of that level.
func importSection(tmpl string) (string, bool) {
	_, after, ok := strings.Cut(tmpl, "\n## Import\n")
	if !ok {
		return "", false
	}
	if i := strings.Index(after, "\n## "); i >= 0 {
		after = after[:i]
	}
	return after, true
}

var (
	importBlockTo = regexp.MustCompile(`(?m)^\s*to\s*=\s*([A-Za-z0-9_]+)\.[A-Za-z0-9_]+\s*$`)
	importBlockID = regexp.MustCompile(`(?m)^\s*id\s*=\s*"([^"]*)"\s*$`)
	importCLI     = regexp.MustCompile(`(?m)^terraform import ([A-Za-z0-9_]+)\.[A-Za-z0-9_]+ (\S+)\s*$`)
)

func TestDocsExamples_ImportableResourcesHaveBothImportExamplesInTheirTemplate(t *testing.T) {
	for _, r := range docResources(t) {
		if !r.importable {
			continue
		}
		t.Run(r.typeName, func(t *testing.T) {
			dir := "examples/resources/" + r.typeName + "/"
			block, ok := readRepoFile(t, dir+"import-by-string-id.tf")
			if !ok {
				t.Errorf("%s implements ImportState but has no %simport-by-string-id.tf (an import { to = …, id = … } block)", r.typeName, dir)
			} else if m := importBlockTo.FindStringSubmatch(block); m == nil || m[1] != r.typeName {
				t.Errorf("%simport-by-string-id.tf must import into a %s address (to = %s.<name>)", dir, r.typeName, r.typeName)
			}
			cli, ok := readRepoFile(t, dir+"import.sh")
			if !ok {
				t.Errorf("%s implements ImportState but has no %simport.sh (the terraform import command)", r.typeName, dir)
			} else if m := importCLI.FindStringSubmatch(cli); m == nil || m[1] != r.typeName {
				t.Errorf("%simport.sh must hold a line `terraform import %s.<name> <id>`", dir, r.typeName)
			}

			tmplPath := templateOf(r.typeName)
			tmpl, ok := readRepoFile(t, tmplPath)
			if !ok {
				t.Fatalf("%s has no template %s", r.typeName, tmplPath)
			}
			section, ok := importSection(tmpl)
			if !ok {
				t.Fatalf("%s has no \"## Import\" section", tmplPath)
			}
			for _, include := range []string{
				`{{ codefile "shell" "` + dir + `import.sh" }}`,
				`{{ tffile "` + dir + `import-by-string-id.tf" }}`,
			} {
				if !strings.Contains(section, include) {
					t.Errorf("the Import section of %s lacks %s", tmplPath, include)
				}
			}
			if !strings.Contains(section, "-generate-config-out") {
				t.Errorf("the Import section of %s does not mention terraform plan -generate-config-out", tmplPath)
			}
		})
	}
}

func TestDocsExamples_NonImportableResourcesSayWhyInTheirImportSection(t *testing.T) {
	for _, r := range docResources(t) {
		if r.importable {
			continue
		}
		t.Run(r.typeName, func(t *testing.T) {
			tmplPath := templateOf(r.typeName)
			tmpl, ok := readRepoFile(t, tmplPath)
			if !ok {
				t.Fatalf("%s has no template %s", r.typeName, tmplPath)
			}
			section, ok := importSection(tmpl)
			if !ok {
				t.Fatalf("%s cannot be imported, but %s has no \"## Import\" section saying why", r.typeName, tmplPath)
			}
			if !strings.Contains(section, "Not importable") {
				t.Errorf("the Import section of %s should say \"Not importable\" and why, got:\n%s", tmplPath, section)
			}
			for _, f := range []string{"import.sh", "import-by-string-id.tf"} {
				if _, ok := readRepoFile(t, "examples/resources/"+r.typeName+"/"+f); ok {
					t.Errorf("examples/resources/%s/%s shows an import of a resource without ImportState", r.typeName, f)
				}
			}
		})
	}
}

// The ids in the examples are the ones ImportState accepts: each is passed to the resource's
// ImportState, as `terraform import` does, and must leave no error and an id in state.
func TestDocsExamples_ImportExampleIDsAreAcceptedByImportState(t *testing.T) {
	ctx := context.Background()
	for _, r := range docResources(t) {
		if !r.importable {
			continue
		}
		t.Run(r.typeName, func(t *testing.T) {
			dir := "examples/resources/" + r.typeName + "/"
			var ids []string
			if block, ok := readRepoFile(t, dir+"import-by-string-id.tf"); ok {
				if m := importBlockID.FindStringSubmatch(block); m != nil {
					ids = append(ids, m[1])
				} else {
					t.Errorf("%simport-by-string-id.tf has no id = \"…\" line", dir)
				}
			}
			if cli, ok := readRepoFile(t, dir+"import.sh"); ok {
				if m := importCLI.FindStringSubmatch(cli); m != nil {
					ids = append(ids, m[2])
				}
			}
			if len(ids) == 0 {
				t.Skip("no example to check (the test above reports the missing files)")
			}
			var sch resource.SchemaResponse
			r.res.Schema(ctx, resource.SchemaRequest{}, &sch)
			if sch.Diagnostics.HasError() {
				t.Fatalf("schema: %v", sch.Diagnostics)
			}
			importer, ok := r.res.(resource.ResourceWithImportState)
			if !ok {
				t.Fatal("not importable")
			}
			for _, id := range ids {
				resp := resource.ImportStateResponse{State: tfsdk.State{
					Schema: sch.Schema,
					Raw:    tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil),
				}}
				importer.ImportState(ctx, resource.ImportStateRequest{ID: id}, &resp)
				if resp.Diagnostics.HasError() {
					t.Errorf("ImportState refuses the example id %q: %v", id, resp.Diagnostics)
					continue
				}
				var got string
				resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("id"), &got)...)
				if resp.Diagnostics.HasError() || got == "" {
					t.Errorf("ImportState of the example id %q left no id in state (%v)", id, resp.Diagnostics)
				}
			}
		})
	}
}
