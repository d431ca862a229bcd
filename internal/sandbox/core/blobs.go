package core

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// BlobDir holds large contents (files, archives, packages, backups) one file per blob, outside
// the store: archives reach gigabytes and must stream, never sit in memory or in a record.
const BlobDir = "blobs"

// blobIDBytes is the random part of a blob id; 16 bytes make collisions irrelevant.
const blobIDBytes = 16

// PutBlob streams r into a new blob and returns its id, its size and the SHA-256 of its bytes
// (lower-case hex), computed in flight so callers can compare with what the client claims.
// A read error from r leaves no blob behind.
func (s *Core) PutBlob(r io.Reader) (id string, size int64, sha256Hex string, err error) {
	dir := filepath.Join(s.opts.DataDir, BlobDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", 0, "", fmt.Errorf("sandbox: create blob dir: %w", err)
	}
	f, err := os.CreateTemp(dir, "put-*.tmp")
	if err != nil {
		return "", 0, "", fmt.Errorf("sandbox: create blob: %w", err)
	}
	tmp := f.Name()
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(f, h), r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		id = RandomHex(blobIDBytes)
		err = os.Rename(tmp, filepath.Join(dir, id))
	}
	if err != nil {
		_ = os.Remove(tmp)
		return "", 0, "", fmt.Errorf("sandbox: store blob: %w", err)
	}
	return id, size, hex.EncodeToString(h.Sum(nil)), nil
}

// OpenBlob opens a blob for streaming and returns its size; the caller closes it. A seeker, so
// http.ServeContent can answer range requests from it.
func (s *Core) OpenBlob(id string) (io.ReadSeekCloser, int64, error) {
	p, err := s.blobPath(id)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, fmt.Errorf("sandbox: blob %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("sandbox: open blob: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, 0, fmt.Errorf("sandbox: open blob: %w", err)
	}
	return f, fi.Size(), nil
}

// DeleteBlob removes a blob; deleting one that is already gone is not an error, so a retried
// delete converges.
func (s *Core) DeleteBlob(id string) error {
	p, err := s.blobPath(id)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("sandbox: delete blob: %w", err)
	}
	return nil
}

// blobPath maps an id to its file, refusing anything that is not one of our ids so an id taken
// from a request can never name a path outside the blob directory.
func (s *Core) blobPath(id string) (string, error) {
	if len(id) != 2*blobIDBytes {
		return "", fmt.Errorf("sandbox: blob id %q: %w", id, ErrInvalid)
	}
	if _, err := hex.DecodeString(id); err != nil {
		return "", fmt.Errorf("sandbox: blob id %q: %w", id, ErrInvalid)
	}
	return filepath.Join(s.opts.DataDir, BlobDir, id), nil
}
