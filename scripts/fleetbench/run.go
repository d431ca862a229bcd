package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/tfrun"
)

// Results is every figure of one run (.bench/fleet/results.json). Times are in seconds, memory
// in KiB.
type Results struct {
	Started     time.Time `json:"started"`
	N           int       `json:"apps_per_vendor"`
	Backendless int       `json:"backendless_migrations"`
	Mendix      int       `json:"mendix_migrations"`
	JobDuration string    `json:"job_duration"`
	Terraform   string    `json:"terraform_version"`
	CPUs        int       `json:"cpus"`
	LoadBefore  string    `json:"load_before"`
	LoadAfter   string    `json:"load_after"`

	Applies  []ApplyResult `json:"applies"`
	Plans    *PlanResult   `json:"plans,omitempty"`
	Requests *RequestStats `json:"requests_per_refresh,omitempty"`
}

// ApplyResult is one apply on a fresh sandbox.
type ApplyResult struct {
	Parallelism int     `json:"parallelism"`
	Resources   int     `json:"resources"`
	WallS       float64 `json:"wall_s"`
	// TerraformCPUS is terraform's own CPU time and that of every provider process it waited
	// for (wait4's rusage); ProviderCPUS the providers' alone, sampled from /proc (a lower bound).
	TerraformCPUS      float64 `json:"terraform_and_provider_cpu_s"`
	ProviderCPUS       float64 `json:"provider_cpu_s"`
	SandboxCPUS        float64 `json:"sandbox_cpu_s"`
	ProviderPeakRSSKiB int64   `json:"provider_peak_rss_kib"`
	SandboxPeakRSSKiB  int64   `json:"sandbox_peak_rss_kib"`
	// Proven is the example's summary output: how many apps of each runbook are proven.
	Proven    map[string]string                `json:"proven"`
	Lag       map[string]sandbox.JobLagSummary `json:"poll_lag"`
	LoadAfter string                           `json:"load_after"`
}

// PlanResult is the interleaved plans of the fleet and of as many terraform_data resources.
type PlanResult struct {
	Runs      int       `json:"runs"`
	Resources int       `json:"resources"`
	FleetS    []float64 `json:"fleet_s"`
	DataS     []float64 `json:"terraform_data_s"`
	NoopS     []float64 `json:"noop_item_s"`
	Fleet     Spread    `json:"fleet"`
	Data      Spread    `json:"terraform_data"`
	// Noop is as many resources of a provider that does nothing (scripts/fleetbench/noopprovider):
	// what the plugin protocol alone costs, which terraform_data (inside Terraform) does not pay.
	Noop Spread `json:"noop_item"`
	// Ratio is the fleet's median over terraform_data's median; NoopRatio over noop_item's.
	Ratio     float64 `json:"ratio_of_medians"`
	NoopRatio float64 `json:"ratio_over_noop_provider"`
	// FleetCPUS is terraform and provider CPU per fleet plan (median); ProviderPeakRSSKiB the
	// largest provider VmHWM over the fleet plans.
	FleetCPUS          float64 `json:"fleet_terraform_and_provider_cpu_s"`
	ProviderPeakRSSKiB int64   `json:"provider_peak_rss_kib"`
	// NotEmpty counts fleet plans that proposed changes (there should be none).
	NotEmpty int `json:"fleet_plans_not_empty"`
	// Requests and GETs are the vendor requests the sandbox counted during each fleet plan: all
	// of them, and the GETs alone.
	Requests []int `json:"fleet_requests"`
	GETs     []int `json:"fleet_get_requests"`
}

// Spread is min, median and max.
type Spread struct {
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	Max    float64 `json:"max"`
}

// RequestStats is the vendor requests of one refresh.
type RequestStats struct {
	// Whole is the requests of one plan of the whole configuration, WholeGET its GETs (the
	// medians over the plans); the rest are what the provider sends once per process (a
	// console login).
	Whole    int `json:"whole_plan"`
	WholeGET int `json:"whole_plan_get"`
	// Blocks is each resource block's share of the GETs, from targeted plans (nil with
	// -breakdown=false): a refresh only reads, and leaving the logins out keeps the subtraction
	// exact when concurrent refreshes race to log in. Targeted holds each targeted plan's GETs.
	Blocks   []BlockRequests `json:"blocks,omitempty"`
	Targeted map[string]int  `json:"targeted_plans_get,omitempty"`
}

