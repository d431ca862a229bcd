package backendless

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// fixtureBackendless is the "backendless" section of the fixture; the package comment documents
// its format.
type fixtureBackendless struct {
	Developers []fixtureDeveloper `json:"developers"`
	Apps       []fixtureApp       `json:"apps"`
	// LegacyApps are the 3.x apps; parseLegacyApps (legacy_fixture.go) checks them key by key so
	// an error names its location.
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

// checkFixture decodes and checks the "backendless" section, so a typo fails at start with the
// key's name rather than as a mysterious 401 later, and returns what seeds it.
func (s *Backendless) checkFixture(raw json.RawMessage) (func(tx *core.Tx) error, error) {
	raw, err := core.ExpandFleets(sectionName, raw)
	if err != nil {
		return nil, err
	}
	var fx fixtureBackendless
	if raw != nil {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&fx); err != nil {
			return nil, fmt.Errorf("sandbox: fixture: %w", err)
		}
	}
	seen := map[string]bool{}
	for i, d := range fx.Developers {
		if d.Login == "" || d.Password == "" {
			return nil, fmt.Errorf("sandbox: fixture: backendless.developers[%d]: login and password are required", i)
		}
		key := strings.ToLower(d.Login)
		if seen[key] {
			return nil, fmt.Errorf("sandbox: fixture: backendless.developers[%d]: login %q appears twice", i, d.Login)
		}
		seen[key] = true
	}
	legacy, err := parseLegacyApps(fx.LegacyApps, seen)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for i, a := range fx.Apps {
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
	return func(tx *core.Tx) error {
		return s.seed(&state{Backendless: s.records, tx: tx}, &fx, legacy)
	}, nil
}

// seed turns a checked fixture into the first records of a data directory.
func (s *Backendless) seed(st *state, fx *fixtureBackendless, legacy []fixtureLegacyApp) error {
	for _, d := range fx.Developers {
		st.Backendless.Developers = append(st.Backendless.Developers, &bkDeveloper{
			Login: d.Login, Password: d.Password, Name: d.Name, TwoFactor: d.TwoFactor,
		})
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	for _, a := range fx.Apps {
		zone, _ := normalizeZone(a.Zone)
		owner := st.bkDeveloper(a.Owner)
		if err := st.bkCheckNameFree(owner.Login, a.Name, ""); err != nil {
			return fmt.Errorf("sandbox: fixture: %w", err)
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
	// The 3.x apps' rows and files go into blobs.
	return s.materializeLegacySeed(st, legacy)
}
