package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
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

// vendorRefused reports an error that is the vendor's own, permanent refusal (a 4xx with its
// code): the request was judged, and whatever it would have created was not created. Any other
// error (a 5xx, a broken connection after the retries, an unknown outcome, the context ending)
// leaves open whether the vendor acted.
func vendorRefused(err error) bool {
	var e *backendless.Error
	return errors.As(err, &e) && !e.Transient()
}

// planResume makes the plan of an unfinished step (prior state with a resume point) an in-place
// update: the step's results become unknown, so Terraform calls Update, which resumes.
func planResume(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, results map[string]attr.Value) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	rp, diags := resumeOf(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if rp == nil {
		return
	}
	for name, unknown := range results {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), unknown)...)
	}
}

// rideOut runs read until it succeeds or fails for good, waiting through transient failures (a
// vendor 5xx or a broken connection that outlasted the request's own retries) as a job wait does,
// for up to the poller's transient budget. A step that has already started something at the
// vendor uses it for the reads that finish the step, so one bad minute does not taint it.
func rideOut[T any](ctx context.Context, poll pollSettings, what string, read func(ctx context.Context) (T, error)) (T, error) {
	var out T
	_, err := transport.Poll(ctx, poll.options(what), func(ctx context.Context) (transport.Status, error) {
		v, err := read(ctx)
		if err != nil {
			return transport.Status{}, err
		}
		out = v
		return transport.Status{State: "READ", Done: true}, nil
	})
	var deadline *transport.DeadlineError
	if errors.As(err, &deadline) && deadline.LastError != nil {
		err = fmt.Errorf("%w: %w", err, deadline.LastError)
	}
	return out, unwrapWaiting(err)
}

// unwrapWaiting drops Poll's "waiting for …" wrapper from a permanent failure, so the read's own
// error (an *backendless.Error, an *backendless.ArchiveError) is what callers see and match.
func unwrapWaiting(err error) error {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if vendorRefused(e) {
			return e
		}
		var archive *backendless.ArchiveError
		if errors.As(e, &archive) {
			return archive
		}
	}
	return err
}