// BlockRequests is one resource block's requests per refresh.
type BlockRequests struct {
	Address     string  `json:"address"`
	Instances   int     `json:"instances"`
	Requests    int     `json:"requests"`
	PerResource float64 `json:"per_resource"`
	// Base is what the block's figure subtracts; empty when nothing could be (the figure then
	// includes what the provider does once per process).
	Base []string `json:"base,omitempty"`
}

// bench is one run's shared state.
type bench struct {
	cfg         *config
	out         io.Writer
	work        string
	providerDir string
	providerExe string
}

func run(cfg *config, stdout io.Writer) error {
	if err := checkTools(cfg.root); err != nil {
		return err
	}
	b := &bench{cfg: cfg, out: stdout, work: filepath.Join(cfg.root, ".bench", "fleet"), providerDir: filepath.Join(cfg.root, "bin")}
	exe, err := filepath.EvalSymlinks(filepath.Join(b.providerDir, tfrun.BinaryName))
	if err != nil {
		return err
	}
	b.providerExe = exe
	if err := os.RemoveAll(b.work); err != nil {
		return err
	}
	if err := os.MkdirAll(b.work, 0o755); err != nil {
		return err
	}
	raw, err := os.ReadFile(filepath.Join(cfg.root, exampleDir, "sandbox-fleet.json"))
	if err != nil {
		return err
	}
	fixture, err := fleetFixture(raw, cfg.n)
	if err != nil {
		return err
	}
	res := &Results{Started: time.Now().UTC(), N: cfg.n, Backendless: cfg.count("backendless"), Mendix: cfg.count("mendix"), JobDuration: cfg.jobDuration.String(), Terraform: terraformVersion(),
		CPUs: runtime.NumCPU(), LoadBefore: loadAvg()}
	fmt.Fprintf(stdout, "fleet bench: %d Backendless + %d Mendix migrations (examples/fleet), sandbox jobs %s, -parallelism %v, load %s, work dir %s\n",
		cfg.count("backendless"), cfg.count("mendix"), cfg.jobDuration, cfg.parallelism, res.LoadBefore, b.work)
	for i, p := range cfg.parallelism {
		a, err := b.apply(p, fixture, res, i == len(cfg.parallelism)-1)
		if err != nil {
			return err
		}
		res.Applies = append(res.Applies, a)
	}
	res.LoadAfter = loadAvg()
	raw, err = json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(b.work, "results.json"), raw, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	report(stdout, res)
	fmt.Fprintf(stdout, "\nraw figures: %s\n", filepath.Join(b.work, "results.json"))
	return nil
}

// terraformVersion is the "Terraform vX.Y.Z" line of `terraform version`.
func terraformVersion() string {
	var out bytes.Buffer
	cmd := tfrun.Command(context.Background(), ".", append(os.Environ(), "CHECKPOINT_DISABLE=1"), &out, "version")
	_ = cmd.Run()
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "Terraform v") {
			return strings.TrimSpace(line)
		}
	}
	return "terraform (version unknown)"
}

// cmdStats is one terraform command, measured.
type cmdStats struct {
	Wall        time.Duration
	CPU         time.Duration // terraform and the providers it waited for (wait4)
	ProviderCPU time.Duration // the providers alone, sampled
	ProviderHWM int64         // KiB, the largest provider's VmHWM
	Exit        int
}

// terraform runs terraform args in dir with its output in logPath, timed and sampled.
func (b *bench) terraform(dir string, env []string, logPath string, args ...string) (cmdStats, error) {
	out, err := os.Create(logPath)
	if err != nil {
		return cmdStats{}, err
	}
	defer out.Close()
	ctx, cancel := context.WithTimeout(context.Background(), b.cfg.timeout)
	defer cancel()
	cmd := tfrun.Command(ctx, dir, env, out, args...)
	ownProcessGroup(cmd)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute
	s := startSampler(b.providerExe)
	start := time.Now()
	err = cmd.Run()
	st := cmdStats{Wall: time.Since(start)}
	st.ProviderHWM, st.ProviderCPU = s.finish()
	if ctx.Err() != nil {
		killProcessGroup(cmd)
		return st, fmt.Errorf("terraform %s did not finish within %v (-timeout); see %s", args[0], b.cfg.timeout, logPath)
	}
	if st.Exit = tfrun.ExitCode(err); st.Exit == -1 {
		return st, fmt.Errorf("terraform %s: %v", args[0], err)
	}
	if cmd.ProcessState != nil {
		st.CPU = childCPU(cmd.ProcessState)
	}
	return st, nil
}

