package core

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// dbFile is the embedded database (bbolt) holding every record, one key per record, so a change
// writes the records it touched, in one transaction: a crash leaves the state before or after
// the change, never a mix.
const dbFile = "state.db"

// dbFormat lets a later sandbox migrate a data directory written by this one.
const dbFormat = 1

// legacyStateFile is the one JSON document earlier sandboxes rewrote on every change; a data
// directory holding one is imported once, and the file kept as legacyStateFile+".imported".
const legacyStateFile = "state.json"

// legacyStateVersion is the newest state.json version the import understands.
const legacyStateVersion = 1

// Bucket and key names of the database.
var (
	metaBucket = []byte("meta")
	formatKey  = []byte("format")
)

// coreSection keeps the core's own records (the jobs) in the database.
const coreSection = "core"

// Section is a vendor's part of the sandbox data: its records, its section of the fixture and
// its section of the inventory, all under one name ("backendless", "mendix").
type Section struct {
	// Name keys the section in the fixture, the stored state and the inventory.
	Name string
	// State points at the vendor's records (a struct). The vendor keeps the pointer: the store
	// fills it on open and never replaces it.
	State any
	// Collections keep every exported field of State, one record per key (Slice, Map, Value).
	Collections []Collection
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
		if have.Name == sec.Name || sec.Name == coreSection {
			panic("sandbox: section registered twice: " + sec.Name)
		}
	}
	if err := checkCoverage(&sec); err != nil {
		panic(err.Error())
	}
	if sec.Normalize == nil {
		sec.Normalize = func() {}
	}
	s.sections = append(s.sections, &sec)
}

// Tx is what a Read or Update sees: the jobs, next to the vendor records the vendor reaches
// through its own Section.State. Nothing may keep pointers from a Tx after it ends.
//
// An Update declares every record it creates, changes or deletes with Touch (or TouchAll), and
// the store writes exactly those. In test binaries the store checks each Update: a record that
// changed without being declared panics with its name.
type Tx struct {
	s       *store
	write   bool
	touched map[*collEntry]map[string]bool
	all     map[*collEntry]bool
}

// Touch declares that this Update creates, changes or deletes the records with ids in a
// section's collection; call it before or after the change, the store reads the records as
// they are when the Update ends. In a Read it does nothing, so lookups shared by reads and
// updates may declare what they hand out for writing.
func (tx *Tx) Touch(section, collection string, ids ...string) {
	if !tx.write {
		return
	}
	e := tx.entry(section, collection)
	if tx.touched[e] == nil {
		tx.touched[e] = map[string]bool{}
	}
	for _, id := range ids {
		tx.touched[e][id] = true
	}
}

// TouchAll declares that this Update may change any record of a collection (a bulk change):
// the whole collection is written. In a Read it does nothing.
func (tx *Tx) TouchAll(section, collection string) {
	if !tx.write {
		return
	}
	tx.all[tx.entry(section, collection)] = true
}

