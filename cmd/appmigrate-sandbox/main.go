// Command appmigrate-sandbox runs the vendor API emulator on loopback, for the demo and for
// users who want to rehearse a migration before pointing the provider at real accounts.
//
//	appmigrate-sandbox --data-dir ./sandbox-data
//	appmigrate-sandbox --ephemeral --fault-5xx 0.05 --fault-seed 7
//	appmigrate-sandbox --ephemeral --fault-profile moderate --fault-seed 7 --fault-drop 0.01
//	appmigrate-sandbox --ephemeral --documented-only
//
// It prints the listening URL and a provider block to paste into a configuration, and stops
// cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes: 2 for a command line we refuse before starting, 1 for a failure while running.
const (
	exitOK      = 0
	exitRunning = 1
	exitUsage   = 2
)

// config is the parsed command line.
type config struct {
	listen      string
	dataDir     string
	ephemeral   bool
	fixture     string
	jobDuration time.Duration
	faults      sandbox.FaultOptions
	profile     string
	urlsFile    string
	envFile     string
	quiet       bool
	docOnly     bool
	printFix    bool
	publicURL   string
}

// parseFlags reads and checks the command line; every refusal says what to do instead.
func parseFlags(args []string, stderr io.Writer) (*config, error) {
	var c config
	fs := flag.NewFlagSet("appmigrate-sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.listen, "listen", "127.0.0.1:0", "loopback `address` to listen on (port 0 picks a free port)")
	fs.StringVar(&c.dataDir, "data-dir", "", "`directory` holding the sandbox state; reuse it to keep apps across restarts")
	fs.BoolVar(&c.ephemeral, "ephemeral", false, "use a temporary data directory, removed on exit (instead of --data-dir)")
	fs.StringVar(&c.fixture, "fixture", "", "fixture JSON `file` seeding an empty data directory (default: the embedded fixture)")
	fs.DurationVar(&c.jobDuration, "job-duration", 2*time.Second, "how long asynchronous jobs take; 0 makes them instant")
	fs.Int64Var(&c.faults.Seed, "fault-seed", 0, "seed of the random fault injector (same seed, same faults)")
	fs.StringVar(&c.profile, "fault-profile", "", "start from a named set of fault rates: "+strings.Join(sandbox.FaultProfileNames(), ", ")+" (see below); explicit --fault-* flags override its values")
	fs.Float64Var(&c.faults.Rate5xx, "fault-5xx", 0, "fraction of vendor requests answered 5xx (--fault-5xx-statuses) before the handler runs")
	fs.Float64Var(&c.faults.Rate429, "fault-429", 0, "fraction of vendor requests answered 429 with Retry-After")
	fs.Float64Var(&c.faults.RateReset, "fault-reset", 0, "fraction of vendor requests whose connection is reset part-way through the request body (when there is one; even odds) or the answer's body")
	fs.Float64Var(&c.faults.RateSlow, "fault-slow", 0, "fraction of vendor requests delayed by --slow-delay")
	fs.Float64Var(&c.faults.RateDuplicate, "fault-duplicate", 0, "fraction of vendor POST requests delivered twice, as a retrying proxy does (the client sees the second answer)")
	fs.Float64Var(&c.faults.Rate5xxAfter, "fault-5xx-after", 0, "fraction of vendor requests served, then answered 5xx (--fault-5xx-statuses) instead")
	fs.Float64Var(&c.faults.RateDrop, "fault-drop", 0, "fraction of vendor requests served, then closed without a response byte")
	fs.Float64Var(&c.faults.RateTrickle, "fault-trickle", 0, "fraction of vendor answers whose body trickles, one byte every --trickle-interval")
	fs.Float64Var(&c.faults.RateStall, "fault-stall", 0, "fraction of vendor requests read and never answered (until the client gives up)")
	fs.Func("fault-5xx-statuses", "comma-separated `statuses` --fault-5xx and --fault-5xx-after pick from: 500, 502, 503 (default all three)", func(v string) error {
		c.faults.Statuses5xx = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				return fmt.Errorf("%q is not a status", f)
			}
			c.faults.Statuses5xx = append(c.faults.Statuses5xx, n)
		}
		return nil
	})
	fs.DurationVar(&c.faults.RetryAfter, "retry-after", time.Second, "Retry-After sent with injected 429 answers")
	fs.DurationVar(&c.faults.SlowDelay, "slow-delay", 2*time.Second, "delay of slow answers")
	fs.DurationVar(&c.faults.TrickleInterval, "trickle-interval", 2*time.Second, "wait between two bytes of a trickled body")
	fs.Int64Var(&c.faults.TrickleBytes, "trickle-bytes", 0, "trickle only the first `n` bytes of a body, then send the rest at once (0: the whole body)")
	fs.StringVar(&c.urlsFile, "urls-file", "", "write the endpoint URLs as JSON to this `file` once listening (for scripts)")
	fs.StringVar(&c.envFile, "env-file", "", "write `file` with shell exports of the APPMIGRATE_*_URL variables once listening (source it before terraform)")
	fs.BoolVar(&c.printFix, "print-default-fixture", false, "print the embedded fixture (a starting point for your own --fixture) and exit")
	fs.BoolVar(&c.docOnly, "documented-only", false, "refuse every vendor call that is not tagged DOCUMENTED or SDK (403: \"not a documented call (tag X): refused in documented-only mode\"); GET /_sandbox/routes lists the tags, GET /_sandbox/refused what was refused")
	fs.StringVar(&c.publicURL, "public-url", "", "base `URL` of the links the sandbox hands out (Mendix package and backup downloads) when clients reach it through a proxy; default the listening URL (--urls-file and --env-file keep the listening URL)")
	fs.BoolVar(&c.quiet, "quiet", false, "do not log requests (the listening URL and provider block are still printed)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage of appmigrate-sandbox:\n")
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), profileHelp)
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if c.profile != "" {
		if err := applyProfile(fs, &c.faults, c.profile); err != nil {
			return nil, fmt.Errorf("--fault-profile: %w", err)
		}
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q: every setting is a --flag (see -h)", fs.Arg(0))
	}
	if c.printFix {
		return &c, nil
	}
	if err := sandbox.CheckLoopback(c.listen); err != nil {
		return nil, fmt.Errorf("--listen: %w", err)
	}
	switch {
	case c.ephemeral && c.dataDir != "":
		return nil, errors.New("--data-dir and --ephemeral exclude each other: keep state in a directory, or use a throw-away one")
	case !c.ephemeral && c.dataDir == "":
		return nil, errors.New("--data-dir is required (state lives there and survives restarts); pass --ephemeral for a throw-away sandbox")
	}
	if c.publicURL != "" {
		if u, err := url.Parse(c.publicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return nil, fmt.Errorf("--public-url %q: want a base URL such as http://127.0.0.1:8081", c.publicURL)
		}
	}
	if err := c.faults.Validate(); err != nil {
		return nil, fmt.Errorf("--fault-*: %w", err)
	}
	if c.faults.RetryAfter == 0 || c.faults.SlowDelay == 0 || c.faults.TrickleInterval == 0 {
		return nil, errors.New("--retry-after, --slow-delay and --trickle-interval must be positive")
	}
	return &c, nil
}

