package core

import (
	"testing"
)

// testRecords is the state of testVendor: a list of notes.
type testRecords struct {
	Notes []string `json:"notes"`
}

// testVendor is the smallest vendor: the test job kinds and one section, so the core can be
// tested without a real vendor package.
type testVendor struct {
	records testRecords
}

// Attach registers the test job kinds and the "test" section.
func (v *testVendor) Attach(c *Core) error {
	registerTestJobKinds(c)
	c.AddSection(Section{
		Name:        "test",
		State:       &v.records,
		Collections: []Collection{Value("notes", &v.records.Notes)},
		Normalize: func() {
			if v.records.Notes == nil {
				v.records.Notes = []string{}
			}
		},
	})
	return nil
}

// newCore returns a core with the test vendor attached.
func newCore(opts Options) (*Core, error) { return New(opts, &testVendor{}) }

// newTestSandbox opens a core on a fresh data dir; it is closed when the test ends.
func newTestSandbox(t *testing.T, opts Options) *Core {
	t.Helper()
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir()
	}
	if opts.JobDuration == 0 {
		opts.JobDuration = -1
	}
	s, err := newCore(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}