func (tx *Tx) entry(section, collection string) *collEntry {
	e := tx.s.byName[section+"/"+collection]
	if e == nil {
		panic("sandbox: no collection " + section + "/" + collection)
	}
	return e
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

func (tx *Tx) putJob(j *Job) {
	tx.s.jobs[j.ID] = j
	tx.touchJob(j.ID)
}

func (tx *Tx) touchJob(id string) { tx.Touch(coreSection, "jobs", id) }

// Read runs fn with the store locked for reading; fn must not keep pointers into it.
func (s *Core) Read(fn func(tx *Tx)) { s.store.read(fn) }

// Update runs fn with the store locked for writing and saves the records it declared (Touch).
// When fn returns an error, or the write fails, those records go back to their last saved
// value, so a handler may validate as it mutates without leaving half a change behind.
func (s *Core) Update(fn func(tx *Tx) error) error { return s.store.update(fn) }

// collEntry is a collection as the store files it: section, name, bucket.
type collEntry struct {
	section, name string
	impl          collection
}

func (e *collEntry) String() string { return e.section + "/" + e.name }

// store holds every record in memory for fast reads and keeps the database in step with it.
type store struct {
	dir      string
	db       *bolt.DB
	sections []*Section
	entries  []*collEntry
	byName   map[string]*collEntry

	mu     sync.RWMutex
	jobs   map[string]*Job
	closed bool // after close, updates are refused and reads see the last state

	// check makes every Update prove it declared what it changed: image holds the encoding of
	// every record as last saved. On in test binaries (testing.Testing).
	check bool
	image map[*collEntry]map[string][]byte
}

// verifyDeclaredChanges is whether new stores check every Update (see store.check).
var verifyDeclaredChanges = testing.Testing()

// VerifyDeclaredChanges turns the check of every Update's declarations (on in test binaries) on
// or off for stores opened afterwards and returns the previous setting; benchmarks turn it off
// to measure what users run.
func VerifyDeclaredChanges(on bool) (was bool) {
	was, verifyDeclaredChanges = verifyDeclaredChanges, on
	return was
}

// openStore opens dir/state.db: it imports a state.json written by an earlier sandbox, or
// seeds a new state when the directory has neither.
func openStore(dir string, sections []*Section, seed func(tx *Tx) error, logf func(string, ...any)) (*store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sandbox: create data dir: %w", err)
	}
	removeStaleTemps(dir)
	s := &store{dir: dir, sections: sections, byName: map[string]*collEntry{}, check: verifyDeclaredChanges}
	s.add(coreSection, Map("jobs", &s.jobs))
	for _, sec := range sections {
		for _, c := range sec.Collections {
			s.add(sec.Name, c)
		}
	}
	path := filepath.Join(dir, dbFile)
	_, err := os.Stat(path)
	switch {
	case err == nil:
		// A crash between the import and the renaming of state.json leaves both: the database
		// was made from the file.
		legacy := filepath.Join(dir, legacyStateFile)
		if _, err := os.Stat(legacy); err == nil {
			if err := os.Rename(legacy, legacy+".imported"); err != nil {
				return nil, fmt.Errorf("sandbox: keep the imported %s: %w", legacyStateFile, err)
			}
		}
	case errors.Is(err, os.ErrNotExist):
		if err := s.create(path, seed, logf); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("sandbox: data dir %s: %w", dir, err)
	}
	if err := s.open(path); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *store) add(section string, c Collection) {
	e := &collEntry{section: section, name: c.name, impl: c.impl}
	if s.byName[e.String()] != nil {
		panic("sandbox: collection registered twice: " + e.String())
	}
	s.entries = append(s.entries, e)
	s.byName[e.String()] = e
}

