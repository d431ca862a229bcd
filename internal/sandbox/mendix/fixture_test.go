package mendix

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// mxFixtureWith returns the default fixture with its "mendix" section edited by edit.
func mxFixtureWith(t *testing.T, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(DefaultFixture(), &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	raw, err := json.Marshal(map[string]any{"mendix": m})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// at walks a decoded JSON document (keys for objects, ints for lists) to an object; it
// panics on a path the default fixture does not have, which is a bug in the test.
func at(v any, path ...any) map[string]any {
	for _, p := range path {
		var ok bool
		switch k := p.(type) {
		case string:
			var obj map[string]any
			if obj, ok = v.(map[string]any); ok {
				v = obj[k]
			}
		case int:
			var list []any
			if list, ok = v.([]any); ok && k < len(list) {
				v = list[k]
			} else {
				ok = false
			}
		}
		if !ok {
			panic(fmt.Sprintf("fixture path %v", path))
		}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		panic(fmt.Sprintf("fixture path %v is not an object", path))
	}
	return obj
}

func TestMendixFixture_RejectsMistakesAndNamesWhere(t *testing.T) {
	for name, c := range map[string]struct {
		edit func(m map[string]any)
		want string
	}{
		"unknown nested key": {func(m map[string]any) { at(m, "nodes", 0, "environments", 0)["modee"] = "x" },
			`mendix.nodes[0].environments[0]: unknown key "modee"`},
		"unknown top key": {func(m map[string]any) { m["nodez"] = []any{} }, `mendix: unknown key "nodez"`},
		"wrong type": {func(m map[string]any) { at(m, "nodes", 0, "environments", 0, "package")["size_bytes"] = "big" },
			`mendix.nodes[0].environments[0].package.size_bytes: want a whole number`},
		"bad time": {func(m map[string]any) { at(m, "apps", 1)["created"] = "yesterday" }, `mendix.apps[1].created`},
		"unknown linked app": {func(m map[string]any) {
			at(m, "nodes", 1)["linked_project_id"] = "00000000-0000-4000-8000-000000000000"
		},
			`mendix.nodes[1].linked_project_id`},
		"bad cloud": {func(m map[string]any) { at(m, "nodes", 1)["cloud"] = "v5" }, `mendix.nodes[1].cloud`},
		"constant not in package": {func(m map[string]any) {
			env := at(m, "nodes", 0, "environments", 0)
			list, _ := env["constants"].([]any)
			env["constants"] = append(list, map[string]any{"name": "Nope.X", "value": "1"})
		}, `mendix.nodes[0].environments[0].constants[3]: "Nope.X" is not a constant`},
		"bad event value": {func(m map[string]any) {
			at(m, "nodes", 0, "environments", 0, "scheduled_events", 0)["value"] = "On"
		}, `mendix.nodes[0].environments[0].scheduled_events[0].value`},
		"running without package": {func(m map[string]any) { at(m, "nodes", 1, "environments", 0)["status"] = "Running" },
			`mendix.nodes[1].environments[0].status`},
		"duplicate environment id": {func(m map[string]any) {
			at(m, "nodes", 1, "environments", 1)["environment_id"] = at(m, "nodes", 1, "environments", 0)["environment_id"]
		}, `mendix.nodes[1].environments[1].environment_id`},
		"missing pat": {func(m map[string]any) { delete(at(m, "users", 0), "pat") }, `mendix.users[0]: username, api_key and pat are required`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := newSandbox(Options{DataDir: t.TempDir(), Fixture: mxFixtureWith(t, c.edit)})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v\nwant mention of %s", err, c.want)
			}
		})
	}
}

func TestMendixFixture_DefaultHasTheRunbooksShape(t *testing.T) {
	m := newMx(t, 0)
	nodes := m.s.MendixNodes()
	if len(nodes) != 2 || nodes[0].Cloud != "v3" || nodes[0].Subdomain != "calc" || nodes[0].LinkedProjectID != mxCalcProject ||
		nodes[1].Cloud != "v4" || nodes[1].Subdomain != "calc-v4" || nodes[1].LinkedProjectID != "" || len(nodes[1].Environments) != 2 {
		t.Fatalf("nodes %+v", nodes)
	}
	apps := m.s.MendixApps()
	if len(apps) != 2 || apps[0].Name != "Calc" || apps[0].LicenseType != "licensed" || apps[1].LicenseType != "free" {
		t.Fatalf("apps %+v", apps)
	}
	if u := m.s.MendixUsers(); len(u) != 1 || u[0] != (MendixUser{Username: mxTestUser, Name: "Sandbox Developer", APIKey: mxAPIKey, PAT: mxPAT}) {
		t.Fatalf("users %+v", u)
	}
	env, err := m.s.MendixEnvironment("calc", "Production")
	if err != nil || env.Status != "Running" || env.PackageName != "Main line-2.5.4.63.mda" || env.ModelVersion != "2.5.4.63" || env.MendixVersion != "9.24.0" ||
		len(env.Constants) != 3 || len(env.ScheduledEvents) != 2 || len(env.CustomSettings) != 1 {
		t.Fatalf("calc Production %+v %v", env, err)
	}
	for _, mode := range []string{"Production", "Acceptance"} {
		if e, err := m.s.MendixEnvironment("calc-v4", mode); err != nil || e.Status != "Empty" || e.PackageID != "" {
			t.Errorf("calc-v4 %s %+v %v", mode, e, err)
		}
	}
}

func TestMendixFixture_GeneratedContentIsDeterministic(t *testing.T) {
	a, b := newMx(t, 0), newMx(t, 0)
	pa, err := a.s.MendixPackages("calc")
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := b.s.MendixPackages("calc")
	if len(pa) != 1 || pa[0].SHA256 != pb[0].SHA256 || pa[0].Size < 2<<20-64<<10 || pa[0].Size > 2<<20+64<<10 {
		t.Fatalf("packages %+v / %+v", pa, pb)
	}
	for _, id := range []string{mxOldSnapshot, mxNewSnapshot} {
		da, err := a.s.MendixSnapshotDigest("calc", "Production", id)
		if err != nil {
			t.Fatal(err)
		}
		db, _ := b.s.MendixSnapshotDigest("calc", "Production", id)
		if da.SHA256 != db.SHA256 || da.Bytes < 1<<20 || da.Bytes > 8<<20 {
			t.Errorf("snapshot %s: %+v / %+v", id, da, db)
		}
	}
	old, _ := a.s.MendixSnapshotDigest("calc", "Production", mxOldSnapshot)
	latest, _ := a.s.MendixSnapshotDigest("calc", "Production", "")
	if old.SHA256 == latest.SHA256 || latest.SnapshotID != mxNewSnapshot {
		t.Errorf("the two snapshots are not distinct or the newest is not last: %+v %+v", old, latest)
	}
}

func TestMendixFixture_AnEmptySectionMeansNoMendixData(t *testing.T) {
	for _, fx := range []string{
		`{"mendix":{}}`,
		`{"mendix":{"apps":[]}}`,
		`{"mendix":null}`,
		`{}`,
	} {
		m := &mxSandbox{t: t, dir: t.TempDir()}
		s, err := newSandbox(Options{DataDir: m.dir, Fixture: []byte(fx)})
		if err != nil {
			t.Fatalf("%s: %v", fx, err)
		}
		if len(s.MendixApps()) != 0 || len(s.MendixNodes()) != 0 {
			t.Errorf("%s: apps %v nodes %v", fx, s.MendixApps(), s.MendixNodes())
		}
		_ = s.Close()
	}
}
