// Command chaos (make chaos) runs both example runbooks through a faulty network, seed after
// seed, and reports whether each run converged, how many re-applies it needed, whether a
// second plan was empty, what the target holds (duplicates) and whether any row or byte was
// lost. It drives the built provider through the real terraform CLI (dev_overrides) against
// the built sandbox (bin/appmigrate-sandbox), exactly as a user would.
//
//	make chaos                                   # 10 seeds × 2 runbooks, sandbox profile moderate
//	CHAOS_SEEDS=3 CHAOS_PROFILE=double make chaos
//	CHAOS_NETWORK=proxy make chaos               # the byte-level proxy, profile light
//	CHAOS_NETWORK=proxy CHAOS_PROXY_PROFILE=heavy CHAOS_SEEDS=3 make chaos
//
// The faulty network is one of two:
//
//   - sandbox (the default): the sandbox's own fault injector (--fault-profile moderate|double):
//     5xx, 429, resets part-way through a body, slow answers, duplicated POSTs. It is HTTP-aware
//     and strikes where we thought of it.
//
//   - proxy: the sandbox runs with --fault-profile none behind internal/faultproxy, a TCP proxy
//     that knows nothing of HTTP. Every provider URL (APPMIGRATE_*_URL) points at the proxy, and
//     so do the links the sandbox hands out (Mendix package and backup downloads: it runs with
//     --public-url; Backendless file URLs follow the request's Host anyway). Per connection and
//     per direction, at random byte offsets (in any request of a keep-alive connection), the
//     proxy resets (SO_LINGER 0), truncates an answer with a FIN, stalls 2–20 s (then goes on
//     or resets), drips bytes 1–7 at a time, or waits before the first byte; profiles light
//     (the default), heavy, and long-stalls (stalls of 30–90 s only, past the provider's
//     idle_timeout half the time), seeded with the run's seed. Each run's row is followed by what
//     the proxy did; proxy.log and proxy-stats.json hold the details. The judging (inventory,
//     the runbooks' manual steps, the rows and bytes) talks to the sandbox directly.
//
// Settings (flags, or the environment variables make passes through):
//
//	-seeds          CHAOS_SEEDS           runs per runbook, seeds F..F+N-1 (default 10)
//	-first-seed     CHAOS_FIRST_SEED      F, the first seed (default 1): CHAOS_FIRST_SEED=7 CHAOS_SEEDS=1 replays seed 7
//	-network        CHAOS_NETWORK         sandbox or proxy (default sandbox)
//	-profile        CHAOS_PROFILE         sandbox fault profile in network sandbox (default moderate)
//	-proxy-profile  CHAOS_PROXY_PROFILE   proxy fault profile in network proxy: light, heavy, long-stalls, none (default light)
//	-max-reapplies  CHAOS_MAX_REAPPLIES   applies after the first one before giving up (default 2)
//	-apply-timeout  CHAOS_APPLY_TIMEOUT   bound on one terraform command (default 15m)
//	-runbooks       CHAOS_RUNBOOKS        comma-separated: backendless,mendix (default both)
//
// Everything a run writes stays in .chaos/<runbook>-seed<N>/: the sandbox's data and request
// log, an env file to reproduce the run by hand, each terraform command's output and TF_LOG
// debug log, the outputs and the sandbox inventory (and with the proxy, its log and counts).
// After each run the harness looks for every credential it gave the provider in what terraform
// wrote (each command's output and debug log, the state) and names any it finds. The exit status
// is 1 when any run did not converge, left a non-empty plan, duplicated an object, lost data or
// leaked a secret.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/faultproxy"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/tfrun"
)

// config is the command line.
type config struct {
	root         string
	seeds        int
	firstSeed    int
	profile      string // the sandbox's --fault-profile (none in network proxy)
	network      string // sandbox or proxy
	proxyProfile faultproxy.Profile
	maxReapplies int
	applyTimeout time.Duration
	runbooks     []runbook
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "chaos: %v\n", err)
		os.Exit(2)
	}
	os.Exit(run(cfg, os.Stdout))
}

func envOr(name, def string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return def
}

