package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// Mendix Cloud v3 → v4 runbook (../shared/seeds/003_…, "Migrate to Mendix Cloud v4"). What the
// Mendix resources share: the client accessor, credential checks, error wording, and the rules
// that keep the runbook's order and its end state stable.

// mendixClient returns the Mendix client, or adds a diagnostic naming the missing provider block
// and environment variables.
func (c *configured) mendixClient(typeName string, diags *diag.Diagnostics) *mendix.Client {
	if c.data == nil {
		diags.AddError("Provider not configured", "The appmigrate provider was not configured before "+typeName+" was used. This is a bug in the provider; please report it.")
		return nil
	}
	if c.data.mendix == nil {
		diags.AddError("Mendix is not configured",
			fmt.Sprintf("%s needs the provider's `mendix` block: %s", typeName, c.data.mendixMissing))
		return nil
	}
	return c.data.mendix
}

// mendixNeeds says which Mendix credentials a resource uses, so a missing one fails at plan time.
type mendixNeeds struct {
	apiKey bool // Deploy v1/v2, Build, Backups v1/v2
	pat    bool // Deploy v4, Projects v2, the modeled node link
}

// mendixClientFor is mendixClient plus a plan-time check of the credentials the resource needs.
func (c *configured) mendixClientFor(typeName string, needs mendixNeeds, diags *diag.Diagnostics) *mendix.Client {
	client := c.mendixClient(typeName, diags)
	if client == nil {
		return nil
	}
	block := path.Root("mendix")
	if needs.apiKey && !client.HasAPIKey() {
		diags.AddAttributeError(block.AtName("api_key"), "Mendix API key missing",
			fmt.Sprintf("%s calls the Deploy and Backups APIs, which take mendix.username and mendix.api_key (or %s and %s). "+
				"Create an API key under Mendix Profile → API Keys and set both.", typeName, envMendixUsername, envMendixAPIKey))
		return nil
	}
	if needs.pat && !client.HasPAT() {
		diags.AddAttributeError(block.AtName("pat"), "Mendix personal access token missing",
			fmt.Sprintf("%s calls Deploy API v4 / the Projects API, which take a personal access token: set mendix.pat (or %s) "+
				"to a token with the scopes mx:deployment:read, mx:deployment:write, mx:app:create and mx:app:delete.", typeName, envMendixPAT))
		return nil
	}
	return client
}

// addMendixError turns a Mendix client error into a diagnostic that says what failed and what to do.
func addMendixError(diags *diag.Diagnostics, summary string, err error) {
	var (
		creds *mendix.CredentialsError
		big   *mendix.TooLargeError
		me    *mendix.Error
	)
	switch {
	case errors.As(err, &creds):
		diags.AddError(summary+": credential missing", fmt.Sprintf("%v. Set it in the provider's `mendix` block or its APPMIGRATE_MENDIX_* environment variable.", err))
	case errors.As(err, &big):
		diags.AddError(summary+": too large for Mendix Cloud", fmt.Sprintf("%v. Nothing was sent. The limit is the platform's; shrink the object (for a backup: clean up file documents) and try again.", err))
	case errors.As(err, &me) && me.Status == http.StatusUnauthorized:
		cred := "mendix.username and mendix.api_key (" + envMendixUsername + ", " + envMendixAPIKey + ")"
		if me.API == "Deploy API v4" || me.API == "Projects API v2" {
			cred = "mendix.pat (" + envMendixPAT + ") and its scopes"
		}
		diags.AddError(summary+": Mendix refused the credentials", fmt.Sprintf("%v.\n\nCheck %s in the provider configuration.", err, cred))
	case errors.As(err, &me) && me.Status == http.StatusForbidden && mendix.HasCode(err, "NO_ACCESS"):
		diags.AddError(summary+": missing node permissions", fmt.Sprintf("%v.\n\nOn the app's Environments → Permissions tab, give the API user API Rights plus "+
			"Transport Rights (deploy, start, stop, settings) or Access to Backups (backups), for this environment.", err))
	default:
		addError(diags, summary, err)
	}
}

// waitDeployJob polls a Deploy v2 job (package processing) to Completed.
func (c *configured) waitDeployJob(ctx context.Context, client *mendix.Client, appID, jobID, what string) error {
	_, err := transport.Poll(ctx, c.data.poll.options(what+" (Deploy v2 job "+jobID+")"), func(ctx context.Context) (transport.Status, error) {
		s, err := client.Job(ctx, appID, jobID)
		if err != nil {
			return transport.Status{}, err
		}
		return transport.Status{State: s, Done: s == mendix.JobCompleted, Failed: s == mendix.JobFailed}, nil
	})
	return err
}

// retryLater calls fn until it stops answering one of the documented "try again later" codes
// (transport 503 while a package is processed, ENVIRONMENT_BUSY), within ctx.
func (c *configured) retryLater(ctx context.Context, what string, fn func(ctx context.Context) error) error {
	_, err := transport.Poll(ctx, c.data.poll.options(what), func(ctx context.Context) (transport.Status, error) {
		err := fn(ctx)
		if mendix.IsRetryLater(err) {
			return transport.Status{State: "RETRY_LATER", Message: err.Error()}, nil
		}
		if err != nil {
			return transport.Status{}, err
		}
		return transport.Status{State: "OK", Done: true}, nil
	})
	return err
}

