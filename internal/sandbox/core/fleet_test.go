package core

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestExpandFleets_AppendsEveryMemberAfterTheEntriesWrittenOut(t *testing.T) {
	raw := `{"users":[{"name":"u"}],"apps":[{"name":"first"}],"fleets":[
		{"count":3,"apps":[{"name":"app-{n:3}","id":"{uuid:app}","seed":"{n}","tags":["t{n}"]}],
		           "nodes":[{"id":"node-{n}","app":"{uuid:app}","ID":"{UUID:app}"}]}]}`
	out, err := ExpandFleets("acme", json.RawMessage(raw))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Users []map[string]any `json:"users"`
		Apps  []struct {
			Name string   `json:"name"`
			ID   string   `json:"id"`
			Seed int      `json:"seed"`
			Tags []string `json:"tags"`
		} `json:"apps"`
		Nodes []map[string]string `json:"nodes"`
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	if len(doc.Users) != 1 || len(doc.Apps) != 4 || len(doc.Nodes) != 3 || doc.Apps[0].Name != "first" {
		t.Fatalf("%s", out)
	}
	a3 := doc.Apps[3]
	if a3.Name != "app-003" || a3.Seed != 3 || a3.Tags[0] != "t3" || a3.ID != FleetUUID("acme", 0, "app", 3) {
		t.Fatalf("member 3: %+v", a3)
	}
	if n := doc.Nodes[2]; n["id"] != "node-3" || n["app"] != a3.ID || n["ID"] != strings.ToUpper(a3.ID) {
		t.Fatalf("node 3 %v", n)
	}
	if doc.Apps[1].ID == doc.Apps[2].ID || FleetUUID("acme", 0, "app", 1) == FleetUUID("acme", 1, "app", 1) {
		t.Fatal("ids repeat across members or fleets")
	}
}

func TestExpandFleets_LeavesASectionWithoutFleetsAlone(t *testing.T) {
	for _, raw := range []string{`{"apps":[{"name":"{n}"}]}`, `null`, ``, `[1]`} {
		out, err := ExpandFleets("acme", json.RawMessage(raw))
		if err != nil || string(out) != raw {
			t.Errorf("%q: %q %v", raw, out, err)
		}
	}
}
