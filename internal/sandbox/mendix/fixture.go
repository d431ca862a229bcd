package mendix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
)

// mxFixture is the fixture's "mendix" section; doc.go documents the format.
type mxFixture struct {
	Users                []mxFixtureUser `json:"users"`
	Apps                 []mxFixtureApp  `json:"apps"`
	Nodes                []mxFixtureNode `json:"nodes"`
	ArchiveURLTTLSeconds int             `json:"archive_url_ttl_seconds"`
}

type mxFixtureUser struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	APIKey   string `json:"api_key"`
	PAT      string `json:"pat"`
}

type mxFixtureApp struct {
	ProjectID        string     `json:"project_id"`
	Name             string     `json:"name"`
	Summary          string     `json:"summary"`
	TechnicalContact string     `json:"technical_contact"`
	Created          *time.Time `json:"created"`
}

type mxFixtureNode struct {
	ID              string         `json:"id"`
	Cloud           string         `json:"cloud"`
	Subdomain       string         `json:"subdomain"`
	Region          string         `json:"region"`
	LinkedProjectID *string        `json:"linked_project_id"`
	Environments    []mxFixtureEnv `json:"environments"`
}

type mxFixtureEnv struct {
	Mode            string              `json:"mode"`
	EnvironmentID   string              `json:"environment_id"`
	Production      bool                `json:"production"`
	Status          string              `json:"status"`
	PlanName        string              `json:"plan_name"`
	DBVersion       string              `json:"db_version"`
	Package         *mxFixturePackage   `json:"package"`
	Constants       []mxFixtureValue    `json:"constants"`
	ScheduledEvents []mxFixtureValue    `json:"scheduled_events"`
	CustomSettings  []mxFixtureValue    `json:"custom_settings"`
	Snapshots       []mxFixtureSnapshot `json:"snapshots"`
}

type mxFixturePackage struct {
	PackageID       string              `json:"package_id"`
	Name            string              `json:"name"`
	Description     string              `json:"description"`
	Version         string              `json:"version"`
	Creator         string              `json:"creator"`
	Created         *time.Time          `json:"created"`
	ModelVersion    string              `json:"model_version"`
	MendixVersion   string              `json:"mendix_version"`
	SizeBytes       int64               `json:"size_bytes"`
	Seed            int64               `json:"seed"`
	Constants       []mxFixtureConstant `json:"constants"`
	ScheduledEvents []mxFixtureEvent    `json:"scheduled_events"`
}

type mxFixtureConstant struct {
	Name         string `json:"name"`
	DataType     string `json:"data_type"`
	DefaultValue string `json:"default_value"`
}

type mxFixtureEvent struct {
	Name string `json:"name"`
}

type mxFixtureValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type mxFixtureSnapshot struct {
	SnapshotID string     `json:"snapshot_id"`
	Comment    string     `json:"comment"`
	State      string     `json:"state"`
	Created    *time.Time `json:"created"`
	Seed       int64      `json:"seed"`
	DBTables   int        `json:"db_tables"`
	DBRows     int64      `json:"db_rows"`
	Files      int        `json:"files"`
	FileBytes  int64      `json:"file_bytes"`
}

// Generated-content bounds: a fixture describes rehearsal data, and a typo must not make the
// sandbox generate terabytes on first use.
const (
	mxMaxFixturePackage   = 1 << 30
	mxMaxFixtureFileBytes = 4 << 30
	mxMaxFixtureFiles     = 1_000_000
	mxMaxFixtureRows      = 100_000_000
)

// parseMendixFixture checks the "mendix" section strictly: unknown keys and wrong value types
// are reported with their location, then every reference and constraint is checked.
func parseMendixFixture(raw json.RawMessage) (*mxFixture, error) {
	var fx mxFixture
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return &fx, nil
	}
	if err := mxCheckKeys(trimmed, reflect.TypeFor[mxFixture](), "mendix"); err != nil {
		return nil, fmt.Errorf("sandbox: fixture: %w", err)
	}
	if err := json.Unmarshal(trimmed, &fx); err != nil {
		return nil, fmt.Errorf("sandbox: fixture: mendix: %w", err)
	}
	if err := fx.validate(); err != nil {
		return nil, fmt.Errorf("sandbox: fixture: %w", err)
	}
	return &fx, nil
}

