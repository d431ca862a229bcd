package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/tfrun"
)

// exampleDir is the configuration the bench runs, as shipped.
const exampleDir = "examples/fleet"

// fleetModule is one runbook's module in the example: the root's module call, one instance
// per app, and the directory of its resource blocks.
type fleetModule struct {
	Vendor string // "backendless" or "mendix", as -vendors names it
	Call   string // the module block's name in main.tf
	Dir    string // under exampleDir
}

// fleetModules are the example's module calls, in the order the bench reports them.
var fleetModules = []fleetModule{
	{Vendor: "backendless", Call: "backendless", Dir: "modules/backendless-migration"},
	{Vendor: "mendix", Call: "mendix", Dir: "modules/mendix-migration"},
}

// fleetFixture is the example's fixture with every fleet's count set to n.
func fleetFixture(raw []byte, n int) ([]byte, error) {
	var fx map[string]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fx); err != nil {
		return nil, fmt.Errorf("%s/sandbox-fleet.json: %w", exampleDir, err)
	}
	found := false
	for name, section := range fx {
		rawFleets, ok := section["fleets"]
		if !ok {
			continue
		}
		var fleets []map[string]json.RawMessage
		if err := json.Unmarshal(rawFleets, &fleets); err != nil {
			return nil, fmt.Errorf("%s.fleets: %w", name, err)
		}
		for _, f := range fleets {
			f["count"] = json.RawMessage(fmt.Sprint(n))
			found = true
		}
		b, err := json.Marshal(fleets)
		if err != nil {
			return nil, err
		}
		section["fleets"] = b
	}
	if !found {
		return nil, fmt.Errorf("%s/sandbox-fleet.json has no fleets to grow", exampleDir)
	}
	return json.MarshalIndent(fx, "", "  ")
}

// backendlessApp and mendixApp are the example's map entries (examples/fleet/variables.tf).
type backendlessApp struct {
	LegacyAppID string `json:"legacy_app_id"`
}

type mendixApp struct {
	AppProjectID string `json:"app_project_id"`
	V4NodeID     string `json:"v4_node_id"`
}

// fleetVars are the example's variables, built from what the sandbox holds.
type fleetVars struct {
	BackendlessApps map[string]backendlessApp `json:"backendless_apps"`
	MendixApps      map[string]mendixApp      `json:"mendix_apps"`
}

// buildVars maps every 3.x app by name, and every licensed Mendix app by its v3 subdomain to the
// v4 node named by the fixture's convention (subdomain "<v3 subdomain>-v4"); it returns the
// 3.x secret keys too.
func buildVars(legacy []sandbox.LegacyApp, apps []sandbox.MendixApp, nodes []sandbox.MendixNode) (fleetVars, map[string]string) {
	v := fleetVars{BackendlessApps: map[string]backendlessApp{}, MendixApps: map[string]mendixApp{}}
	keys := map[string]string{}
	for _, a := range legacy {
		v.BackendlessApps[a.Name] = backendlessApp{LegacyAppID: a.ID}
		keys[a.ID] = a.SecretKey
	}
	v4 := map[string]string{}
	for _, n := range nodes {
		if n.Cloud == "v4" {
			v4[n.Subdomain] = n.ID
		}
	}
	for _, a := range apps {
		if a.LicenseType != "licensed" || a.Subdomain == "" {
			continue
		}
		if node, ok := v4[a.Subdomain+"-v4"]; ok {
			v.MendixApps[a.Subdomain] = mendixApp{AppProjectID: a.ProjectID, V4NodeID: node}
		}
	}
	return v, keys
}

// --- the sandbox as a process ---

// sandboxProc is bin/appmigrate-sandbox serving one apply.
type sandboxProc struct {
	cmd       *exec.Cmd
	done      chan struct{}
	base      string
	endpoints sandbox.Endpoints
	log       *os.File
}

