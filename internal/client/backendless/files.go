package backendless

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// FileInfo is one entry of a Files directory listing. The 3.x listing, the 5.x REST listing and
// the console listing share the item shape (backendless-console-api.md §Step 6: name, url,
// publicUrl, createdOn, updatedOn, size; directories carry no size).
type FileInfo struct {
	Name      string
	URL       string // path relative to the storage root, as the server lists it
	PublicURL string
	Size      int64
	IsDir     bool
	Created   time.Time
	Updated   time.Time
}

// rawFileInfo is the listing item on the wire; epoch-ms numbers and an absent size for directories.
type rawFileInfo struct {
	Name      string       `json:"name"`
	URL       string       `json:"url"`
	PublicURL string       `json:"publicUrl"`
	CreatedOn json.Number  `json:"createdOn"`
	UpdatedOn json.Number  `json:"updatedOn"`
	Size      *json.Number `json:"size"`
}

func (r rawFileInfo) info() FileInfo {
	f := FileInfo{Name: r.Name, URL: r.URL, PublicURL: r.PublicURL, Created: epochMS(r.CreatedOn), Updated: epochMS(r.UpdatedOn)}
	if r.Size == nil {
		f.IsDir = true
	} else if n, err := r.Size.Int64(); err == nil {
		f.Size = n
	}
	return f
}

