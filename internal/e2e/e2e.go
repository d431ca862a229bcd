// Package e2e is the crash-test harness: it runs the real terraform CLI with the provider built
// from this repository (dev_overrides, no registry, no init) against an in-process sandbox, and
// can kill the provider or terraform at the precise point where the sandbox holds a request
// (sandbox.Hold). It is for tests only: a depguard rule in .golangci.yml keeps it out of
// non-test code, and it never imports the clients.
//
//	func TestMain(m *testing.M) { os.Exit(e2e.Main(m)) }
//
//	func TestX_ConvergesAfterTheProviderDiesMidCreate(t *testing.T) {
//		e2e.PreCheck(t)
//		sb := e2e.StartSandbox(t, sandbox.Options{})
//		w := e2e.NewWorkspace(t, sb, map[string]string{"main.tf": e2e.FastProvider + config})
//		crashed := w.CrashApply(t, sandbox.HoldRule{Method: "POST", PathPrefix: "/console/applications", When: sandbox.HoldAfter}, e2e.KillProvider)
//		// crashed.ExitCode != 0; now the re-run must converge without a duplicate:
//		w.MustApply(t)
//		w.MustPlanEmpty(t)
//	}
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/tfrun"
)

// modulePath identifies the repository's go.mod when looking for the root.
const modulePath = "github.com/appmigrate/terraform-provider-appmigrate"

// FastProvider is a provider block with short polls and retry waits, so runs against a sandbox
// with quick jobs take seconds; URLs and credentials come from the workspace's environment.
const FastProvider = `
provider "appmigrate" {
  poll_interval     = "50ms"
  poll_max_interval = "200ms"
  retry_max_wait    = "1s"
}
`

// RequiredProviders is the terraform block every configuration needs to name the provider.
const RequiredProviders = `
terraform {
  required_providers {
    appmigrate = { source = "appmigrate/appmigrate" }
  }
}
`

// PreCheck skips the test unless acceptance tests are on (TF_ACC=1, as `make test` sets),
// terraform is on PATH and the system has /proc (the kills find the provider there).
func PreCheck(t testing.TB) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not on PATH")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the crash-test harness finds the provider process through /proc (Linux only)")
	}
}

var build struct {
	once sync.Once
	dir  string
	err  error
}

// ProviderDir builds the provider from the repository root once per test binary and returns
// the directory holding the binary (what dev_overrides points at).
func ProviderDir(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		root, err := RepoRoot()
		if err != nil {
			build.err = err
			return
		}
		goBin, err := exec.LookPath("go")
		if err != nil {
			build.err = fmt.Errorf("e2e: the go command builds the provider: %w", err)
			return
		}
		// One build serves every test of the binary, so it cannot live in a test's TempDir;
		// Main removes it.
		dir, err := os.MkdirTemp("", "appmigrate-e2e-") //nolint:usetesting // outlives the first test
		if err != nil {
			build.err = err
			return
		}
		cmd := exec.Command(goBin, "build", "-o", filepath.Join(dir, tfrun.BinaryName), ".")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			_ = os.RemoveAll(dir)
			build.err = fmt.Errorf("go build the provider in %s: %v\n%s", root, err, out)
			return
		}
		build.dir = dir
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.dir
}

// Main runs the tests and removes the provider build afterwards: call it from TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	Cleanup()
	return code
}

// Cleanup removes the provider build (for a TestMain that does more than Main).
func Cleanup() {
	if build.dir != "" {
		_ = os.RemoveAll(build.dir)
	}
}

// RepoRoot finds the repository root: the nearest directory above the working directory (a
// test runs in its package's directory) whose go.mod declares this module.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		raw, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(raw, []byte("module "+modulePath+"\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("e2e: no go.mod of %s above the working directory", modulePath)
		}
		dir = parent
	}
}

// StartSandbox starts a sandbox on loopback for one test (a fresh data directory and instant
// jobs unless opts say otherwise) and closes it when the test ends.
func StartSandbox(t testing.TB, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir()
	}
	if opts.JobDuration == 0 {
		opts.JobDuration = -1
	}
	sb, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	if err := sb.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("sandbox start: %v", err)
	}
	t.Cleanup(func() {
		if err := sb.Close(); err != nil {
			t.Errorf("sandbox close: %v", err)
		}
	})
	return sb
}

// Workspace is a terraform working directory with its configuration, CLI configuration and
// environment, pointed at one sandbox.
type Workspace struct {
	Dir     string
	Env     []string
	Sandbox *sandbox.Sandbox
}

