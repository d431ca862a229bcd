package mendix

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// Deploy API v2 (mendix-cloud-api.md §5.2): base {deploy}/api/v2, API key, PascalCase.

// MaxUploadBytes is the Mendix Cloud upload limit (§5.2: "uploads above 1 GB are not possible"),
// enforced here before a byte is sent. Read as 1,000,000,000 bytes (SI), the stricter reading, so
// an upload this client lets through is not refused by the vendor for its size.
const MaxUploadBytes int64 = 1_000_000_000

// TooLargeError refuses an upload over MaxUploadBytes before it is sent.
type TooLargeError struct {
	What  string
	Bytes int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is %d bytes; Mendix Cloud refuses uploads above 1 GB (%d bytes)", e.What, e.Bytes, MaxUploadBytes)
}

// limited wraps a source so an object over MaxUploadBytes fails on open (declared size) or as soon
// as it yields more (unknown size), instead of being streamed to a server that will refuse it.
func limited(what string, src transport.Source) transport.Source {
	return func(ctx context.Context) (io.ReadCloser, int64, error) {
		body, size, err := src(ctx)
		if err != nil {
			return nil, 0, err
		}
		if size > MaxUploadBytes {
			_ = body.Close()
			return nil, 0, &TooLargeError{What: what, Bytes: size}
		}
		return &capReader{ReadCloser: body, what: what}, size, nil
	}
}

type capReader struct {
	io.ReadCloser
	what string
	n    int64
}

func (r *capReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	r.n += int64(n)
	if r.n > MaxUploadBytes {
		return n, &TooLargeError{What: r.what, Bytes: r.n}
	}
	return n, err
}

// Upload is what an upload answers, with what was sent.
type Upload struct {
	PackageID string
	JobID     string // "" when Adopted: wait for the package's Status instead
	// Sent is the byte count and SHA-256 of the streamed file, computed in flight; zero when Adopted.
	Sent transport.Digest
	// Adopted says the answer was lost and the package list showed the package that upload made.
	Adopted bool
}

// PackageUpload names the package an upload makes, so that it can be found again.
type PackageUpload struct {
	FileName string
	// Size is the size the source declares (Deploy v1's Size of the v3 package), 0 when unknown.
	Size int64
	// Since is when the caller's step began: a package created earlier is not this upload's.
	Since time.Time
}

// UploadPackage streams an .mda into an app's package repository (POST /api/v2/apps/<AppId>/packages/upload?name=,
// DOCUMENTED §5.2: multipart/form-data, form field `file`, at most 1 GB) and returns {PackageId, JobId}.
//
// An upload creates a package, so after an answer that was lost it is sent again only when the
// Build API's package list (GET /api/1/apps/<AppId>/packages, DOCUMENTED) shows no new package of
// that name and size created since up.Since; when one shows up it is adopted (Upload.Adopted).
func (c *Client) UploadPackage(ctx context.Context, appID string, up PackageUpload, src transport.Source) (*Upload, error) {
	op := "mendix: upload package " + up.FileName + " to " + appID
	h, err := c.header(apiDeployV2)
	if err != nil {
		return nil, err
	}
	before, err := c.PackagesLike(ctx, appID, up.FileName, up.Size, time.Time{})
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	if up.FileName != "" {
		q.Set("name", up.FileName)
	}
	var adopted []Package
	resp, sent, err := c.http.Copy(ctx, transport.Upload{
		Name:      op,
		Method:    http.MethodPost,
		URL:       c.base(apiDeployV2) + seg("apps", appID, "packages", "upload") + "?" + q.Encode(),
		Header:    h, // §8.4: never application/json on the upload; Copy sets the multipart type
		Source:    limited("the package "+up.FileName, src),
		Multipart: &transport.Multipart{Field: "file", FileName: up.FileName, ContentType: "application/octet-stream"},
		NotDone: func(ctx context.Context) (bool, error) {
			now, err := c.PackagesLike(ctx, appID, up.FileName, up.Size, up.Since)
			if err != nil {
				return false, err
			}
			adopted = adopted[:0]
			for _, p := range now {
				if !slices.ContainsFunc(before, func(b Package) bool { return b.PackageID == p.PackageID }) {
					adopted = append(adopted, p)
				}
			}
			return len(adopted) == 0, nil
		},
	})
	if transport.IsTookEffect(err) && len(adopted) > 0 {
		return &Upload{PackageID: adopted[0].PackageID, Adopted: true}, nil
	}
	if err != nil {
		return nil, err
	}
	defer drain(resp.Body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := apiError(op, resp, styleDeploy)
		e.API = apiDeployV2.String()
		return nil, e
	}
	var out struct {
		PackageID string `json:"PackageId"`
		JobID     string `json:"JobId"`
	}
	if err := decodeJSON(resp.Body, &out); err != nil {
		return nil, fmt.Errorf("%s: reading the answer: %w", op, err)
	}
	if out.PackageID == "" {
		return nil, fmt.Errorf("%s: %w", op, errNoID)
	}
	return &Upload{PackageID: out.PackageID, JobID: out.JobID, Sent: sent}, nil
}

// PackagesLike lists the app's packages named name (Build API GET /apps/<AppId>/packages,
// DOCUMENTED), of the given size when size > 0, created at or after since when since is set,
// oldest first. A failed package is left out: it is not an upload anyone can use.
func (c *Client) PackagesLike(ctx context.Context, appID, name string, size int64, since time.Time) ([]Package, error) {
	pkgs, err := c.Packages(ctx, appID)
	if err != nil {
		return nil, err
	}
	var out []Package
	for _, p := range pkgs {
		if p.Name != name || (size > 0 && p.Size != size) || (!since.IsZero() && p.Created.Before(since)) || p.Status == PackageFailed {
			continue
		}
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b Package) int { return a.Created.Compare(b.Created) })
	return out, nil
}

// Deploy v2 job statuses (§5.2).
const (
	JobQueued    = "Queued"
	JobRunning   = "Running"
	JobCompleted = "Completed"
	JobFailed    = "Failed"
)

// Job reads a Deploy v2 job (GET /api/v2/apps/<AppId>/jobs/<JobId>, DOCUMENTED) and returns its Status.
func (c *Client) Job(ctx context.Context, appID, jobID string) (string, error) {
	var out struct {
		Status string `json:"Status"`
	}
	if _, _, err := c.do(ctx, call{api: apiDeployV2, op: "mendix: read job " + jobID + " of " + appID, method: http.MethodGet,
		path: seg("apps", appID, "jobs", jobID), out: &out}); err != nil {
		return "", err
	}
	return out.Status, nil
}