func epochMS(n json.Number) time.Time {
	ms, err := n.Int64()
	if err != nil || ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// listPageSize is the largest page the SDK's "load full directory" asks for (§6: max unknown).
const listPageSize = 100

// filePath escapes a storage path segment by segment (§2: encodePath) and drops empty segments,
// so "/migration-to-4/x.zip" and "migration-to-4/x.zip" address the same file.
func filePath(p string) string {
	var b strings.Builder
	for _, s := range strings.Split(p, "/") {
		if s == "" {
			continue
		}
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// CleanPath returns p with one leading slash and no empty segments, the form this client reports
// and the provider records ("/migration-to-4/x.zip").
func CleanPath(p string) string {
	parts := strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
	return "/" + strings.Join(parts, "/")
}

// SplitPath returns the directory and base name of a storage path.
func SplitPath(p string) (dir, name string) {
	p = CleanPath(p)
	i := strings.LastIndexByte(p, '/')
	return CleanPath(p[:i]), p[i+1:]
}

// readJSON decodes a 2xx body into out, or turns any other answer into an *Error.
func readJSON(op string, resp *http.Response, out any) error {
	defer drain(resp.Body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return apiError(op, resp)
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: reading the answer: %w", op, err)
	}
	return nil
}

// drain lets the connection be reused; what is left of an answer read this way is small.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

// restKey returns the app's REST API key, asking the console once per client (§3.2).
func (cl *Client) restKey(ctx context.Context, appID string) (string, error) {
	cl.mu.Lock()
	key, ok := cl.restKeys[appID]
	cl.mu.Unlock()
	if ok {
		return key, nil
	}
	key, err := cl.RESTAPIKey(ctx, appID)
	if err != nil {
		return "", err
	}
	cl.mu.Lock()
	cl.restKeys[appID] = key
	cl.mu.Unlock()
	return key, nil
}

// forgetRESTKey drops a refused key so the next call reads the settings again (a regenerated key).
func (cl *Client) forgetRESTKey(appID, refused string) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.restKeys[appID] == refused {
		delete(cl.restKeys, appID)
	}
}

// rest sends one 5.x client REST call built by build from the app's base URL
// ({api}/{appId}/{REST-key}, §3.2). A 401 (code 2002, a regenerated key) re-reads the key once.
// The caller closes the response body.
func (cl *Client) rest(ctx context.Context, appID string, build func(base string) *transport.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		key, err := cl.restKey(ctx, appID)
		if err != nil {
			return nil, err
		}
		resp, err := cl.http.Do(ctx, build(cl.cfg.APIURL+path(appID, key)))
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusUnauthorized && attempt == 0 {
			drain(resp.Body)
			cl.forgetRESTKey(appID, key)
			continue
		}
		return resp, nil
	}
}

// RESTKeyPlaceholder stands for the REST API key in URLs this client hands out: Backendless'
// public file URLs carry the key (§2), and the key must not reach Terraform state.
const RESTKeyPlaceholder = "{rest-api-key}"

// hideKey replaces the REST API key in a URL by RESTKeyPlaceholder.
func hideKey(u, key string) string {
	if key == "" {
		return u
	}
	return strings.ReplaceAll(u, key, RESTKeyPlaceholder)
}

// UploadResult is what a 5.x upload reports.
type UploadResult struct {
	// FileURL is the download URL Backendless answered with ({"fileURL"}, JS SDK typings),
	// the REST API key replaced by RESTKeyPlaceholder.
	FileURL string
	// Sent is the byte count and SHA-256 of what was streamed, computed in flight.
	Sent transport.Digest
}

// UploadFile streams src into the 5.x app at p (backendless-console-api.md §Step 4, option A,
// DOCUMENTED: POST /{appId}/{REST-key}/files/{path}?overwrite=, multipart field `file`).
// Without overwrite, a repeat after an unanswered attempt is sent only when the file is proven
// absent; with overwrite, repeating writes the same bytes again and is safe.
func (cl *Client) UploadFile(ctx context.Context, appID, p string, overwrite bool, src transport.Source) (*UploadResult, error) {
	const op = "backendless: upload file"
	_, name := SplitPath(p)
	for attempt := 0; ; attempt++ {
		key, err := cl.restKey(ctx, appID)
		if err != nil {
			return nil, err
		}
		resp, sent, err := cl.http.Copy(ctx, transport.Upload{
			Name:       op,
			Method:     http.MethodPost,
			URL:        cl.cfg.APIURL + path(appID, key) + "/files" + filePath(p) + "?overwrite=" + strconv.FormatBool(overwrite),
			Header:     http.Header{"Accept": []string{"application/json"}},
			Source:     src,
			Multipart:  &transport.Multipart{Field: "file", FileName: name, ContentType: "application/zip"},
			Idempotent: overwrite,
			NotDone: func(ctx context.Context) (bool, error) {
				exists, err := cl.FileExists(ctx, appID, p)
				return !exists, err
			},
		})
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusUnauthorized && attempt == 0 {
			drain(resp.Body)
			cl.forgetRESTKey(appID, key)
			continue
		}
		var out struct {
			FileURL string `json:"fileURL"`
		}
		if err := readJSON(op+" "+CleanPath(p), resp, &out); err != nil {
			return nil, err
		}
		return &UploadResult{FileURL: hideKey(out.FileURL, key), Sent: sent}, nil
	}
}

// IsFileExists reports the 5.x answer to an upload over an existing file without overwrite
// (sandbox contract: 400 code 6016 "File already exists"; §Step 4 says only "server error").
func IsFileExists(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == 6016
}

// Download opens the 5.x file at p for reading (DOCUMENTED: GET /{appId}/{REST-key}/files/{path}).
// It is a transport.Source, so a copy can re-open it per attempt.
func (cl *Client) Download(appID, p string) transport.Source {
	return func(ctx context.Context) (io.ReadCloser, int64, error) {
		op := "backendless: download " + CleanPath(p)
		resp, err := cl.rest(ctx, appID, func(base string) *transport.Request {
			return &transport.Request{Name: op, Method: http.MethodGet, URL: base + "/files" + filePath(p), Stream: true}
		})
		if err != nil {
			return nil, 0, err
		}
		if resp.StatusCode != http.StatusOK {
			defer drain(resp.Body)
			return nil, 0, apiError(op, resp)
		}
		resume := func(ctx context.Context, h http.Header) (*http.Response, error) {
			return cl.rest(ctx, appID, func(base string) *transport.Request {
				return &transport.Request{Name: op, Method: http.MethodGet, URL: base + "/files" + filePath(p), Header: h, Stream: true}
			})
		}
		return transport.Resumable(ctx, op, resp, resume), resp.ContentLength, nil
	}
}

// HashFile streams the 5.x file at p and returns its byte count and SHA-256, holding nothing.
func (cl *Client) HashFile(ctx context.Context, appID, p string) (transport.Digest, error) {
	return hashSource(ctx, "backendless: hash "+CleanPath(p), cl.Download(appID, p))
}

// hashSource reads a source to its end through a DigestReader and checks its declared length.
func hashSource(ctx context.Context, op string, src transport.Source) (transport.Digest, error) {
	body, size, err := src(ctx)
	if err != nil {
		return transport.Digest{}, err
	}
	defer body.Close()
	d := transport.NewDigestReader(body)
	if _, err := io.Copy(io.Discard, d); err != nil {
		return transport.Digest{}, fmt.Errorf("%s: reading the file: %w", op, err)
	}
	got := d.Digest()
	if size >= 0 && got.Bytes != size {
		return transport.Digest{}, fmt.Errorf("%s: the server declared %d bytes but sent %d", op, size, got.Bytes)
	}
	return got, nil
}

// ListFiles lists a 5.x directory, every page (DOCUMENTED: GET /{appId}/{REST-key}/files/{dir}/
// ?pattern=*&sub=false&pagesize=&offset=; note the lowercase pagesize).
func (cl *Client) ListFiles(ctx context.Context, appID, dir string) ([]FileInfo, error) {
	op := "backendless: list files in " + CleanPath(dir)
	files, err := listPages(func(offset int) ([]rawFileInfo, error) {
		resp, err := cl.rest(ctx, appID, func(base string) *transport.Request {
			return &transport.Request{Name: op, Method: http.MethodGet, Header: acceptJSON(),
				URL: base + "/files" + filePath(dir) + "/?" + listQuery(offset)}
		})
		if err != nil {
			return nil, err
		}
		var page []rawFileInfo
		return page, readJSON(op, resp, &page)
	})
	if err != nil {
		return nil, err
	}
	key, _ := cl.restKey(ctx, appID) // cached by the listing itself
	for i := range files {
		files[i].URL, files[i].PublicURL = hideKey(files[i].URL, key), hideKey(files[i].PublicURL, key)
	}
	return files, nil
}

// StatFile finds the 5.x file at p in its directory's listing; a missing file or directory is
// an *Error with status 404.
func (cl *Client) StatFile(ctx context.Context, appID, p string) (*FileInfo, error) {
	dir, name := SplitPath(p)
	files, err := cl.ListFiles(ctx, appID, dir)
	if err != nil {
		return nil, err
	}
	return findFile(files, name, "backendless: stat "+CleanPath(p))
}

// FileExists asks whether p exists in the 5.x app (SDK: GET .../files/{path}?action=exists → true/false).
func (cl *Client) FileExists(ctx context.Context, appID, p string) (bool, error) {
	op := "backendless: check whether " + CleanPath(p) + " exists"
	resp, err := cl.rest(ctx, appID, func(base string) *transport.Request {
		return &transport.Request{Name: op, Method: http.MethodGet, Header: acceptJSON(), URL: base + "/files" + filePath(p) + "?action=exists"}
	})
	if err != nil {
		return false, err
	}
	var exists bool
	if err := readJSON(op, resp, &exists); err != nil {
		if IsNotFound(err) {
			return false, nil
		}
		return false, err
	}
	return exists, nil
}

// DeleteFile deletes the 5.x file at p (DOCUMENTED: DELETE /{appId}/{REST-key}/files/{path});
// a 404 means it is already gone.
func (cl *Client) DeleteFile(ctx context.Context, appID, p string) error {
	op := "backendless: delete " + CleanPath(p)
	resp, err := cl.rest(ctx, appID, func(base string) *transport.Request {
		return &transport.Request{Name: op, Method: http.MethodDelete, Header: acceptJSON(), URL: base + "/files" + filePath(p)}
	})
	if err != nil {
		return err
	}
	if err := readJSON(op, resp, nil); err != nil && !IsNotFound(err) {
		return err
	}
	return nil
}

// CountRows returns the number of rows of a 5.x table (DOCUMENTED Data API "Get Object Count":
// GET /{appId}/{REST-key}/data/{table}/count → a bare number). An unknown table is an *Error
// with status 404 (code 1009).
func (cl *Client) CountRows(ctx context.Context, appID, table string) (int64, error) {
	op := "backendless: count rows of table " + table
	resp, err := cl.rest(ctx, appID, func(base string) *transport.Request {
		return &transport.Request{Name: op, Method: http.MethodGet, Header: acceptJSON(), URL: base + "/data" + path(table) + "/count"}
	})
	if err != nil {
		return 0, err
	}
	var n json.Number
	if err := readJSON(op, resp, &n); err != nil {
		return 0, err
	}
	count, err := n.Int64()
	if err != nil {
		return 0, fmt.Errorf("%s: the answer %q is not a count", op, n)
	}
	return count, nil
}

func acceptJSON() http.Header { return http.Header{"Accept": []string{"application/json"}} }

// listQuery is the REST listing query of one page (§Step 6: lowercase pagesize on client REST).
func listQuery(offset int) string {
	return "pattern=*&sub=false&pagesize=" + strconv.Itoa(listPageSize) + "&offset=" + strconv.Itoa(offset)
}

// listPages reads pages until a short one; the page limit guards against a server that ignores offset.
func listPages(page func(offset int) ([]rawFileInfo, error)) ([]FileInfo, error) {
	var out []FileInfo
	for offset, pages := 0, 0; ; pages++ {
		items, err := page(offset)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			out = append(out, it.info())
		}
		if len(items) < listPageSize || pages >= 1000 {
			return out, nil
		}
		offset += len(items)
	}
}

// findFile picks name out of a listing; missing is a 404 *Error like the server's own.
func findFile(files []FileInfo, name, op string) (*FileInfo, error) {
	for i := range files {
		if files[i].Name == name && !files[i].IsDir {
			return &files[i], nil
		}
	}
	// The listing itself succeeded: that proves the file missing, as the Files API's 6007 does.
	return nil, &Error{Op: op, Status: http.StatusNotFound, Code: CodeFileNotFound, Message: "no such file in the directory listing"}
}