var timeType = reflect.TypeFor[time.Time]()

// mxCheckKeys walks raw alongside t and reports the first unknown key or mistyped value with
// its location (e.g. mendix.nodes[1].environments[0].mode).
func mxCheckKeys(raw json.RawMessage, t reflect.Type, at string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	switch {
	case t == timeType:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return fmt.Errorf("%s: want an RFC 3339 time string, e.g. \"2024-01-02T03:04:05Z\"", at)
		}
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return fmt.Errorf("%s: %q is not an RFC 3339 time, e.g. \"2024-01-02T03:04:05Z\"", at, s)
		}
		return nil
	case t.Kind() == reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return fmt.Errorf("%s: want an object", at)
		}
		fields := map[string]reflect.Type{}
		var names []string
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			fields[name] = f.Type
			names = append(names, name)
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			ft, ok := fields[k]
			if !ok {
				return fmt.Errorf("%s: unknown key %q (known keys: %s)", at, k, strings.Join(names, ", "))
			}
			if err := mxCheckKeys(obj[k], ft, at+"."+k); err != nil {
				return err
			}
		}
		return nil
	case t.Kind() == reflect.Slice:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return fmt.Errorf("%s: want a list", at)
		}
		for i, it := range items {
			if err := mxCheckKeys(it, t.Elem(), fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
		return nil
	case t.Kind() == reflect.String:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return fmt.Errorf("%s: want a string", at)
		}
	case t.Kind() == reflect.Bool:
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return fmt.Errorf("%s: want true or false", at)
		}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		var n int64
		if json.Unmarshal(raw, &n) != nil {
			return fmt.Errorf("%s: want a whole number", at)
		}
	}
	return nil
}

// validate checks references and constraints the JSON types cannot express.
func (fx *mxFixture) validate() error {
	if fx.ArchiveURLTTLSeconds < 0 {
		return fmt.Errorf("mendix.archive_url_ttl_seconds: must not be negative")
	}
	users := map[string]bool{}
	for i, u := range fx.Users {
		at := fmt.Sprintf("mendix.users[%d]", i)
		if u.Username == "" || u.APIKey == "" || u.PAT == "" {
			return fmt.Errorf("%s: username, api_key and pat are required", at)
		}
		k := strings.ToLower(u.Username)
		if users[k] {
			return fmt.Errorf("%s: username %q appears twice", at, u.Username)
		}
		users[k] = true
	}
	apps := map[string]bool{}
	for i, a := range fx.Apps {
		at := fmt.Sprintf("mendix.apps[%d]", i)
		if !mxUUIDPattern.MatchString(a.ProjectID) {
			return fmt.Errorf("%s.project_id: %q is not a UUID", at, a.ProjectID)
		}
		k := strings.ToLower(a.ProjectID)
		if apps[k] {
			return fmt.Errorf("%s.project_id: %q appears twice", at, a.ProjectID)
		}
		apps[k] = true
		if strings.TrimSpace(a.Name) == "" || len([]rune(a.Name)) > mxMaxProjectName {
			return fmt.Errorf("%s.name: required, at most %d characters", at, mxMaxProjectName)
		}
		if a.TechnicalContact != "" && !users[strings.ToLower(a.TechnicalContact)] {
			return fmt.Errorf("%s.technical_contact: %q is not one of mendix.users", at, a.TechnicalContact)
		}
	}
	nodeIDs, subdomains, linked, envIDs := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for i, n := range fx.Nodes {
		at := fmt.Sprintf("mendix.nodes[%d]", i)
		if n.ID == "" || nodeIDs[n.ID] {
			return fmt.Errorf("%s.id: required and unique (got %q)", at, n.ID)
		}
		nodeIDs[n.ID] = true
		if n.Cloud != "v3" && n.Cloud != "v4" {
			return fmt.Errorf("%s.cloud: want \"v3\" or \"v4\", got %q", at, n.Cloud)
		}
		if !mxAppIDPattern.MatchString(n.Subdomain) || subdomains[strings.ToLower(n.Subdomain)] {
			return fmt.Errorf("%s.subdomain: %q must be a unique subdomain (letters, digits, dashes)", at, n.Subdomain)
		}
		subdomains[strings.ToLower(n.Subdomain)] = true
		if n.LinkedProjectID != nil && *n.LinkedProjectID != "" {
			k := strings.ToLower(*n.LinkedProjectID)
			if !apps[k] {
				return fmt.Errorf("%s.linked_project_id: %q is not one of mendix.apps", at, *n.LinkedProjectID)
			}
			if linked[k] {
				return fmt.Errorf("%s.linked_project_id: app %q is linked to two nodes", at, *n.LinkedProjectID)
			}
			linked[k] = true
		}
		modes := map[string]bool{}
		for j, e := range n.Environments {
			if err := e.validate(fmt.Sprintf("%s.environments[%d]", at, j), modes, envIDs); err != nil {
				return err
			}
		}
	}
	return nil
}