// profileHelp closes --help: what the profiles hold.
const profileHelp = `
Fault profiles (--fault-profile; an explicit --fault-* or timing flag overrides the value):
  moderate  10% 502/503 before the handler, 5% 429 (Retry-After 1s), 5% resets (request or
            answer body), 2% trickled answers (20ms a byte for the first KiB: a small JSON
            answer takes 5-20 s), 5% of POSTs delivered twice
  double    every rate of moderate doubled
  none      no fault (a baseline)
Faults apply to the vendor routes only, never to /_sandbox/.
`

// applyProfile copies a named profile into f, except the values whose flag the command line
// set explicitly.
func applyProfile(fs *flag.FlagSet, f *sandbox.FaultOptions, name string) error {
	p, err := sandbox.FaultProfile(name)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	take := func(flagName string, apply func()) {
		if !set[flagName] {
			apply()
		}
	}
	take("fault-5xx", func() { f.Rate5xx = p.Rate5xx })
	take("fault-429", func() { f.Rate429 = p.Rate429 })
	take("fault-reset", func() { f.RateReset = p.RateReset })
	take("fault-slow", func() { f.RateSlow = p.RateSlow })
	take("fault-duplicate", func() { f.RateDuplicate = p.RateDuplicate })
	take("fault-5xx-after", func() { f.Rate5xxAfter = p.Rate5xxAfter })
	take("fault-drop", func() { f.RateDrop = p.RateDrop })
	take("fault-trickle", func() { f.RateTrickle = p.RateTrickle })
	take("fault-stall", func() { f.RateStall = p.RateStall })
	take("fault-5xx-statuses", func() { f.Statuses5xx = p.Statuses5xx })
	if p.RetryAfter > 0 {
		take("retry-after", func() { f.RetryAfter = p.RetryAfter })
	}
	if p.SlowDelay > 0 {
		take("slow-delay", func() { f.SlowDelay = p.SlowDelay })
	}
	if p.TrickleInterval > 0 {
		take("trickle-interval", func() { f.TrickleInterval = p.TrickleInterval })
	}
	take("trickle-bytes", func() { f.TrickleBytes = p.TrickleBytes })
	return nil
}

