package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testdata/datadir-v1 is a data directory as the sandbox before the embedded store left it
// (one state.json rewritten on every change, plus blobs): a 5.0 app "crm-v5" with an uploaded
// file, the Mendix app Calc linked to the v4 node, and a migration-archive job for crm v1 still
// queued (its duration was an hour).

// copyDir copies the files of src (one level of subdirectories) into dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), raw, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestStore_ADataDirOfThePreviousVersionIsImportedOnceAndKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "testdata/datadir-v1", dir)
	var logs logSink
	s, err := New(Options{DataDir: dir, JobDuration: 20 * time.Millisecond, Logf: logs.logf})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.all(), "imported state.json") {
		t.Errorf("no log line about the import:\n%s", logs.all())
	}
	if _, err := os.Stat(filepath.Join(dir, "state.json")); !os.IsNotExist(err) {
		t.Errorf("state.json still in place: %v", err)
	}
	for _, f := range []string{"state.json.imported", "state.db"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	apps := s.BackendlessApps()
	if len(apps) != 1 || apps[0].Name != "crm-v5" {
		t.Fatalf("5.0 apps %+v", apps)
	}
	want := sha256.Sum256([]byte("uploaded before the upgrade"))
	if size, sum, ok := s.BackendlessFile(apps[0].ID, "uploads/hello.txt"); !ok || size != 27 || sum != hex.EncodeToString(want[:]) {
		t.Fatalf("uploaded file: %d %s %v", size, sum, ok)
	}
	if nodes := s.MendixNodes(); len(nodes) != 1 || nodes[0].LinkedProjectID != "6f1a3c52-2b7e-4d0a-9c41-5a8e2f7b1c01" {
		t.Fatalf("nodes %+v", nodes)
	}
	// The job in flight resumes, as after any restart, and builds its archives from the
	// imported blobs.
	waitIdle(t, s)
	jobs := s.Jobs()
	if len(jobs) != 1 || jobs[0].State != JobCompleted || jobs[0].Resumed != 1 {
		t.Fatalf("jobs %+v", jobs)
	}
	if files := s.LegacyFiles(crmID, "v1", "/migration-to-4"); len(files) != 2 {
		t.Fatalf("archives %v", files)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Opened again: no second import, everything still there.
	var again logSink
	s2, err := New(Options{DataDir: dir, JobDuration: -1, Logf: again.logf})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if strings.Contains(again.all(), "imported") {
		t.Errorf("imported again:\n%s", again.all())
	}
	if apps := s2.BackendlessApps(); len(apps) != 1 || apps[0] != s.BackendlessApps()[0] {
		t.Fatalf("after reopening %+v", apps)
	}
	if jobs := s2.Jobs(); len(jobs) != 1 || jobs[0].State != JobCompleted {
		t.Fatalf("jobs after reopening %+v", jobs)
	}
	if files := s2.LegacyFiles(crmID, "v1", "/migration-to-4"); len(files) != 2 {
		t.Fatalf("archives after reopening %v", files)
	}
}

func TestStore_ASecondSandboxOnTheSameDataDirIsRefused(t *testing.T) {
	dir := t.TempDir()
	s, err := New(Options{DataDir: dir, JobDuration: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := New(Options{DataDir: dir, JobDuration: -1}); err == nil || !strings.Contains(err.Error(), "in use by another sandbox") {
		t.Fatalf("second sandbox: %v", err)
	}
}
