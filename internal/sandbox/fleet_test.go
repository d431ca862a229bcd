package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestFleetFixture_200AppsSeedAndTheInventoryCountsEveryOne(t *testing.T) {
	start := time.Now()
	s, _ := newTestSandbox(t, Options{Fixture: fleetFixture(200)})
	t.Logf("a 200-app fleet (200 Backendless 3.x apps, 200 Mendix apps on 400 nodes) seeded in %v", time.Since(start).Round(time.Millisecond))

	inv := s.Inventory()
	if inv.Backendless.LegacyApps != 200 || len(inv.Backendless.Apps) != 0 {
		t.Fatalf("Backendless: %d 3.x apps, %d 5.0 apps", inv.Backendless.LegacyApps, len(inv.Backendless.Apps))
	}
	if len(inv.Mendix.ProjectsByName) != 200 || len(inv.Mendix.Nodes) != 400 {
		t.Fatalf("Mendix: %d projects, %d nodes", len(inv.Mendix.ProjectsByName), len(inv.Mendix.Nodes))
	}
	for n := 1; n <= 200; n++ {
		name, sub := fmt.Sprintf("Calc %03d", n), fmt.Sprintf("calc-%03d", n)
		v3, v4 := inv.Mendix.Nodes[sub], inv.Mendix.Nodes[sub+"-v4"]
		if inv.Mendix.ProjectsByName[name] != 1 || v3.Cloud != "v3" || v3.LinkedProjectID == "" || v3.Packages != 1 ||
			v3.Environments["Production"].Status != "Running" || v3.Environments["Production"].Snapshots != 1 ||
			v4.Cloud != "v4" || v4.LinkedProjectID != "" || len(v4.Environments) != 2 {
			t.Fatalf("member %d: project %d, v3 %+v, v4 %+v", n, inv.Mendix.ProjectsByName[name], v3, v4)
		}
	}
	legacy := s.LegacyApps()
	if len(legacy) != 200 || legacy[0].Name != "crm-001" || legacy[199].Name != "crm-200" {
		t.Fatalf("3.x apps: %d, first %+v", len(legacy), legacy[0])
	}
	if counts := s.LegacyTableCounts(legacy[41].ID, "v1"); counts["Person"] != 20 {
		t.Fatalf("crm-042 tables %v", counts)
	}
}

func TestFleetFixture_SeedsExactlyLikeItsMembersWrittenOut(t *testing.T) {
	compact, _ := newTestSandbox(t, Options{Fixture: fleetFixture(3)})
	expanded, _ := newTestSandbox(t, Options{Fixture: expandedFleetFixture(3)})
	same := func(what string, a, b any) {
		t.Helper()
		ra, _ := json.Marshal(a)
		rb, _ := json.Marshal(b)
		if string(ra) != string(rb) {
			t.Errorf("%s differ:\nfleet    %s\nexpanded %s", what, ra, rb)
		}
	}
	same("3.x apps", compact.LegacyApps(), expanded.LegacyApps())
	same("Mendix apps", compact.MendixApps(), expanded.MendixApps())
	same("Mendix nodes", compact.MendixNodes(), expanded.MendixNodes())
	same("inventories", compact.Inventory(), expanded.Inventory())
	for n := 1; n <= 3; n++ {
		a, _ := compact.MendixEnvironment(fmt.Sprintf("calc-%03d", n), "Production")
		b, _ := expanded.MendixEnvironment(fmt.Sprintf("calc-%03d", n), "Production")
		same("environments", a, b)
	}
}

func TestFleetFixture_IdsAreDeterministicAndDistinct(t *testing.T) {
	a, _ := newTestSandbox(t, Options{Fixture: fleetFixture(5)})
	b, _ := newTestSandbox(t, Options{Fixture: fleetFixture(5)})
	seen := map[string]bool{}
	for i, app := range a.MendixApps() {
		if b.MendixApps()[i].ProjectID != app.ProjectID || seen[app.ProjectID] {
			t.Fatalf("project ids: %+v / %+v", a.MendixApps(), b.MendixApps())
		}
		seen[app.ProjectID] = true
	}
	for i, app := range a.LegacyApps() {
		if app.ID != strings.ToUpper(app.ID) || b.LegacyApps()[i].ID != app.ID || seen[app.ID] {
			t.Fatalf("3.x app ids: %+v / %+v", a.LegacyApps(), b.LegacyApps())
		}
		seen[app.ID] = true
	}
}

func TestFleetFixture_RejectsMistakesWithTheirLocation(t *testing.T) {
	for name, c := range map[string]struct{ fixture, want string }{
		"no count":       {`{"mendix":{"fleets":[{"apps":[{"project_id":"{uuid:p}","name":"A {n}"}]}]}}`, "mendix.fleets[0]: count"},
		"huge count":     {`{"mendix":{"fleets":[{"count":1000000,"apps":[]}]}}`, "mendix.fleets[0]: count"},
		"no templates":   {`{"mendix":{"fleets":[{"count":2}]}}`, "mendix.fleets[0]: no templates"},
		"bad width":      {`{"mendix":{"fleets":[{"count":2,"apps":[{"project_id":"{uuid:p}","name":"A {n:x}"}]}]}}`, "mendix.fleets[0].apps[0]: name: {n:x}"},
		"unknown":        {`{"backendless":{"fleets":[{"count":2,"legacy_apps":[{"app_id":"{id}"}]}]}}`, "backendless.fleets[0].legacy_apps[0]: app_id: unknown placeholder {id}"},
		"same name":      {`{"mendix":{"fleets":[{"count":2,"apps":[{"project_id":"{uuid:p}","name":"Same"}],"nodes":[{"id":"n","cloud":"v4","subdomain":"s"}]}]}}`, "mendix.nodes[1]"},
		"unknown key":    {`{"mendix":{"fleets":[{"count":2,"appz":[{}]}]}}`, "appz"},
		"not a template": {`{"backendless":{"fleets":[{"count":2,"legacy_apps":{"name":"x"}}]}}`, "backendless.fleets[0].legacy_apps: want a list"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New(Options{DataDir: t.TempDir(), Fixture: []byte(c.fixture)})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v\nwant mention of %q", err, c.want)
			}
		})
	}
}
