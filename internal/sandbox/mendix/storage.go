package mendix

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// Pre-signed storage URLs: Mendix hands out download links for packages (Deploy v1 `Url`,
// mendix-cloud-api.md §5.2) and backups (Backups v1 snapshot links §5.4, Backups v2 archive
// `url` §5.5) that point at third-party object storage, need no Mendix headers and expire.
// The sandbox serves them under /mendix/storage/<token>/<file name> and answers like S3 does.

// mxPackageURLTTL is the package link lifetime; the docs' example says TTL 900.
const mxPackageURLTTL = 900 * time.Second

// mxDefaultArchiveURLTTL is the default backup link lifetime in seconds: the 2020 revision's
// 10 minutes, the short one clients must cope with (mendix-cloud-api.md §5.5).
const mxDefaultArchiveURLTTL = 600

// mxURLGrace is how long an expired link is remembered (and answered "expired" rather than
// "denied") before it is pruned from the state.
const mxURLGrace = time.Hour

// mxMaxURLs bounds the remembered links; a client polling for fresh URLs must not grow the
// state file (rewritten on every change) without end. The oldest go first.
const mxMaxURLs = 500

// mxStoragePath is the path of a link below the sandbox root.
func mxStoragePath(token, fileName string) string {
	return mountMendixStorage + "/" + token + "/" + url.PathEscape(fileName)
}

// mintURL records a new link for src valid for ttl and returns its token (inside store.update).
func (st *state) mintURL(src mxURL, ttl time.Duration, now time.Time) string {
	m := st.Mendix
	m.URLs = slices.DeleteFunc(m.URLs, func(u *mxURL) bool {
		gone := now.Sub(u.Expires) > mxURLGrace
		if gone {
			st.touch(collURLs, u.Token)
		}
		return gone
	})
	if len(m.URLs) >= mxMaxURLs {
		drop := len(m.URLs) - mxMaxURLs + 1
		for _, u := range m.URLs[:drop] {
			st.touch(collURLs, u.Token)
		}
		m.URLs = slices.Delete(m.URLs, 0, drop)
	}
	src.Token = core.RandomHex(20)
	src.Expires = now.Add(ttl)
	m.URLs = append(m.URLs, &src)
	st.touch(collURLs, src.Token)
	return src.Token
}

func (m *mendixState) url(token string) *mxURL {
	for _, u := range m.URLs {
		if u.Token == token {
			return u
		}
	}
	return nil
}

// archiveTTL is the configured backup link lifetime.
func (m *mendixState) archiveTTL() time.Duration {
	return time.Duration(m.ArchiveURLTTLSeconds) * time.Second
}

// routeMendixStorage serves the links: GET (and HEAD) with Range support, nothing else.
func (s *Mendix) routeMendixStorage(mux *core.Mount) {
	// §5.2 and §5.5: the links are fetched with a plain GET; HEAD is not documented.
	mux.Route(core.Documented, "§5.2, §5.5", "GET /{token}/{name...}", s.mxServeStorage)
	mux.NotFound(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeS3Error(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.", nil)
			return
		}
		writeS3Error(w, http.StatusForbidden, "AccessDenied", "Access Denied", nil)
	})
}

