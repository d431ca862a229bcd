package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// stateFile is the one JSON document holding all small state; one document means one rename
// per mutation, so a crash leaves either the old or the new state, never a mix.
const stateFile = "state.json"

// stateVersion lets a later sandbox migrate a data directory written by this one.
const stateVersion = 1

// state is everything the sandbox persists apart from blobs. Later surfaces (Backendless 3.x,
// Mendix) add their own sections next to Backendless.
type state struct {
	Version     int              `json:"version"`
	Backendless backendlessState `json:"backendless"`
	Mendix      mendixState      `json:"mendix"` // mendix_state.go
	Jobs        map[string]*Job  `json:"jobs"`

	// legacySeed carries the fixture's 3.x apps from seedState to openStore, which writes their
	// blobs (materializeLegacySeed); never persisted.
	legacySeed []fixtureLegacyApp
}

// backendlessState is the Backendless side: console accounts, their sessions and 5.0 apps,
// the 5.0 apps' files and tables, and the 3.x apps.
type backendlessState struct {
	Developers []*bkDeveloper `json:"developers"`
	Sessions   []*bkSession   `json:"sessions"`
	Apps       []*bkApp       `json:"apps"`
	// AppData is each 5.0 app's files and tables, by app id (backendless_files_rest.go).
	AppData map[string]*bkAppData `json:"app_data"`
	// Legacy is the 3.x apps with their versions (backendless3.go).
	Legacy []*bk3App `json:"legacy_apps"`
}

// bkDeveloper is a console account. The password is kept in clear: it is a fixture value the
// user wrote down themselves, and the sandbox must compare it.
type bkDeveloper struct {
	Login     string `json:"login"`
	Password  string `json:"password"`
	Name      string `json:"name"`
	TwoFactor bool   `json:"two_factor,omitempty"`
}

// bkSession is a console login. Only the token's SHA-256 is stored, so a data directory that is
// shared for debugging leaks no live token.
type bkSession struct {
	TokenSHA256 string    `json:"token_sha256"`
	Login       string    `json:"login"`
	Created     time.Time `json:"created"`
}

// bkApp is a Backendless 5.0 app.
type bkApp struct {
	ID      string     `json:"id"`
	Name    string     `json:"name"`
	Zone    string     `json:"zone"`
	Owner   string     `json:"owner"`
	APIKeys []bkAPIKey `json:"api_keys"`
	Created time.Time  `json:"created"`
}

// bkAPIKey is one per-client-type key of an app (backendless-console-api.md §3.2).
type bkAPIKey struct {
	DeviceType string `json:"device_type"`
	APIKey     string `json:"api_key"`
}

// normalize fills the maps and slices a decoded or fresh state may lack, so handlers never
// meet a nil map.
func (st *state) normalize() {
	if st.Version == 0 {
		st.Version = stateVersion
	}
	if st.Jobs == nil {
		st.Jobs = map[string]*Job{}
	}
	if st.Backendless.Developers == nil {
		st.Backendless.Developers = []*bkDeveloper{}
	}
	if st.Backendless.Sessions == nil {
		st.Backendless.Sessions = []*bkSession{}
	}
	if st.Backendless.Apps == nil {
		st.Backendless.Apps = []*bkApp{}
	}
	st.Backendless.normalizeMigration()
	st.Mendix.normalize()
}

// store holds the state in memory and writes it to disk after every mutation.
type store struct {
	dir string

	mu    sync.RWMutex
	st    *state
	saved []byte // the last encoding on disk: the rollback point when a mutation fails
}

// openStore loads dir/state.json, or seeds a new state when the directory has none.
func openStore(dir string, seed func() (*state, error)) (*store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sandbox: create data dir: %w", err)
	}
	removeStaleTemps(dir)
	s := &store{dir: dir}
	raw, err := os.ReadFile(filepath.Join(dir, stateFile))
	switch {
	case err == nil:
		var st state
		if err := json.Unmarshal(raw, &st); err != nil {
			return nil, fmt.Errorf("sandbox: data dir %s: %s is not valid JSON (%v); move it away to start fresh", dir, stateFile, err)
		}
		if st.Version > stateVersion {
			return nil, fmt.Errorf("sandbox: data dir %s was written by a newer sandbox (state version %d, this one knows %d)", dir, st.Version, stateVersion)
		}
		st.normalize()
		s.st, s.saved = &st, raw
		return s, nil
	case errors.Is(err, os.ErrNotExist):
		st, err := seed()
		if err != nil {
			return nil, err
		}
		st.normalize()
		if err := st.materializeLegacySeed(dir); err != nil {
			return nil, err
		}
		s.st = st
		if err := s.writeLocked(); err != nil {
			return nil, err
		}
		return s, nil
	default:
		return nil, fmt.Errorf("sandbox: read state: %w", err)
	}
}

// read runs fn with the state locked for reading; fn must not keep pointers into it.
func (s *store) read(fn func(st *state)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fn(s.st)
}

// update runs fn with the state locked for writing and persists the result. When fn returns an
// error, or the write fails, the state goes back to what is on disk, so a handler may validate
// as it mutates without leaving half a change behind.
func (s *store) update(fn func(st *state) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := fn(s.st); err != nil {
		s.rollbackLocked()
		return err
	}
	if err := s.writeLocked(); err != nil {
		s.rollbackLocked()
		return err
	}
	return nil
}

// flush writes the current state again; Close calls it so the file on disk is the last word
// even if a future code path mutated without update.
func (s *store) flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writeLocked()
}

func (s *store) rollbackLocked() {
	var st state
	if err := json.Unmarshal(s.saved, &st); err != nil {
		// The saved bytes are our own encoding; failing to decode them is a bug, not a user error.
		panic(fmt.Sprintf("sandbox: cannot decode own state: %v", err))
	}
	st.normalize()
	s.st = &st
}

func (s *store) writeLocked() error {
	raw, err := json.MarshalIndent(s.st, "", "  ")
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
	for _, d := range []string{dir, filepath.Join(dir, blobDir)} {
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
