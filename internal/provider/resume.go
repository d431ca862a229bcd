package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// Resume, never repeat.
//
// A step whose create is cut short keeps what the vendor has already started and finishes it on
// the next apply instead of starting it again. Three cases, three mechanisms:
//
//   - Ctrl-C (Terraform asks the provider to stop, which cancels the call's context). The resource
//     is saved as it stands, with a resume point in private state, and the create ends with a
//     warning, not an error: Terraform then records it untainted and, being interrupted, starts
//     nothing after it. The next plan sees the resume point (ModifyPlan marks the step's results
//     unknown) and Update picks the work up where it stopped: a running job is awaited, a finished
//     one adopted, then the usual verification runs.
//   - The step's own timeout, or a failure after the vendor gave an id. The resource is saved with
//     the resume point and the error returned, so Terraform taints it. Replacing a tainted step
//     must not destroy work that can still be adopted: Delete leaves an unfinished job alone, and
//     Create adopts it (below).
//   - SIGKILL of terraform or of the provider, or an answer lost on the way back. Nothing reaches
//     state. Every Create therefore first looks the vendor up for work it already started (an
//     archive job for that version, an app of that name created by this run, an upload carrying
//     this step's marker, a restore journalled on its backup) and adopts it.
//
// A read that fails with anything but a proven 404 never removes a resource from state.

// resumeKey is the private-state key holding a step's resume point.
const resumeKey = "resume"

// resumePoint records how far an interrupted create got, for the Update that finishes it.
type resumePoint struct {
	// Step names the stage to continue from, in the resource's own words ("waiting for the restore").
	Step string `json:"step"`
}

// privateGetter and privateSetter are what requests and responses offer of the framework's
// private state (its type is internal).
type (
	privateGetter interface {
		GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	}
	privateSetter interface {
		SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
	}
)

// setResume records (or, with an empty step, clears) the resume point.
func setResume(ctx context.Context, p privateSetter, step string) diag.Diagnostics {
	if p == nil {
		return nil
	}
	if step == "" {
		return p.SetKey(ctx, resumeKey, nil)
	}
	b, err := json.Marshal(resumePoint{Step: step})
	if err != nil {
		var d diag.Diagnostics
		d.AddError("Recording the resume point", err.Error())
		return d
	}
	return p.SetKey(ctx, resumeKey, b)
}

// resumeOf reads the resume point; nil when the step finished (or never started).
func resumeOf(ctx context.Context, p privateGetter) (*resumePoint, diag.Diagnostics) {
	if p == nil {
		return nil, nil
	}
	b, diags := p.GetKey(ctx, resumeKey)
	if diags.HasError() || len(b) == 0 {
		return nil, diags
	}
	var rp resumePoint
	if err := json.Unmarshal(b, &rp); err != nil || rp.Step == "" {
		return nil, diags
	}
	return &rp, diags
}

// stopRequested reports whether ctx ended because Terraform asked the provider to stop (Ctrl-C),
// as opposed to the step's own timeout (context.DeadlineExceeded).
func stopRequested(ctx context.Context) bool {
	return errors.Is(ctx.Err(), context.Canceled)
}

// interrupted ends a create or update that ctx cut short. On Ctrl-C it saves the model with its
// resume point and warns (the resource stays untainted and resumes on the next apply); on the
// step's timeout or any other error it saves the same and reports the error (tainted; the next
// Create adopts the vendor's work). what names the step, job says what keeps running.
func interrupted(ctx context.Context, diags *diag.Diagnostics, state *tfsdk.State, private privateSetter, model any,
	step, what, job string, err error, report func(*diag.Diagnostics, string, error)) {
	diags.Append(state.Set(ctx, model)...)
	diags.Append(setResume(ctx, private, step)...)
	if stopRequested(ctx) {
		diags.AddWarning(what+": interrupted",
			fmt.Sprintf("Terraform was interrupted while %s. %s is not cancelled by this: it goes on at the vendor. "+
				"The resource is saved as unfinished (not tainted); run apply again and it resumes from there, without starting anything twice.", step, job))
		return
	}
	if report == nil {
		report = addError
	}
	report(diags, what, err)
}