// stopEnvironment stops a v1 environment if it runs and waits until Deploy v1 shows it stopped.
func (c *configured) stopEnvironment(ctx context.Context, client *mendix.Client, appID, mode string) error {
	env, err := client.Environment(ctx, appID, mode)
	if err != nil {
		return err
	}
	if env.Status != mendix.EnvRunning {
		return nil
	}
	if err := client.Stop(ctx, appID, mode); err != nil {
		return err
	}
	_, err = transport.Poll(ctx, c.data.poll.options("environment "+appID+"/"+mode+" to stop"), func(ctx context.Context) (transport.Status, error) {
		env, err := client.Environment(ctx, appID, mode)
		if err != nil {
			return transport.Status{}, err
		}
		return transport.Status{State: env.Status, Done: env.Status != mendix.EnvRunning}, nil
	})
	return err
}

// mxSplitID splits an import id of n slash-separated parts, all non-empty.
func mxSplitID(id string, n int) ([]string, bool) {
	parts := strings.SplitN(id, "/", n)
	if len(parts) != n {
		return nil, false
	}
	for _, p := range parts {
		if p == "" {
			return nil, false
		}
	}
	return parts, true
}

// appReplacedOnNode reports whether the node behind the Deploy v1 AppId appID now holds another app
// than projectID: the runbook's last step ("link the app to the v4 node … the currently linked
// (temporary) app will be unlinked automatically") retires everything that belonged to the
// temporary app, and those records must then stay as they are instead of being re-created. A read
// that fails is returned: it proves nothing either way.
func appReplacedOnNode(ctx context.Context, client *mendix.Client, appID, projectID string) (bool, string, error) {
	if projectID == "" {
		return false, "", nil
	}
	app, err := client.App(ctx, appID)
	switch {
	case mendix.IsNotFound(err):
		return false, "", nil
	case err != nil:
		return false, "", err
	case app.ProjectID != "" && !strings.EqualFold(app.ProjectID, projectID):
		return true, app.ProjectID, nil
	}
	return false, "", nil
}

// projectRetired reports whether a v4 target app is gone or no longer licensed (the temporary app
// after the final link), reading Deploy v4 only. Only what Deploy v4 answers counts: a proven 404,
// or the app read back as not licensed. Any other failure is returned, never taken for "gone".
func projectRetired(ctx context.Context, client *mendix.Client, projectID string) (bool, error) {
	app, err := client.AppV4(ctx, projectID)
	switch {
	case mendix.IsNotFound(err):
		return true, nil
	case err != nil:
		return false, err
	}
	return app.LicenseType != mendix.LicenseLicensed, nil
}

// mxStep is where a create or an update records its progress as it goes: the model in state and
// the resume point in private state (resume.go), so that Ctrl-C, a timeout or an error leaves a
// resource the next apply finishes instead of starting again.
type mxStep struct {
	state   *tfsdk.State
	private privateSetter
	diags   *diag.Diagnostics
	// onStop, when set, runs before a Ctrl-C saves the model: a step puts back the values the
	// plan promised (Terraform checks a create or update that ends without an error against them).
	onStop func()
}

// save records model with the resume point step ("" marks the step finished).
func (s mxStep) save(ctx context.Context, model any, step string) {
	s.diags.Append(s.state.Set(ctx, model)...)
	s.diags.Append(setResume(ctx, s.private, step)...)
}

// stopped ends a step that ctx cut short (Ctrl-C or the step's timeout) or that failed after the
// vendor started work: the model is saved with its resume point, Ctrl-C warns (untainted), the rest
// is an error (tainted), as resume.go's interrupted says.
func (s mxStep) stopped(ctx context.Context, model any, step, what, job string, err error) {
	if stopRequested(ctx) && s.onStop != nil {
		s.onStop()
	}
	interrupted(ctx, s.diags, s.state, s.private, model, step, what, job, err, reportMendix)
}

// reportMendix reports an error of a Mendix step: a manual step not done in time in its own words,
// anything else as addMendixError does.
func reportMendix(diags *diag.Diagnostics, summary string, err error) {
	var gate *manualTimeoutError
	if errors.As(err, &gate) {
		addGateError(diags, summary, err)
		return
	}
	addMendixError(diags, summary, err)
}

// resuming reports whether the prior state carries a resume point, or unfinished says the state
// itself was recorded before the step finished: the step's create was cut short and the next apply
// finishes it. The state is asked too because the resume point lives in private state, which
// Terraform does not hand to everything: the Delete that replaces a tainted object gets the
// replacement's planned private state (empty), not the tainted object's.
func resuming(ctx context.Context, p privateGetter, diags *diag.Diagnostics, unfinished bool) bool {
	if unfinished {
		return true
	}
	rp, d := resumeOf(ctx, p)
	diags.Append(d...)
	return rp != nil
}

// mxClockSkew is the margin taken on "created since this step began": vendor timestamps come from
// the vendor's clock, not this machine's.
const mxClockSkew = 5 * time.Minute

// mxStringMap converts a Go map into a types.Map of strings.
func mxStringMap(m map[string]string) types.Map {
	vals := make(map[string]attr.Value, len(m))
	for k, v := range m {
		vals[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, vals)
}

// mxMapStrings reads a known types.Map of strings into a Go map (nil for null/unknown).
func mxMapStrings(m types.Map) map[string]string {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	out := make(map[string]string, len(m.Elements()))
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			out[k] = s.ValueString()
		}
	}
	return out
}
