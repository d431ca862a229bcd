package backendless

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// ImportLogDir is where the MODELED importer writes its migration log in the target's Files
// (runbook step 8: "the migration log available in the Files section of your app"; the vendor's
// location and name are unknown, §Step 6).
const ImportLogDir = "/migration"

// DefaultImportType is the MODELED `{type}` of POST /{appId}/console/import/{type} for the
// "Backendless app" importer (§Step 5: the real value is unknown).
const DefaultImportType = "backendless-app"

// consoleSend sends one console call built by send with the session's auth-key, renewing a
// refused session once (§3.1: treat 401/403 as "re-login"), like console() but for calls whose
// body or answer is a stream. The caller closes the response body.
func (cl *Client) consoleSend(ctx context.Context, send func(key string) (*http.Response, error)) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		key, err := cl.session(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := send(key)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			if cl.cfg.Login == "" || cl.cfg.Password == "" {
				defer drain(resp.Body)
				return nil, &AuthKeyError{Cause: apiError("backendless: console call", resp)}
			}
			if attempt == 0 {
				drain(resp.Body)
				cl.dropSession(key)
				continue
			}
		}
		return resp, nil
	}
}

// consoleGet is an authenticated console GET whose answer the caller reads and closes.
func (cl *Client) consoleGet(ctx context.Context, op, u string) (*http.Response, error) {
	return cl.consoleSend(ctx, func(key string) (*http.Response, error) {
		return cl.http.Do(ctx, &transport.Request{Name: op, Method: http.MethodGet, URL: cl.cfg.ConsoleURL + u,
			Header: http.Header{"auth-key": []string{key}, "Accept": []string{"application/json"}}})
	})
}

// ImportJob is what the MODELED import call answers.
type ImportJob struct {
	ID      string
	Status  string
	LogPath string
	// LostAnswer is true when the call's answer was lost and this is the import a lookup of the
	// migration logs found: one of the same archive that was not there before the call.
	LostAnswer bool
}

// ImportMatch says which import is this call's: the archive's file name and size, as the first
// line of its migration log names them, and the log paths that were there before the call.
type ImportMatch struct {
	Archive string
	Bytes   int64
	Known   map[string]bool
}

// StartImport streams a data archive into the "Backendless app" importer of a 5.x app (route
// family SDK `POST /{appId}/console/import/{type}`, §Step 5; `{type}`, the multipart field `file`,
// the allowNonEmpty query and the answer {importId, status, logPath} are MODELED). It returns the
// byte count and SHA-256 of what was sent.
//
// An import loads data: it is never sent twice blindly. When an attempt's answer is lost (a reset
// after the body went out, a 5xx after the importer may have started), the migration logs decide:
// a log that was not in match.Known and names the same archive and size is this call's import,
// returned with LostAnswer; no such log proves nothing started, and the archive is streamed again.
func (cl *Client) StartImport(ctx context.Context, appID, importType string, allowNonEmpty bool, match ImportMatch, src transport.Source) (*ImportJob, transport.Digest, error) {
	if importType == "" {
		importType = DefaultImportType
	}
	op := "backendless: start import into app " + appID
	var (
		sent  transport.Digest
		found *MigrationLog
	)
	resp, err := cl.consoleSend(ctx, func(key string) (*http.Response, error) {
		resp, d, err := cl.http.Copy(ctx, transport.Upload{
			Name:      op,
			Method:    http.MethodPost,
			URL:       cl.cfg.ConsoleURL + path(appID, "console", "import", importType) + "?allowNonEmpty=" + strconv.FormatBool(allowNonEmpty),
			Header:    http.Header{"auth-key": []string{key}, "Accept": []string{"application/json"}},
			Source:    src,
			Multipart: &transport.Multipart{Field: "file", FileName: match.Archive, ContentType: "application/zip"},
			NotDone: func(ctx context.Context) (bool, error) {
				logs, _, err := cl.FindImports(ctx, appID, match.Archive, match.Bytes)
				if err != nil {
					return false, err
				}
				for i := len(logs) - 1; i >= 0; i-- { // oldest first: the first delivery
					if !match.Known[logs[i].Path] {
						found = logs[i]
						return false, nil
					}
				}
				return true, nil
			},
		})
		sent = d
		return resp, err
	})
	if transport.IsTookEffect(err) && found != nil {
		return &ImportJob{ID: found.ImportID, Status: found.Status, LogPath: found.Path, LostAnswer: true}, transport.Digest{}, nil
	}
	if err != nil {
		return nil, transport.Digest{}, err
	}
	var out struct {
		ImportID string `json:"importId"`
		Status   string `json:"status"`
		LogPath  string `json:"logPath"`
	}
	if err := readJSON(op, resp, &out); err != nil {
		return nil, sent, err
	}
	if out.ImportID == "" {
		return nil, sent, fmt.Errorf("%s: the answer carried no importId", op)
	}
	if out.LogPath == "" {
		out.LogPath = ImportLogPath(out.ImportID)
	}
	return &ImportJob{ID: out.ImportID, Status: out.Status, LogPath: CleanPath(out.LogPath)}, sent, nil
}

