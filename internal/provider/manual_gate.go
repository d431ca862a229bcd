package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// A runbook step that has no vendor API (or only a modeled one) can be run in two modes: "api"
// calls the modeled endpoint; "manual" calls nothing that mutates, tells the operator at plan
// time which console clicks to make, and at apply time waits, through documented reads, until
// the step shows as done. This file holds what every such resource shares, whatever the vendor.

// Modes of a manual-gate step.
const (
	modeAPI    = "api"
	modeManual = "manual"
)

// modeAttribute is the `mode` attribute of a resource whose step may be done by hand. apiCall
// names the modeled call api mode makes, for the attribute's documentation.
func modeAttribute(apiCall string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("`api` (default) makes the call %s, which the vendor does not document (modeled; verify it against your account first). "+
			"`manual` calls nothing that changes anything: the plan shows a warning with the exact console clicks, and apply waits (within `timeouts.create`) "+
			"until the vendor's documented reads show the step done, then continues. Changing it later changes nothing on the vendor side.", apiCall),
		Optional:   true,
		Computed:   true,
		Default:    stringdefault.StaticString(modeAPI),
		Validators: []validator.String{stringvalidator.OneOf(modeAPI, modeManual)},
	}
}

// manualGate is one step a person performs in a vendor console while apply waits.
type manualGate struct {
	// Console names where the clicks happen: "the Backendless 3.x console".
	Console string
	// Step says what the person does, as an imperative: "create the migration archive of app X version v1".
	Step string
	// Clicks are the console actions in order, quoting the vendor runbook's wording.
	Clicks []string
	// DoneWhen says which documented read the provider watches: "a data and a files archive appear in /migration-to-4".
	DoneWhen string
}

// instructions renders the numbered clicks.
func (g manualGate) instructions() string {
	var b strings.Builder
	for i, c := range g.Clicks {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, c)
	}
	return b.String()
}

// planWarning is the plan-time warning of a manual step: what to click, and what apply waits for.
func (g manualGate) planWarning(timeout time.Duration) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(path.Root("mode"), "Manual step: "+g.Step,
		fmt.Sprintf("mode = \"manual\": this step is done by a person, not by the provider. During apply, in %s:\n\n%s\n"+
			"Apply waits up to %s (timeouts.create) until %s, and calls nothing that changes anything meanwhile.",
			g.Console, g.instructions(), timeout, g.DoneWhen))
}

// manualProgress is one look at whether a manual step is done.
type manualProgress struct {
	Done bool
	// Missing says what is not there yet, in words the operator can act on.
	Missing string
}

// manualTimeoutError says a manual step was not done in time, what is still missing and what to click.
type manualTimeoutError struct {
	gate    manualGate
	missing string
	waited  time.Duration
	err     error
}

func (e *manualTimeoutError) Error() string {
	verb := "Timed out"
	if errors.Is(e.err, context.Canceled) {
		verb = "Interrupted"
	}
	return fmt.Sprintf("%s after %s waiting for someone to %s. Still missing: %s.\n\nIn %s:\n\n%s\n"+
		"Then run apply again: it picks up what was done. Raise timeouts.create to wait longer in one run.",
		verb, e.waited.Round(time.Millisecond), e.gate.Step, e.missing, e.gate.Console, e.gate.instructions())
}

func (e *manualTimeoutError) Unwrap() error { return e.err }

// wait polls check (with the provider's poll settings) until it reports the step done, ctx
// ends, or check fails. On ctx's end it returns a *manualTimeoutError.
func (g manualGate) wait(ctx context.Context, poll pollSettings, check func(ctx context.Context) (manualProgress, error)) error {
	_, err := transport.Poll(ctx, poll.options("manual step: "+g.Step), func(ctx context.Context) (transport.Status, error) {
		p, err := check(ctx)
		if err != nil {
			return transport.Status{}, err
		}
		return transport.Status{State: "WAITING_FOR_OPERATOR", Message: p.Missing, Done: p.Done}, nil
	})
	var deadline *transport.DeadlineError
	if errors.As(err, &deadline) {
		return &manualTimeoutError{gate: g, missing: deadline.LastMessage, waited: deadline.Waited, err: deadline.Err}
	}
	return err
}

// addGateError reports a manual step's failure: a timeout gets its own wording (nothing was
// recorded, because nothing was done), anything else goes through addError.
func addGateError(diags *diag.Diagnostics, summary string, err error) {
	var te *manualTimeoutError
	if errors.As(err, &te) {
		diags.AddError(summary+": manual step not done", err.Error())
		return
	}
	addError(diags, summary, err)
}
