package backendless

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// fixtureLegacyApp is one entry of backendless.legacy_apps: a Backendless 3.x app with its
// versions (the package comment documents the format).
type fixtureLegacyApp struct {
	AppID     string                 `json:"app_id"`
	Name      string                 `json:"name"`
	SecretKey string                 `json:"secret_key"`
	Owner     string                 `json:"owner"`
	Versions  []fixtureLegacyVersion `json:"versions"`
}

type fixtureLegacyVersion struct {
	Name          string                 `json:"name"`
	Tables        []fixtureLegacyTable   `json:"tables"`
	Users         []fixtureLegacyUser    `json:"users"`
	Roles         []string               `json:"roles"`
	Permissions   []bkPermission         `json:"permissions"`
	BusinessLogic []bkBusinessLogic      `json:"business_logic"`
	Geopoints     []bkGeopoint           `json:"geopoints"`
	Files         []fixtureLegacyFileDef `json:"files"`
}

type fixtureLegacyTable struct {
	Name         string           `json:"name"`
	Columns      []bkColumn       `json:"columns"`
	Rows         []map[string]any `json:"rows"`
	GenerateRows *fixtureGenerate `json:"generate_rows"`
}

type fixtureGenerate struct {
	Count int   `json:"count"`
	Seed  int64 `json:"seed"`
}

type fixtureLegacyUser struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

// fixtureLegacyFileDef is a file of a 3.x version: literal content, or size bytes generated
// from seed.
type fixtureLegacyFileDef struct {
	Path    string  `json:"path"`
	Size    int64   `json:"size"`
	Seed    int64   `json:"seed"`
	Content *string `json:"content"`
}

// bkPermission is one role permission on a table, as the fixture and permissions.json spell it.
type bkPermission struct {
	Role      string `json:"role"`
	Table     string `json:"table"`
	Operation string `json:"operation"`
	Access    string `json:"access"`
}

// bkBusinessLogic is one event handler, as the fixture and business-logic.json spell it.
type bkBusinessLogic struct {
	Name  string `json:"name"`
	Event string `json:"event"`
	Table string `json:"table,omitempty"`
}

// bkGeopoint is one geo point, as the fixture and geo.json spell it.
type bkGeopoint struct {
	Latitude   float64  `json:"latitude"`
	Longitude  float64  `json:"longitude"`
	Categories []string `json:"categories"`
}

// Column types a fixture may use. modeled: the subset of Backendless data types the migration
// needs; 3.x had more (relations, geo references) that the sandbox does not emulate.
var bkColumnTypes = []string{"STRING", "TEXT", "INT", "DOUBLE", "BOOLEAN", "DATETIME"}

// bkPermissionOps are the table operations a permission may name (Backendless console →
// Security → roles, table permissions).
var bkPermissionOps = []string{"FIND", "CREATE", "UPDATE", "REMOVE", "DESCRIBE", "LOAD_RELATIONS", "ADD_RELATION", "DELETE_RELATION"}

// bkSystemColumns are filled by Backendless itself; a fixture may set objectId only.
var bkSystemColumns = []string{"objectId", "created", "updated", "ownerId"}