// create makes dir/state.db from a state.json an earlier sandbox left, or from the fixture,
// in a temporary file renamed into place once complete: a crash leaves no half-made database.
func (s *store) create(path string, seed func(tx *Tx) error, logf func(string, ...any)) error {
	legacy := filepath.Join(s.dir, legacyStateFile)
	raw, err := os.ReadFile(legacy)
	imported := err == nil
	switch {
	case imported:
		if err := s.decodeLegacy(raw); err != nil {
			var fe *stateFormatError
			if errors.As(err, &fe) {
				return fmt.Errorf("sandbox: data dir %s: %s is not valid JSON (%v); move it away to start fresh", s.dir, legacyStateFile, fe.err)
			}
			return fmt.Errorf("sandbox: data dir %s: %s: %w", s.dir, legacyStateFile, err)
		}
	case errors.Is(err, os.ErrNotExist):
		s.reset()
		if err := seed(&Tx{s: s, write: true, touched: map[*collEntry]map[string]bool{}, all: map[*collEntry]bool{}}); err != nil {
			return err
		}
		s.normalize()
	default:
		return fmt.Errorf("sandbox: read %s: %w", legacy, err)
	}
	tmp := path + ".tmp"
	_ = os.Remove(tmp)
	db, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("sandbox: create %s: %w", dbFile, err)
	}
	records := 0
	err = db.Update(func(btx *bolt.Tx) error {
		meta, err := btx.CreateBucket(metaBucket)
		if err == nil {
			err = meta.Put(formatKey, []byte(fmt.Sprint(dbFormat)))
		}
		if err != nil {
			return err
		}
		for _, e := range s.entries {
			n, err := writeCollection(btx, e)
			if err != nil {
				return fmt.Errorf("%s: %w", e, err)
			}
			records += n
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("sandbox: write %s: %w", dbFile, err)
	}
	if imported {
		if err := os.Rename(legacy, legacy+".imported"); err != nil {
			return fmt.Errorf("sandbox: keep the imported %s: %w", legacyStateFile, err)
		}
		logf("sandbox: data dir %s: imported %s (%d records) into %s; the old file is kept as %s.imported", s.dir, legacyStateFile, records, dbFile, legacyStateFile)
	}
	return nil
}

// open opens the database and loads every record into memory.
func (s *store) open(path string) error {
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout: time.Second,
		// The freelist is rebuilt on open instead of being written on every commit.
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return fmt.Errorf("sandbox: data dir %s is in use by another sandbox (%s is locked)", s.dir, dbFile)
	}
	if err != nil {
		return fmt.Errorf("sandbox: data dir %s: open %s: %w", s.dir, dbFile, err)
	}
	s.db = db
	s.reset()
	err = db.View(func(btx *bolt.Tx) error {
		meta := btx.Bucket(metaBucket)
		if meta == nil {
			return fmt.Errorf("%s has no %s bucket: not a sandbox database", dbFile, metaBucket)
		}
		var format int
		if _, err := fmt.Sscan(string(meta.Get(formatKey)), &format); err != nil {
			return fmt.Errorf("%s: unreadable format: %w", dbFile, err)
		}
		if format > dbFormat {
			return fmt.Errorf("written by a newer sandbox (database format %d, this one knows %d)", format, dbFormat)
		}
		for _, e := range s.entries {
			recs, err := readCollection(btx, e)
			if err == nil {
				err = e.impl.rebuild(recs, func(string) bool { return false })
			}
			if err != nil {
				return fmt.Errorf("%s: %w", e, err)
			}
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return fmt.Errorf("sandbox: data dir %s: %w", s.dir, err)
	}
	s.normalize()
	if s.check {
		s.image = s.encodeAll()
	}
	return nil
}

// bucketOf is the bucket of a collection: section, then collection.
func bucketOf(btx *bolt.Tx, e *collEntry, create bool) (*bolt.Bucket, error) {
	if !create {
		sec := btx.Bucket([]byte(e.section))
		if sec == nil {
			return nil, nil
		}
		return sec.Bucket([]byte(e.name)), nil
	}
	sec, err := btx.CreateBucketIfNotExists([]byte(e.section))
	if err != nil {
		return nil, err
	}
	return sec.CreateBucketIfNotExists([]byte(e.name))
}

// readCollection returns a collection's records in their order.
func readCollection(btx *bolt.Tx, e *collEntry) ([]stored, error) {
	b, err := bucketOf(btx, e, false)
	if b == nil || err != nil {
		return nil, err
	}
	var out []stored
	err = b.ForEach(func(k, v []byte) error {
		if len(v) < 8 {
			return fmt.Errorf("record %s: truncated", k)
		}
		out = append(out, stored{id: string(k), seq: binary.BigEndian.Uint64(v), raw: bytes.Clone(v[8:])})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out, err
}

// writeCollection replaces a collection's bucket content with every record in memory, numbered
// in memory order.
func writeCollection(btx *bolt.Tx, e *collEntry) (int, error) {
	b, err := bucketOf(btx, e, true)
	if err != nil {
		return 0, err
	}
	present := map[string]bool{}
	var seq uint64
	e.impl.each(func(id string, rec any) {
		if err != nil {
			return
		}
		seq++
		present[id] = true
		err = putRecord(b, id, seq, rec)
	})
	if err != nil {
		return 0, err
	}
	var gone [][]byte
	_ = b.ForEach(func(k, _ []byte) error {
		if !present[string(k)] {
			gone = append(gone, bytes.Clone(k))
		}
		return nil
	})
	for _, k := range gone {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return int(seq), b.SetSequence(seq)
}

func putRecord(b *bolt.Bucket, id string, seq uint64, rec any) error {
	raw, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("record %s: %w", id, err)
	}
	v := make([]byte, 8, 8+len(raw))
	binary.BigEndian.PutUint64(v, seq)
	return b.Put([]byte(id), append(v, raw...))
}

// reset empties every record.
func (s *store) reset() {
	s.jobs = map[string]*Job{}
	for _, sec := range s.sections {
		reflect.ValueOf(sec.State).Elem().SetZero()
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

// read runs fn with the state locked for reading; fn must not keep pointers into it.
func (s *store) read(fn func(tx *Tx)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fn(&Tx{s: s})
}

// update runs fn with the state locked for writing and saves the records it declared in one
// database transaction; when fn or the write fails, the declared records go back to their
// saved values.
func (s *store) update(fn func(tx *Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosing
	}
	tx := &Tx{s: s, write: true, touched: map[*collEntry]map[string]bool{}, all: map[*collEntry]bool{}}
	if err := fn(tx); err != nil {
		s.rollbackLocked(tx)
		return err
	}
	var written map[*collEntry]map[string][]byte
	if s.check {
		written = s.verifyDeclared(tx)
	}
	if err := s.commitLocked(tx); err != nil {
		s.rollbackLocked(tx)
		return err
	}
	for e, recs := range written {
		for id, raw := range recs {
			if raw == nil {
				delete(s.image[e], id)
			} else {
				s.image[e][id] = raw
			}
		}
	}
	return nil
}

// commitLocked writes the declared records in one transaction.
func (s *store) commitLocked(tx *Tx) error {
	if len(tx.touched) == 0 && len(tx.all) == 0 {
		return nil
	}
	err := s.db.Update(func(btx *bolt.Tx) error {
		for e := range tx.all {
			if _, err := writeCollection(btx, e); err != nil {
				return fmt.Errorf("%s: %w", e, err)
			}
		}
		for e, ids := range tx.touched {
			if tx.all[e] {
				continue
			}
			b, err := bucketOf(btx, e, true)
			if err != nil {
				return err
			}
			for _, id := range slices.Sorted(maps.Keys(ids)) {
				rec, ok := e.impl.get(id)
				if !ok {
					if err := b.Delete([]byte(id)); err != nil {
						return err
					}
					continue
				}
				var seq uint64
				if old := b.Get([]byte(id)); len(old) >= 8 {
					seq = binary.BigEndian.Uint64(old)
				} else if seq, err = b.NextSequence(); err != nil {
					return err
				}
				if err := putRecord(b, id, seq, rec); err != nil {
					return fmt.Errorf("%s: %w", e, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sandbox: write state: %w", err)
	}
	return nil
}

// rollbackLocked puts the declared records back as the database holds them.
func (s *store) rollbackLocked(tx *Tx) {
	err := s.db.View(func(btx *bolt.Tx) error {
		for _, e := range s.entries {
			ids, some := tx.touched[e]
			all := tx.all[e]
			if !some && !all {
				continue
			}
			recs, err := readCollection(btx, e)
			if err == nil {
				err = e.impl.rebuild(recs, func(id string) bool { return !all && !ids[id] })
			}
			if err != nil {
				return fmt.Errorf("%s: %w", e, err)
			}
		}
		return nil
	})
	if err != nil {
		// The records are our own encoding; failing to read them back is a bug or a broken disk.
		panic(fmt.Sprintf("sandbox: cannot roll back to the saved state: %v", err))
	}
	s.normalize()
	if s.check {
		if diff := s.undeclared(nil); len(diff) > 0 {
			panic("sandbox: a failed update changed records it did not declare with Touch: " + strings.Join(diff, ", "))
		}
	}
}

// encodeAll encodes every record, by collection and id.
func (s *store) encodeAll() map[*collEntry]map[string][]byte {
	out := map[*collEntry]map[string][]byte{}
	for _, e := range s.entries {
		recs := map[string][]byte{}
		e.impl.each(func(id string, rec any) {
			raw, err := json.Marshal(rec)
			if err != nil {
				panic(fmt.Sprintf("sandbox: encode %s/%s: %v", e, id, err))
			}
			if _, dup := recs[id]; dup {
				panic(fmt.Sprintf("sandbox: two records of %s have the id %q: one would be lost", e, id))
			}
			recs[id] = raw
		})
		out[e] = recs
	}
	return out
}

// undeclared lists the records whose encoding differs from the last saved one and that tx (nil:
// none) did not declare.
func (s *store) undeclared(tx *Tx) []string {
	var diff []string
	now := s.encodeAll()
	for _, e := range s.entries {
		declared := func(id string) bool {
			return tx != nil && (tx.all[e] || tx.touched[e][id])
		}
		for id, raw := range now[e] {
			if old, ok := s.image[e][id]; (!ok || !bytes.Equal(old, raw)) && !declared(id) {
				diff = append(diff, e.String()+"/"+id)
			}
		}
		for id := range s.image[e] {
			if _, ok := now[e][id]; !ok && !declared(id) {
				diff = append(diff, e.String()+"/"+id+" (deleted)")
			}
		}
	}
	slices.Sort(diff)
	return diff
}

// verifyDeclared panics when tx changed a record it did not declare, and returns the new
// encodings of the declared records (nil for deleted ones) for the image.
func (s *store) verifyDeclared(tx *Tx) map[*collEntry]map[string][]byte {
	if diff := s.undeclared(tx); len(diff) > 0 {
		panic("sandbox: an update changed records it did not declare with Touch: " + strings.Join(diff, ", "))
	}
	now := s.encodeAll()
	written := map[*collEntry]map[string][]byte{}
	for _, e := range s.entries {
		if tx.all[e] {
			written[e] = now[e]
			for id := range s.image[e] {
				if _, ok := now[e][id]; !ok {
					written[e][id] = nil
				}
			}
			continue
		}
		for id := range tx.touched[e] {
			if written[e] == nil {
				written[e] = map[string][]byte{}
			}
			written[e][id] = now[e][id]
		}
	}
	return written
}

// close closes the database; every change is already saved.
func (s *store) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("sandbox: close %s: %w", dbFile, err)
	}
	return nil
}

// stateFormatError is a state.json that is not the JSON earlier sandboxes wrote.
type stateFormatError struct{ err error }

func (e *stateFormatError) Error() string { return e.err.Error() }

// decodeLegacy fills memory from a state.json an earlier sandbox wrote: version, one object
// per section, the jobs.
func (s *store) decodeLegacy(raw []byte) error {
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
	if version > legacyStateVersion {
		return fmt.Errorf("written by a newer sandbox (state version %d, this one knows %d)", version, legacyStateVersion)
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