// startSandbox starts the sandbox on dir/data with the fixture and job duration, and waits for
// its URLs.
func startSandbox(root, dir string, fixture []byte, jobs time.Duration) (*sandboxProc, error) {
	fxPath := filepath.Join(dir, "fixture.json")
	if err := os.WriteFile(fxPath, fixture, 0o644); err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "sandbox.log"))
	if err != nil {
		return nil, err
	}
	urls := filepath.Join(dir, "urls.json")
	cmd := exec.Command(filepath.Join(root, "bin", "appmigrate-sandbox"),
		"--listen", "127.0.0.1:0", "--data-dir", filepath.Join(dir, "sandbox-data"), "--fixture", fxPath,
		"--job-duration", jobs.String(), "--urls-file", urls, "--quiet")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	p := &sandboxProc{cmd: cmd, done: make(chan struct{}), log: logf}
	go func() { _ = cmd.Wait(); close(p.done) }()
	deadline := time.Now().Add(5 * time.Minute) // a large fleet takes a while to seed
	for {
		raw, err := os.ReadFile(urls)
		if err == nil && json.Unmarshal(raw, &p.endpoints) == nil && p.endpoints.BackendlessConsoleURL != "" {
			break
		}
		select {
		case <-p.done:
			logf.Close()
			return nil, fmt.Errorf("the sandbox exited before listening; see %s", logf.Name())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, errors.New("the sandbox did not start within 5 minutes")
		}
	}
	p.base = strings.TrimSuffix(p.endpoints.BackendlessConsoleURL, "/backendless/console")
	return p, nil
}

// pid is the sandbox's process id.
func (p *sandboxProc) pid() int { return p.cmd.Process.Pid }

