package provider

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/calls"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

// callShape reduces "METHOD /path?query" to a comparable form: every {placeholder} (and a
// trailing {path...}) is "*", and only the query parameter that makes a call differ from the
// plain one on the same path (action=…) is kept.
func callShape(method, p, query string) string {
	var segs []string
	for _, s := range strings.Split(p, "/") {
		switch {
		case s == "":
		case strings.HasPrefix(s, "{"):
			segs = append(segs, "*")
		default:
			segs = append(segs, s)
		}
	}
	out := method + " /" + strings.Join(segs, "/")
	for _, kv := range strings.Split(query, "&") {
		if strings.HasPrefix(kv, "action=") {
			out += "?" + kv
		}
	}
	return out
}

func registerShape(c calls.Call) string {
	method, rest, _ := strings.Cut(c.HTTP, " ")
	p, q, _ := strings.Cut(rest, "?")
	return callShape(method, p, q)
}

// TestBackendlessRegister_MatchesTheSandboxRouteTags: every call in the client's register is a
// route the sandbox serves, with the same tag, so documented-only mode refuses exactly the calls
// the register says are not documented.
func TestBackendlessRegister_MatchesTheSandboxRouteTags(t *testing.T) {
	sb := startSandbox(t)
	routes := map[string][]sandbox.Route{}
	for _, rt := range sb.Routes() {
		if rt.Vendor != "backendless" {
			continue
		}
		p := strings.TrimPrefix(rt.Host+rt.Pattern, rt.Host)
		routes[callShape(rt.Method, p, rt.Query)] = append(routes[callShape(rt.Method, p, rt.Query)], rt)
	}
	for _, c := range backendless.Register.Calls {
		shape := registerShape(c)
		served := routes[shape]
		if len(served) == 0 {
			t.Errorf("%s (%s): no sandbox route serves %s", c.Method, c.HTTP, shape)
			continue
		}
		for _, rt := range served {
			if string(rt.Tag) != string(c.Tag) {
				t.Errorf("%s: register tags %s as %s, the sandbox route %s as %s", c.Method, c.HTTP, c.Tag, rt.Call(), rt.Tag)
			}
		}
	}
}

// vendorCallRow is one row of a template's "Vendor calls" table: the call (the first code span
// of the row that starts with a verb) and the tag (the last column).
var vendorCallRow = regexp.MustCompile("`((?:GET|POST|PUT|DELETE|HEAD) /[^`]*)`")

// TestBackendlessTemplates_VendorCallsMatchTheRegister: each Backendless resource and data-source
// page lists its calls with exactly the register's tag, and names no call the register lacks.
func TestBackendlessTemplates_VendorCallsMatchTheRegister(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "templates", "*", "backendless_*.md.tmpl"))
	if len(files) < 7 {
		t.Fatalf("found %d Backendless templates", len(files))
	}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		in, rows := false, 0
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "## ") {
				in = line == "## Vendor calls"
				continue
			}
			if !in || !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") {
				continue
			}
			cols := strings.Split(strings.Trim(line, "| "), " | ")
			tag := calls.Tag(strings.TrimSpace(cols[len(cols)-1]))
			ms := vendorCallRow.FindAllStringSubmatch(line, -1)
			if ms == nil {
				continue // the header
			}
			rows++
			for _, m := range ms {
				method, rest, _ := strings.Cut(m[1], " ")
				p, q, _ := strings.Cut(rest, "?")
				shape := callShape(method, strings.Fields(p)[0], q)
				found := map[calls.Tag]bool{}
				for _, c := range backendless.Register.Calls {
					if shapeMatches(shape, registerShape(c)) {
						found[c.Tag] = true
					}
				}
				switch {
				case len(found) == 0:
					t.Errorf("%s: `%s` is not in the register", filepath.Base(f), m[1])
				case !found[tag] || len(found) != 1:
					t.Errorf("%s: `%s` is tagged %q; the register says %v", filepath.Base(f), m[1], tag, found)
				}
			}
		}
		_ = fh.Close()
		if rows == 0 {
			t.Errorf("%s: no Vendor calls table", filepath.Base(f))
		}
	}
}

// shapeMatches reports whether a documented call (which may name a concrete directory, such as
// /migration-to-4 or <log>) is an instance of a register call: same verb and query, and each
// segment equal or a register "*"; a register's last "*" (a path) stands for one or more
// segments, or none for a directory's root.
func shapeMatches(doc, reg string) bool {
	dm, dp, _ := strings.Cut(doc, " ")
	rm, rp, _ := strings.Cut(reg, " ")
	dp, dq, _ := strings.Cut(dp, "?")
	rp, rq, _ := strings.Cut(rp, "?")
	if dm != rm || dq != rq {
		return false
	}
	ds, rs := strings.Split(strings.Trim(dp, "/"), "/"), strings.Split(strings.Trim(rp, "/"), "/")
	for i, r := range rs {
		last := i == len(rs)-1
		if i >= len(ds) {
			return last && r == "*" && i == len(ds)
		}
		if last && r == "*" {
			return ds[i] != "console"
		}
		if (r != "*" && r != ds[i]) || (r == "*" && ds[i] == "console") { // a console route is not a REST one
			return false
		}
	}
	return len(ds) == len(rs)
}
