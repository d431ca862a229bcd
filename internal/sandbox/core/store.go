package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
)

// stateFile is the one JSON document holding all small state; one document means one rename
// per mutation, so a crash leaves either the old or the new state, never a mix.
const stateFile = "state.json"

// stateVersion lets a later sandbox migrate a data directory written by this one.
const stateVersion = 1

// Section is a vendor's part of the sandbox data: its records, its section of the fixture and
// its section of the inventory, all under one name ("backendless", "mendix").
type Section struct {
	// Name keys the section in the fixture, the stored state and the inventory.
	Name string
	// State points at the vendor's records (a struct, JSON-encoded as the section). The vendor
	// keeps the pointer: the store decodes into it and never replaces it.
	State any
	// Normalize fills the maps and slices a decoded or fresh State may lack, so handlers never
	// meet a nil map.
	Normalize func()
	// DefaultFixture is the vendor's section of the embedded default fixture.
	DefaultFixture []byte
	// CheckFixture checks the vendor's fixture section (nil when the fixture has none) and
	// returns what seeds an empty data directory from it.
	CheckFixture func(raw json.RawMessage) (seed func(tx *Tx) error, err error)
	// Inventory counts the vendor's objects for GET /_sandbox/inventory.
	Inventory func(tx *Tx) any
}

// AddSection registers a vendor's section; call it from Vendor.Attach.
func (s *Core) AddSection(sec Section) {
	for _, have := range s.sections {
		if have.Name == sec.Name {
			panic("sandbox: section registered twice: " + sec.Name)
		}
	}
	if sec.Normalize == nil {
		sec.Normalize = func() {}
	}
	s.sections = append(s.sections, &sec)
}

// Tx is what a Read or Update sees: the jobs, next to the vendor records the vendor reaches
// through its own Section.State. Nothing may keep pointers from a Tx after it ends.
type Tx struct {
	s *store
}

// Job returns the job record with id, nil when there is none.
func (tx *Tx) Job(id string) *Job { return tx.s.jobs[id] }

// Jobs yields every job record, in no particular order.
func (tx *Tx) Jobs() iter.Seq[*Job] {
	return func(yield func(*Job) bool) {
		for _, j := range tx.s.jobs {
			if !yield(j) {
				return
			}
		}
	}
}

func (tx *Tx) putJob(j *Job) { tx.s.jobs[j.ID] = j }

// Read runs fn with the store locked for reading; fn must not keep pointers into it.
func (s *Core) Read(fn func(tx *Tx)) { s.store.read(fn) }

// Update runs fn with the store locked for writing and persists the result. When fn returns an
// error, or the write fails, every record goes back to its last saved value, so a handler may
// validate as it mutates without leaving half a change behind.
func (s *Core) Update(fn func(tx *Tx) error) error { return s.store.update(fn) }

// store holds the state in memory and writes it to disk after every mutation.
type store struct {
	dir      string
	sections []*Section

	mu    sync.RWMutex
	jobs  map[string]*Job
	saved []byte // the last encoding on disk: the rollback point when a mutation fails
}

// openStore loads dir/state.json, or seeds a new state when the directory has none.
func openStore(dir string, sections []*Section, seed func(tx *Tx) error) (*store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sandbox: create data dir: %w", err)
	}
	removeStaleTemps(dir)
	s := &store{dir: dir, sections: sections}
	raw, err := os.ReadFile(filepath.Join(dir, stateFile))
	switch {
	case err == nil:
		if err := s.decode(raw); err != nil {
			var fe *stateFormatError
			if errors.As(err, &fe) {
				return nil, fmt.Errorf("sandbox: data dir %s: %s is not valid JSON (%v); move it away to start fresh", dir, stateFile, fe.err)
			}
			return nil, fmt.Errorf("sandbox: data dir %s: %w", dir, err)
		}
		s.saved = raw
		return s, nil
	case errors.Is(err, os.ErrNotExist):
		s.reset()
		if err := seed(&Tx{s: s}); err != nil {
			return nil, err
		}
		s.normalize()
		if err := s.writeLocked(); err != nil {
			return nil, err
		}
		return s, nil
	default:
		return nil, fmt.Errorf("sandbox: read state: %w", err)
	}
}

