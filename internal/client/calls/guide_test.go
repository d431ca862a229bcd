package calls

import (
	"strings"
	"testing"
)

func testRegs() []Register {
	return []Register{
		{Vendor: "Acme", Calls: []Call{
			{Method: "Client.List", HTTP: "GET /things", Tag: Documented, Ref: "§1"},
			{Method: "Client.Make", HTTP: "POST /things", Tag: Modeled, Ref: "§2", Note: "a|b"},
		}},
		{Vendor: "Other", Calls: []Call{
			{Method: "Client.Dir", HTTP: "GET /dir", Tag: Inferred, Ref: "§3"},
			{Method: "Client.Login", HTTP: "POST /login", Tag: SDK, Ref: "§4"},
		}},
	}
}

func TestGuide_ListsEveryCallWithItsTagAndCountsPerVendor(t *testing.T) {
	g := Guide(testRegs()...)
	for _, want := range []string{
		"page_title: \"Vendor calls\"",
		"## Acme\n\n2 calls: 1 DOCUMENTED, 1 MODELED.",
		"## Other\n\n2 calls: 1 SDK, 1 INFERRED.",
		"| `GET /things` | DOCUMENTED | §1 | `Client.List` |  |",
		"| `POST /things` | MODELED | §2 | `Client.Make` | a\\|b |",
		"| `GET /dir` | INFERRED | §3 | `Client.Dir` |",
	} {
		if !strings.Contains(g, want) {
			t.Errorf("guide lacks %q:\n%s", want, g)
		}
	}
}

func TestNonPublic_ListsOnlyInferredAndModeledCalls(t *testing.T) {
	got := NonPublic(testRegs()...)
	if !strings.Contains(got, "| Acme | `POST /things` | MODELED |") || !strings.Contains(got, "| Other | `GET /dir` | INFERRED |") {
		t.Errorf("non-public calls missing:\n%s", got)
	}
	if strings.Contains(got, "GET /things") || strings.Contains(got, "POST /login") {
		t.Errorf("a documented or SDK call is listed as non-public:\n%s", got)
	}
}

func TestReplaceBetween_KeepsMarkersAndTheRest(t *testing.T) {
	doc := "head\n<!-- b -->\nold\n<!-- e -->\ntail\n"
	got, err := ReplaceBetween(doc, "<!-- b -->", "<!-- e -->", "new\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := "head\n<!-- b -->\nnew\n<!-- e -->\ntail\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := ReplaceBetween("no markers", "<!-- b -->", "<!-- e -->", "x"); err == nil {
		t.Error("missing markers must be an error")
	}
}