// stop ends the sandbox with SIGTERM (it flushes its state), or SIGKILL after 30s.
func (p *sandboxProc) stop() {
	defer p.log.Close()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// get decodes a control-surface answer into v.
func (p *sandboxProc) get(path string, v any) error {
	client := &http.Client{Timeout: time.Minute}
	resp, err := client.Get(p.base + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		return fmt.Errorf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// requestCounts is how many vendor requests the sandbox has counted so far: all of them, and
// the GETs alone.
type requestCounts struct{ all, get int }

func (p *sandboxProc) requests() (requestCounts, error) {
	var all, get struct {
		Count int `json:"count"`
	}
	if err := p.get("/_sandbox/requests", &all); err != nil {
		return requestCounts{}, err
	}
	err := p.get("/_sandbox/requests?method=GET", &get)
	return requestCounts{all.Count, get.Count}, err
}

// minus is the requests counted since r0.
func (r requestCounts) minus(r0 requestCounts) requestCounts {
	return requestCounts{r.all - r0.all, r.get - r0.get}
}

// vars builds the example's maps and the 3.x secret keys from the sandbox's apps.
func (p *sandboxProc) vars() (fleetVars, map[string]string, error) {
	var legacy []sandbox.LegacyApp
	var apps []sandbox.MendixApp
	var nodes []sandbox.MendixNode
	for path, v := range map[string]any{"/_sandbox/backendless3/apps": &legacy, "/_sandbox/mendix/apps": &apps, "/_sandbox/mendix/nodes": &nodes} {
		if err := p.get(path, v); err != nil {
			return fleetVars{}, nil, err
		}
	}
	v, keys := buildVars(legacy, apps, nodes)
	return v, keys, nil
}

// --- the configuration's resource blocks, for the targeted plans ---

// block is one resource block of the configuration with the blocks it depends on. Addresses
// are configuration addresses: "type.name", or "module.<call>.type.name" for a block inside a
// module, which stands for that block in every instance of the module.
type block struct {
	Addr string   `json:"address"`
	Deps []string `json:"-"` // every block it depends on, directly or not
	// Base is what the targeted plan that isolates the block's requests subtracts: its
	// dependencies, or for a block without any another root of the same runbook.
	Base []string `json:"-"`
}

// Type is the block's resource type.
func (b block) Type() string { t, _, _ := strings.Cut(resourceOf(b.Addr), "."); return t }

var (
	reResource = regexp.MustCompile(`(?m)^resource "([a-z0-9_]+)" "([a-z0-9_]+)" \{$`)
	reRef      = regexp.MustCompile(`\b(appmigrate_[a-z0-9_]+)\.([a-z0-9_]+)\b`)
)

// exampleBlocks reads the resource blocks of every module of the example under dir (the
// example or a copy of it), each address inside its module call.
func exampleBlocks(dir string) ([]block, error) {
	var all []block
	for _, m := range fleetModules {
		path := filepath.Join(dir, filepath.FromSlash(m.Dir), "main.tf")
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		blocks, err := parseBlocks(string(src))
		if err != nil {
			return nil, fmt.Errorf("%s/%s/main.tf: %v", exampleDir, m.Dir, err)
		}
		all = append(all, inModule(m.Call, blocks)...)
	}
	return all, nil
}

// inModule is blocks with every address inside module call.
func inModule(call string, blocks []block) []block {
	prefix := func(addrs []string) []string {
		if addrs == nil {
			return nil
		}
		out := make([]string, len(addrs))
		for i, a := range addrs {
			out[i] = "module." + call + "." + a
		}
		return out
	}
	out := make([]block, len(blocks))
	for i, b := range blocks {
		out[i] = block{Addr: "module." + call + "." + b.Addr, Deps: prefix(b.Deps), Base: prefix(b.Base)}
	}
	return out
}

// resourceOf is the "type.name" of a block address, inside a module or not.
func resourceOf(addr string) string {
	for strings.HasPrefix(addr, "module.") {
		_, rest, _ := strings.Cut(addr, ".")
		_, addr, _ = strings.Cut(rest, ".")
	}
	return addr
}

// parseBlocks reads the resource blocks of a configuration written as terraform fmt writes it
// (a block ends at the first "}" in column 0) and the blocks each one refers to, depends_on
// included; Deps is the transitive closure. Blocks keep the file's order.
func parseBlocks(src string) ([]block, error) {
	locs := reResource.FindAllStringSubmatchIndex(src, -1)
	if len(locs) == 0 {
		return nil, errors.New("no resource blocks")
	}
	direct := map[string][]string{}
	var order []string
	for _, loc := range locs {
		addr := src[loc[2]:loc[3]] + "." + src[loc[4]:loc[5]]
		body := src[loc[1]:]
		end := strings.Index(body, "\n}")
		if end < 0 {
			return nil, fmt.Errorf("resource %s: no closing brace in column 0", addr)
		}
		seen := map[string]bool{}
		for _, m := range reRef.FindAllStringSubmatch(body[:end], -1) {
			dep := m[1] + "." + m[2]
			if dep != addr && !seen[dep] {
				seen[dep] = true
				direct[addr] = append(direct[addr], dep)
			}
		}
		order = append(order, addr)
	}
	var closure func(addr string, into map[string]bool)
	closure = func(addr string, into map[string]bool) {
		for _, d := range direct[addr] {
			if !into[d] {
				into[d] = true
				closure(d, into)
			}
		}
	}
	blocks := make([]block, 0, len(order))
	for _, addr := range order {
		deps := map[string]bool{}
		closure(addr, deps)
		b := block{Addr: addr}
		for _, d := range order { // the file's order, not the map's
			if deps[d] {
				b.Deps = append(b.Deps, d)
			}
		}
		blocks = append(blocks, b)
	}
	for i, b := range blocks {
		if len(b.Deps) > 0 {
			blocks[i].Base = b.Deps
			continue
		}
		for _, o := range blocks {
			if o.Addr != b.Addr && len(o.Deps) == 0 && runbookOf(o.Addr) == runbookOf(b.Addr) {
				blocks[i].Base = []string{o.Addr}
				break
			}
		}
	}
	return blocks, nil
}

// runbookOf names the runbook of a resource address: appmigrate_<platform>_…, inside a module
// or not.
func runbookOf(addr string) string {
	rest, _ := strings.CutPrefix(resourceOf(addr), "appmigrate_")
	platform, _, _ := strings.Cut(rest, "_")
	return platform
}

// targetKey identifies a set of targets, so each targeted plan runs once.
func targetKey(addrs []string) string {
	s := slices.Clone(addrs)
	sort.Strings(s)
	return strings.Join(s, " ")
}

// targetArgs are -target flags for addrs. A block inside a module call with for_each is
// targeted in each instance, one flag per key in keys[call]: terraform reads
// -target=module.<call>.type.name as the instance without a key, which a for_each call does
// not have, and plans nothing for it without a word.
func targetArgs(addrs []string, keys map[string][]string) []string {
	out := make([]string, 0, len(addrs))
	for _, a := range addrs {
		rest, ok := strings.CutPrefix(a, "module.")
		if !ok {
			out = append(out, "-target="+a)
			continue
		}
		call, res, _ := strings.Cut(rest, ".")
		for _, k := range keys[call] {
			out = append(out, fmt.Sprintf("-target=module.%s[%q].%s", call, k, res))
		}
	}
	return out
}

// moduleKeys is the instance keys of each module call of the example: the apps of its map.
func moduleKeys(v fleetVars) map[string][]string {
	keys := map[string][]string{}
	for _, m := range fleetModules {
		var ks []string
		switch m.Vendor {
		case "backendless":
			ks = slices.Sorted(maps.Keys(v.BackendlessApps))
		case "mendix":
			ks = slices.Sorted(maps.Keys(v.MendixApps))
		}
		keys[m.Call] = ks
	}
	return keys
}

// --- terraform workspaces ---

// writeFleetWorkspace copies the example's .tf files and its modules into dir and writes the
// maps as fleet.auto.tfvars.json, which every terraform command there loads. The modules still
// need installing (terraform get).
func writeFleetWorkspace(root, dir string, vars fleetVars) error {
	if err := copyTFFiles(filepath.Join(root, exampleDir), dir); err != nil {
		return err
	}
	for _, m := range fleetModules {
		sub := filepath.FromSlash(m.Dir)
		if err := copyTFFiles(filepath.Join(root, exampleDir, sub), filepath.Join(dir, sub)); err != nil {
			return err
		}
	}
	raw, err := json.MarshalIndent(vars, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "fleet.auto.tfvars.json"), raw, 0o644)
}

// copyTFFiles copies the .tf files of from (not its subdirectories) into to.
func copyTFFiles(from, to string) error {
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), raw, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// dataConfig is count terraform_data resources: the baseline a plan of the fleet is compared with.
func dataConfig(count int) string {
	return fmt.Sprintf(`# Written by make bench: as many terraform_data resources as the fleet has resources.
resource "terraform_data" "r" {
  count = %d
  input = count.index
}
`, count)
}

// noopConfig is count resources of the do-nothing provider: the plugin protocol's own cost.
func noopConfig(count int) string {
	return fmt.Sprintf(`# Written by make bench: as many resources of a provider that does nothing as the fleet has.
terraform {
  required_providers {
    noop = { source = "appmigrate/noop" }
  }
}

resource "noop_item" "r" {
  count = %d
  input = tostring(count.index)
}
`, count)
}

// fleetEnv is the terraform environment for the sandbox at eps: the default fixture accounts
// (examples/fleet/sandbox-fleet.json uses them) and every 3.x app's secret key.
func fleetEnv(eps sandbox.Endpoints, keys map[string]string, rc string) []string {
	c := tfrun.DefaultCredentials()
	c.LegacySecretKeys = keys
	return tfrun.Env(os.Environ(), eps, c, rc)
}