// NewWorkspace writes files (name → content, e.g. "main.tf") into a fresh directory and
// prepares the environment: the sandbox's URLs and accounts, and dev_overrides to the build.
// A name with "/" writes into a subdirectory ("modules/x/main.tf"); when a subdirectory holds
// a .tf file, a local module, it runs `terraform get` so the configuration's module calls are
// installed (terraform init is never run: under dev_overrides it would look for the provider
// in the registry).
func NewWorkspace(t testing.TB, sb *sandbox.Sandbox, files map[string]string) *Workspace {
	t.Helper()
	pluginDir := ProviderDir(t)
	dir := t.TempDir()
	modules := false
	for name, content := range files {
		rel := filepath.FromSlash(name)
		if !filepath.IsLocal(rel) {
			t.Fatalf("e2e: workspace file %q is not inside the workspace", name)
		}
		path := filepath.Join(dir, rel)
		if sub := filepath.Dir(rel); sub != "." {
			if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
				t.Fatal(err)
			}
			modules = modules || strings.HasSuffix(rel, ".tf")
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	rc := filepath.Join(dir, ".terraformrc")
	if err := tfrun.WriteCLIConfig(rc, pluginDir); err != nil {
		t.Fatal(err)
	}
	w := &Workspace{Dir: dir, Env: tfrun.Env(os.Environ(), sb.Endpoints(), tfrun.CredentialsOf(sb), rc), Sandbox: sb}
	if modules {
		w.MustGetModules(t)
	}
	return w
}

// MustGetModules runs terraform get, which installs the configuration's module calls (local
// ones need no network) into .terraform/modules, and fails the test unless it succeeds.
func (w *Workspace) MustGetModules(t testing.TB) {
	t.Helper()
	if r := w.Run(t, tfrun.GetArgs...); r.ExitCode != 0 {
		t.Fatalf("terraform get failed: %s", r)
	}
}

// Result is a finished terraform command.
type Result struct {
	Args     []string
	ExitCode int // -1 when terraform did not exit by itself (killed)
	Output   string
	// Held is what the sandbox held when a crash test killed the run.
	Held []sandbox.HeldRequest
}

// String is the command and its output, for failure messages.
func (r Result) String() string {
	return fmt.Sprintf("terraform %s: exit %d\n%s", strings.Join(r.Args, " "), r.ExitCode, r.Output)
}

// runTimeout bounds one terraform command of a test: a hang fails the test instead of the
// whole test binary.
const runTimeout = 5 * time.Minute

// Run runs terraform args to the end.
func (w *Workspace) Run(t testing.TB, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	var out bytes.Buffer
	err := tfrun.Command(ctx, w.Dir, w.Env, &out, args...).Run()
	if ctx.Err() != nil {
		t.Fatalf("terraform %s did not finish within %v:\n%s", strings.Join(args, " "), runTimeout, out.String())
	}
	return Result{Args: args, ExitCode: tfrun.ExitCode(err), Output: out.String()}
}

// Apply runs terraform apply -auto-approve.
func (w *Workspace) Apply(t testing.TB, extra ...string) Result {
	t.Helper()
	return w.Run(t, append(append([]string(nil), tfrun.ApplyArgs...), extra...)...)
}

// MustApply runs terraform apply and fails the test unless it succeeds.
func (w *Workspace) MustApply(t testing.TB, extra ...string) Result {
	t.Helper()
	r := w.Apply(t, extra...)
	if r.ExitCode != 0 {
		t.Fatalf("apply failed: %s", r)
	}
	return r
}

// Plan runs terraform plan -detailed-exitcode: exit 0 means no changes, 2 changes, 1 an error.
func (w *Workspace) Plan(t testing.TB) Result {
	t.Helper()
	return w.Run(t, tfrun.PlanArgs...)
}

// MustPlanEmpty fails the test unless a plan shows no changes.
func (w *Workspace) MustPlanEmpty(t testing.TB) {
	t.Helper()
	if r := w.Plan(t); r.ExitCode != 0 {
		t.Fatalf("the plan is not empty: %s", r)
	}
}

// Outputs runs terraform output -json and returns each output's value.
func (w *Workspace) Outputs(t testing.TB) map[string]json.RawMessage {
	t.Helper()
	r := w.Run(t, tfrun.OutputArgs...)
	if r.ExitCode != 0 {
		t.Fatalf("output: %s", r)
	}
	var raw map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal([]byte(r.Output), &raw); err != nil {
		t.Fatalf("output -json: %v\n%s", err, r.Output)
	}
	out := make(map[string]json.RawMessage, len(raw))
	for k, v := range raw {
		out[k] = v.Value
	}
	return out
}

// Kill is how a crash test ends a run.
type Kill int

// Ways to end a run at a held request.
const (
	// KillProvider SIGKILLs the provider plugin process; terraform survives, reports the
	// plugin's crash and saves what it knows.
	KillProvider Kill = iota
	// KillTerraform SIGKILLs terraform itself, then its provider processes: go-plugin does not
	// notice its parent dying, and a CI runner that kills a job kills the whole group.
	// Terraform writes no state for the operation in flight.
	KillTerraform
	// Interrupt sends SIGINT to terraform's process group, as Ctrl-C in a terminal does
	// (providers ignore it; terraform asks them to stop and waits for the call in flight).
	Interrupt
)

// String names the kill for test names.
func (k Kill) String() string {
	switch k {
	case KillProvider:
		return "KillProvider"
	case KillTerraform:
		return "KillTerraform"
	case Interrupt:
		return "Interrupt"
	}
	return fmt.Sprintf("Kill(%d)", int(k))
}

// Background is a terraform command running in the background.
type Background struct {
	args []string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
	err  error
	// binary is the provider executable, to tell its processes from others.
	binary string
}

// Start starts terraform args in the background, in its own process group.
func (w *Workspace) Start(t testing.TB, args ...string) *Background {
	t.Helper()
	out := &syncBuffer{}
	cmd := tfrun.Command(context.Background(), w.Dir, w.Env, out, args...)
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start terraform: %v", err)
	}
	bin, err := filepath.EvalSymlinks(filepath.Join(ProviderDir(t), tfrun.BinaryName))
	if err != nil {
		t.Fatal(err)
	}
	b := &Background{args: args, cmd: cmd, out: out, done: make(chan struct{}), binary: bin}
	go func() {
		b.err = cmd.Wait()
		close(b.done)
	}()
	t.Cleanup(func() { b.stop() })
	return b
}