// stateFormatError is a state file that is not the JSON this store writes.
type stateFormatError struct{ err error }

func (e *stateFormatError) Error() string { return e.err.Error() }

// reset empties every record.
func (s *store) reset() {
	s.jobs = map[string]*Job{}
	for _, sec := range s.sections {
		v := reflect.ValueOf(sec.State).Elem()
		v.SetZero()
	}
	s.normalize()
}

func (s *store) normalize() {
	if s.jobs == nil {
		s.jobs = map[string]*Job{}
	}
	for _, sec := range s.sections {
		sec.Normalize()
	}
}

// decode replaces every record with the content of a state document.
func (s *store) decode(raw []byte) error {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		return &stateFormatError{err}
	}
	var version int
	if v, ok := doc["version"]; ok {
		if err := json.Unmarshal(v, &version); err != nil {
			return &stateFormatError{err}
		}
	}
	if version > stateVersion {
		return fmt.Errorf("written by a newer sandbox (state version %d, this one knows %d)", version, stateVersion)
	}
	s.reset()
	if v, ok := doc["jobs"]; ok {
		if err := json.Unmarshal(v, &s.jobs); err != nil {
			return &stateFormatError{err}
		}
	}
	for _, sec := range s.sections {
		if v, ok := doc[sec.Name]; ok {
			if err := json.Unmarshal(v, sec.State); err != nil {
				return &stateFormatError{err}
			}
		}
	}
	s.normalize()
	return nil
}

// encode writes the state document: version, the sections in registration order, the jobs.
func (s *store) encode() ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "{\n  \"version\": %d", stateVersion)
	part := func(name string, v any) error {
		raw, err := json.MarshalIndent(v, "  ", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, ",\n  %q: %s", name, raw)
		return nil
	}
	for _, sec := range s.sections {
		if err := part(sec.Name, sec.State); err != nil {
			return nil, err
		}
	}
	if err := part("jobs", s.jobs); err != nil {
		return nil, err
	}
	b.WriteString("\n}")
	return b.Bytes(), nil
}

// read runs fn with the state locked for reading; fn must not keep pointers into it.
func (s *store) read(fn func(tx *Tx)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fn(&Tx{s: s})
}

// update runs fn with the state locked for writing and persists the result. When fn returns an
// error, or the write fails, the state goes back to what is on disk.
func (s *store) update(fn func(tx *Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := fn(&Tx{s: s}); err != nil {
		s.rollbackLocked()
		return err
	}
	if err := s.writeLocked(); err != nil {
		s.rollbackLocked()
		return err
	}
	return nil
}

// close writes the current state again, so the file on disk is the last word even if a code
// path mutated without update.
func (s *store) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writeLocked()
}

func (s *store) rollbackLocked() {
	if err := s.decode(s.saved); err != nil {
		// The saved bytes are our own encoding; failing to decode them is a bug, not a user error.
		panic(fmt.Sprintf("sandbox: cannot decode own state: %v", err))
	}
}

func (s *store) writeLocked() error {
	raw, err := s.encode()
	if err != nil {
		return fmt.Errorf("sandbox: encode state: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(s.dir, stateFile), raw); err != nil {
		return fmt.Errorf("sandbox: write state: %w", err)
	}
	s.saved = raw
	return nil
}

// writeFileAtomic writes data to a temporary file in the same directory, syncs it and renames
// it over path, so readers (and a restart after a crash) see either the old or the new file.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}

// removeStaleTemps deletes temporary files a crash left behind in dir and dir/blobs.
func removeStaleTemps(dir string) {
	for _, d := range []string{dir, filepath.Join(dir, BlobDir)} {
		entries, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".tmp") {
				_ = os.Remove(filepath.Join(d, e.Name()))
			}
		}
	}
}
