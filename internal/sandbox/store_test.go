package sandbox

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
)

func TestFixture_ReservedSectionsAreAccepted(t *testing.T) {
	fx := `{"backendless":{"developers":[],"legacy_apps":[]},"mendix":{"apps":[]}}`
	s, err := New(Options{DataDir: t.TempDir(), Fixture: []byte(fx)})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
}

func TestDefaultFixture_IsACopyOfBothVendorsSections(t *testing.T) {
	fx := DefaultFixture()
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(fx, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc) != 2 || doc["backendless"] == nil || doc["mendix"] == nil {
		t.Fatalf("sections %v", slices.Collect(maps.Keys(doc)))
	}
	// DefaultFixture hands out a copy.
	fx[0] = 'X'
	if DefaultFixture()[0] != '{' {
		t.Fatal("DefaultFixture returned the embedded bytes themselves")
	}
}
