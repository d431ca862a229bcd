package core

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestState_NewRequiresDataDirAndRejectsCorruptState(t *testing.T) {
	if _, err := newCore(Options{}); err == nil {
		t.Fatal("New without DataDir succeeded")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, legacyStateFile), []byte("{garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := newCore(Options{DataDir: dir}); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Fatalf("err %v", err)
	}
}

func TestStore_FailedUpdateLeavesNoHalfChange(t *testing.T) {
	v := &testVendor{}
	s, err := New(Options{DataDir: t.TempDir(), JobDuration: -1}, v)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Update(func(tx *Tx) error {
		v.records.Notes = append(v.records.Notes, "kept")
		tx.Touch("test", "notes", "value")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err = s.Update(func(tx *Tx) error {
		tx.Touch("test", "notes", "value")
		v.records.Notes = append(v.records.Notes, "half")
		v.records.Notes[0] = "changed"
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	s.Read(func(*Tx) {
		if len(v.records.Notes) != 1 || v.records.Notes[0] != "kept" {
			t.Fatalf("rolled-back update left %q", v.records.Notes)
		}
	})
}

func TestBlobs_StreamInHashAndReadBack(t *testing.T) {
	s := newTestSandbox(t, Options{})
	data := bytes.Repeat([]byte("archive-bytes-"), 100_000)
	id, size, sum, err := s.PutBlob(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(data)
	if size != int64(len(data)) || sum != hex.EncodeToString(want[:]) {
		t.Fatalf("size %d sha %s", size, sum)
	}
	rc, n, err := s.OpenBlob(id)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if n != size || !bytes.Equal(got, data) {
		t.Fatal("blob read back differs")
	}
	if err := s.DeleteBlob(id); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteBlob(id); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	if _, _, err := s.OpenBlob(id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("open deleted blob: %v", err)
	}
	if _, _, err := s.OpenBlob("../state.json"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("path-like id: %v", err)
	}
}

func TestBlobs_FailedReadLeavesNothingBehind(t *testing.T) {
	dir := t.TempDir()
	s := newTestSandbox(t, Options{DataDir: dir})
	before, _ := os.ReadDir(filepath.Join(dir, BlobDir))
	_, _, _, err := s.PutBlob(io.MultiReader(strings.NewReader("part"), errReader{}))
	if err == nil {
		t.Fatal("PutBlob of a failing reader succeeded")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, BlobDir))
	if len(entries) != len(before) {
		t.Fatalf("left %d new files in blobs/", len(entries)-len(before))
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("source went away") }
