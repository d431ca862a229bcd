package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

// A small harness for what terraform-plugin-testing cannot do: interrupt the terraform CLI
// (Ctrl-C) or kill it (SIGKILL) at a chosen vendor request, and run `terraform import` into a
// configuration whose outputs are null. The provider is served in-process, a fresh instance per
// command, and terraform reattaches to it (TF_REATTACH_PROVIDERS), as terraform-plugin-testing
// does. The vendor calls go through a proxy in front of the sandbox whose hook sees each request
// and may hold it: that is where a test interrupts terraform, deterministically, at a request
// instead of after a delay.

// tfProviderAddr is the provider address the configurations name (source = "appmigrate/appmigrate").
const tfProviderAddr = "registry.terraform.io/appmigrate/appmigrate"

// holdProxy forwards to the sandbox; before and after see every request (before it is forwarded,
// and once the sandbox has answered) and may hold it. It also injects the network faults the
// sandbox on this branch cannot yet: a POST delivered twice (the client gets the second answer), a
// 5xx after the sandbox acted, and an answer dropped after the sandbox acted; scripted per request
// or drawn at random from a seed.
type holdProxy struct {
	srv    *httptest.Server
	target string
	mu     sync.Mutex
	before func(r *http.Request)
	after  func(r *http.Request, status int)
	rules  []*proxyRule
	rng    *rand.Rand
	rates  proxyRates
	stats  map[proxyFault]int
	// acts records every request the sandbox accepted (a 2xx answer), by method and path.
	acts []string
}

// proxyFault is a fault the proxy injects.
type proxyFault int

const (
	proxyNone      proxyFault = iota
	proxyDuplicate            // the request is delivered twice; the client sees the second answer
	proxy502After             // the sandbox acts; the client gets 502
	proxyDrop                 // the sandbox acts; the connection closes without an answer
)

// proxyRule fails the next count requests of method whose path starts with prefix.
type proxyRule struct {
	method, prefix string
	fault          proxyFault
	count          int
}

// proxyRates are the random faults' rates; duplicate is a rate of POSTs.
type proxyRates struct{ duplicate, after502, drop float64 }

func newHoldProxy(t *testing.T, sb *sandbox.Sandbox) *holdProxy {
	t.Helper()
	p := &holdProxy{target: sb.URL(), stats: map[proxyFault]int{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

// script makes the next n requests of method with the path prefix fail with f.
func (p *holdProxy) script(method, prefix string, f proxyFault, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules = append(p.rules, &proxyRule{method: method, prefix: prefix, fault: f, count: n})
}

// random draws faults for every request from seed at the given rates.
func (p *holdProxy) random(seed uint64, r proxyRates) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rng, p.rates = rand.New(rand.NewPCG(seed, 0xfa17)), r
}

// injected reports how often f was injected.
func (p *holdProxy) injected(f proxyFault) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats[f]
}

func (p *holdProxy) decide(r *http.Request) proxyFault {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := proxyNone
	if p.rng != nil {
		x := p.rng.Float64()
		switch {
		case r.Method == http.MethodPost && x < p.rates.duplicate:
			f = proxyDuplicate
		case x >= p.rates.duplicate && x < p.rates.duplicate+p.rates.after502:
			f = proxy502After
		case x >= p.rates.duplicate+p.rates.after502 && x < p.rates.duplicate+p.rates.after502+p.rates.drop:
			f = proxyDrop
		}
	}
	for _, rule := range p.rules {
		if rule.count > 0 && (rule.method == "" || rule.method == r.Method) && strings.HasPrefix(r.URL.Path, rule.prefix) {
			rule.count--
			f = rule.fault
			break
		}
	}
	if f != proxyNone {
		p.stats[f]++
	}
	return f
}

func (p *holdProxy) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	before, after := p.before, p.after
	p.mu.Unlock()
	if before != nil {
		before(r)
		if r.Context().Err() != nil {
			return // the client gave up while the request was held
		}
	}
	f := p.decide(r)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the client broke off its own request: nothing reaches the sandbox
	}
	resp, err := p.forward(r, body)
	if err == nil && f == proxyDuplicate {
		// A retrying proxy sends the request again; the client sees the second answer.
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		resp, err = p.forward(r, body)
	}
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	if after != nil {
		after(r, resp.StatusCode)
		if r.Context().Err() != nil {
			return // the client gave up while the answer was held
		}
	}
	switch f {
	case proxy502After:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html>502 Bad Gateway</html>")
		return
	case proxyDrop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer)
}