// FindImports reads the target's migration logs and returns those of imports of the archive
// called name with size bytes (as their first line names it), newest first, and the paths of
// every log there is. A log that vanishes while it is read is skipped.
func (cl *Client) FindImports(ctx context.Context, appID, name string, size int64) ([]*MigrationLog, map[string]bool, error) {
	logs, err := cl.ImportLogs(ctx, appID)
	if err != nil {
		return nil, nil, err
	}
	all := map[string]bool{}
	var out []*MigrationLog
	for _, f := range logs {
		p := CleanPath(ImportLogDir + "/" + f.Name)
		all[p] = true
		l, err := cl.ReadMigrationLog(ctx, appID, p)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		if l.ImportID != "" && l.Archive == name && l.ArchiveBytes == size {
			out = append(out, l)
		}
	}
	return out, all, nil
}

// ImportLogPath is where the MODELED importer writes the log of importID.
func ImportLogPath(importID string) string {
	return ImportLogDir + "/import-" + importID + ".log"
}

// Table is one user table of a 5.x app as the console lists it. The listing carries no row
// count (backendless-console-api.md §5.1): CountRows reads it, with the documented REST count.
type Table struct {
	Name string
}

// ListTables lists the user tables of a 5.x app, without the system tables every app has (§5.1,
// SDK: GET /{appId}/console/data/tables → an object {"tables":[{"tableId","name",…}]}; Console-SDK
// src/tables.js reads resp.tables).
func (cl *Client) ListTables(ctx context.Context, appID string) ([]Table, error) {
	var raw struct {
		Tables []struct {
			Name string `json:"name"`
		} `json:"tables"`
	}
	if err := cl.console(ctx, call{name: "backendless: list tables of app " + appID, method: http.MethodGet,
		url: path(appID, "console", "data", "tables"), out: &raw}); err != nil {
		return nil, err
	}
	out := make([]Table, 0, len(raw.Tables))
	for _, r := range raw.Tables {
		if !systemTables[r.Name] {
			out = append(out, Table{Name: r.Name})
		}
	}
	return out, nil
}

// systemTables are the tables Backendless gives every app, which the console lists with the
// user's own: Users (Console-SDK src/constants/data.js USERS_TABLE; REST docs "About User
// Properties": a system table) and DeviceRegistration (REST docs "Managing Registrations"). A
// new app has them, so they are not content a migration or a user put there.
var systemTables = map[string]bool{"Users": true, "DeviceRegistration": true}

// ConsoleListFiles lists a directory of a 5.x app through the console, newest first (SDK,
// route since 2019-10: GET /{appId}/console/files/directory/view/{path}?pattern=&sub=&sortBy=
// &sortDirection=&pageSize=&offset=). A missing directory is an *Error with status 404.
func (cl *Client) ConsoleListFiles(ctx context.Context, appID, dir string) ([]FileInfo, error) {
	op := "backendless: list " + CleanPath(dir) + " of app " + appID
	files, err := listPages(func(offset int) ([]rawFileInfo, error) {
		resp, err := cl.consoleGet(ctx, op, path(appID, "console", "files", "directory", "view")+filePath(dir)+
			"?pattern=*&sub=false&sortBy=createdOn&sortDirection=desc&pageSize="+strconv.Itoa(listPageSize)+"&offset="+strconv.Itoa(offset))
		if err != nil {
			return nil, err
		}
		var page []rawFileInfo
		return page, readJSON(op, resp, &page)
	})
	if err != nil {
		return nil, err
	}
	sortNewestFirst(files)
	return files, nil
}

// consoleDirAbsent reports whether dir is missing from its parent's console listing (the proof a
// bare 404 on dir's own listing cannot give).
func (cl *Client) consoleDirAbsent(ctx context.Context, appID, dir string) (bool, error) {
	parent, name := SplitPath(dir)
	entries, err := cl.ConsoleListFiles(ctx, appID, parent)
	if err != nil {
		return false, err
	}
	return !slices.ContainsFunc(entries, func(f FileInfo) bool { return f.IsDir && f.Name == name }), nil
}

// ConsoleReadFile returns the content of a small file of a 5.x app (SDK: GET
// /{appId}/console/files/download/{path}); more than limit bytes is an error.
func (cl *Client) ConsoleReadFile(ctx context.Context, appID, p string, limit int64) ([]byte, error) {
	op := "backendless: read " + CleanPath(p) + " of app " + appID
	resp, err := cl.consoleSend(ctx, func(key string) (*http.Response, error) {
		return cl.http.Do(ctx, &transport.Request{Name: op, Method: http.MethodGet,
			URL:    cl.cfg.ConsoleURL + path(appID, "console", "files", "download") + filePath(p),
			Header: http.Header{"auth-key": []string{key}, "Accept": []string{"*/*"}}})
	})
	if err != nil {
		return nil, err
	}
	defer drain(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, apiError(op, resp)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: the file is larger than %d bytes", op, limit)
	}
	return b, nil
}

// maxLog bounds a migration log read; a log has a few lines per table.
const maxLog = 32 << 20