// capture runs a quick terraform command and returns its output.
func (b *bench) capture(dir string, env []string, args ...string) (string, error) {
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), b.cfg.timeout)
	defer cancel()
	if err := tfrun.Command(ctx, dir, env, &out, args...).Run(); err != nil {
		return out.String(), fmt.Errorf("terraform %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String(), nil
}

// apply migrates the fleet at parallelism p on a fresh sandbox; after the last one it measures
// the plans and the requests per refresh on the same state.
func (b *bench) apply(p int, fixture []byte, res *Results, last bool) (ApplyResult, error) {
	dir := filepath.Join(b.work, fmt.Sprintf("apply-p%d", p))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return ApplyResult{}, err
	}
	fmt.Fprintf(b.out, "apply at -parallelism=%d: seeding the sandbox …\n", p)
	sb, err := startSandbox(b.cfg.root, dir, fixture, b.cfg.jobDuration)
	if err != nil {
		return ApplyResult{}, err
	}
	defer sb.stop()
	vars, keys, err := sb.vars()
	if err != nil {
		return ApplyResult{}, err
	}
	if len(vars.BackendlessApps) != b.cfg.n || len(vars.MendixApps) != b.cfg.n {
		return ApplyResult{}, fmt.Errorf("the sandbox holds %d Backendless and %d Mendix apps to migrate, want %d each", len(vars.BackendlessApps), len(vars.MendixApps), b.cfg.n)
	}
	// A runbook left out migrates no app: its resources have an empty for_each.
	if !b.cfg.vendors["backendless"] {
		vars.BackendlessApps = map[string]backendlessApp{}
	}
	if !b.cfg.vendors["mendix"] {
		vars.MendixApps = map[string]mendixApp{}
	}
	tfDir := filepath.Join(dir, "tf")
	if err := writeFleetWorkspace(b.cfg.root, tfDir, vars); err != nil {
		return ApplyResult{}, err
	}
	rc := filepath.Join(dir, "terraformrc")
	if err := tfrun.WriteCLIConfig(rc, b.providerDir); err != nil {
		return ApplyResult{}, err
	}
	env := fleetEnv(sb.endpoints, keys, rc)
	// The example's runbooks are local modules: terraform get installs them (terraform init
	// would also look for the provider, which dev_overrides serves).
	if _, err := b.capture(tfDir, env, tfrun.GetArgs...); err != nil {
		return ApplyResult{}, err
	}

	cpu0, _ := procCPU(sb.pid())
	st, err := b.terraform(tfDir, env, filepath.Join(dir, "apply.log"), append(slices.Clone(tfrun.ApplyArgs), fmt.Sprintf("-parallelism=%d", p))...)
	if err != nil {
		return ApplyResult{}, err
	}
	cpu1, _ := procCPU(sb.pid())
	if st.Exit != 0 {
		return ApplyResult{}, fmt.Errorf("apply at -parallelism=%d failed (exit %d); see %s", p, st.Exit, filepath.Join(dir, "apply.log"))
	}
	a := ApplyResult{
		Parallelism: p, WallS: st.Wall.Seconds(), TerraformCPUS: st.CPU.Seconds(), ProviderCPUS: st.ProviderCPU.Seconds(),
		SandboxCPUS: (cpu1 - cpu0).Seconds(), ProviderPeakRSSKiB: st.ProviderHWM, SandboxPeakRSSKiB: procHWM(sb.pid()),
	}
	var lag json.RawMessage
	if err := sb.get("/_sandbox/jobs/lag", &lag); err != nil {
		return a, err
	}
	if err := os.WriteFile(filepath.Join(dir, "job-lag.json"), lag, 0o644); err != nil {
		return a, err
	}
	var lagView struct {
		Kinds map[string]sandbox.JobLagSummary `json:"kinds"`
	}
	if err := json.Unmarshal(lag, &lagView); err != nil {
		return a, err
	}
	a.Lag = lagView.Kinds
	summary, err := b.capture(tfDir, env, "output", "-json", "summary")
	if err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(summary), &a.Proven); err != nil {
		return a, fmt.Errorf("output summary: %v", err)
	}
	list, err := b.capture(tfDir, env, "state", "list")
	if err != nil {
		return a, err
	}
	a.Resources = strings.Count(list, "\n")
	a.LoadAfter = loadAvg()
	fmt.Fprintf(b.out, "  %d resources in %.1f s (backendless %s, mendix %s), load %s\n", a.Resources, a.WallS, a.Proven["backendless"], a.Proven["mendix"], a.LoadAfter)
	if !last {
		return a, nil
	}
	if res.Plans, err = b.plans(dir, tfDir, env, sb, a.Resources); err != nil {
		return a, err
	}
	if res.Requests, err = b.requests(dir, tfDir, env, sb, res.Plans, moduleKeys(vars)); err != nil {
		return a, err
	}
	return a, nil
}