// forward sends r (with body) to the sandbox and returns its answer; redirects are passed on.
func (p *holdProxy) forward(r *http.Request, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		p.mu.Lock()
		p.acts = append(p.acts, r.Method+" "+r.URL.Path)
		p.mu.Unlock()
	}
	return resp, err
}

// acted counts the requests of method whose path starts with prefix and contains part that the
// sandbox accepted (answered 2xx), whatever became of the answer on the way back.
func (p *holdProxy) acted(method, prefix, part string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, a := range p.acts {
		m, path, _ := strings.Cut(a, " ")
		if m == method && strings.HasPrefix(path, prefix) && strings.Contains(path, part) {
			n++
		}
	}
	return n
}

// hooks replaces the hooks (nil clears one).
func (p *holdProxy) hooks(before func(*http.Request), after func(*http.Request, int)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.before, p.after = before, after
}

// providerBlock is the provider configuration pointing at the proxy, with the 3.x keys of apps.
func (p *holdProxy) providerBlock(apps ...legacyApp) string {
	e := sandbox.EndpointsAt(p.srv.URL)
	var keys strings.Builder
	for _, a := range apps {
		fmt.Fprintf(&keys, "      %q = %q\n", a.id, a.secret)
	}
	return fmt.Sprintf(`
provider "appmigrate" {
  poll_interval     = "10ms"
  poll_max_interval = "50ms"
  retry_max_wait    = "1s"
  backendless = {
    console_url = %q
    api_url     = %q
    legacy_url  = %q
    login       = %q
    password    = %q
    legacy_secret_keys = {
%s    }
  }
}
`, e.BackendlessConsoleURL, e.BackendlessAPIURL, e.BackendlessLegacyURL, sandboxLogin, sandboxPassword, keys.String())
}

// tfWorkdir is a terraform working directory driven through the CLI.
type tfWorkdir struct {
	t   *testing.T
	dir string
	bin string
}

func newTFWorkdir(t *testing.T, config string) *tfWorkdir {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (it runs the terraform CLI)")
	}
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform CLI not on PATH")
	}
	w := &tfWorkdir{t: t, dir: t.TempDir(), bin: bin}
	w.setConfig(config)
	return w
}

// setConfig replaces the configuration.
func (w *tfWorkdir) setConfig(config string) {
	w.t.Helper()
	cfg := "terraform {\n  required_providers {\n    appmigrate = {\n      source = \"appmigrate/appmigrate\"\n    }\n  }\n}\n" + config
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// tfRun is one terraform command's outcome.
type tfRun struct {
	out    string // stdout
	stderr string // diagnostics
	code   int    // exit code; -1 when killed
}

// all is stdout and stderr together, for assertions and failure messages.
func (r tfRun) all() string { return r.out + "\n" + r.stderr }

// run runs terraform with args, serving a fresh provider instance for it, and waits for it.
// act, when not nil, runs concurrently with the command and may signal it (interrupt, kill).
func (w *tfWorkdir) run(act func(cmd *exec.Cmd), args ...string) tfRun {
	w.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	go func() {
		err := tf6server.Serve(tfProviderAddr, func() tfprotov6.ProviderServer {
			s, err := NewServer("test")()
			if err != nil {
				panic(err)
			}
			return s
		}, tf6server.WithDebug(ctx, reattach, closed), tf6server.WithGoPluginLogger(hclog.NewNullLogger()), tf6server.WithoutLogStderrOverride(), tf6server.WithLoggingSink(w.t))
		if err != nil {
			w.t.Errorf("serving the provider: %v", err)
		}
	}()
	var cfg *plugin.ReattachConfig
	select {
	case cfg = <-reattach:
	case <-time.After(time.Minute):
		w.t.Fatal("the provider server did not start")
	}
	rc, _ := json.Marshal(map[string]any{tfProviderAddr: map[string]any{
		"Protocol": string(cfg.Protocol), "ProtocolVersion": cfg.ProtocolVersion, "Pid": cfg.Pid, "Test": true,
		"Addr": map[string]string{"Network": cfg.Addr.Network(), "String": cfg.Addr.String()},
	}})
	cmd := exec.Command(w.bin, args...)
	cmd.Dir = w.dir
	cmd.Env = append(os.Environ(), "TF_REATTACH_PROVIDERS="+string(rc), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	done := make(chan struct{})
	if act != nil {
		go func() {
			select {
			case <-done:
			default:
				act(cmd)
			}
		}()
	}
	err := cmd.Wait()
	close(done)
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		w.t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
	}
	cancel()
	<-closed
	return tfRun{out: out.String(), stderr: stderr.String(), code: code}
}

// must runs a command that must succeed (exit 0) and returns its output.
func (w *tfWorkdir) must(args ...string) string {
	w.t.Helper()
	r := w.run(nil, args...)
	if r.code != 0 {
		w.t.Fatalf("terraform %s exited %d:\n%s", strings.Join(args, " "), r.code, r.all())
	}
	return r.out
}

// init runs terraform init (nothing is downloaded: the provider is reattached).
func (w *tfWorkdir) init() { w.t.Helper(); w.must("init", "-input=false", "-no-color") }

// apply runs terraform apply -auto-approve, which must succeed.
func (w *tfWorkdir) apply() string {
	w.t.Helper()
	return w.must("apply", "-auto-approve", "-input=false", "-no-color")
}

// applyUntil runs terraform apply and, once trigger fires, sends sig to terraform. It returns
// the command's outcome.
func (w *tfWorkdir) applyUntil(trigger <-chan struct{}, sig os.Signal, extra ...string) tfRun {
	w.t.Helper()
	done := make(chan struct{})
	defer close(done)
	return w.run(func(cmd *exec.Cmd) {
		select {
		case <-trigger:
			_ = cmd.Process.Signal(sig)
		case <-done:
		}
	}, append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, extra...)...)
}