func parseFlags(args []string) (*config, error) {
	fs := flag.NewFlagSet("chaos", flag.ContinueOnError)
	c := &config{}
	var seeds, firstSeed, reapplies, timeout, books, proxyProfile string
	fs.StringVar(&c.root, "root", ".", "repository root (holds bin/ and examples/)")
	fs.StringVar(&seeds, "seeds", envOr("CHAOS_SEEDS", "10"), "runs per runbook: N seeds from -first-seed")
	fs.StringVar(&firstSeed, "first-seed", envOr("CHAOS_FIRST_SEED", "1"), "the first seed")
	fs.StringVar(&c.network, "network", envOr("CHAOS_NETWORK", "sandbox"), "where faults come from: sandbox (its own injector) or proxy (a byte-level TCP proxy in front of a fault-free sandbox)")
	fs.StringVar(&c.profile, "profile", envOr("CHAOS_PROFILE", "moderate"), "sandbox --fault-profile (network sandbox)")
	fs.StringVar(&proxyProfile, "proxy-profile", envOr("CHAOS_PROXY_PROFILE", faultproxy.DefaultProfile), "proxy fault profile (network proxy): "+strings.Join(faultproxy.ProfileNames(), ", "))
	fs.StringVar(&reapplies, "max-reapplies", envOr("CHAOS_MAX_REAPPLIES", "2"), "applies after the first before a run counts as not converged")
	fs.StringVar(&timeout, "apply-timeout", envOr("CHAOS_APPLY_TIMEOUT", "15m"), "bound on one terraform command")
	fs.StringVar(&books, "runbooks", envOr("CHAOS_RUNBOOKS", "backendless,mendix"), "comma-separated runbooks: backendless, mendix")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	var err error
	if c.seeds, err = strconv.Atoi(seeds); err != nil || c.seeds < 1 {
		return nil, fmt.Errorf("seeds %q: want a number, 1 or more", seeds)
	}
	if c.firstSeed, err = strconv.Atoi(firstSeed); err != nil || c.firstSeed < 1 {
		return nil, fmt.Errorf("first-seed %q: want a number, 1 or more", firstSeed)
	}
	if c.maxReapplies, err = strconv.Atoi(reapplies); err != nil || c.maxReapplies < 0 {
		return nil, fmt.Errorf("max-reapplies %q: want a number, 0 or more", reapplies)
	}
	if c.applyTimeout, err = time.ParseDuration(timeout); err != nil || c.applyTimeout <= 0 {
		return nil, fmt.Errorf("apply-timeout %q: want a Go duration such as 15m", timeout)
	}
	switch c.network {
	case "sandbox":
	case "proxy":
		c.profile = "none" // the proxy is the only source of faults
		if c.proxyProfile, err = faultproxy.ProfileNamed(proxyProfile); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("network %q: want sandbox or proxy", c.network)
	}
	if _, err := sandbox.FaultProfile(c.profile); err != nil {
		return nil, err
	}
	for _, name := range strings.Split(books, ",") {
		rb, ok := runbooks[strings.TrimSpace(name)]
		if !ok {
			return nil, fmt.Errorf("runbook %q: want backendless or mendix", name)
		}
		c.runbooks = append(c.runbooks, rb)
	}
	if c.root, err = filepath.Abs(c.root); err != nil {
		return nil, err
	}
	for _, need := range []string{"bin/" + tfrun.BinaryName, "bin/appmigrate-sandbox"} {
		if _, err := os.Stat(filepath.Join(c.root, need)); err != nil {
			return nil, fmt.Errorf("%s is missing: run make build first (make chaos does)", need)
		}
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		return nil, errors.New("terraform >= 1.11 must be on PATH")
	}
	return c, nil
}

// overrideTF shortens the provider's polls: Terraform merges *_override.tf into the example's
// empty provider block, so the runbook itself runs unchanged.
const overrideTF = `# Written by make chaos: short polls against a sandbox whose jobs take a second.
provider "appmigrate" {
  poll_interval     = "200ms"
  poll_max_interval = "1s"
}
`

// result is one run's row.
type result struct {
	runbook      string
	seed         int
	dir          string
	firstOK      bool
	converged    bool   // an apply succeeded within the allowed re-applies
	reapplies    int    // re-applies before the successful apply
	planEmpty    string // yes, no (changes), error (the plan failed), - (not run)
	objects      string
	dupKinds     []string
	lost         string
	lostAny      bool
	failedLog    string // the log to read first when the run failed
	harnessError string // the harness itself failed (sandbox did not start, …)
	proxy        *faultproxy.Stats
	leaks        []string // "<which secret> in <file>" for each secret found in terraform's output, logs or state
}

func (r result) ok() bool {
	return r.harnessError == "" && r.converged && r.planEmpty == "yes" && len(r.dupKinds) == 0 && !r.lostAny && len(r.leaks) == 0
}