// plans runs the fleet's plan and the terraform_data plan in turn, cfg.planRuns times each,
// counting the sandbox's requests around each fleet plan.
func (b *bench) plans(dir, tfDir string, env []string, sb *sandboxProc, resources int) (*PlanResult, error) {
	dataDir := filepath.Join(dir, "terraform-data")
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dataDir, "main.tf"), []byte(dataConfig(resources)), 0o644); err != nil {
		return nil, err
	}
	fmt.Fprintf(b.out, "plans: creating %d terraform_data resources for the baseline …\n", resources)
	if _, err := b.capture(dataDir, env, tfrun.ApplyArgs...); err != nil {
		return nil, err
	}
	noopDir, noopEnv, err := b.noopWorkspace(dir, env, resources)
	if err != nil {
		return nil, err
	}
	pr := &PlanResult{Runs: b.cfg.planRuns, Resources: resources}
	var cpus []float64
	for i := 1; i <= b.cfg.planRuns; i++ {
		r0, err := sb.requests()
		if err != nil {
			return nil, err
		}
		fs, err := b.terraform(tfDir, env, filepath.Join(dir, fmt.Sprintf("plan-fleet-%d.log", i)), tfrun.PlanArgs...)
		if err != nil {
			return nil, err
		}
		r1, err := sb.requests()
		if err != nil {
			return nil, err
		}
		switch fs.Exit {
		case 0:
		case 2:
			pr.NotEmpty++
		default:
			return nil, fmt.Errorf("fleet plan %d failed; see %s", i, filepath.Join(dir, fmt.Sprintf("plan-fleet-%d.log", i)))
		}
		ds, err := b.terraform(dataDir, env, filepath.Join(dir, fmt.Sprintf("plan-data-%d.log", i)), tfrun.PlanArgs...)
		if err != nil {
			return nil, err
		}
		if ds.Exit != 0 {
			return nil, fmt.Errorf("terraform_data plan %d: exit %d", i, ds.Exit)
		}
		ns, err := b.terraform(noopDir, noopEnv, filepath.Join(dir, fmt.Sprintf("plan-noop-%d.log", i)), tfrun.PlanArgs...)
		if err != nil {
			return nil, err
		}
		if ns.Exit != 0 {
			return nil, fmt.Errorf("noop_item plan %d: exit %d", i, ns.Exit)
		}
		pr.FleetS = append(pr.FleetS, fs.Wall.Seconds())
		pr.DataS = append(pr.DataS, ds.Wall.Seconds())
		pr.NoopS = append(pr.NoopS, ns.Wall.Seconds())
		cpus = append(cpus, fs.CPU.Seconds())
		pr.ProviderPeakRSSKiB = max(pr.ProviderPeakRSSKiB, fs.ProviderHWM)
		d := r1.minus(r0)
		pr.Requests, pr.GETs = append(pr.Requests, d.all), append(pr.GETs, d.get)
		fmt.Fprintf(b.out, "  run %d: fleet %.2f s (%d requests), terraform_data %.2f s, noop_item %.2f s\n", i, fs.Wall.Seconds(), d.all, ds.Wall.Seconds(), ns.Wall.Seconds())
	}
	pr.Fleet, pr.Data, pr.Noop = spread(pr.FleetS), spread(pr.DataS), spread(pr.NoopS)
	if pr.Data.Median > 0 {
		pr.Ratio = pr.Fleet.Median / pr.Data.Median
	}
	if pr.Noop.Median > 0 {
		pr.NoopRatio = pr.Fleet.Median / pr.Noop.Median
	}
	pr.FleetCPUS = spread(cpus).Median
	return pr, nil
}

