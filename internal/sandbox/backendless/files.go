package backendless

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// File error codes. 6007 and 6016 are the contract's (plans/issue3-contract.md); Backendless
// publishes no file error table (backendless-console-api.md §6).
const (
	// bkCodeFileNotFound answers a missing file or directory.
	bkCodeFileNotFound = 6007
	// bkCodeFileExists answers an upload over an existing file without overwrite=true.
	bkCodeFileExists = 6016
	// modeled: bkCodeBadFileRequest answers an unusable path, paging value or upload body.
	bkCodeBadFileRequest = 6024
)

// bkMaxPageSize is the largest listing page (backendless-console-api.md §6: the SDK's "load full
// directory" pages by 100; the contract fixes 100 as the maximum).
const bkMaxPageSize = 100

// bkFileTree is one file storage: a 5.0 app's, or a 3.x app version's. Bytes live in blobs; the
// tree keeps names, blob ids and digests only: it is part of a store record, written whole when
// the app's files change.
type bkFileTree struct {
	Files map[string]*bkFile   `json:"files"` // clean path ("dir/name.ext") → file
	Dirs  map[string]time.Time `json:"dirs"`  // clean path → created; the root "" always exists
}

// bkFile is one stored file.
type bkFile struct {
	Blob    string    `json:"blob"`
	Size    int64     `json:"size"`
	SHA256  string    `json:"sha256"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

func (t *bkFileTree) normalize() {
	if t.Files == nil {
		t.Files = map[string]*bkFile{}
	}
	if t.Dirs == nil {
		t.Dirs = map[string]time.Time{}
	}
}

// cleanFilePath turns a request path into the tree's key: no leading or trailing slash, empty
// segments dropped. false for '.' or '..' segments and other names no file may have.
func cleanFilePath(p string) (string, bool) {
	var segs []string
	for s := range strings.SplitSeq(p, "/") {
		switch {
		case s == "":
			continue
		case s == "." || s == "..", strings.ContainsAny(s, "\\\x00"):
			return "", false
		}
		segs = append(segs, s)
	}
	return strings.Join(segs, "/"), true
}

// parentDir is the directory holding p ("" for the root).
func parentDir(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return ""
	}
	return p[:i]
}

func (t *bkFileTree) isDir(p string) bool {
	if p == "" {
		return true
	}
	_, ok := t.Dirs[p]
	return ok
}

func (t *bkFileTree) file(p string) (bkFile, bool) {
	f, ok := t.Files[p]
	if !ok {
		return bkFile{}, false
	}
	return *f, true
}

// put links f at p, creating the directories above it. It refuses a path that is a directory
// or lies below a file, and returns the file it replaced, if any (its blob is the caller's to
// delete once the change is saved). A replaced file keeps its creation time.
func (t *bkFileTree) put(p string, f *bkFile) (replaced *bkFile, err error) {
	if p == "" || t.isDir(p) {
		return nil, errBkBadPath(p, "is a directory")
	}
	for dir := parentDir(p); dir != ""; dir = parentDir(dir) {
		if _, isFile := t.Files[dir]; isFile {
			return nil, errBkBadPath(p, fmt.Sprintf("lies below the file %q", dir))
		}
	}
	for dir := parentDir(p); dir != ""; dir = parentDir(dir) {
		if _, ok := t.Dirs[dir]; !ok {
			t.Dirs[dir] = f.Updated
		}
	}
	if old, ok := t.Files[p]; ok {
		f.Created, replaced = old.Created, old
	}
	t.Files[p] = f
	return replaced, nil
}

// remove deletes the file at p, or the directory at p with everything below it, and returns the
// blobs that no longer belong to anything. The root cannot be removed.
func (t *bkFileTree) remove(p string) (blobs []string, ok bool) {
	if f, isFile := t.Files[p]; isFile {
		delete(t.Files, p)
		return []string{f.Blob}, true
	}
	if p == "" || !t.isDir(p) {
		return nil, false
	}
	prefix := p + "/"
	for fp, f := range t.Files {
		if strings.HasPrefix(fp, prefix) {
			blobs = append(blobs, f.Blob)
			delete(t.Files, fp)
		}
	}
	for dp := range t.Dirs {
		if dp == p || strings.HasPrefix(dp, prefix) {
			delete(t.Dirs, dp)
		}
	}
	return blobs, true
}

// blobs lists every blob the tree refers to.
func (t *bkFileTree) blobs() []string {
	out := make([]string, 0, len(t.Files))
	for _, f := range t.Files {
		out = append(out, f.Blob)
	}
	return out
}

// bkEntry is one listed file or directory.
type bkEntry struct {
	Path    string
	Dir     bool
	Size    int64
	Created time.Time
	Updated time.Time
}

// Name is the entry's last path segment.
func (e bkEntry) Name() string { return path.Base(e.Path) }

// list returns dir's entries whose names match pattern (path.Match syntax), with the entries of
// subdirectories too when sub; sorted by path. false when dir is not a directory.
func (t *bkFileTree) list(dir, pattern string, sub bool) ([]bkEntry, bool) {
	if !t.isDir(dir) {
		return nil, false
	}
	within := func(p string) bool {
		if sub {
			return dir == "" || strings.HasPrefix(p, dir+"/")
		}
		return parentDir(p) == dir
	}
	match := func(p string) bool {
		ok, _ := path.Match(pattern, path.Base(p))
		return ok
	}
	var out []bkEntry
	for p, f := range t.Files {
		if within(p) && match(p) {
			out = append(out, bkEntry{Path: p, Size: f.Size, Created: f.Created, Updated: f.Updated})
		}
	}
	for p, created := range t.Dirs {
		if within(p) && match(p) {
			out = append(out, bkEntry{Path: p, Dir: true, Created: created, Updated: created})
		}
	}
	slices.SortFunc(out, func(a, b bkEntry) int { return strings.Compare(a.Path, b.Path) })
	return out, true
}

// bkListQuery is a listing's filter and page.
type bkListQuery struct {
	pattern      string
	sub          bool
	offset, size int
	sortBy       string // name | createdOn | updatedOn | size (console only)
	descending   bool
	countDirs    bool // action=count: count directories too
}

// parseListQuery reads pattern, sub, pagesize (pageSize on the console) and offset
// (backendless-console-api.md §Step 6). pagesize above bkMaxPageSize is capped, not refused.
func parseListQuery(q url.Values) (bkListQuery, error) {
	lq := bkListQuery{pattern: q.Get("pattern"), size: bkMaxPageSize, sortBy: "name"}
	if lq.pattern == "" {
		lq.pattern = "*"
	}
	if _, err := path.Match(lq.pattern, ""); err != nil {
		return lq, fmt.Errorf("pattern %q is not a valid wildcard pattern", lq.pattern)
	}
	var err error
	if lq.sub, err = parseBoolParam(q, "sub"); err != nil {
		return lq, err
	}
	for _, key := range []string{"pagesize", "pageSize"} {
		if v := q.Get(key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return lq, fmt.Errorf("%s %q: want a positive whole number", key, v)
			}
			lq.size = min(n, bkMaxPageSize)
		}
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return lq, fmt.Errorf("offset %q: want a whole number, 0 or more", v)
		}
		lq.offset = n
	}
	if v := q.Get("sortBy"); v != "" {
		if !slices.Contains([]string{"name", "createdOn", "updatedOn", "size"}, v) {
			return lq, fmt.Errorf("sortBy %q: want name, createdOn, updatedOn or size", v)
		}
		lq.sortBy = v
	}
	switch strings.ToLower(q.Get("sortDirection")) {
	case "", "asc":
	case "desc":
		lq.descending = true
	default:
		return lq, fmt.Errorf("sortDirection %q: want asc or desc", q.Get("sortDirection"))
	}
	if lq.countDirs, err = parseBoolParam(q, "countDirectories"); err != nil {
		return lq, err
	}
	return lq, nil
}

// parseBoolParam reads a true/false query parameter; absent is false.
func parseBoolParam(q url.Values, key string) (bool, error) {
	switch strings.ToLower(q.Get(key)) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, fmt.Errorf("%s %q: want true or false", key, q.Get(key))
}

// page sorts entries as asked (name order is already the path order) and cuts the page out.
func (lq bkListQuery) page(entries []bkEntry) []bkEntry {
	key := func(e bkEntry) int64 {
		switch lq.sortBy {
		case "createdOn":
			return e.Created.UnixMilli()
		case "updatedOn":
			return e.Updated.UnixMilli()
		case "size":
			return e.Size
		}
		return 0
	}
	slices.SortStableFunc(entries, func(a, b bkEntry) int {
		c := cmp.Compare(key(a), key(b))
		if c == 0 {
			c = strings.Compare(a.Path, b.Path)
		}
		if lq.descending {
			return -c
		}
		return c
	})
	if lq.offset >= len(entries) {
		return []bkEntry{}
	}
	return entries[lq.offset:min(len(entries), lq.offset+lq.size)]
}

// bkFileItem is one listed file or directory (the contract's item shape; directories carry no
// size).
type bkFileItem struct {
	Name      string `json:"name"`
	URL       string `json:"url"`
	PublicURL string `json:"publicUrl"`
	CreatedOn int64  `json:"createdOn"`
	UpdatedOn int64  `json:"updatedOn"`
	Size      *int64 `json:"size,omitempty"`
}

// items renders entries; publicURL builds a download URL from a clean path.
func items(entries []bkEntry, publicURL func(p string, dir bool) string) []bkFileItem {
	out := make([]bkFileItem, 0, len(entries))
	for _, e := range entries {
		it := bkFileItem{Name: e.Name(), URL: e.Path, PublicURL: publicURL(e.Path, e.Dir), CreatedOn: e.Created.UnixMilli(), UpdatedOn: e.Updated.UnixMilli()}
		if !e.Dir {
			size := e.Size
			it.Size = &size
		}
		out = append(out, it)
	}
	return out
}

// escapeFilePath percent-encodes each segment (backendless-console-api.md §2: encodePath
// encodes per segment).
func escapeFilePath(p string) string {
	if p == "" {
		return ""
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// requestBase is the sandbox's own URL as the client reached it.
func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// --- errors ---

func errBkFileNotFound() *bkError {
	return &bkError{status: http.StatusNotFound, code: bkCodeFileNotFound, message: "The specified resource was not found", kind: core.ErrNotFound}
}

func errBkBadPath(p, why string) *bkError {
	return &bkError{status: http.StatusBadRequest, code: bkCodeBadFileRequest, message: fmt.Sprintf("Invalid file path '%s': %s", p, why), kind: core.ErrInvalid}
}

func errBkBadRequest(msg string) *bkError {
	return &bkError{status: http.StatusBadRequest, code: bkCodeBadFileRequest, message: msg, kind: core.ErrInvalid}
}

// writeBkJSONErr answers a client REST call with err as a JSON {code, message} body, 404
// included (the console's empty 404 is bkError.write).
func writeBkJSONErr(w http.ResponseWriter, err error) {
	var be *bkError
	if errors.As(err, &be) {
		writeBkError(w, be.status, be.code, be.message)
		return
	}
	writeBkError(w, http.StatusInternalServerError, 0, "sandbox: "+err.Error())
}

// --- storage operations shared by the 3.x and 5.0 surfaces ---

// bkTreeLocator finds a file tree in the state, or explains why there is none. write is true
// inside store.update only: a locator may then create the tree, and must not otherwise.
type bkTreeLocator func(st *state, write bool) (*bkFileTree, error)

// bkStoreFile streams r into a blob and links it at p. Without overwrite an existing file is
// refused (before reading r when it already exists, and again when linking, so concurrent
// uploads cannot both win). A failed read of r leaves nothing behind.
func (s *Backendless) bkStoreFile(locate bkTreeLocator, p string, r io.Reader, overwrite bool) error {
	var pre error
	s.store.read(func(st *state) {
		t, err := locate(st, false)
		if err != nil {
			pre = err
			return
		}
		if _, exists := t.Files[p]; exists && !overwrite {
			pre = errBkFileExists()
		} else if t.isDir(p) {
			pre = errBkBadPath(p, "is a directory")
		}
	})
	if pre != nil {
		return pre
	}
	id, size, sum, err := s.PutBlob(r)
	if err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	f := &bkFile{Blob: id, Size: size, SHA256: sum, Created: now, Updated: now}
	var old *bkFile
	err = s.store.update(func(st *state) error {
		t, err := locate(st, true)
		if err != nil {
			return err
		}
		if _, exists := t.Files[p]; exists && !overwrite {
			return errBkFileExists()
		}
		old, err = t.put(p, f)
		return err
	})
	if err != nil {
		_ = s.DeleteBlob(id)
		return err
	}
	if old != nil {
		_ = s.DeleteBlob(old.Blob)
	}
	return nil
}

func errBkFileExists() *bkError {
	return &bkError{status: http.StatusBadRequest, code: bkCodeFileExists, message: "File already exists", kind: core.ErrConflict}
}

// bkRemoveFile deletes the file or directory at p and then its blobs.
func (s *Backendless) bkRemoveFile(locate bkTreeLocator, p string) error {
	var blobs []string
	err := s.store.update(func(st *state) error {
		t, err := locate(st, true)
		if err != nil {
			return err
		}
		var ok bool
		if blobs, ok = t.remove(p); !ok {
			return errBkFileNotFound()
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.deleteBlobs(blobs)
	return nil
}

// deleteBlobs removes blobs nothing refers to any more; a failure only leaves an orphan file.
func (s *Backendless) deleteBlobs(ids []string) {
	for _, id := range ids {
		if id != "" {
			_ = s.DeleteBlob(id)
		}
	}
}

// bkOpenFile opens the blob of the file at p. A download racing an overwrite may find the old
// blob already deleted; it then looks again and gets the new one.
func (s *Backendless) bkOpenFile(locate bkTreeLocator, p string) (io.ReadSeekCloser, bkFile, error) {
	for range 3 {
		var f bkFile
		var found bool
		var lerr error
		s.store.read(func(st *state) {
			t, err := locate(st, false)
			if err != nil {
				lerr = err
				return
			}
			f, found = t.file(p)
		})
		if lerr != nil {
			return nil, bkFile{}, lerr
		}
		if !found {
			return nil, bkFile{}, errBkFileNotFound()
		}
		rc, _, err := s.OpenBlob(f.Blob)
		if errors.Is(err, core.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, bkFile{}, err
		}
		return rc, f, nil
	}
	return nil, bkFile{}, errBkFileNotFound()
}

// bkServeFile answers a download of the file at p with http.ServeContent: Content-Length,
// Range (206) and HEAD as documented for Files downloads; the ETag is the SHA-256, so If-Range
// works too.
func (s *Backendless) bkServeFile(w http.ResponseWriter, r *http.Request, locate bkTreeLocator, p string) error {
	rc, f, err := s.bkOpenFile(locate, p)
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("ETag", `"`+f.SHA256+`"`)
	http.ServeContent(w, r, path.Base(p), f.Updated, rc)
	return nil
}

// bkLookup reads what kind of thing p is in the tree: "file", "dir" or "".
func (s *Backendless) bkLookup(locate bkTreeLocator, p string) (string, error) {
	kind := ""
	var lerr error
	s.store.read(func(st *state) {
		t, err := locate(st, false)
		if err != nil {
			lerr = err
			return
		}
		if _, ok := t.Files[p]; ok {
			kind = "file"
		} else if t.isDir(p) {
			kind = "dir"
		}
	})
	return kind, lerr
}

// bkList lists dir as lq asks; found is false when dir is not a directory. count is the number
// of matching entries before paging.
func (s *Backendless) bkList(locate bkTreeLocator, dir string, lq bkListQuery) (page []bkEntry, count int, err error) {
	var all []bkEntry
	found := false
	s.store.read(func(st *state) {
		t, lerr := locate(st, false)
		if lerr != nil {
			err = lerr
			return
		}
		all, found = t.list(dir, lq.pattern, lq.sub)
	})
	if err != nil {
		return nil, 0, err
	}
	if !found {
		return nil, 0, errBkFileNotFound()
	}
	return lq.page(all), len(all), nil
}

// bkStat returns what is at p: the file, or an error (not found, or p is a directory).
func (s *Backendless) bkStat(locate bkTreeLocator, p string) (bkFile, error) {
	var f bkFile
	var found bool
	var lerr error
	s.store.read(func(st *state) {
		t, err := locate(st, false)
		if err != nil {
			lerr = err
			return
		}
		f, found = t.file(p)
	})
	if lerr != nil {
		return bkFile{}, lerr
	}
	if !found {
		return bkFile{}, errBkFileNotFound()
	}
	return f, nil
}

// bkLinkBlob replaces the content of the existing file at p with a blob already stored, and
// deletes the blob it had. The new blob is deleted instead when the file is gone.
func (s *Backendless) bkLinkBlob(locate bkTreeLocator, p string, ref bkBlobRef) error {
	var old *bkFile
	err := s.store.update(func(st *state) error {
		t, err := locate(st, true)
		if err != nil {
			return err
		}
		if _, ok := t.Files[p]; !ok {
			return errBkFileNotFound()
		}
		now := time.Now().UTC().Truncate(time.Millisecond)
		old, err = t.put(p, &bkFile{Blob: ref.ID, Size: ref.Size, SHA256: ref.SHA256, Created: now, Updated: now})
		return err
	})
	if err != nil {
		_ = s.DeleteBlob(ref.ID)
		return err
	}
	if old != nil {
		_ = s.DeleteBlob(old.Blob)
	}
	return nil
}