func run(cfg *config, stdout io.Writer) int {
	workRoot := filepath.Join(cfg.root, ".chaos")
	if err := os.MkdirAll(workRoot, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "chaos: %v\n", err)
		return 1
	}
	faults := "sandbox fault profile " + cfg.profile
	if cfg.network == "proxy" {
		faults = "network proxy, proxy profile " + cfg.proxyProfile.Name + " (sandbox faults none)"
	}
	fmt.Fprintf(stdout, "chaos: %s, seeds %d..%d, up to %d re-applies, work dir %s\n\n", faults, cfg.firstSeed, cfg.firstSeed+cfg.seeds-1, cfg.maxReapplies, workRoot)
	header := fmt.Sprintf("%-12s %4s  %-11s %-10s %-10s %-68s %-22s %s", "runbook", "seed", "first apply", "re-applies", "plan empty", "objects on the target", "duplicates", "lost")
	fmt.Fprintln(stdout, header)
	fmt.Fprintln(stdout, strings.Repeat("-", len(header)+10))
	var results []result
	for seed := cfg.firstSeed; seed < cfg.firstSeed+cfg.seeds; seed++ {
		for _, rb := range cfg.runbooks {
			r := runOne(cfg, rb, seed, filepath.Join(workRoot, fmt.Sprintf("%s-seed%d", rb.name, seed)))
			results = append(results, r)
			printRow(stdout, r)
		}
	}
	return summarize(stdout, results)
}

func printRow(w io.Writer, r result) {
	yn := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	re := strconv.Itoa(r.reapplies)
	if !r.converged {
		re = fmt.Sprintf(">%d", r.reapplies)
	}
	dup := strconv.Itoa(len(r.dupKinds))
	if len(r.dupKinds) > 0 {
		dup += " (" + strings.Join(r.dupKinds, " ") + ")"
	}
	fmt.Fprintf(w, "%-12s %4d  %-11s %-10s %-10s %-68s %-22s %s\n", r.runbook, r.seed, yn(r.firstOK), re, r.planEmpty, r.objects, dup, r.lost)
	if r.proxy != nil {
		fmt.Fprintf(w, "    proxy: %s\n", r.proxy.Summary())
	}
	if r.harnessError != "" {
		fmt.Fprintf(w, "    harness error: %s\n", r.harnessError)
	}
	if len(r.leaks) > 0 {
		fmt.Fprintf(w, "    secrets leaked: %s\n", strings.Join(r.leaks, "; "))
	}
	if !r.ok() {
		fmt.Fprintf(w, "    logs: %s (start with %s)\n", r.dir, r.failedLog)
	}
}

func summarize(w io.Writer, results []result) int {
	n := len(results)
	var first, converged, empty, dups, lost, leaked, bad int
	var proxied *faultproxy.Stats
	for _, r := range results {
		if r.proxy != nil {
			if proxied == nil {
				proxied = &faultproxy.Stats{Faults: map[string]int64{}}
			}
			proxied.Connections += r.proxy.Connections
			for k, v := range r.proxy.Faults {
				proxied.Faults[k] += v
			}
		}
		if r.firstOK {
			first++
		}
		if r.converged {
			converged++
		}
		if r.planEmpty == "yes" {
			empty++
		}
		if len(r.dupKinds) > 0 {
			dups++
		}
		if r.lostAny {
			lost++
		}
		if len(r.leaks) > 0 {
			leaked++
		}
		if !r.ok() {
			bad++
		}
	}
	fmt.Fprintf(w, "\nsummary: first applies ok %d/%d, converged %d/%d, second plans empty %d/%d, runs with duplicates %d, runs with lost data %d, runs leaking a secret %d\n",
		first, n, converged, n, empty, n, dups, lost, leaked)
	if proxied != nil {
		fmt.Fprintf(w, "proxy, all runs: %s (%d faults)\n", proxied.Summary(), proxied.Total())
	}
	if bad > 0 {
		fmt.Fprintf(w, "chaos: %d of %d runs failed\n", bad, n)
		return 1
	}
	return 0
}