// requests is the vendor requests of one refresh: the whole plan's (median), and with
// cfg.breakdown each block's from targeted plans, which target a block in every instance of
// its module (keys: each module call's instance keys).
func (b *bench) requests(dir, tfDir string, env []string, sb *sandboxProc, plans *PlanResult, keys map[string][]string) (*RequestStats, error) {
	rs := &RequestStats{Whole: medianInt(plans.Requests), WholeGET: medianInt(plans.GETs), Targeted: map[string]int{}}
	if !b.cfg.breakdown {
		return rs, nil
	}
	blocks, err := exampleBlocks(tfDir)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(b.out, "requests per refresh: targeted plans for %d resource blocks …\n", len(blocks))
	counted := rs.Targeted
	count := func(addrs []string) (int, error) {
		key := targetKey(addrs)
		if n, ok := counted[key]; ok {
			return n, nil
		}
		r0, err := sb.requests()
		if err != nil {
			return 0, err
		}
		logPath := filepath.Join(dir, fmt.Sprintf("plan-target-%d.log", len(counted)+1))
		st, err := b.terraform(tfDir, env, logPath, append(slices.Clone(tfrun.PlanArgs), targetArgs(addrs, keys)...)...)
		if err != nil {
			return 0, err
		}
		if st.Exit != 0 && st.Exit != 2 {
			return 0, fmt.Errorf("targeted plan failed; see %s", logPath)
		}
		r1, err := sb.requests()
		if err != nil {
			return 0, err
		}
		counted[key] = r1.minus(r0).get
		return counted[key], nil
	}
	for _, blk := range blocks {
		if !b.cfg.vendors[blockVendor(blk.Addr)] {
			continue // a runbook left out has no instances to count
		}
		// The block with its base (its dependencies, or another root), minus the base alone.
		with, err := count(union(blk.Base, []string{blk.Addr}))
		if err != nil {
			return nil, err
		}
		base := 0
		if len(blk.Base) > 0 {
			if base, err = count(blk.Base); err != nil {
				return nil, err
			}
		}
		n := with - base
		rs.Blocks = append(rs.Blocks, BlockRequests{Address: blk.Addr, Instances: b.cfg.n, Requests: n, PerResource: float64(n) / float64(b.cfg.n), Base: blk.Base})
	}
	return rs, nil
}

// union is the addresses of a and b, each once.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// spread is min, median and max of xs.
func spread(xs []float64) Spread {
	if len(xs) == 0 {
		return Spread{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Spread{Min: s[0], Median: med, Max: s[len(s)-1]}
}

// medianInt is the median of xs (the lower middle for an even count).
func medianInt(xs []int) int {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// blockVendor names the runbook a resource block belongs to: "backendless" or "mendix".
func blockVendor(addr string) string {
	if strings.HasPrefix(resourceOf(addr), "appmigrate_mendix_") {
		return "mendix"
	}
	return "backendless"
}

// count is how many apps of a runbook the bench migrates: n, or none when it is left out.
func (c *config) count(vendor string) int {
	if c.vendors[vendor] {
		return c.n
	}
	return 0
}

// noopWorkspace builds the do-nothing provider and applies as many of its resources as the fleet
// has, in dir/noop-provider; it returns the directory and the environment that finds the provider.
func (b *bench) noopWorkspace(dir string, env []string, resources int) (string, []string, error) {
	bin := filepath.Join(b.work, "noop-bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-noop"), "./scripts/fleetbench/noopprovider")
	mod, err := moduleRoot()
	if err != nil {
		return "", nil, err
	}
	build.Dir = mod
	if out, err := build.CombinedOutput(); err != nil {
		return "", nil, fmt.Errorf("building the noop provider: %v\n%s", err, out)
	}
	ws := filepath.Join(dir, "noop-provider")
	if err := os.MkdirAll(ws, 0o755); err != nil {
		return "", nil, err
	}
	if err := os.WriteFile(filepath.Join(ws, "main.tf"), []byte(noopConfig(resources)), 0o644); err != nil {
		return "", nil, err
	}
	rc := filepath.Join(dir, "terraformrc-noop")
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"appmigrate/noop\" = %q\n  }\n  direct {}\n}\n", bin)
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		return "", nil, err
	}
	noopEnv := append(slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") }), "TF_CLI_CONFIG_FILE="+rc)
	fmt.Fprintf(b.out, "plans: creating %d noop_item resources (a provider that does nothing) for the plugin baseline …\n", resources)
	if _, err := b.capture(ws, noopEnv, tfrun.ApplyArgs...); err != nil {
		return "", nil, err
	}
	return ws, noopEnv, nil
}

// moduleRoot is the directory of the go.mod above the working directory: where the noop
// provider's source is, whatever -root says.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory: run fleetbench from the repository")
		}
		dir = parent
	}
}
