package provider

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
)

// What the Backendless steps share of "resume, never repeat" (resume.go): the short lookup that
// records what an interrupted create already started, and the plan that sends an unfinished step
// to Update.

// settleTimeout bounds the lookups made after a step's context ended: long enough for a few
// vendor reads, short enough that Ctrl-C still feels like Ctrl-C.
const settleTimeout = 30 * time.Second

// settleContext is the context of the lookups that find, after Ctrl-C or the step's timeout, what
// the cut-short call already started at the vendor, so it goes into state instead of being lost.
func settleContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
}

// vendorAnswered reports an error that is the vendor's own answer (a refusal with a status):
// the request was judged, and whatever it would have created was not created. Any other error (a
// broken connection after the retries, an unknown outcome, the context ending) leaves open
// whether the vendor acted.
func vendorAnswered(err error) bool {
	var e *backendless.Error
	return errors.As(err, &e)
}

// planResume makes the plan of an unfinished step (prior state with a resume point) an in-place
// update: the step's results become unknown, so Terraform calls Update, which resumes. It
// returns whether the step is unfinished.
func planResume(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, results map[string]attr.Value) bool {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return false
	}
	rp, diags := resumeOf(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if rp == nil {
		return false
	}
	for name, unknown := range results {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), unknown)...)
	}
	return true
}

// unfinishedWarning is the warning of a Read that keeps an unfinished step as it is.
func unfinishedWarning(diags *diag.Diagnostics, what, step string) {
	diags.AddWarning(what+" is unfinished",
		"The last apply was interrupted while "+step+". The next apply resumes it from there without starting anything twice.")
}
