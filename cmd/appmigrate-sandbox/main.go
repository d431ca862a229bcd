// Command appmigrate-sandbox runs the vendor API emulator on loopback, for the demo and for
// users who want to rehearse a migration before pointing the provider at real accounts.
//
//	appmigrate-sandbox --data-dir ./sandbox-data
//	appmigrate-sandbox --ephemeral --fault-5xx 0.05 --fault-seed 7
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
	"os"
	"os/signal"
	"path/filepath"
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
	urlsFile    string
	envFile     string
	quiet       bool
	printFix    bool
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
	fs.Float64Var(&c.faults.Rate5xx, "fault-5xx", 0, "fraction of vendor requests answered 500/502/503")
	fs.Float64Var(&c.faults.Rate429, "fault-429", 0, "fraction of vendor requests answered 429 with Retry-After")
	fs.Float64Var(&c.faults.RateReset, "fault-reset", 0, "fraction of vendor requests whose connection is reset part-way through a body")
	fs.Float64Var(&c.faults.RateSlow, "fault-slow", 0, "fraction of vendor requests delayed by --slow-delay")
	fs.DurationVar(&c.faults.RetryAfter, "retry-after", time.Second, "Retry-After sent with injected 429 answers")
	fs.DurationVar(&c.faults.SlowDelay, "slow-delay", 2*time.Second, "delay of slow answers")
	fs.StringVar(&c.urlsFile, "urls-file", "", "write the endpoint URLs as JSON to this `file` once listening (for scripts)")
	fs.StringVar(&c.envFile, "env-file", "", "write `file` with shell exports of the APPMIGRATE_*_URL variables once listening (source it before terraform)")
	fs.BoolVar(&c.printFix, "print-default-fixture", false, "print the embedded fixture (a starting point for your own --fixture) and exit")
	fs.BoolVar(&c.quiet, "quiet", false, "do not log requests (the listening URL and provider block are still printed)")
	if err := fs.Parse(args); err != nil {
		return nil, err
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
	if err := c.faults.Validate(); err != nil {
		return nil, fmt.Errorf("--fault-*: %w", err)
	}
	if c.faults.RetryAfter == 0 || c.faults.SlowDelay == 0 {
		return nil, errors.New("--retry-after and --slow-delay must be positive")
	}
	return &c, nil
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

	opts := sandbox.Options{DataDir: c.dataDir, JobDuration: c.jobDuration, Faults: c.faults}
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