func (e *mxFixtureEnv) validate(at string, modes, envIDs map[string]bool) error {
	if !mxModePattern.MatchString(e.Mode) || modes[strings.ToLower(e.Mode)] {
		return fmt.Errorf("%s.mode: %q must be a unique environment mode (Test, Acceptance, Production or a flexible name)", at, e.Mode)
	}
	modes[strings.ToLower(e.Mode)] = true
	if !mxUUIDPattern.MatchString(e.EnvironmentID) || envIDs[strings.ToLower(e.EnvironmentID)] {
		return fmt.Errorf("%s.environment_id: %q must be a unique UUID", at, e.EnvironmentID)
	}
	envIDs[strings.ToLower(e.EnvironmentID)] = true
	switch e.Status {
	case "":
	case mxStatusEmpty:
		if e.Package != nil {
			return fmt.Errorf("%s.status: an environment with a package is Stopped or Running, not Empty", at)
		}
	case mxStatusStopped, mxStatusRunning:
		if e.Package == nil {
			return fmt.Errorf("%s.status: %s needs a package", at, e.Status)
		}
	default:
		return fmt.Errorf("%s.status: want Empty, Stopped or Running, got %q", at, e.Status)
	}
	var consts, events []string
	if p := e.Package; p != nil {
		pat := at + ".package"
		if p.PackageID != "" && !mxUUIDPattern.MatchString(p.PackageID) {
			return fmt.Errorf("%s.package_id: %q is not a UUID", pat, p.PackageID)
		}
		if p.Name == "" || p.ModelVersion == "" || p.MendixVersion == "" {
			return fmt.Errorf("%s: name, model_version and mendix_version are required", pat)
		}
		if p.SizeBytes < 0 || p.SizeBytes > mxMaxFixturePackage {
			return fmt.Errorf("%s.size_bytes: want 0 to %d", pat, int64(mxMaxFixturePackage))
		}
		for k, c := range p.Constants {
			if c.Name == "" || c.DataType == "" || slices.Contains(consts, c.Name) {
				return fmt.Errorf("%s.constants[%d]: a unique name and a data_type are required", pat, k)
			}
			consts = append(consts, c.Name)
		}
		for k, ev := range p.ScheduledEvents {
			if ev.Name == "" || slices.Contains(events, ev.Name) {
				return fmt.Errorf("%s.scheduled_events[%d]: a unique name is required", pat, k)
			}
			events = append(events, ev.Name)
		}
	}
	for k, c := range e.Constants {
		if !slices.Contains(consts, c.Name) {
			return fmt.Errorf("%s.constants[%d]: %q is not a constant of the environment's package (constants exist only after a package is deployed)", at, k, c.Name)
		}
	}
	for k, ev := range e.ScheduledEvents {
		if !slices.Contains(events, ev.Name) {
			return fmt.Errorf("%s.scheduled_events[%d]: %q is not a scheduled event of the environment's package", at, k, ev.Name)
		}
		if ev.Value != "Enabled" && ev.Value != "Disabled" {
			return fmt.Errorf("%s.scheduled_events[%d].value: want Enabled or Disabled, got %q", at, k, ev.Value)
		}
	}
	for k, c := range e.CustomSettings {
		if strings.TrimSpace(c.Name) == "" {
			return fmt.Errorf("%s.custom_settings[%d].name: required", at, k)
		}
	}
	for k, sn := range e.Snapshots {
		sat := fmt.Sprintf("%s.snapshots[%d]", at, k)
		if sn.SnapshotID != "" && !mxUUIDPattern.MatchString(sn.SnapshotID) {
			return fmt.Errorf("%s.snapshot_id: %q is not a UUID", sat, sn.SnapshotID)
		}
		switch sn.State {
		case "", "Completed", "Running", "Failed":
		default:
			return fmt.Errorf("%s.state: want Completed, Running or Failed, got %q", sat, sn.State)
		}
		if sn.DBTables < 0 || sn.DBRows < 0 || sn.DBRows > mxMaxFixtureRows || sn.Files < 0 || sn.Files > mxMaxFixtureFiles ||
			sn.FileBytes < 0 || sn.FileBytes > mxMaxFixtureFileBytes || (sn.DBRows > 0 && sn.DBTables == 0) {
			return fmt.Errorf("%s: db_tables, db_rows (≤ %d, with db_tables > 0), files (≤ %d) and file_bytes (≤ %d) must be in range", sat, mxMaxFixtureRows, mxMaxFixtureFiles, int64(mxMaxFixtureFileBytes))
		}
		if sn.Files == 0 && sn.FileBytes > 0 {
			return fmt.Errorf("%s: file_bytes needs files > 0", sat)
		}
	}
	return nil
}

