package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"

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

// stepTimeouts declares a resource's timeouts and their defaults in one place: the schema
// describes them from it and the CRUD methods apply them through it, so the defaults the docs
// state are the ones in force. A zero duration means the resource offers no such timeout.
type stepTimeouts struct {
	Create, Read, Update, Delete time.Duration
}

// attribute is the resource's `timeouts` attribute: each operation described with its default
// and validated as a positive duration at plan time.
func (t stepTimeouts) attribute(ctx context.Context) schema.Attribute {
	describe := func(op string, d time.Duration, extra string) string {
		return fmt.Sprintf("How long %s may take before the provider stops waiting, as a Go duration (`30s`, `2h45m`); default `%s`.%s", op, shortDuration(d), extra)
	}
	opts := timeouts.Opts{
		Create: t.Create > 0, CreateDescription: describe("the create (the whole runbook step, including its waits and verification)", t.Create,
			" On timeout the step is saved as unfinished and tainted; the next apply adopts what the vendor already did instead of starting again."),
		Read: t.Read > 0, ReadDescription: describe("a refresh", t.Read, ""),
		Update: t.Update > 0, UpdateDescription: describe("an in-place update, including finishing a step that an earlier apply left unfinished", t.Update, ""),
		Delete: t.Delete > 0, DeleteDescription: describe("a destroy", t.Delete, ""),
	}
	a, ok := timeouts.Attributes(ctx, opts).(schema.SingleNestedAttribute)
	if !ok {
		return timeouts.Attributes(ctx, opts)
	}
	var defaults []string
	for _, op := range []struct {
		name string
		d    time.Duration
	}{{"create", t.Create}, {"read", t.Read}, {"update", t.Update}, {"delete", t.Delete}} {
		if op.d <= 0 {
			continue
		}
		defaults = append(defaults, fmt.Sprintf("`%s` %s", op.name, shortDuration(op.d)))
		if sa, ok := a.Attributes[op.name].(schema.StringAttribute); ok {
			sa.MarkdownDescription = sa.Description
			sa.Validators = append(sa.Validators, durationValidator{min: time.Second})
			a.Attributes[op.name] = sa
		}
	}
	a.MarkdownDescription = "How long each operation may take, as Go durations; defaults: " + strings.Join(defaults, ", ") + ". Each must be at least `1s`."
	return a
}

// shortDuration writes a whole-second duration as a person would: 1h, 30m, 4h, 1m30s.
func shortDuration(d time.Duration) string {
	if d < time.Second || d%time.Second != 0 {
		return d.String()
	}
	h, m, sec := d/time.Hour, (d%time.Hour)/time.Minute, (d%time.Minute)/time.Second
	var b strings.Builder
	if h > 0 {
		fmt.Fprintf(&b, "%dh", h)
	}
	if m > 0 {
		fmt.Fprintf(&b, "%dm", m)
	}
	if sec > 0 {
		fmt.Fprintf(&b, "%ds", sec)
	}
	return b.String()
}
