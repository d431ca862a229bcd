package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// configured is embedded by every resource and data source: it receives the provider's data
// and hands out the platform client with a plan-time diagnostic when that platform is missing.
type configured struct {
	data *providerData
}

// configure stores the provider data; a nil value means the provider is not configured yet
// (Terraform calls ValidateConfig before Configure).
func (c *configured) configure(raw any, diags *diag.Diagnostics) {
	if raw == nil {
		return
	}
	d, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
		return
	}
	c.data = d
}

// ready reports whether Configure ran with known values. During a plan in which the provider
// configuration depends on unknown values it has not, and checks must wait for apply.
func (c *configured) ready() bool { return c.data != nil }

// backendlessClient returns the Backendless client, or adds a diagnostic naming the missing
// provider block and environment variables.
func (c *configured) backendlessClient(typeName string, diags *diag.Diagnostics) *backendless.Client {
	if c.data == nil {
		diags.AddError("Provider not configured", "The appmigrate provider was not configured before "+typeName+" was used. This is a bug in the provider; please report it.")
		return nil
	}
	if c.data.backendless == nil {
		diags.AddError("Backendless is not configured",
			fmt.Sprintf("%s needs the provider's `backendless` block: %s", typeName, c.data.backendlessMissing))
		return nil
	}
	return c.data.backendless
}

// addError turns a client error into a diagnostic that says what failed and what to do next.
func addError(diags *diag.Diagnostics, summary string, err error) {
	var (
		login    *backendless.LoginError
		authKey  *backendless.AuthKeyError
		deadline *transport.DeadlineError
		failed   *transport.JobFailedError
	)
	switch {
	case errors.As(err, &login):
		diags.AddError("Backendless login refused",
			fmt.Sprintf("%s: %v.\n\nCheck backendless.login (%s) and backendless.password (%s) in the provider configuration, or use backendless.auth_key (%s).",
				summary, err, envBackendlessLogin, envBackendlessPassword, envBackendlessAuthKey))
	case errors.As(err, &authKey):
		diags.AddError("Backendless auth-key refused",
			fmt.Sprintf("%s: %v.\n\nLog in to the Backendless console again and set backendless.auth_key (%s) to the new session token, or configure backendless.login and backendless.password instead.",
				summary, err, envBackendlessAuthKey))
	case errors.As(err, &deadline):
		diags.AddError(summary+": timed out", fmt.Sprintf("%v.\n\nThe object is recorded in state; run apply again to resume waiting, or raise the resource's timeouts.", err))
	case errors.As(err, &failed):
		diags.AddError(summary+": the vendor job failed", err.Error())
	case errors.Is(err, context.Canceled):
		diags.AddError(summary+": interrupted", fmt.Sprintf("%v.\n\nRun apply again to resume.", err))
	default:
		diags.AddError(summary, err.Error())
	}
}

// nameTakenDiag explains that an app of that name exists and how to adopt it on purpose.
func nameTakenDiag(attr path.Path, app *backendless.App) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(attr, "Backendless app name already taken",
		fmt.Sprintf("An app named %q already exists (id %s). The runbook recommends importing into a blank, new app, so this provider does not adopt an existing one silently.\n\n"+
			"To manage the existing app with Terraform, import it:\n\n  terraform import %s.<name> %s\n\nor add an import block:\n\n  import {\n    to = %s.<name>\n    id = %q\n  }\n\nOtherwise choose another name.",
			app.Name, app.ID, backendlessAppType, app.ID, backendlessAppType, app.ID))
}

// withTimeout applies one of a resource's timeouts (plan.Timeouts.Create and the like) to ctx.
func withTimeout(ctx context.Context, get func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration,
	diags *diag.Diagnostics) (context.Context, context.CancelFunc, bool) {
	d, ds := get(ctx, def)
	diags.Append(ds...)
	if diags.HasError() {
		return ctx, func() {}, false
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	return ctx, cancel, true
}

// updateTimeoutsOnly is the Update of a resource whose other attributes all force replacement:
// the recorded state stays as it is, with the newly configured timeouts.
func updateTimeoutsOnly[M any](ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse, timeoutsOf func(*M) *timeouts.Value) {
	var plan, state M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	*timeoutsOf(&state) = *timeoutsOf(&plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}