// ImportLogs lists the migration logs in the target's /migration folder, newest first. No
// folder yet means no import has run: an empty list.
func (cl *Client) ImportLogs(ctx context.Context, appID string) ([]FileInfo, error) {
	files, err := cl.ConsoleListFiles(ctx, appID, ImportLogDir)
	if IsBareNotFound(err) {
		// The console's 404 is empty (§6), like a wrong URL's or a proxy's: the folder counts as
		// missing only when the root listing, answered, does not have it. A missing folder taken
		// on a 404 that proved nothing would start an import that already ran.
		if absent, perr := cl.consoleDirAbsent(ctx, appID, ImportLogDir); perr != nil {
			return nil, fmt.Errorf("%w; listing its parent to tell whether it exists failed too: %w", err, perr)
		} else if absent {
			return nil, nil
		}
		return nil, err
	}
	if IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := files[:0]
	for _, f := range files {
		if !f.IsDir && strings.HasSuffix(f.Name, ".log") {
			out = append(out, f)
		}
	}
	return out, nil
}

// ReadMigrationLog reads and parses one migration log.
func (cl *Client) ReadMigrationLog(ctx context.Context, appID, p string) (*MigrationLog, error) {
	b, err := cl.ConsoleReadFile(ctx, appID, p, maxLog)
	if err != nil {
		return nil, err
	}
	l := ParseMigrationLog(string(b))
	l.Path = CleanPath(p)
	return l, nil
}

// Final states of a migration log.
const (
	LogInProgress = "IN_PROGRESS"
	LogCompleted  = "COMPLETED"
	LogFailed     = "FAILED"
)

// MigrationLog is a parsed migration log (MODELED format, one line each:
// "<RFC 3339> <LEVEL> <message>"; the first names the archive, the last is
// "MIGRATION COMPLETED" or "ERROR MIGRATION FAILED").
type MigrationLog struct {
	Path          string
	ImportID      string
	Archive       string
	ArchiveBytes  int64
	ArchiveSHA256 string
	// Tables are the per-table row counts the importer reported.
	Tables map[string]int64
	Status string
	// Errors are the messages of the ERROR lines, in order.
	Errors []string
	Lines  []string
}

var (
	logStartRe = regexp.MustCompile(`^import (\S+) started: archive (.+) \((\d+) bytes, sha256 ([0-9a-fA-F]+)\)$`)
	logTableRe = regexp.MustCompile(`^table (\S+): (\d+) rows imported$`)
)

// ParseMigrationLog reads a log that may still be growing: without a final line its status is
// IN_PROGRESS. A trailing partial line (a log being written) is ignored.
func ParseMigrationLog(s string) *MigrationLog {
	l := &MigrationLog{Status: LogInProgress, Tables: map[string]int64{}}
	if i := strings.LastIndexByte(s, '\n'); i >= 0 && i < len(s)-1 && !looksFinal(s[i+1:]) {
		s = s[:i+1]
	}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		l.Lines = append(l.Lines, line)
		level, msg := splitLogLine(line)
		switch {
		case msg == "MIGRATION COMPLETED":
			l.Status = LogCompleted
		case msg == "MIGRATION FAILED":
			l.Status = LogFailed
		case level == "ERROR":
			l.Errors = append(l.Errors, msg)
		}
		if m := logStartRe.FindStringSubmatch(msg); m != nil && l.ImportID == "" {
			l.ImportID, l.Archive, l.ArchiveSHA256 = m[1], m[2], strings.ToLower(m[4])
			l.ArchiveBytes, _ = strconv.ParseInt(m[3], 10, 64)
		}
		if m := logTableRe.FindStringSubmatch(msg); m != nil {
			l.Tables[m[1]], _ = strconv.ParseInt(m[2], 10, 64)
		}
	}
	return l
}

func looksFinal(line string) bool {
	_, msg := splitLogLine(strings.TrimSpace(line))
	return msg == "MIGRATION COMPLETED" || msg == "MIGRATION FAILED"
}

// splitLogLine returns the level and message of "<timestamp> <LEVEL> <message>"; a line
// without that shape is all message.
func splitLogLine(line string) (level, msg string) {
	f := strings.Fields(line)
	if len(f) >= 3 {
		if _, err := time.Parse(time.RFC3339, f[0]); err == nil {
			switch f[1] {
			case "INFO", "WARN", "ERROR", "DEBUG":
				rest := strings.TrimSpace(line[len(f[0]):])
				return f[1], strings.TrimSpace(rest[len(f[1]):])
			}
		}
	}
	return "", strings.TrimSpace(line)
}

// Tail returns the last n lines.
func (l *MigrationLog) Tail(n int) []string {
	if len(l.Lines) <= n {
		return l.Lines
	}
	return l.Lines[len(l.Lines)-n:]
}

// sortNewestFirst orders a listing by creation time, newest first (ties by name, descending).
func sortNewestFirst(files []FileInfo) {
	sort.SliceStable(files, func(i, j int) bool {
		if !files[i].Created.Equal(files[j].Created) {
			return files[i].Created.After(files[j].Created)
		}
		return files[i].Name > files[j].Name
	})
}