var (
	reLegacyVersion = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	reTableName     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	reColumnName    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// bkMaxGeneratedRows bounds generate_rows.count so a typo (an extra zero or three) fails at
// start instead of filling the disk.
const bkMaxGeneratedRows = 5_000_000

// parseLegacyApps checks backendless.legacy_apps key by key and value by value; every error
// names its location (backendless.legacy_apps[0].versions[1].tables[2]...). developers holds the
// lower-cased logins of backendless.developers.
func parseLegacyApps(raw json.RawMessage, developers map[string]bool) ([]fixtureLegacyApp, error) {
	const loc = "backendless.legacy_apps"
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil, nil
	}
	if err := checkFixtureKeys(raw, reflect.TypeFor[[]fixtureLegacyApp](), loc); err != nil {
		return nil, fmt.Errorf("sandbox: fixture: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	dec.UseNumber() // row values keep their literal form: 36 stays 36, not 36.0
	var apps []fixtureLegacyApp
	if err := dec.Decode(&apps); err != nil {
		return nil, fmt.Errorf("sandbox: fixture: %s: %w", loc, err)
	}
	ids, names := map[string]bool{}, map[string]bool{}
	for i, a := range apps {
		at := fmt.Sprintf("%s[%d]", loc, i)
		switch {
		case a.AppID == "" || strings.ContainsAny(a.AppID, "/?#%\\ ") || a.AppID == "." || a.AppID == "..":
			return nil, fixtureErr(at, "app_id %q: want a non-empty id usable as a URL path segment", a.AppID)
		case ids[strings.ToLower(a.AppID)]:
			return nil, fixtureErr(at, "app_id %q appears twice", a.AppID)
		case a.SecretKey == "":
			return nil, fixtureErr(at, "secret_key is required (the 3.x REST secret key clients send)")
		case a.Owner != "" && !developers[strings.ToLower(a.Owner)]:
			return nil, fixtureErr(at, "owner %q is not one of backendless.developers", a.Owner)
		case len(a.Versions) == 0:
			return nil, fixtureErr(at, "versions: at least one version is required")
		}
		if err := checkAppName(a.Name); err != nil {
			return nil, fixtureErr(at, "name: %v", err)
		}
		if names[strings.ToLower(a.Name)] {
			return nil, fixtureErr(at, "name %q appears twice", a.Name)
		}
		ids[strings.ToLower(a.AppID)], names[strings.ToLower(a.Name)] = true, true
		seenVersions := map[string]bool{}
		for j, v := range a.Versions {
			vat := fmt.Sprintf("%s.versions[%d]", at, j)
			if !reLegacyVersion.MatchString(v.Name) || v.Name == "files" {
				return nil, fixtureErr(vat, "name %q: want letters, digits, '.', '_' or '-' (e.g. v1)", v.Name)
			}
			if seenVersions[strings.ToLower(v.Name)] {
				return nil, fixtureErr(vat, "name %q appears twice in this app", v.Name)
			}
			seenVersions[strings.ToLower(v.Name)] = true
			if err := checkLegacyVersion(v, vat); err != nil {
				return nil, err
			}
		}
	}
	return apps, nil
}

func fixtureErr(loc, format string, args ...any) error {
	return fmt.Errorf("sandbox: fixture: %s: %s", loc, fmt.Sprintf(format, args...))
}

func checkLegacyVersion(v fixtureLegacyVersion, at string) error {
	tables := map[string]bool{}
	for i, t := range v.Tables {
		tat := fmt.Sprintf("%s.tables[%d]", at, i)
		if !reTableName.MatchString(t.Name) {
			return fixtureErr(tat, "name %q: want a letter followed by letters, digits or '_'", t.Name)
		}
		if strings.EqualFold(t.Name, "Users") {
			return fixtureErr(tat, "name %q: Users is the system table; list users under \"users\"", t.Name)
		}
		if tables[strings.ToLower(t.Name)] {
			return fixtureErr(tat, "table %q appears twice", t.Name)
		}
		tables[strings.ToLower(t.Name)] = true
		cols := map[string]string{}
		for k, c := range t.Columns {
			cat := fmt.Sprintf("%s.columns[%d]", tat, k)
			if !reColumnName.MatchString(c.Name) || slices.Contains(bkSystemColumns, c.Name) {
				return fixtureErr(cat, "name %q: want letters, digits or '_', and not one of %s", c.Name, strings.Join(bkSystemColumns, ", "))
			}
			if _, dup := cols[c.Name]; dup {
				return fixtureErr(cat, "column %q appears twice", c.Name)
			}
			if !slices.Contains(bkColumnTypes, c.Type) {
				return fixtureErr(cat, "type %q is not one of %s", c.Type, strings.Join(bkColumnTypes, ", "))
			}
			cols[c.Name] = c.Type
		}
		for k, row := range t.Rows {
			rat := fmt.Sprintf("%s.rows[%d]", tat, k)
			for _, key := range slices.Sorted(maps.Keys(row)) {
				if key == "objectId" {
					if _, ok := row[key].(string); !ok {
						return fixtureErr(rat, "objectId: want a string")
					}
					continue
				}
				typ, ok := cols[key]
				if !ok {
					return fixtureErr(rat, "key %q is not a column of table %s", key, t.Name)
				}
				if !valueFitsColumn(row[key], typ) {
					return fixtureErr(rat, "%s: value %v does not fit column type %s", key, row[key], typ)
				}
			}
		}
		if g := t.GenerateRows; g != nil && (g.Count < 0 || g.Count > bkMaxGeneratedRows) {
			return fixtureErr(tat+".generate_rows", "count %d: want 0 to %d", g.Count, bkMaxGeneratedRows)
		}
	}
	emails := map[string]bool{}
	for i, u := range v.Users {
		uat := fmt.Sprintf("%s.users[%d]", at, i)
		if u.Email == "" {
			return fixtureErr(uat, "email is required")
		}
		if emails[strings.ToLower(u.Email)] {
			return fixtureErr(uat, "email %q appears twice", u.Email)
		}
		emails[strings.ToLower(u.Email)] = true
	}
	roles := map[string]bool{}
	for i, r := range v.Roles {
		if strings.TrimSpace(r) == "" || roles[r] {
			return fixtureErr(fmt.Sprintf("%s.roles[%d]", at, i), "role %q: want a non-empty name that appears once", r)
		}
		roles[r] = true
	}
	for i, p := range v.Permissions {
		pat := fmt.Sprintf("%s.permissions[%d]", at, i)
		switch {
		case !roles[p.Role]:
			return fixtureErr(pat, "role %q is not one of this version's roles", p.Role)
		case !tables[strings.ToLower(p.Table)]:
			return fixtureErr(pat, "table %q is not one of this version's tables", p.Table)
		case !slices.Contains(bkPermissionOps, p.Operation):
			return fixtureErr(pat, "operation %q is not one of %s", p.Operation, strings.Join(bkPermissionOps, ", "))
		case p.Access != "GRANT" && p.Access != "DENY":
			return fixtureErr(pat, "access %q: want GRANT or DENY", p.Access)
		}
	}
	for i, b := range v.BusinessLogic {
		bat := fmt.Sprintf("%s.business_logic[%d]", at, i)
		if b.Name == "" || b.Event == "" {
			return fixtureErr(bat, "name and event are required")
		}
		if b.Table != "" && !tables[strings.ToLower(b.Table)] {
			return fixtureErr(bat, "table %q is not one of this version's tables", b.Table)
		}
	}
	for i, g := range v.Geopoints {
		if math.IsNaN(g.Latitude) || g.Latitude < -90 || g.Latitude > 90 || math.IsNaN(g.Longitude) || g.Longitude < -180 || g.Longitude > 180 {
			return fixtureErr(fmt.Sprintf("%s.geopoints[%d]", at, i), "latitude must be in [-90, 90] and longitude in [-180, 180]")
		}
	}
	paths := map[string]bool{}
	for i, f := range v.Files {
		fat := fmt.Sprintf("%s.files[%d]", at, i)
		p, ok := cleanFilePath(f.Path)
		if !ok || p == "" {
			return fixtureErr(fat, "path %q: want a relative path without '.' or '..' segments", f.Path)
		}
		if f.Content != nil && (f.Size != 0 || f.Seed != 0) {
			return fixtureErr(fat, "give either content or size (+ seed), not both")
		}
		if f.Size < 0 {
			return fixtureErr(fat, "size %d must not be negative", f.Size)
		}
		if paths[p] {
			return fixtureErr(fat, "path %q appears twice", p)
		}
		paths[p] = true
	}
	// A path cannot be a file and, for another entry, a directory.
	for p := range paths {
		for dir := parentDir(p); dir != ""; dir = parentDir(dir) {
			if paths[dir] {
				return fixtureErr(at+".files", "%q is a file, so %q cannot be below it", dir, p)
			}
		}
	}
	return nil
}

// valueFitsColumn checks a fixture row value (decoded with UseNumber) against a column type;
// null fits every column.
func valueFitsColumn(v any, typ string) bool {
	if v == nil {
		return true
	}
	switch typ {
	case "STRING", "TEXT":
		_, ok := v.(string)
		return ok
	case "BOOLEAN":
		_, ok := v.(bool)
		return ok
	case "INT":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		_, err := n.Int64()
		return err == nil
	case "DOUBLE":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		_, err := n.Float64()
		return err == nil
	case "DATETIME": // epoch milliseconds or an RFC 3339 string
		switch x := v.(type) {
		case json.Number:
			_, err := x.Int64()
			return err == nil
		case string:
			_, err := time.Parse(time.RFC3339, x)
			return err == nil
		}
	}
	return false
}

// checkFixtureKeys walks raw alongside the Go type it decodes into and reports the first key
// that no field takes, with its location. encoding/json's DisallowUnknownFields names the key
// but not where it is, which is little help in a fixture with several apps and versions. Keys
// match fields without regard to case, as encoding/json matches them.
func checkFixtureKeys(raw json.RawMessage, t reflect.Type, loc string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	// A value of the wrong JSON kind is left to the typed decode, which reports it.
	first := byte(0)
	if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 {
		first = trimmed[0]
	}
	switch {
	case t.Kind() == reflect.Struct && first == '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return fmt.Errorf("%s: %w", loc, err)
		}
		fields := map[string]reflect.Type{}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name != "" && name != "-" {
				fields[strings.ToLower(name)] = f.Type
			}
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			ft, ok := fields[strings.ToLower(k)]
			if !ok {
				return fmt.Errorf("%s: unknown key %q", loc, k)
			}
			if err := checkFixtureKeys(obj[k], ft, loc+"."+k); err != nil {
				return err
			}
		}
	case t.Kind() == reflect.Slice && first == '[':
		var arr []json.RawMessage
		if err := json.Unmarshal(raw, &arr); err != nil {
			return fmt.Errorf("%s: %w", loc, err)
		}
		for i, e := range arr {
			if err := checkFixtureKeys(e, t.Elem(), fmt.Sprintf("%s[%d]", loc, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// --- seeding: turning the checked fixture into blobs ---

// bkLegacyEpoch is when generated 3.x rows were "created": deterministic, and in the 3.x era.
var bkLegacyEpoch = time.Date(2017, 3, 1, 0, 0, 0, 0, time.UTC)

// materializeLegacySeed writes the blobs of the fixture's 3.x apps (table rows, users and other
// archive sections, files) and records the apps in st. It runs once, when a data directory is
// seeded; generated content depends only on the fixture, so the same fixture gives the same
// bytes on every machine.
func (s *Backendless) materializeLegacySeed(st *state, legacy []fixtureLegacyApp) (err error) {
	var written []string
	defer func() {
		if err != nil {
			for _, id := range written {
				_ = s.DeleteBlob(id)
			}
		}
	}()
	put := func(r io.Reader) (bkBlobRef, error) {
		id, size, sum, err := s.PutBlob(r)
		if err != nil {
			return bkBlobRef{}, err
		}
		written = append(written, id)
		return bkBlobRef{ID: id, Size: size, SHA256: sum}, nil
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	for _, fa := range legacy {
		app := &bk3App{ID: fa.AppID, Name: fa.Name, SecretKey: fa.SecretKey, Owner: fa.Owner}
		if d := st.bkDeveloper(fa.Owner); d != nil {
			app.Owner = d.Login
		}
		for _, fv := range fa.Versions {
			v, err := seedLegacyVersion(fa, fv, now, put)
			if err != nil {
				return fmt.Errorf("sandbox: seed 3.x app %s version %s: %w", fa.Name, fv.Name, err)
			}
			app.Versions = append(app.Versions, v)
		}
		st.Backendless.Legacy = append(st.Backendless.Legacy, app)
	}
	return nil
}

func seedLegacyVersion(fa fixtureLegacyApp, fv fixtureLegacyVersion, now time.Time, put func(io.Reader) (bkBlobRef, error)) (*bk3Version, error) {
	v := &bk3Version{Name: fv.Name}
	v.Data.normalize()
	v.Files.normalize()
	for _, ft := range fv.Tables {
		var ref bkBlobRef
		err := streamInto(func(r io.Reader) (err error) {
			ref, err = put(r)
			return err
		}, func(w io.Writer) error { return writeFixtureRows(w, fa.AppID, fv.Name, ft) })
		if err != nil {
			return nil, err
		}
		n := len(ft.Rows)
		if ft.GenerateRows != nil {
			n += ft.GenerateRows.Count
		}
		v.Data.Tables = append(v.Data.Tables, &bkTable{Name: ft.Name, Columns: slices.Clone(ft.Columns), Rows: n, RowsBlob: ref})
	}
	users := make([]map[string]any, 0, len(fv.Users))
	for i, u := range fv.Users {
		users = append(users, map[string]any{
			"objectId": stableObjectID(fa.AppID, fv.Name, "Users", i), "email": u.Email, "name": u.Name,
			"created": bkLegacyEpoch.UnixMilli(), "userStatus": "ENABLED",
		})
	}
	roles := make([]map[string]string, 0, len(fv.Roles))
	for _, r := range fv.Roles {
		roles = append(roles, map[string]string{"name": r})
	}
	sections := []struct {
		name string
		v    any
	}{
		{bkSectionSettings, map[string]any{"appName": fa.Name, "version": fv.Name, "backendlessVersion": "3.x"}},
		{bkSectionUsers, users},
		{bkSectionRoles, roles},
		{bkSectionPermissions, nonNil(fv.Permissions)},
		{bkSectionBusinessLogic, nonNil(fv.BusinessLogic)},
		{bkSectionGeo, map[string]any{"geopoints": nonNil(fv.Geopoints), "geofences": []any{}}},
	}
	for _, sec := range sections {
		raw, err := json.MarshalIndent(sec.v, "", "  ")
		if err != nil {
			return nil, err
		}
		ref, err := put(bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		v.Data.Sections[sec.name] = ref
	}
	v.Data.Users, v.Data.Roles, v.Data.Permissions = len(fv.Users), len(fv.Roles), len(fv.Permissions)
	for _, ff := range fv.Files {
		p, _ := cleanFilePath(ff.Path)
		var r io.Reader
		if ff.Content != nil {
			r = strings.NewReader(*ff.Content)
		} else {
			r = generatedBytes(ff.Seed, ff.Size)
		}
		ref, err := put(r)
		if err != nil {
			return nil, err
		}
		if _, err := v.Files.put(p, &bkFile{Blob: ref.ID, Size: ref.Size, SHA256: ref.SHA256, Created: now, Updated: now}); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// generatedBytes is size pseudo-random bytes determined by seed alone (ChaCha8 keyed by it):
// incompressible like real images and videos, and the same on every run.
func generatedBytes(seed, size int64) io.Reader {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], uint64(seed))
	return io.LimitReader(rand.NewChaCha8(key), size)
}

// writeFixtureRows writes a table's rows as the JSON array the data archive carries: the
// fixture's literal rows first, then generated ones, one object per line.
func writeFixtureRows(w io.Writer, appID, version string, t fixtureLegacyTable) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	i := 0
	emit := func(row map[string]any) error {
		sep := ",\n"
		if i == 0 {
			sep = "[\n"
		}
		raw, err := json.Marshal(row)
		if err != nil {
			return err
		}
		_, _ = bw.WriteString(sep)
		_, err = bw.Write(raw)
		i++
		return err
	}
	stamp := func(row map[string]any) {
		if _, ok := row["objectId"]; !ok {
			row["objectId"] = stableObjectID(appID, version, t.Name, i)
		}
		ts := bkLegacyEpoch.Add(time.Duration(i) * time.Minute).UnixMilli()
		row["created"], row["updated"] = ts, ts
	}
	for _, r := range t.Rows {
		row := maps.Clone(r)
		if row == nil {
			row = map[string]any{}
		}
		stamp(row)
		if err := emit(row); err != nil {
			return err
		}
	}
	if g := t.GenerateRows; g != nil {
		rng := rand.New(rand.NewPCG(uint64(g.Seed), 0xB4C3E9D1))
		for range g.Count {
			row := make(map[string]any, len(t.Columns)+3)
			for _, c := range t.Columns {
				row[c.Name] = generatedValue(rng, c, i)
			}
			stamp(row)
			if err := emit(row); err != nil {
				return err
			}
		}
	}
	if i == 0 {
		_, _ = bw.WriteString("[")
	}
	_, _ = bw.WriteString("\n]\n")
	return bw.Flush()
}

var bkWords = []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima"}

func generatedValue(rng *rand.Rand, c bkColumn, i int) any {
	switch c.Type {
	case "STRING":
		return bkWords[rng.IntN(len(bkWords))] + "-" + strconv.Itoa(i)
	case "TEXT":
		return fmt.Sprintf("%s %s %s (row %d)", bkWords[rng.IntN(len(bkWords))], bkWords[rng.IntN(len(bkWords))], bkWords[rng.IntN(len(bkWords))], i)
	case "INT":
		return rng.IntN(100_000)
	case "DOUBLE":
		return float64(rng.IntN(10_000_000)) / 100
	case "BOOLEAN":
		return rng.IntN(2) == 1
	case "DATETIME":
		return bkLegacyEpoch.UnixMilli() + rng.Int64N(int64(365*24*time.Hour/time.Millisecond))
	}
	return nil
}

// stableObjectID derives an upper-case UUID-shaped objectId from where the row is, so generated
// rows keep their ids across machines and runs.
func stableObjectID(appID, version, table string, i int) string {
	h := sha256.Sum256([]byte(appID + "\x00" + version + "\x00" + table + "\x00" + strconv.Itoa(i)))
	b := h[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

// errStreamAbandoned stops a producer whose consumer gave up early.
var errStreamAbandoned = errors.New("sandbox: stream consumer stopped")

// streamInto runs produce in its own goroutine and hands what it writes to consume as a
// reader, so generated content (rows, zip archives) is stored while it is made, never held
// whole in memory. Whatever the outcome, the producer has returned when streamInto does.
func streamInto(consume func(r io.Reader) error, produce func(w io.Writer) error) error {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := produce(pw)
		_ = pw.CloseWithError(err) // nil: the consumer sees EOF
		done <- err
	}()
	cerr := consume(pr)
	_ = pr.CloseWithError(errStreamAbandoned) // unblocks a producer the consumer stopped reading
	perr := <-done
	if cerr != nil {
		return cerr
	}
	if perr != nil && !errors.Is(perr, errStreamAbandoned) {
		return perr
	}
	return nil
}

// safeFileName turns an app name into something usable inside a file name.
func safeFileName(s string) string {
	out := strings.Map(func(r rune) rune {
		if r < 128 && (r == '-' || r == '.' || r == '_' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')) {
			return r
		}
		return '_'
	}, s)
	if out = strings.TrimLeft(out, "."); out == "" {
		return "app"
	}
	return out
}
