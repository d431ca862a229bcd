package backendless

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// ManifestName is the entry of a migration archive that describes its content (MODELED format
// "backendless-migration/1": the real archive layout is not published).
const ManifestName = "manifest.json"

// Manifest is manifest.json of a migration archive: what the importer must end up with.
type Manifest struct {
	Format string `json:"format"`
	App    struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"app"`
	Version string           `json:"version"`
	Created string           `json:"created"`
	Tables  map[string]int64 `json:"tables"`
	Users   int64            `json:"users"`
	Roles   int64            `json:"roles"`
	Entries []ManifestEntry  `json:"entries"`
}

// ManifestEntry is the size and SHA-256 of one archive entry.
type ManifestEntry struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// maxManifest bounds what is read of manifest.json: it lists entries, not content.
const maxManifest = 16 << 20

// ArchiveError says why a remote archive could not be read as a migration archive; the
// archive itself is at fault (not the network), so retrying does not help.
type ArchiveError struct {
	Path   string
	Reason string
	Err    error
}

func (e *ArchiveError) Error() string { return fmt.Sprintf("archive %s: %s", e.Path, e.Reason) }

func (e *ArchiveError) Unwrap() error { return e.Err }

// LegacyArchiveManifest reads manifest.json out of a 3.x archive without downloading the archive:
// a one-byte Range GET for its size (never HEAD), then HTTP Range GETs for the zip's central directory and the one entry
// (the DOCUMENTED download URL form; Range support is what the sandbox offers and what file
// hosts generally offer — a server that ignores Range is reported, never silently downloaded).
func (cl *Client) LegacyArchiveManifest(ctx context.Context, appID, version, p string) (*Manifest, error) {
	h, err := cl.legacyHeader(appID)
	if err != nil {
		return nil, err
	}
	ra := &RangeReaderAt{
		ctx: ctx, http: cl.http, url: cl.legacyDownloadURL(appID, version, p), header: h,
		name: fmt.Sprintf("backendless 3.x: read %s of app %s version %s", CleanPath(p), appID, version),
	}
	if err := ra.stat(); err != nil {
		return nil, err
	}
	return ReadManifest(ra, ra.Size(), CleanPath(p))
}

// ReadManifest finds and decodes manifest.json in the zip behind r.
func ReadManifest(r io.ReaderAt, size int64, name string) (*Manifest, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		var re *rangeError
		if errors.As(err, &re) {
			return nil, re.err // a network failure, not a broken archive
		}
		return nil, &ArchiveError{Path: name, Reason: "is not a zip archive (" + err.Error() + ")", Err: err}
	}
	if err := checkEntries(zr, name); err != nil {
		return nil, err
	}
	for _, f := range zr.File {
		if f.Name != ManifestName {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, &ArchiveError{Path: name, Reason: "cannot open manifest.json: " + err.Error(), Err: err}
		}
		defer rc.Close()
		var m Manifest
		if err := json.NewDecoder(io.LimitReader(rc, maxManifest)).Decode(&m); err != nil {
			var re *rangeError
			if errors.As(err, &re) {
				return nil, re.err
			}
			return nil, &ArchiveError{Path: name, Reason: "manifest.json is not valid JSON: " + err.Error(), Err: err}
		}
		if !strings.HasPrefix(m.Format, "backendless-migration/") {
			return nil, &ArchiveError{Path: name, Reason: fmt.Sprintf("manifest.json has format %q, not a backendless-migration manifest", m.Format)}
		}
		if m.Tables == nil {
			m.Tables = map[string]int64{}
		}
		return &m, nil
	}
	return nil, &ArchiveError{Path: name, Reason: "has no manifest.json: it is not a Backendless migration data archive"}
}

// BadEntryName says why a zip entry name would land outside the folder the archive is unpacked
// into, "" when it would not: an absolute name (/x, \x, C:x), a `..` segment, a backslash (a
// Windows separator some unzip tools follow), a NUL.
func BadEntryName(n string) string {
	switch {
	case strings.ContainsRune(n, 0):
		return "contains a NUL character"
	case strings.ContainsRune(n, '\\'):
		return "contains a backslash (a Windows path separator)"
	case strings.HasPrefix(n, "/"):
		return "is an absolute path"
	case len(n) >= 2 && n[1] == ':' && (n[0]|0x20 >= 'a' && n[0]|0x20 <= 'z'):
		return "starts with a drive letter"
	}
	for _, seg := range strings.Split(n, "/") {
		if seg == ".." {
			return "has a `..` segment that climbs out of the archive's folder"
		}
	}
	return ""
}

// checkEntries refuses an archive with an entry that escapes its folder, naming the first few.
func checkEntries(zr *zip.Reader, name string) error {
	var bad []string
	for _, f := range zr.File {
		if why := BadEntryName(f.Name); why != "" {
			bad = append(bad, fmt.Sprintf("%q %s", f.Name, why))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	more := ""
	if len(bad) > 5 {
		more, bad = fmt.Sprintf(" and %d more", len(bad)-5), bad[:5]
	}
	return &ArchiveError{Path: name, Reason: "has entries that escape the archive's folder: " + strings.Join(bad, ", ") + more}
}

// CheckLegacyArchive reads the zip central directory of a 3.x archive with Range GETs on the
// DOCUMENTED download URL (not the archive's content) and refuses one that is not a zip or has an
// entry that escapes its folder (*ArchiveError). It sends nothing else.
func (cl *Client) CheckLegacyArchive(ctx context.Context, appID, version, p string) error {
	h, err := cl.legacyHeader(appID)
	if err != nil {
		return err
	}
	ra := &RangeReaderAt{
		ctx: ctx, http: cl.http, url: cl.legacyDownloadURL(appID, version, p), header: h,
		name: fmt.Sprintf("backendless 3.x: read the entries of %s of app %s version %s", CleanPath(p), appID, version),
	}
	if err := ra.stat(); err != nil {
		return err
	}
	zr, err := zip.NewReader(ra, ra.Size())
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		var re *rangeError
		if errors.As(err, &re) {
			return re.err
		}
		return &ArchiveError{Path: CleanPath(p), Reason: "is not a zip archive (" + err.Error() + ")", Err: err}
	}
	return checkEntries(zr, CleanPath(p))
}

// RangeReaderAt is an io.ReaderAt over a remote file, backed by HTTP Range GETs through the
// transport (so each read is retried like any other call). A few blocks are cached, because
// archive/zip reads the end of the file in several small, overlapping pieces.
type RangeReaderAt struct {
	ctx    context.Context
	http   *transport.Client
	url    string
	header http.Header
	name   string
	size   int64

	mu       sync.Mutex
	blocks   map[int64][]byte
	order    []int64
	requests int
}

// NewRangeReaderAt returns a reader of the size-byte file at url; header is sent with every GET.
func NewRangeReaderAt(ctx context.Context, c *transport.Client, name, url string, header http.Header, size int64) *RangeReaderAt {
	return &RangeReaderAt{ctx: ctx, http: c, name: name, url: url, header: header, size: size}
}

const (
	rangeBlock     = 64 << 10
	rangeMaxBlocks = 16
)

// Size is the file's length.
func (r *RangeReaderAt) Size() int64 { return r.size }

// Requests is how many Range GETs were sent (tests assert the archive was not downloaded).
func (r *RangeReaderAt) Requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}

// stat learns the size with a one-byte Range GET (never HEAD: the reference documents GET with
// Range on the download URL, not HEAD).
func (r *RangeReaderAt) stat() error {
	size, err := rangeSize(r.ctx, r.http, r.name+" (size)", r.url, r.header)
	if err != nil {
		return err
	}
	r.size = size
	return nil
}

// rangeSize asks for the first byte of the file at url (GET with `Range: bytes=0-0`) and reads
// the file's length from the answer's Content-Range (`bytes 0-0/<size>`); a server that ignores
// Range answers 200 with the whole length, which is read from Content-Length without reading the
// body; an empty file is 416 with `bytes */0`. Anything else is an *Error.
func rangeSize(ctx context.Context, c *transport.Client, name, url string, header http.Header) (int64, error) {
	h := header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Range", "bytes=0-0")
	h.Set("Accept", "*/*")
	resp, err := c.Do(ctx, &transport.Request{Name: name, Method: http.MethodGet, URL: url, Header: h, Stream: true})
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	switch resp.StatusCode {
	case http.StatusPartialContent, http.StatusRequestedRangeNotSatisfiable:
		cr := resp.Header.Get("Content-Range")
		if i := strings.LastIndexByte(cr, '/'); i >= 0 {
			if n, err := strconv.ParseInt(strings.TrimSpace(cr[i+1:]), 10, 64); err == nil && n >= 0 {
				return n, nil
			}
		}
		if resp.StatusCode == http.StatusPartialContent {
			return 0, fmt.Errorf("%s: the server's Content-Range %q does not say how large the file is", name, cr)
		}
	case http.StatusOK:
		if resp.ContentLength >= 0 {
			return resp.ContentLength, nil
		}
		return 0, fmt.Errorf("%s: the server ignored the Range request and did not say how large the file is", name)
	}
	return 0, apiError(name, resp)
}

// rangeError carries a network failure through archive/zip, which would otherwise report it as
// a malformed archive.
type rangeError struct{ err error }

func (e *rangeError) Error() string { return e.err.Error() }

func (e *rangeError) Unwrap() error { return e.err }

// ReadAt implements io.ReaderAt.
func (r *RangeReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= r.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && off+int64(n) < r.size {
		pos := off + int64(n)
		idx := pos / rangeBlock
		b, err := r.block(idx)
		if err != nil {
			return n, &rangeError{err}
		}
		n += copy(p[n:], b[pos-idx*rangeBlock:])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// block returns block idx, fetching it with one Range GET when it is not cached.
func (r *RangeReaderAt) block(idx int64) ([]byte, error) {
	r.mu.Lock()
	if b, ok := r.blocks[idx]; ok {
		r.mu.Unlock()
		return b, nil
	}
	r.requests++
	r.mu.Unlock()

	start := idx * rangeBlock
	end := min(start+rangeBlock, r.size) - 1
	h := r.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Range", "bytes="+strconv.FormatInt(start, 10)+"-"+strconv.FormatInt(end, 10))
	h.Set("Accept", "*/*")
	resp, err := r.http.Do(r.ctx, &transport.Request{Name: r.name, Method: http.MethodGet, URL: r.url, Header: h})
	if err != nil {
		return nil, err
	}
	defer drain(resp.Body)
	switch resp.StatusCode {
	case http.StatusPartialContent:
	case http.StatusOK:
		if start == 0 && resp.ContentLength == end+1 {
			break // the range was the whole (small) file
		}
		return nil, fmt.Errorf("%s: the server ignored the HTTP Range request and would send the whole file; "+
			"reading the manifest needs Range support", r.name)
	default:
		return nil, apiError(r.name, resp)
	}
	b := make([]byte, end-start+1)
	if _, err := io.ReadFull(resp.Body, b); err != nil {
		return nil, fmt.Errorf("%s: reading bytes %d-%d: %w", r.name, start, end, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.blocks == nil {
		r.blocks = map[int64][]byte{}
	}
	if len(r.order) >= rangeMaxBlocks {
		delete(r.blocks, r.order[0])
		r.order = r.order[1:]
	}
	r.blocks[idx] = b
	r.order = append(r.order, idx)
	return b, nil
}