// runOne runs one runbook against a fresh sandbox with one seed.
func runOne(cfg *config, rb runbook, seed int, dir string) (r result) {
	r = result{runbook: rb.name, seed: seed, dir: dir, planEmpty: "-", objects: "-", lost: "-"}
	fail := func(format string, args ...any) result {
		r.harnessError = fmt.Sprintf(format, args...)
		if r.failedLog == "" {
			r.failedLog = filepath.Join(dir, "sandbox.log")
		}
		return r
	}
	if err := os.RemoveAll(dir); err != nil {
		return fail("%v", err)
	}
	tfDir := filepath.Join(dir, "tf")
	if err := copyTF(filepath.Join(cfg.root, "examples", rb.example), tfDir); err != nil {
		return fail("copy the example: %v", err)
	}
	if err := os.WriteFile(filepath.Join(tfDir, "chaos_override.tf"), []byte(overrideTF), 0o644); err != nil {
		return fail("%v", err)
	}

	// In network proxy, the proxy's address is known first, so that the sandbox hands out links
	// through it; the proxy starts forwarding once the sandbox listens.
	var proxyLn net.Listener
	publicURL := ""
	if cfg.network == "proxy" {
		var err error
		if proxyLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return fail("proxy: %v", err)
		}
		defer proxyLn.Close() // a no-op once the proxy owns it
		publicURL = "http://" + proxyLn.Addr().String()
	}
	sb, err := startSandbox(cfg, dir, seed, publicURL)
	if err != nil {
		return fail("sandbox: %v", err)
	}
	defer sb.stop()
	endpoints := sb.endpoints
	if proxyLn != nil {
		px, err := startProxy(cfg, dir, seed, proxyLn, strings.TrimPrefix(sb.base, "http://"))
		if err != nil {
			return fail("proxy: %v", err)
		}
		defer func() { r.proxy = px.stop(dir) }() // runs before sb.stop: the proxy goes first
		endpoints = sandbox.EndpointsAt(publicURL)
	}

	rc := filepath.Join(dir, "terraformrc")
	if err := tfrun.WriteCLIConfig(rc, filepath.Join(cfg.root, "bin")); err != nil {
		return fail("%v", err)
	}
	env := tfrun.Env(os.Environ(), endpoints, tfrun.DefaultCredentials(), rc)
	if err := writeEnvFile(filepath.Join(dir, "chaos.env"), env); err != nil {
		return fail("%v", err)
	}

	tf := func(name string, args ...string) (int, error) {
		return terraform(cfg, tfDir, env, filepath.Join(dir, name), args...)
	}
	// Each stage is one apply of the runbook (the Mendix example has two: before and after the
	// v3 node's offboarding), re-applied up to maxReapplies times; every stage's first apply must
	// succeed for the run's first apply to count as ok.
	var vars []string
	r.firstOK = true
	for i, st := range rb.stages() {
		if st.before != nil {
			if err := st.before(sb.base); err != nil {
				return fail("stage %d: %v", i+1, err)
			}
		}
		vars = st.vars
		converged := false
		for attempt := 0; attempt <= cfg.maxReapplies; attempt++ {
			name := fmt.Sprintf("apply-%d", attempt+1)
			if i > 0 {
				name = fmt.Sprintf("stage%d-apply-%d", i+1, attempt+1)
			}
			code, err := tf(name, append(slices.Clone(tfrun.ApplyArgs), vars...)...)
			if err != nil {
				return fail("%s: %v", name, err)
			}
			if code == 0 {
				converged = true
				r.firstOK = r.firstOK && attempt == 0
				break
			}
			r.reapplies++
			r.failedLog = filepath.Join(dir, name+".log")
		}
		if !converged {
			r.firstOK = false
			break
		}
		r.converged = i == len(rb.stages())-1
	}
	r.reapplies = min(r.reapplies, cfg.maxReapplies*len(rb.stages()))
	var outputs map[string]json.RawMessage
	if r.converged {
		code, err := tf("plan", append(slices.Clone(tfrun.PlanArgs), vars...)...)
		switch {
		case err != nil:
			return fail("plan: %v", err)
		case code == 0:
			r.planEmpty = "yes"
		case code == 2:
			r.planEmpty = "no"
			r.failedLog = filepath.Join(dir, "plan.log")
		default: // the plan itself failed (the network is faulty for plans too)
			r.planEmpty = "error"
			r.failedLog = filepath.Join(dir, "plan.log")
		}
		if outputs, err = readOutputs(cfg, tfDir, env, dir); err != nil {
			return fail("output: %v", err)
		}
	}

	inv, err := getJSON[sandbox.Inventory](sb.base + "/_sandbox/inventory")
	if err != nil {
		return fail("inventory: %v", err)
	}
	if raw, err := json.MarshalIndent(inv, "", "  "); err == nil {
		_ = os.WriteFile(filepath.Join(dir, "inventory.json"), raw, 0o644)
	}
	check := rb.check(sb.base, inv, outputs, r.converged)
	r.objects, r.dupKinds, r.lost, r.lostAny = check.objects, check.duplicates, check.lost, check.lostAny
	if r.leaks, err = findLeaks(dir, tfrun.DefaultCredentials()); err != nil {
		return fail("secrets: %v", err)
	}
	if len(r.leaks) > 0 && r.failedLog == "" {
		r.failedLog = filepath.Join(dir, strings.SplitN(r.leaks[0], " in ", 2)[1])
	}
	if r.failedLog == "" {
		r.failedLog = filepath.Join(dir, "inventory.json")
	}
	return r
}

