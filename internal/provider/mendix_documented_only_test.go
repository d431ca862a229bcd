package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

// mxPerson plays, through the sandbox's /_sandbox/ control endpoints, what a person does in the
// Mendix Portal while apply waits at a manual gate: each action once, and only once the provider
// is visibly waiting for it.
type mxPerson struct {
	t    *testing.T
	env  *mxEnv
	base string // the sandbox root, for /_sandbox/
	mu   sync.Mutex
	done map[string]bool
}

func (p *mxPerson) control(method, path string, body []byte, contentType string) {
	req, err := http.NewRequest(method, p.base+path, bytes.NewReader(body))
	if err != nil {
		p.t.Error(err)
		return
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Errorf("%s %s: %v", method, path, err)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode > 299 {
		msg, _ := io.ReadAll(resp.Body)
		p.t.Errorf("%s %s: %d %s", method, path, resp.StatusCode, msg)
	}
}

// once runs do the first time key is due.
func (p *mxPerson) once(key string, due bool, do func()) {
	p.mu.Lock()
	if !due || p.done[key] {
		p.mu.Unlock()
		return
	}
	p.done[key] = true
	p.mu.Unlock()
	do()
}

// link is "Select Node → Use this Node" for projectID on the v4 node, once Deploy v4 has been
// read for it twice (the look before the wait, then the wait).
func (p *mxPerson) link(projectID string) {
	reads := len(p.env.tap.requests(func(r mxRequest) bool {
		return r.Method == http.MethodGet && r.Path == "/mendix/cloud/api/v4/apps/"+projectID
	}))
	body, _ := json.Marshal(map[string]string{"projectId": projectID})
	p.once("link "+projectID, reads >= 2, func() {
		p.control(http.MethodPost, "/_sandbox/mendix/nodes/"+mxV4Node+"/link", body, "application/json")
	})
}

// uploadBackup is "Backups → Upload Archive" of the newest v3 backup, once apply has read the v3
// archive and then listed the v4 environment's backups (the wait).
func (p *mxPerson) uploadBackup(projectID string) {
	list := "/mendix/deploy/api/v2/apps/" + projectID + "/environments/" + mxV4ProdEnv + "/snapshots"
	seenArchive, waiting := false, false
	for _, r := range p.env.tap.requests(func(mxRequest) bool { return true }) {
		switch {
		case mxOnStorage(r) && strings.Contains(r.Path, "calc-production-"):
			seenArchive = true
		case seenArchive && r.Method == http.MethodGet && r.Path == list:
			waiting = true
		}
	}
	p.once("upload", waiting, func() {
		archive := p.env.v3Backup(p.t)
		defer archive.Close()
		raw, err := io.ReadAll(archive)
		if err != nil {
			p.t.Error(err)
			return
		}
		p.control(http.MethodPost, "/_sandbox/mendix/environments/"+mxV4ProdEnv+"/upload-backup", raw, "application/gzip")
	})
}

// play watches until ctx ends, acting when apply waits for the person.
func (p *mxPerson) play(ctx context.Context) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if tempID, n := mxAppNamed(p.env, "calc-migration-temp"); n == 1 {
			p.link(tempID)
			p.uploadBackup(tempID)
		}
		p.mu.Lock()
		offboarded := p.done["offboard"]
		p.mu.Unlock()
		if offboarded {
			p.link(mxCalcProject)
		}
	}
}

func TestAccMendixRunbook_DocumentedOnlyManualModeCompletesAndRefusesNothing(t *testing.T) {
	env := startMendixSandboxWith(t, sandbox.Options{JobDuration: -1, DocumentedOnly: true})
	base := strings.TrimSuffix(env.e.MendixDeployURL, "/mendix/deploy")
	person := &mxPerson{t: t, env: env, base: base, done: map[string]bool{}}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go person.play(ctx)

	cfg := runbookExample(t, env)
	manual := config.Variables{"link_mode": config.StringVariable("manual"), "backup_upload_mode": config.StringVariable("manual")}
	second := config.Variables{"link_mode": config.StringVariable("manual"), "backup_upload_mode": config.StringVariable("manual"),
		"v3_node_offboarded": config.BoolVariable(true)}
	refused := func() error {
		resp, err := http.Get(base + "/_sandbox/refused")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var v struct {
			DocumentedOnly bool              `json:"documented_only"`
			Count          int               `json:"count"`
			Calls          []json.RawMessage `json:"calls"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
			return err
		}
		if !v.DocumentedOnly || v.Count != 0 {
			return fmt.Errorf("documented-only %v, %d call(s) refused: %s", v.DocumentedOnly, v.Count, v.Calls)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:          cfg,
				ConfigVariables: manual,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("environment_running", knownvalue.Bool(true)),
				},
				Check: func(*terraform.State) error { return refused() },
			},
			{
				// Mendix Support offboards the v3 node; the person then links the real app.
				PreConfig: func() {
					person.control(http.MethodPost, "/_sandbox/mendix/nodes/"+mxV3Node+"/offboard", nil, "")
					person.mu.Lock()
					person.done["offboard"] = true
					person.mu.Unlock()
				},
				Config:          cfg,
				ConfigVariables: second,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValueAtPath("backup_archive", tfjsonpath.New("equal"), knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValueAtPath("constants", tfjsonpath.New("equal"), knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("temporary_app_deleted", knownvalue.Bool(true)),
				},
				Check: func(*terraform.State) error {
					if a, _ := mxApp(env, mxCalcProject); a.NodeID != mxV4Node {
						return fmt.Errorf("the real app is on %q", a.NodeID)
					}
					if n := len(env.tap.requests(func(r mxRequest) bool { return r.Status == http.StatusForbidden })); n != 0 {
						return fmt.Errorf("%d request(s) answered 403", n)
					}
					return refused()
				},
			},
			{
				Config:           cfg,
				ConfigVariables:  second,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            func(*terraform.State) error { return refused() },
			},
		},
	})
}