// Done is closed when terraform has exited.
func (b *Background) Done() <-chan struct{} { return b.done }

// ProviderPIDs lists the running provider processes terraform started (found through /proc:
// descendants of terraform whose executable is the provider build).
func (b *Background) ProviderPIDs() ([]int, error) {
	return descendantsRunning(b.cmd.Process.Pid, b.binary)
}

// Kill ends the run as k says (see Kill); it does not wait for terraform to exit.
func (b *Background) Kill(k Kill) error {
	switch k {
	case KillProvider:
		pids, err := b.ProviderPIDs()
		if err != nil {
			return err
		}
		if len(pids) == 0 {
			return errors.New("e2e: no provider process is running under terraform")
		}
		return killAll(pids)
	case KillTerraform:
		pids, err := b.ProviderPIDs()
		if err != nil {
			return err
		}
		if err := b.cmd.Process.Kill(); err != nil {
			return err
		}
		return killAll(pids)
	case Interrupt:
		return interruptGroup(b.cmd.Process.Pid)
	}
	return fmt.Errorf("e2e: unknown kill %d", int(k))
}

// Wait waits for terraform to exit (failing the test after timeout) and returns its result.
func (b *Background) Wait(t testing.TB, timeout time.Duration) Result {
	t.Helper()
	select {
	case <-b.done:
	case <-time.After(timeout):
		b.stop()
		t.Fatalf("terraform %s did not exit within %v:\n%s", strings.Join(b.args, " "), timeout, b.out.String())
	}
	return Result{Args: b.args, ExitCode: tfrun.ExitCode(b.err), Output: b.out.String()}
}

// stop kills whatever is left of the run: terraform and every provider process under it.
func (b *Background) stop() {
	select {
	case <-b.done:
		return
	default:
	}
	pids, _ := b.ProviderPIDs()
	_ = b.cmd.Process.Kill()
	_ = killAll(pids)
	<-b.done
}

// exitTimeout bounds how long terraform may take to exit after a kill and the release.
const exitTimeout = 2 * time.Minute

// CrashApply runs terraform apply until the sandbox holds a request caught by hold, ends the
// run there as kill says, releases the holds (and drops any left), waits for terraform to exit
// and returns its result with the held request. It fails the test if apply ends before
// reaching the hold. After KillTerraform it removes the local state's lock file, which a killed
// terraform leaves behind, so the next command need not pass -lock=false.
func (w *Workspace) CrashApply(t testing.TB, hold sandbox.HoldRule, kill Kill) Result {
	t.Helper()
	if err := w.Sandbox.Hold(hold); err != nil {
		t.Fatal(err)
	}
	defer w.Sandbox.ReleaseHolds()
	run := w.Start(t, tfrun.ApplyArgs...)

	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	go func() {
		select {
		case <-run.Done(): // apply ended on its own: stop waiting for the hold
			cancel()
		case <-ctx.Done():
		}
	}()
	held, err := w.Sandbox.WaitHeld(ctx, 1)
	if err != nil {
		r := run.Wait(t, exitTimeout)
		t.Fatalf("apply never reached the hold %+v (%v): %s", hold, err, r)
	}
	if err := run.Kill(kill); err != nil {
		t.Fatalf("%v at %+v: %v", kill, held, err)
	}
	w.Sandbox.ReleaseHolds()
	r := run.Wait(t, exitTimeout)
	r.Held = held
	if kill == KillTerraform {
		w.RemoveStaleLock(t)
	}
	return r
}

// RemoveStaleLock deletes .terraform.tfstate.lock.info, which a SIGKILLed terraform leaves in
// the working directory. Call it only when no terraform runs there. (The local backend's real
// lock is an OS file lock that dies with the process; the file would only confuse a reader.)
func (w *Workspace) RemoveStaleLock(t testing.TB) {
	t.Helper()
	err := os.Remove(filepath.Join(w.Dir, ".terraform.tfstate.lock.info"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
}

// syncBuffer is a bytes.Buffer safe to write from a process's pipes and read from the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String is everything written so far.
func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