// planIsEmpty runs terraform plan -detailed-exitcode: 0 means nothing to do.
func (w *tfWorkdir) planIsEmpty() (bool, string) {
	w.t.Helper()
	r := w.run(nil, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	if r.code == 1 {
		w.t.Fatalf("terraform plan failed:\n%s", r.all())
	}
	return r.code == 0, r.all()
}

// tfStateInstance is one resource instance of the local state file.
type tfStateInstance struct {
	Status     string         `json:"status"`
	Attributes map[string]any `json:"attributes"`
}

// instance reads the state file's instance of a resource ("type.name"); nil when absent.
func (w *tfWorkdir) instance(addr string) *tfStateInstance {
	w.t.Helper()
	raw, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		w.t.Fatal(err)
	}
	var st struct {
		Resources []struct {
			Mode, Type, Name string
			Instances        []tfStateInstance
		}
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		w.t.Fatal(err)
	}
	typ, name, _ := strings.Cut(addr, ".")
	for _, r := range st.Resources {
		if r.Mode == "managed" && r.Type == typ && r.Name == name && len(r.Instances) > 0 {
			return &r.Instances[0]
		}
	}
	return nil
}

// outputs reads terraform output -json.
func (w *tfWorkdir) outputs() map[string]any {
	w.t.Helper()
	var raw map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal([]byte(w.must("output", "-json", "-no-color")), &raw); err != nil {
		w.t.Fatal(err)
	}
	out := map[string]any{}
	for k, v := range raw {
		out[k] = v.Value
	}
	return out
}

// holdOnce returns a hook that, the first time match(r) is true, signals fired and then holds
// that request until its client gives up (terraform interrupted, the provider's call cancelled)
// or release is closed. Other requests pass.
func holdOnce(match func(*http.Request) bool, release <-chan struct{}) (hook func(*http.Request), fired <-chan struct{}) {
	ch := make(chan struct{})
	var once sync.Once
	return func(r *http.Request) {
		if !match(r) {
			return
		}
		hit := false
		once.Do(func() { hit = true })
		if !hit {
			return
		}
		close(ch)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}, ch
}

// killed reports a SIGKILL for a terraform process (used by crash tests).
var killed os.Signal = syscall.SIGKILL

// holdAnswerOnce is holdOnce for the answer: the first time match(r) is true, once the sandbox
// has acted on r, it signals fired and holds the answer until the client gives up or release is
// closed.
func holdAnswerOnce(match func(*http.Request) bool, release <-chan struct{}) (hook func(*http.Request, int), fired <-chan struct{}) {
	before, fired := holdOnce(match, release)
	return func(r *http.Request, _ int) { before(r) }, fired
}

// isPOST matches POST requests whose path starts with prefix and contains part.
func isPOST(prefix, part string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, prefix) && strings.Contains(r.URL.Path, part)
	}
}

// releaseAtEnd returns a channel closed when the test ends, so a request held for a "killed"
// provider is let go only once nothing is asserted any more.
func releaseAtEnd(t *testing.T) <-chan struct{} {
	ch := make(chan struct{})
	t.Cleanup(func() { close(ch) })
	return ch
}