func (s *Mendix) mxServeStorage(w http.ResponseWriter, r *http.Request) {
	// modeled on S3: a pre-signed request must not carry a second authentication mechanism, which
	// is what forwarding Mendix credentials to storage looks like.
	if r.Header.Get("Authorization") != "" {
		writeS3Error(w, http.StatusBadRequest, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified", nil)
		return
	}
	var u mxURL
	var found bool
	s.store.read(func(st *state) {
		if p := st.Mendix.url(r.PathValue("token")); p != nil {
			u, found = *p, true
		}
	})
	now := time.Now()
	switch {
	case !found:
		writeS3Error(w, http.StatusForbidden, "AccessDenied", "Access Denied", nil)
		return
	case !now.Before(u.Expires):
		writeS3Error(w, http.StatusForbidden, "AccessDenied", "Request has expired", &u.Expires)
		return
	}
	var ref mxBlobRef
	var err error
	if u.PackageID != "" {
		ref, err = s.mxPackageBlob(u.PackageID)
	} else {
		ref, err = s.mxSnapshotBlob(u.SnapshotID, u.Part)
	}
	if err != nil {
		if errors.Is(err, core.ErrNotFound) {
			writeS3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", nil)
			return
		}
		s.Logf("sandbox: mendix storage: %v", err)
		writeS3Error(w, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.", nil)
		return
	}
	f, _, err := s.OpenBlob(ref.BlobID)
	if err != nil {
		writeS3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", nil)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", u.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": u.FileName}))
	h.Set("ETag", `"`+ref.SHA256[:32]+`"`)
	h.Set("x-amz-request-id", strings.ToUpper(core.RandomHex(8)))
	// ServeContent answers Range and If-Range requests (206, 416) from the seekable blob.
	http.ServeContent(w, r, "", time.Time{}, f)
}

// s3Error is S3's XML error document.
type s3Error struct {
	XMLName    xml.Name `xml:"Error"`
	Code       string   `xml:"Code"`
	Message    string   `xml:"Message"`
	Expires    string   `xml:"Expires,omitempty"`
	ServerTime string   `xml:"ServerTime,omitempty"`
	RequestID  string   `xml:"RequestId"`
	HostID     string   `xml:"HostId"`
}

func writeS3Error(w http.ResponseWriter, status int, code, msg string, expired *time.Time) {
	e := s3Error{Code: code, Message: msg, RequestID: strings.ToUpper(core.RandomHex(8)), HostID: core.RandomHex(16)}
	if expired != nil {
		e.Expires = expired.UTC().Format(time.RFC3339)
		e.ServerTime = time.Now().UTC().Format(time.RFC3339)
	}
	body, err := xml.Marshal(e)
	if err != nil {
		body = []byte("<Error><Code>InternalError</Code></Error>")
	}
	core.WriteBody(w, status, "application/xml", append([]byte(xml.Header), body...))
}

// s3ErrorWriter renders injected faults on the storage mount in S3's style.
func s3ErrorWriter(w http.ResponseWriter, status int, msg string) {
	code := "InternalError"
	switch status {
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		code = "SlowDown"
	case http.StatusNotFound:
		code = "NoSuchKey"
	}
	writeS3Error(w, status, code, msg, nil)
}

// --- lazily generated blobs ---

// errMxNoContent says a record has neither a blob nor a way to generate one.
var errMxNoContent = errors.New("no content")

// mxEnsureBlob returns the blob locate points at, producing it first when it does not exist
// yet. Concurrent callers may both produce; the first to record wins and the other's copy is
// deleted, so the result is the same either way (generation is deterministic).
func (s *Mendix) mxEnsureBlob(locate func(st *state) *mxBlobRef, produce func(w io.Writer) error) (mxBlobRef, error) {
	var ref mxBlobRef
	found := false
	s.store.read(func(st *state) {
		if p := locate(st); p != nil {
			ref, found = *p, true
		}
	})
	if !found {
		return ref, core.ErrNotFound
	}
	if ref.BlobID != "" {
		return ref, nil
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(produce(pw)) }()
	id, size, sum, err := s.PutBlob(pr)
	pr.CloseWithError(errMxNoContent) // releases the producer if PutBlob stopped reading early
	if err != nil {
		return ref, err
	}
	err = s.store.update(func(st *state) error {
		p := locate(st)
		if p == nil {
			return core.ErrNotFound
		}
		if p.BlobID == "" {
			*p = mxBlobRef{BlobID: id, Size: size, SHA256: sum}
		}
		ref = *p
		return nil
	})
	if err != nil || ref.BlobID != id {
		_ = s.DeleteBlob(id)
	}
	return ref, err
}

// mxPackageBlob returns the .mda of a package, generating a fixture package's on first use.
func (s *Mendix) mxPackageBlob(id string) (mxBlobRef, error) {
	var p mxPackage
	s.store.read(func(st *state) {
		if q := st.Mendix.pkg(id); q != nil {
			p = *q
			p.Constants = slices.Clone(q.Constants)
			p.ScheduledEvents = slices.Clone(q.ScheduledEvents)
		}
	})
	return s.mxEnsureBlob(func(st *state) *mxBlobRef {
		if q := st.Mendix.pkg(id); q != nil {
			st.touch(collPackages, q.ID)
			return &q.Blob
		}
		return nil
	}, func(w io.Writer) error {
		if p.Gen == nil {
			return fmt.Errorf("package %s: %w", id, errMxNoContent)
		}
		return writeMxPackage(w, &p)
	})
}

// mxSnapshotBlob returns one part of a snapshot: the full archive, or the database-only or
// files-only download derived from it.
func (s *Mendix) mxSnapshotBlob(id, part string) (mxBlobRef, error) {
	locate := func(part string) func(st *state) *mxBlobRef {
		return func(st *state) *mxBlobRef {
			sn := st.Mendix.snapshot(id)
			if sn == nil {
				return nil
			}
			st.touch(collSnapshots, sn.ID)
			switch part {
			case mxPartDB:
				return &sn.Content.Parts.DB
			case mxPartFiles:
				return &sn.Content.Parts.Files
			}
			return &sn.Content.Blob
		}
	}
	var gen *mxBackupGen
	s.store.read(func(st *state) {
		if sn := st.Mendix.snapshot(id); sn != nil && sn.Content.Gen != nil {
			g := *sn.Content.Gen
			gen = &g
		}
	})
	full, err := s.mxEnsureBlob(locate(mxPartFull), func(w io.Writer) error {
		if gen == nil {
			return fmt.Errorf("snapshot %s: %w", id, errMxNoContent)
		}
		return writeMxBackup(w, *gen)
	})
	if err != nil || part == mxPartFull || part == "" {
		return full, err
	}
	return s.mxEnsureBlob(locate(part), func(w io.Writer) error {
		f, _, err := s.OpenBlob(full.BlobID)
		if err != nil {
			return err
		}
		defer f.Close()
		return writeMxBackupPart(w, f, part)
	})
}

// mxSnapshotFileName names a snapshot download.
func mxSnapshotFileName(sn *mxSnapshot, subdomain, mode, part string) string {
	stamp := sn.Created.UTC().Format("20060102-150405")
	base := fmt.Sprintf("%s-%s-%s", strings.ToLower(subdomain), strings.ToLower(mode), stamp)
	switch part {
	case mxPartDB:
		return base + ".backup"
	case mxPartFiles:
		return base + "-files.tar.gz"
	}
	return base + ".tar.gz"
}

func mxPartContentType(part string) string {
	if part == mxPartDB {
		return "application/octet-stream"
	}
	return "application/gzip"
}
