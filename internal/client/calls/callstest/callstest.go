// Package callstest checks a client package against its register of vendor calls; tests only.
package callstest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/calls"
)

// Check reports, for the Go package in dir, every exported method of a type in types that is
// neither in the register's calls nor in NoCall, and every register entry naming a method that
// does not exist, and every call with a tag that is not one of the four.
func Check(r calls.Register, dir string, types ...string) []string {
	methods, err := exportedMethods(dir, types)
	if err != nil {
		return []string{err.Error()}
	}
	known := map[string]bool{}
	var problems []string
	for _, c := range r.Calls {
		known[c.Method] = true
		switch c.Tag {
		case calls.Documented, calls.SDK, calls.Inferred, calls.Modeled:
		default:
			problems = append(problems, fmt.Sprintf("%s (%s): tag %q is not DOCUMENTED, SDK, INFERRED or MODELED", c.Method, c.HTTP, c.Tag))
		}
		if c.HTTP == "" || c.Ref == "" {
			problems = append(problems, fmt.Sprintf("%s: a call needs its HTTP verb and path and the notes' section", c.Method))
		}
		if !methods[c.Method] {
			problems = append(problems, fmt.Sprintf("%s (%s) is registered but no such exported method exists", c.Method, c.HTTP))
		}
	}
	for _, m := range r.NoCall {
		known[m] = true
		if !methods[m] {
			problems = append(problems, fmt.Sprintf("%s is listed as making no call but no such exported method exists", m))
		}
	}
	for m := range methods {
		if !known[m] {
			problems = append(problems, fmt.Sprintf("%s is an exported method that is neither tagged in the register (Calls) nor listed in NoCall: tag every vendor call it makes", m))
		}
	}
	sort.Strings(problems)
	return problems
}

// exportedMethods lists "Type.Method" for the exported methods of the named types in dir's
// non-test Go files.
func exportedMethods(dir string, types []string) (map[string]bool, error) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || len(fn.Recv.List) != 1 || !fn.Name.IsExported() {
				continue
			}
			recv := fn.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			id, ok := recv.(*ast.Ident)
			if !ok || !slices.Contains(types, id.Name) {
				continue
			}
			out[id.Name+"."+fn.Name.Name] = true
		}
	}
	return out, nil
}