// seedMendix adds the checked "mendix" section to a fresh state. Generated content (package
// .mda files, snapshot archives) is not written now but on first use, from the seeds.
func seedMendix(st *state, fx *mxFixture, now time.Time) {
	m := st.Mendix
	m.ArchiveURLTTLSeconds = fx.ArchiveURLTTLSeconds
	for _, u := range fx.Users {
		m.Users = append(m.Users, &mxUser{Username: u.Username, Name: u.Name, APIKey: u.APIKey, PAT: u.PAT})
	}
	defaultContact := ""
	if len(fx.Users) > 0 {
		defaultContact = fx.Users[0].Username
	}
	for i, a := range fx.Apps {
		created := now.AddDate(-1, 0, i)
		if a.Created != nil {
			created = a.Created.UTC().Truncate(time.Millisecond)
		}
		contact := a.TechnicalContact
		if contact == "" {
			contact = defaultContact
		}
		m.Apps = append(m.Apps, &mxApp{ProjectID: strings.ToLower(a.ProjectID), Name: a.Name, Summary: a.Summary, TechnicalContact: contact, Created: created})
	}
	for _, fn := range fx.Nodes {
		n := &mxNode{ID: fn.ID, Cloud: fn.Cloud, Subdomain: strings.ToLower(fn.Subdomain), Region: fn.Region}
		if n.Region == "" {
			n.Region = map[string]string{"v3": "eu-1", "v4": "prod2-eu-central-1"}[n.Cloud]
		}
		if fn.LinkedProjectID != nil && *fn.LinkedProjectID != "" {
			n.LinkedProjectID = strings.ToLower(*fn.LinkedProjectID)
			n.LinkedAt = now.AddDate(0, -6, 0)
		}
		for _, fe := range fn.Environments {
			n.Environments = append(n.Environments, seedMendixEnv(m, n, fe, now))
		}
		m.Nodes = append(m.Nodes, n)
	}
}

