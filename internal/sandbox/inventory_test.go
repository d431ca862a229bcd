package sandbox

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestControl_InventoryOverHTTP(t *testing.T) {
	s, srv := newTestSandbox(t, Options{Faults: FaultOptions{Rate5xx: 1}})
	if _, err := s.CreateBackendlessApp(devLogin, "listed"); err != nil {
		t.Fatal(err)
	}
	resp, body := call(t, "GET", srv.URL+"/_sandbox/inventory", "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	inv := decode[Inventory](t, body)
	if inv.Backendless.AppsByName["listed"] != 1 || inv.Mendix.ProjectsByName["Calc"] != 1 || inv.Mendix.Nodes["calc-v4"].Environments["Production"].ID != "d436e0cd-6200-4ac5-b858-849a6ddbb501" {
		t.Fatalf("%s", body)
	}
	// The control route and the Go API count the same way, section by section.
	if want, _ := json.Marshal(s.Inventory()); string(want) != string(body) {
		t.Fatalf("GET /_sandbox/inventory\n%s\nInventory()\n%s", body, want)
	}
}
