package sandbox

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

//go:embed fixture_default.json
var defaultFixture []byte

// DefaultFixture returns the embedded fixture JSON (a copy: callers may edit it).
func DefaultFixture() []byte { return bytes.Clone(defaultFixture) }

// fixture is the seed document; the package comment documents its format.
type fixture struct {
	Backendless fixtureBackendless `json:"backendless"`
	// Mendix is checked key by key by parseMendixFixture (mendix_fixture.go), so an error names
	// its location.
	Mendix json.RawMessage `json:"mendix"`

	mendix *mxFixture // the checked "mendix" section

	legacyApps []fixtureLegacyApp // backendless.legacy_apps, checked by parseLegacyApps
}

type fixtureBackendless struct {
	Developers []fixtureDeveloper `json:"developers"`
	Apps       []fixtureApp       `json:"apps"`
	// LegacyApps are the 3.x apps; parseLegacyApps (backendless3_fixture.go) checks them key by
	// key so an error names its location.
	LegacyApps json.RawMessage `json:"legacy_apps"`
}

type fixtureDeveloper struct {
	Login     string `json:"login"`
	Password  string `json:"password"`
	Name      string `json:"name"`
	TwoFactor bool   `json:"two_factor"`
}

type fixtureApp struct {
	Owner      string    `json:"owner"`
	Name       string    `json:"name"`
	Zone       string    `json:"zone"`
	ID         string    `json:"id"`
	RESTAPIKey string    `json:"rest_api_key"`
	Created    time.Time `json:"created"`
}

// parseFixture decodes and checks a fixture, so a typo fails at start with the key's name
// rather than as a mysterious 401 later.
func parseFixture(raw []byte) (*fixture, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var fx fixture
	if err := dec.Decode(&fx); err != nil {
		return nil, fmt.Errorf("sandbox: fixture: %w", err)
	}
	seen := map[string]bool{}
	for i, d := range fx.Backendless.Developers {
		if d.Login == "" || d.Password == "" {
			return nil, fmt.Errorf("sandbox: fixture: backendless.developers[%d]: login and password are required", i)
		}
		key := strings.ToLower(d.Login)
		if seen[key] {
			return nil, fmt.Errorf("sandbox: fixture: backendless.developers[%d]: login %q appears twice", i, d.Login)
		}
		seen[key] = true
	}
	legacy, err := parseLegacyApps(fx.Backendless.LegacyApps, seen)
	if err != nil {
		return nil, err
	}
	fx.legacyApps = legacy
	if fx.mendix, err = parseMendixFixture(fx.Mendix); err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for i, a := range fx.Backendless.Apps {
		if !seen[strings.ToLower(a.Owner)] {
			return nil, fmt.Errorf("sandbox: fixture: backendless.apps[%d]: owner %q is not one of backendless.developers", i, a.Owner)
		}
		if err := checkAppName(a.Name); err != nil {
			return nil, fmt.Errorf("sandbox: fixture: backendless.apps[%d]: %v", i, err)
		}
		if _, err := normalizeZone(a.Zone); err != nil {
			return nil, fmt.Errorf("sandbox: fixture: backendless.apps[%d]: %v", i, err)
		}
		if a.ID != "" {
			if ids[a.ID] {
				return nil, fmt.Errorf("sandbox: fixture: backendless.apps[%d]: id %q appears twice", i, a.ID)
			}
			ids[a.ID] = true
		}
	}
	return &fx, nil
}

// seedState turns a checked fixture into the first state of a data directory.
func seedState(fx *fixture) (*state, error) {
	st := &state{Version: stateVersion}
	st.normalize()
	for _, d := range fx.Backendless.Developers {
		st.Backendless.Developers = append(st.Backendless.Developers, &bkDeveloper{
			Login: d.Login, Password: d.Password, Name: d.Name, TwoFactor: d.TwoFactor,
		})
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	for _, a := range fx.Backendless.Apps {
		zone, _ := normalizeZone(a.Zone)
		owner := st.bkDeveloper(a.Owner)
		if err := st.bkCheckNameFree(owner.Login, a.Name, ""); err != nil {
			return nil, fmt.Errorf("sandbox: fixture: %w", err)
		}
		app := newBkApp(owner.Login, a.Name, zone, now)
		if a.ID != "" {
			app.ID = a.ID
		}
		if a.RESTAPIKey != "" {
			app.APIKeys[0].APIKey = a.RESTAPIKey
		}
		if !a.Created.IsZero() {
			app.Created = a.Created.UTC().Truncate(time.Millisecond)
		}
		st.Backendless.Apps = append(st.Backendless.Apps, app)
	}
	// The 3.x apps' rows and files go into blobs, which need the data directory: openStore
	// writes them (materializeLegacySeed).
	st.legacySeed = fx.legacyApps
	if fx.mendix != nil {
		seedMendix(st, fx.mendix, now)
	}
	return st, nil
}