func seedMendixEnv(m *mendixState, n *mxNode, fe mxFixtureEnv, now time.Time) *mxEnv {
	e := &mxEnv{
		ID: strings.ToLower(fe.EnvironmentID), Mode: fe.Mode, Production: fe.Production, Status: fe.Status,
		PlanName: fe.PlanName, DBVersion: fe.DBVersion,
		Constants: []*mxSetting{}, ScheduledEvents: []*mxSetting{}, CustomSettings: []*mxSetting{},
	}
	if e.PlanName == "" {
		e.PlanName = "Standard"
	}
	if e.DBVersion == "" {
		e.DBVersion = "14"
	}
	if e.Status == "" {
		e.Status = mxStatusEmpty
		if fe.Package != nil {
			e.Status = mxStatusStopped
		}
	}
	model := ""
	if fp := fe.Package; fp != nil {
		p := &mxPackage{
			ID: strings.ToLower(fp.PackageID), NodeID: n.ID, Name: fp.Name, Description: fp.Description,
			Version: fp.Version, Creator: fp.Creator, Created: now.AddDate(0, -1, 0), Status: mxPkgSucceeded,
			ModelVersion: fp.ModelVersion, MendixVersion: fp.MendixVersion,
			Gen: &mxPackageGen{Seed: fp.Seed, SizeBytes: fp.SizeBytes},
		}
		if p.ID == "" {
			p.ID = newMxID()
		}
		if fp.Created != nil {
			p.Created = fp.Created.UTC().Truncate(time.Millisecond)
		}
		if p.Version == "" {
			p.Version = fp.ModelVersion
		}
		if p.Creator == "" && len(m.Users) > 0 {
			p.Creator = m.Users[0].Name
		}
		if a := m.app(n.LinkedProjectID); a != nil {
			p.Gen.ProjectID, p.Gen.ProjectName = a.ProjectID, a.Name
		}
		for _, c := range fp.Constants {
			p.Constants = append(p.Constants, mxConstDef{Name: c.Name, Type: c.DataType, DefaultValue: c.DefaultValue})
		}
		for _, ev := range fp.ScheduledEvents {
			p.ScheduledEvents = append(p.ScheduledEvents, mxEventDef(ev))
		}
		m.Packages = append(m.Packages, p)
		e.PackageID, model = p.ID, p.ModelVersion
		e.Constants = syncConstants(nil, p.Constants)
		e.ScheduledEvents = syncEvents(nil, p.ScheduledEvents)
		for _, v := range fe.Constants {
			for _, c := range e.Constants {
				if c.Name == v.Name {
					c.Value = v.Value
				}
			}
		}
		for _, v := range fe.ScheduledEvents {
			for _, c := range e.ScheduledEvents {
				if c.Name == v.Name {
					c.Value = v.Value
				}
			}
		}
	}
	for _, v := range fe.CustomSettings {
		e.CustomSettings = append(e.CustomSettings, &mxSetting{Name: v.Name, Value: v.Value})
	}
	// A fixture environment has run with what it is configured with.
	for _, list := range [][]*mxSetting{e.Constants, e.ScheduledEvents, e.CustomSettings} {
		for _, c := range list {
			c.DeployedValue = c.Value
		}
	}
	for k, fs := range fe.Snapshots {
		created := now.AddDate(0, 0, k-len(fe.Snapshots))
		if fs.Created != nil {
			created = fs.Created.UTC().Truncate(time.Millisecond)
		}
		sn := &mxSnapshot{
			ID: strings.ToLower(fs.SnapshotID), EnvID: e.ID, Comment: fs.Comment, Created: created,
			Finished: created.Add(4 * time.Minute), Expires: created.Add(mxSnapshotLifetime),
		}
		if sn.ID == "" {
			sn.ID = newMxID()
		}
		if sn.Comment == "" {
			sn.Comment = "Automatically created nightly snapshot"
		}
		switch fs.State {
		case "Running":
			sn.State, sn.Finished = mxStateRunning, time.Time{}
		case "Failed":
			sn.State, sn.StatusMessage = mxStateFailed, "Backup creation failed"
		default:
			gen := mxBackupGen{Seed: fs.Seed, DBTables: fs.DBTables, DBRows: fs.DBRows, Files: fs.Files, FileBytes: fs.FileBytes, Model: model}
			sn.State, sn.StatusMessage = mxStateCompleted, "Completed backup creation"
			sn.Content = mxBackupContent{
				Gen: &gen, ModelVersion: model, HasDB: true, DBTables: fs.DBTables, DBRows: fs.DBRows,
				DBBytes: mxDumpSize(gen), Files: fs.Files, FileBytes: fs.FileBytes,
			}
			data := sn.Content
			e.Data = &data // the environment holds what its newest backup holds
		}
		m.Snapshots = append(m.Snapshots, sn)
	}
	return e
}