// run is main without the process: tests call it with their own context and writers.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "appmigrate-sandbox: %v\n", err)
		return exitUsage
	}
	if c.printFix {
		_, _ = stdout.Write(sandbox.DefaultFixture())
		return exitOK
	}

	opts := sandbox.Options{DataDir: c.dataDir, JobDuration: c.jobDuration, Faults: c.faults, DocumentedOnly: c.docOnly, PublicURL: c.publicURL}
	if c.jobDuration <= 0 {
		opts.JobDuration = -1 // the library's spelling of "instant"
	}
	if c.fixture != "" {
		if opts.Fixture, err = os.ReadFile(c.fixture); err != nil {
			fmt.Fprintf(stderr, "appmigrate-sandbox: --fixture: %v\n", err)
			return exitUsage
		}
	}
	if c.ephemeral {
		dir, err := os.MkdirTemp("", "appmigrate-sandbox-")
		if err != nil {
			fmt.Fprintf(stderr, "appmigrate-sandbox: create temporary data directory: %v\n", err)
			return exitRunning
		}
		defer os.RemoveAll(dir)
		opts.DataDir = dir
	}
	if !c.quiet {
		logger := log.New(stderr, "appmigrate-sandbox: ", log.LstdFlags)
		opts.Logf = logger.Printf
	}

	s, err := sandbox.New(opts)
	if err != nil {
		fmt.Fprintf(stderr, "appmigrate-sandbox: %v\n", err)
		return exitRunning
	}
	if err := s.Start(c.listen); err != nil {
		_ = s.Close()
		fmt.Fprintf(stderr, "appmigrate-sandbox: %v\n", err)
		return exitRunning
	}
	eps := s.Endpoints()
	if c.urlsFile != "" {
		raw, err := json.MarshalIndent(eps, "", "  ")
		if err == nil {
			err = writeFileAtomic(c.urlsFile, append(raw, '\n'))
		}
		if err != nil {
			_ = s.Close()
			fmt.Fprintf(stderr, "appmigrate-sandbox: --urls-file: %v\n", err)
			return exitRunning
		}
	}
	if c.envFile != "" {
		if err := writeFileAtomic(c.envFile, []byte(envExports(eps))); err != nil {
			_ = s.Close()
			fmt.Fprintf(stderr, "appmigrate-sandbox: --env-file: %v\n", err)
			return exitRunning
		}
	}
	fmt.Fprintf(stdout, "appmigrate-sandbox listening on %s (data: %s)\n", s.URL(), opts.DataDir)
	if c.docOnly {
		fmt.Fprintln(stdout, "documented-only: INFERRED and MODELED vendor calls are refused (GET /_sandbox/refused lists them)")
	}
	fmt.Fprint(stdout, eps.ProviderBlock())

	<-ctx.Done()
	fmt.Fprintln(stderr, "appmigrate-sandbox: shutting down")
	if err := s.Close(); err != nil {
		fmt.Fprintf(stderr, "appmigrate-sandbox: %v\n", err)
		return exitRunning
	}
	return exitOK
}

// envExports renders the endpoints as the provider's environment variables, so a script can
// `source` them and run terraform with an empty provider block.
func envExports(eps sandbox.Endpoints) string {
	var b strings.Builder
	for _, kv := range [][2]string{
		{"APPMIGRATE_BACKENDLESS_CONSOLE_URL", eps.BackendlessConsoleURL},
		{"APPMIGRATE_BACKENDLESS_API_URL", eps.BackendlessAPIURL},
		{"APPMIGRATE_BACKENDLESS_LEGACY_URL", eps.BackendlessLegacyURL},
		{"APPMIGRATE_MENDIX_DEPLOY_URL", eps.MendixDeployURL},
		{"APPMIGRATE_MENDIX_CLOUD_URL", eps.MendixCloudURL},
		{"APPMIGRATE_MENDIX_PROJECTS_URL", eps.MendixProjectsURL},
	} {
		fmt.Fprintf(&b, "export %s='%s'\n", kv[0], kv[1])
	}
	return b.String()
}

// writeFileAtomic writes data via a temporary file and a rename, so a script polling for the
// file never reads half of it.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}