// findLeaks looks for every credential the run gave the provider in what terraform wrote: each
// command's output and TF_LOG debug log, and the state. It names the credential, never its value.
func findLeaks(dir string, c tfrun.Credentials) ([]string, error) {
	secrets := map[string]string{
		"the Backendless password": c.BackendlessPassword,
		"the Mendix API key":       c.MendixAPIKey,
		"the Mendix PAT":           c.MendixPAT,
	}
	for id, key := range c.LegacySecretKeys {
		secrets["the 3.x secret key of "+id] = key
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.log"))
	if err != nil {
		return nil, err
	}
	state, _ := filepath.Glob(filepath.Join(dir, "tf", "terraform.tfstate*"))
	var leaks []string
	for _, f := range append(files, state...) {
		if base := filepath.Base(f); base == "sandbox.log" || base == "proxy.log" {
			continue // not terraform's
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(dir, f)
		for name, value := range secrets {
			if value != "" && strings.Contains(string(raw), value) {
				leaks = append(leaks, name+" in "+rel)
			}
		}
	}
	sort.Strings(leaks)
	return leaks, nil
}

// copyTF copies the example's .tf files (not its state or lock files).
func copyTF(from, to string) error {
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

// writeEnvFile writes the run's APPMIGRATE_* and terraform settings as shell exports, so the
// run can be repeated by hand: `source chaos.env; cd tf; terraform apply`.
func writeEnvFile(path string, env []string) error {
	var b strings.Builder
	b.WriteString("# Written by make chaos: source it, then run terraform in ./tf (the sandbox must be running).\n")
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "APPMIGRATE_") || strings.HasPrefix(name, "TF_") || name == "CHECKPOINT_DISABLE" {
			fmt.Fprintf(&b, "export %s='%s'\n", name, strings.ReplaceAll(value, "'", `'\''`))
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// terraform runs one command with its output in <logBase>.log and its TF_LOG=DEBUG log in
// <logBase>.debug.log. A command that outlives -apply-timeout gets SIGINT (terraform stops its
// providers gracefully), then SIGKILL for its whole process group a minute later.
func terraform(cfg *config, dir string, env []string, logBase string, args ...string) (int, error) {
	out, err := os.Create(logBase + ".log")
	if err != nil {
		return 0, err
	}
	defer out.Close()
	ctx, cancel := context.WithTimeout(context.Background(), cfg.applyTimeout)
	defer cancel()
	env = append(env[:len(env):len(env)], "TF_LOG=DEBUG", "TF_LOG_PATH="+logBase+".debug.log")
	cmd := tfrun.Command(ctx, dir, env, out, args...)
	ownProcessGroup(cmd)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute
	started := time.Now()
	err = cmd.Run()
	if ctx.Err() != nil {
		killProcessGroup(cmd)
		fmt.Fprintf(out, "\nchaos: terraform %s stopped after %v (-apply-timeout)\n", args[0], time.Since(started).Round(time.Second))
	}
	code := tfrun.ExitCode(err)
	if code == -1 && ctx.Err() == nil {
		return 0, fmt.Errorf("terraform %s: %v", args[0], err)
	}
	if code == -1 {
		code = 1 // timed out: a failed command, not a harness error
	}
	return code, nil
}

func readOutputs(cfg *config, dir string, env []string, workDir string) (map[string]json.RawMessage, error) {
	if _, err := terraform(cfg, dir, env, filepath.Join(workDir, "output"), tfrun.OutputArgs...); err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(filepath.Join(workDir, "output.log"))
	if err != nil {
		return nil, err
	}
	var outs map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &outs); err != nil {
		return nil, fmt.Errorf("output -json: %v", err)
	}
	values := make(map[string]json.RawMessage, len(outs))
	for k, v := range outs {
		values[k] = v.Value
	}
	return values, nil
}

// sandboxProc is the sandbox program serving one run.
type sandboxProc struct {
	cmd       *exec.Cmd
	done      chan struct{}
	base      string
	endpoints sandbox.Endpoints
	log       *os.File
}

// proxyProc is the fault proxy serving one run, in this process.
type proxyProc struct {
	p   *faultproxy.Proxy
	log *os.File
}

// startProxy serves ln with the run's proxy profile and seed, forwarding to upstream; its log
// goes to proxy.log.
func startProxy(cfg *config, dir string, seed int, ln net.Listener, upstream string) (*proxyProc, error) {
	logf, err := os.Create(filepath.Join(dir, "proxy.log"))
	if err != nil {
		return nil, err
	}
	lg := log.New(logf, "", log.Ltime|log.Lmicroseconds)
	p := faultproxy.New(faultproxy.Config{Upstream: upstream, Profile: cfg.proxyProfile, Seed: int64(seed), Logf: lg.Printf})
	go func() { _ = p.Serve(ln) }()
	return &proxyProc{p: p, log: logf}, nil
}

// stop closes the proxy and writes its counts to proxy-stats.json.
func (x *proxyProc) stop(dir string) *faultproxy.Stats {
	_ = x.p.Close()
	_ = x.log.Close()
	s := x.p.Stats()
	if raw, err := json.MarshalIndent(s, "", "  "); err == nil {
		_ = os.WriteFile(filepath.Join(dir, "proxy-stats.json"), append(raw, '\n'), 0o644)
	}
	return &s
}

// startSandbox starts bin/appmigrate-sandbox on a fresh data directory with the run's profile
// and seed, and waits for its URLs. A publicURL makes the links it hands out point there.
func startSandbox(cfg *config, dir string, seed int, publicURL string) (*sandboxProc, error) {
	logf, err := os.Create(filepath.Join(dir, "sandbox.log"))
	if err != nil {
		return nil, err
	}
	urls := filepath.Join(dir, "urls.json")
	args := []string{"--listen", "127.0.0.1:0", "--data-dir", filepath.Join(dir, "sandbox-data"),
		"--fault-profile", cfg.profile, "--fault-seed", strconv.Itoa(seed), "--job-duration", "1s",
		"--urls-file", urls, "--env-file", filepath.Join(dir, "sandbox.env")}
	if publicURL != "" {
		args = append(args, "--public-url", publicURL)
	}
	cmd := exec.Command(filepath.Join(cfg.root, "bin", "appmigrate-sandbox"), args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	p := &sandboxProc{cmd: cmd, done: make(chan struct{}), log: logf}
	go func() { _ = cmd.Wait(); close(p.done) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		raw, err := os.ReadFile(urls)
		if err == nil && json.Unmarshal(raw, &p.endpoints) == nil && p.endpoints.BackendlessConsoleURL != "" {
			break
		}
		select {
		case <-p.done:
			logf.Close()
			return nil, fmt.Errorf("exited before listening; see %s", logf.Name())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, errors.New("did not start within 30s")
		}
	}
	p.base = strings.TrimSuffix(p.endpoints.BackendlessConsoleURL, "/backendless/console")
	return p, nil
}

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

// getJSON reads a control-surface answer (never faulted).
func getJSON[T any](u string) (T, error) {
	var v T
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Get(u)
	if err != nil {
		return v, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		return v, fmt.Errorf("GET %s: %d %s", u, resp.StatusCode, body)
	}
	return v, json.NewDecoder(resp.Body).Decode(&v)
}

// post plays a person's step through a sandbox control endpoint.
func post(u string) error {
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Post(u, "application/json", nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		return fmt.Errorf("POST %s: %d %s", u, resp.StatusCode, body)
	}
	return nil
}

// checkResult is what a runbook's check found on the target.
type checkResult struct {
	objects    string
	duplicates []string // "kind=count" for each kind above what one migration creates
	lost       string
	lostAny    bool
}

// runbook is one example and how to judge what it left on the target.
type runbook struct {
	name    string
	example string
	check   func(base string, inv sandbox.Inventory, outputs map[string]json.RawMessage, converged bool) checkResult
	// second is the runbook's second apply, if it has one: what happens before it (played
	// through the sandbox) and its variables.
	second *stage
}

// stage is one apply of a runbook.
type stage struct {
	before func(base string) error
	vars   []string
}

// stages are the runbook's applies in order.
func (rb runbook) stages() []stage {
	if rb.second == nil {
		return []stage{{}}
	}
	return []stage{{}, *rb.second}
}

// The examples' defaults (examples/*/variables.tf) name what the checks look for.
const (
	bkTargetName   = "crm-v5"
	bkLegacyAppID  = "A1B2C3D4-0000-4000-8000-000000000301"
	bkLegacyName   = "crm"
	bkVersion      = "v1"
	mxTempName     = "calc-migration-temp"
	mxSourceApp    = "calc"
	mxTargetNode   = "calc-v4"
	mxEnvironment  = "Production"
	mxAppProjectID = "6f1a3c52-2b7e-4d0a-9c41-5a8e2f7b1c01"
)

var runbooks = map[string]runbook{
	"backendless": {name: "backendless", example: "backendless-v3-to-v5", check: checkBackendless},
	"mendix": {name: "mendix", example: "mendix-cloud-v3-to-v4", check: checkMendix, second: &stage{
		// Runbook §3.3 → §3.4: Mendix Support offboards the v3 node, then the final link.
		before: func(base string) error { return post(base + "/_sandbox/mendix/nodes/node-v3-calc/offboard") },
		vars:   []string{"-var", "v3_node_offboarded=true"},
	}},
}

// counted is one kind of object with how many a single migration creates at most.
type counted struct {
	kind string
	n    int
	max  int
}

func judge(kinds []counted) (objects string, dups []string) {
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s=%d", k.kind, k.n))
		if k.n > k.max {
			dups = append(dups, fmt.Sprintf("%s=%d", k.kind, k.n))
		}
	}
	return strings.Join(parts, " "), dups
}

// outputsSay decodes one output into v; false when the output is missing.
func outputsSay(outputs map[string]json.RawMessage, name string, v any) bool {
	raw, ok := outputs[name]
	return ok && json.Unmarshal(raw, v) == nil
}

// checkBackendless counts, on the 5.0 side, the apps named like the target, the files
// uploaded into them, the completed imports and the 3.x archive jobs; and compares rows and
// bytes twice: as the outputs report them, and as the sandbox holds them.
func checkBackendless(base string, inv sandbox.Inventory, outputs map[string]json.RawMessage, converged bool) checkResult {
	b := inv.Backendless
	var targetID string
	outputsSay(outputs, "target_app_id", &targetID)
	var target *sandbox.BackendlessAppInventory
	files, imports := 0, 0
	for i, a := range b.Apps {
		if a.Name != bkTargetName {
			continue
		}
		files += len(a.Files)
		imports += a.Imports.Completed
		if a.ID == targetID || (targetID == "" && (target == nil || a.Rows > target.Rows)) {
			target = &b.Apps[i]
		}
	}
	archives := b.ArchiveJobs[bkLegacyName+"/"+bkVersion]
	var c checkResult
	c.objects, c.duplicates = judge([]counted{
		{"apps", b.AppsByName[bkTargetName], 1},
		{"files", files, 1},
		{"imports", imports, 1},
		{"archive_jobs", archives.Requested, 1},
	})

	// The sandbox's truth: every row of the 3.x version in the target app's tables.
	lostRows, lostBytes := 0, int64(0)
	legacy, err := getJSON[[]sandbox.LegacyApp](base + "/_sandbox/backendless3/apps")
	if err != nil {
		c.lost, c.lostAny = "unknown: "+err.Error(), true
		return c
	}
	for _, a := range legacy {
		if a.ID != bkLegacyAppID {
			continue
		}
		for _, v := range a.Versions {
			if v.Name != bkVersion {
				continue
			}
			for table, rows := range v.Tables {
				have := 0
				if target != nil {
					have = target.Tables[table]
				}
				lostRows += max(0, rows-have)
			}
		}
	}
	// Bytes: the files archive in the 3.x storage against the uploaded one (paths from the
	// outputs, sizes from the sandbox).
	var fa struct {
		Source struct {
			Path   string `json:"path"`
			Bytes  int64  `json:"bytes"`
			SHA256 string `json:"sha256"`
		} `json:"source"`
		Target struct {
			Path   string `json:"path"`
			Bytes  int64  `json:"bytes"`
			SHA256 string `json:"sha256"`
		} `json:"target"`
	}
	notes := []string{}
	if outputsSay(outputs, "files_archive", &fa) && fa.Source.Path != "" {
		src, err := getJSON[struct {
			Size int64 `json:"size"`
		}](base + "/_sandbox/backendless3/apps/" + bkLegacyAppID + "/versions/" + bkVersion + "/files/" + strings.TrimPrefix(fa.Source.Path, "/"))
		if err == nil {
			var have int64
			if target != nil {
				have = target.Files[strings.TrimPrefix(fa.Target.Path, "/")]
			}
			lostBytes = max(0, src.Size-have)
		}
		if fa.Source.SHA256 != fa.Target.SHA256 || fa.Source.Bytes != fa.Target.Bytes {
			notes = append(notes, "outputs: files archive differs")
		}
	}
	var tablesMatch, filesMatch bool
	if converged {
		if outputsSay(outputs, "tables_match", &tablesMatch) && !tablesMatch {
			notes = append(notes, "outputs: tables_match=false")
		}
		if outputsSay(outputs, "files_archive_match", &filesMatch) && !filesMatch {
			notes = append(notes, "outputs: files_archive_match=false")
		}
	}
	c.lost = fmt.Sprintf("rows=%d bytes=%d", lostRows, lostBytes)
	if len(notes) > 0 {
		c.lost += " (" + strings.Join(notes, "; ") + ")"
	}
	c.lostAny = lostRows > 0 || lostBytes > 0 || len(notes) > 0
	return c
}

// checkMendix counts the temporary projects created and left, the packages uploaded to the v4
// node, the backups uploaded to and restored into its environment and the start jobs; and
// compares the restored data with the v3 snapshot the runbook copies.
func checkMendix(base string, inv sandbox.Inventory, outputs map[string]json.RawMessage, converged bool) checkResult {
	m := inv.Mendix
	node := m.Nodes[mxTargetNode]
	env := node.Environments[mxEnvironment]
	left := m.ProjectsByName[mxTempName]
	maxLeft := 1 // while the run has not converged, the temporary app may still be there
	if converged {
		maxLeft = 0 // the final link deletes it
	}
	var c checkResult
	c.objects, c.duplicates = judge([]counted{
		// A create delivered twice by the network (the duplicate fault) makes a second project,
		// which the provider must find by its marker and delete: temp_left judges that end state,
		// so two created is not by itself a duplicate; three would be.
		{"projects", m.ProjectJobs.Completed, 2},
		{"temp_left", left, maxLeft},
		{"packages", node.UploadedPackages, 1},
		{"snapshots", env.UploadedSnapshots, 1},
		{"restores", env.Restores.Requested, 1},
		{"starts", env.StartJobs.Requested, 1},
	})

	src, err := getJSON[sandbox.MendixArchiveDigest](base + "/_sandbox/mendix/apps/" + url.PathEscape(mxSourceApp) + "/environments/" + mxEnvironment + "/snapshots/latest/digest")
	if err != nil {
		c.lost, c.lostAny = "unknown: "+err.Error(), true
		return c
	}
	// Nothing restored: everything is missing on v4.
	lostRows, lostBytes := src.DBRows, src.Bytes
	notes := []string{}
	if r := env.Restored; r != nil {
		lostRows = max(0, src.DBRows-r.DBRows)
		lostBytes = max(0, src.Bytes-r.ArchiveBytes)
		if r.ArchiveSHA256 != src.SHA256 {
			notes = append(notes, "sandbox: restored archive SHA-256 differs")
		}
		if r.Files != src.Files || r.FileBytes != src.FileBytes {
			notes = append(notes, fmt.Sprintf("sandbox: %d files / %d bytes restored of %d / %d", r.Files, r.FileBytes, src.Files, src.FileBytes))
		}
	}
	if converged {
		var backup struct {
			Equal bool `json:"equal"`
		}
		if outputsSay(outputs, "backup_archive", &backup) && !backup.Equal {
			notes = append(notes, "outputs: backup_archive.equal=false")
		}
		var eq struct {
			Equal bool `json:"equal"`
		}
		if outputsSay(outputs, "constants", &eq) && !eq.Equal {
			notes = append(notes, "outputs: constants.equal=false")
		}
		if outputsSay(outputs, "model_version", &eq) && !eq.Equal {
			notes = append(notes, "outputs: model_version.equal=false")
		}
		if node.LinkedProjectID != mxAppProjectID {
			notes = append(notes, "sandbox: the app is not linked to the v4 node")
		}
	}
	c.lost = fmt.Sprintf("rows=%d bytes=%d", lostRows, lostBytes)
	if len(notes) > 0 {
		sort.Strings(notes)
		c.lost += " (" + strings.Join(notes, "; ") + ")"
	}
	c.lostAny = lostRows > 0 || lostBytes > 0 || len(notes) > 0
	return c
}
