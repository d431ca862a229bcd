// Command fleetbench (part of make bench) measures a fleet: N Backendless 3.x → 5.0 migrations
// and N Mendix Cloud v3 → v4 migrations in one configuration, examples/fleet as shipped (one
// module instance per app, for_each over a map of apps; terraform get installs the modules),
// driven by the real terraform CLI with the built provider (dev_overrides) against the built
// sandbox seeded with the example's fleet fixture grown to N apps per vendor. The provider runs with its default poll and retry settings.
//
//	make bench                          # the whole bench; this part with FLEET_N=200
//	FLEET_N=20 make bench-fleet         # this part only
//
// It measures and prints:
//
//   - apply wall time at each -parallelism level (10 and 30), each on a fresh sandbox data
//     directory, with the CPU seconds of the sandbox (utime+stime from /proc/<pid>/stat before
//     and after) and of terraform with its providers (the rusage wait4 reports for the
//     terraform process, which includes the providers it started and waited for), the providers'
//     own CPU (sampled from /proc/<pid>/stat every 50 ms) and their peak RSS (VmHWM, as
//     scripts/bench-lib.sh samples it);
//   - on the last apply's state: plan (refresh) wall time of the whole configuration beside a
//     plan of as many terraform_data resources and one of as many resources of a provider that
//     does nothing (scripts/fleetbench/noopprovider: terraform_data runs inside Terraform, so
//     this second baseline shows what the plugin protocol alone costs), interleaved,
//     FLEET_PLAN_RUNS runs each: min/median/max and the ratios of medians (all at terraform's
//     default -parallelism=10);
//   - requests per refresh: the sandbox's request counter (GET /_sandbox/requests) around one
//     whole plan, and per resource block from targeted plans: a block's requests are those of
//     a plan targeting it and its dependencies minus those of a plan targeting the dependencies
//     alone (for a block without dependencies, another root of the same runbook stands in), so
//     the provider's once-per-process costs (a console login) cancel out. A block lives in its
//     runbook's module, so a targeted plan names it in every instance, one -target per app
//     (module.backendless["crm-001"].appmigrate_backendless_app.target, …): terraform reads
//     module.backendless.appmigrate_backendless_app.target as the instance without a key and
//     plans nothing;
//   - poll lag per job kind after each apply (GET /_sandbox/jobs/lag): jobs, p50/p95/max of the
//     time from a job's end to the first status read that showed it, and status reads per job
//     up to that read.
//
// Settings (flags, or the environment variables make passes through):
//
//	-n             FLEET_N              apps per vendor (default 200)
//	-parallelism   FLEET_PARALLELISM    comma-separated -parallelism levels (default 10,30)
//	-plan-runs     FLEET_PLAN_RUNS      plans of each kind (default 5)
//	-job-duration  FLEET_JOB_DURATION   sandbox job duration (default 2s)
//	-breakdown     FLEET_BREAKDOWN      requests per resource block from targeted plans (default true)
//	-timeout       FLEET_TIMEOUT        bound on one terraform command (default 1h)
//	-vendors       FLEET_VENDORS        which runbooks: backendless, mendix or both (default backendless,mendix)
//
// Everything it writes stays in .bench/fleet/: per apply the sandbox data and log, the
// terraform logs and the job lags; results.json holds every figure.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/tfrun"
)

// config is the command line.
type config struct {
	root        string
	n           int
	parallelism []int
	planRuns    int
	jobDuration time.Duration
	breakdown   bool
	timeout     time.Duration
	vendors     map[string]bool
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "fleetbench: %v\n", err)
		os.Exit(2)
	}
	if err := run(cfg, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "fleetbench: %v\n", err)
		os.Exit(1)
	}
}

func envOr(name, def string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return def
}

func parseFlags(args []string) (*config, error) {
	fs := flag.NewFlagSet("fleetbench", flag.ContinueOnError)
	c := &config{}
	var n, par, runs, jobs, breakdown, timeout, vendors string
	fs.StringVar(&c.root, "root", ".", "repository root (holds bin/ and examples/fleet)")
	fs.StringVar(&n, "n", envOr("FLEET_N", "200"), "apps per vendor")
	fs.StringVar(&par, "parallelism", envOr("FLEET_PARALLELISM", "10,30"), "comma-separated terraform -parallelism levels, one fresh apply each")
	fs.StringVar(&runs, "plan-runs", envOr("FLEET_PLAN_RUNS", "5"), "plans of each kind (fleet, terraform_data), interleaved")
	fs.StringVar(&jobs, "job-duration", envOr("FLEET_JOB_DURATION", "2s"), "how long the sandbox's asynchronous jobs take")
	fs.StringVar(&breakdown, "breakdown", envOr("FLEET_BREAKDOWN", "true"), "requests per resource block from targeted plans")
	fs.StringVar(&timeout, "timeout", envOr("FLEET_TIMEOUT", "1h"), "bound on one terraform command")
	fs.StringVar(&vendors, "vendors", envOr("FLEET_VENDORS", "backendless,mendix"), "comma-separated runbooks to include: backendless, mendix")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	var err error
	if c.n, err = strconv.Atoi(n); err != nil || c.n < 1 || c.n > 10000 {
		return nil, fmt.Errorf("n %q: want a number of apps from 1 to 10000", n)
	}
	for _, f := range strings.Split(par, ",") {
		p, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || p < 1 {
			return nil, fmt.Errorf("parallelism %q: want comma-separated numbers, 1 or more", par)
		}
		c.parallelism = append(c.parallelism, p)
	}
	if c.planRuns, err = strconv.Atoi(runs); err != nil || c.planRuns < 1 {
		return nil, fmt.Errorf("plan-runs %q: want a number, 1 or more", runs)
	}
	if c.jobDuration, err = time.ParseDuration(jobs); err != nil || c.jobDuration < 0 {
		return nil, fmt.Errorf("job-duration %q: want a Go duration such as 2s (0: instant)", jobs)
	}
	if c.breakdown, err = strconv.ParseBool(breakdown); err != nil {
		return nil, fmt.Errorf("breakdown %q: want true or false", breakdown)
	}
	if c.timeout, err = time.ParseDuration(timeout); err != nil || c.timeout <= 0 {
		return nil, fmt.Errorf("timeout %q: want a Go duration such as 1h", timeout)
	}
	c.vendors = map[string]bool{}
	for _, v := range strings.Split(vendors, ",") {
		v = strings.TrimSpace(v)
		if v != "backendless" && v != "mendix" {
			return nil, fmt.Errorf("vendors %q: want backendless, mendix or both, comma-separated", vendors)
		}
		c.vendors[v] = true
	}
	if c.root, err = filepath.Abs(c.root); err != nil {
		return nil, err
	}
	return c, nil
}

// checkTools makes sure the builds and terraform are there.
func checkTools(root string) error {
	needs := []string{"bin/" + tfrun.BinaryName, "bin/appmigrate-sandbox", exampleDir + "/main.tf", exampleDir + "/sandbox-fleet.json"}
	for _, m := range fleetModules {
		needs = append(needs, exampleDir+"/"+m.Dir+"/main.tf")
	}
	for _, need := range needs {
		if _, err := os.Stat(filepath.Join(root, need)); err != nil {
			return fmt.Errorf("%s is missing: run make build first (make bench does)", need)
		}
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		return errors.New("terraform >= 1.11 must be on PATH")
	}
	return nil
}
