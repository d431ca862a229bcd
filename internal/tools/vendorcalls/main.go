// Command vendorcalls writes the "Vendor calls" guide template and the provider page's table of
// INFERRED and MODELED calls from the clients' registers, so the docs cannot fall behind the code.
// `go generate` runs it before tfplugindocs; `-check` fails when the committed files differ.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/calls"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
)

const (
	guidePath = "templates/guides/vendor-calls.md.tmpl"
	indexPath = "templates/index.md.tmpl"
	begin     = "<!-- vendorcalls:nonpublic:begin -->"
	end       = "<!-- vendorcalls:nonpublic:end -->"
)

func main() {
	check := flag.Bool("check", false, "fail when the files differ from what would be written")
	flag.Parse()
	if err := run(*check); err != nil {
		fmt.Fprintln(os.Stderr, "vendorcalls:", err)
		os.Exit(1)
	}
}

func run(check bool) error {
	regs := []calls.Register{backendless.Register, mendix.Register}
	index, err := os.ReadFile(indexPath)
	if err != nil {
		return err
	}
	newIndex, err := calls.ReplaceBetween(string(index), begin, end, calls.NonPublic(regs...))
	if err != nil {
		return fmt.Errorf("%s: %w", indexPath, err)
	}
	for path, body := range map[string]string{guidePath: calls.Guide(regs...), indexPath: newIndex} {
		old, _ := os.ReadFile(path)
		if bytes.Equal(old, []byte(body)) {
			continue
		}
		if check {
			return fmt.Errorf("%s is stale: run `go generate ./...`", path)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}
