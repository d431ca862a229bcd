package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// memPrivate is private state in a map, as the framework keeps it between calls.
type memPrivate map[string][]byte

func (m memPrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return m[key], nil
}

func (m memPrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	if len(value) == 0 {
		delete(m, key)
		return nil
	}
	m[key] = value
	return nil
}

func TestResumePoint_RecordedReadAndCleared(t *testing.T) {
	ctx := context.Background()
	p := memPrivate{}
	if rp, d := resumeOf(ctx, p); rp != nil || d.HasError() {
		t.Fatalf("a finished step has no resume point, got %+v %v", rp, d)
	}
	setResume(ctx, p, "waiting for the restore")
	rp, _ := resumeOf(ctx, p)
	if rp == nil || rp.Step != "waiting for the restore" {
		t.Fatalf("resume point = %+v", rp)
	}
	setResume(ctx, p, "")
	if rp, _ := resumeOf(ctx, p); rp != nil {
		t.Fatalf("cleared resume point still there: %+v", rp)
	}
}

func TestStopRequested_TellsCtrlCFromTimeout(t *testing.T) {
	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	if !stopRequested(stopped) {
		t.Fatal("a cancelled context is Terraform asking the provider to stop")
	}
	timedOut, cancel2 := context.WithTimeout(context.Background(), 0)
	defer cancel2()
	<-timedOut.Done()
	if stopRequested(timedOut) {
		t.Fatal("the step's own timeout is not a stop request")
	}
	// The step's timeout derives from the request context: a stop still reads as a stop.
	parent, stop := context.WithCancel(context.Background())
	child, cancel3 := context.WithTimeout(parent, 1<<40)
	defer cancel3()
	stop()
	if !stopRequested(child) {
		t.Fatal("a stop of the request context must show through the step's timeout context")
	}
}

func testState(t *testing.T) tfsdk.State {
	t.Helper()
	s := schema.Schema{Attributes: map[string]schema.Attribute{"id": schema.StringAttribute{Computed: true}}}
	return tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(context.Background()), nil)}
}

type idModel struct {
	ID types.String `tfsdk:"id"`
}

func TestInterrupted_CtrlCWarnsAndSavesTheResumePoint(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var diags diag.Diagnostics
	state, p := testState(t), memPrivate{}
	interrupted(ctx, &diags, &state, p, idModel{ID: types.StringValue("job-1")}, "waiting for the archive job", "Creating the archive", "The archive job job-1", ctx.Err(), nil)
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("Ctrl-C must warn, not fail (a failed create is tainted): %v", diags)
	}
	var got idModel
	if d := state.Get(context.Background(), &got); d.HasError() || got.ID.ValueString() != "job-1" {
		t.Fatalf("the model must be saved: %+v %v", got, d)
	}
	if rp, d := resumeOf(context.Background(), p); d.HasError() || rp == nil || rp.Step != "waiting for the archive job" {
		t.Fatalf("resume point = %+v", rp)
	}
}

func TestInterrupted_TimeoutFailsAndSavesTheResumePoint(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	<-ctx.Done()
	var diags diag.Diagnostics
	state, p := testState(t), memPrivate{}
	interrupted(ctx, &diags, &state, p, idModel{ID: types.StringValue("job-1")}, "waiting for the archive job", "Creating the archive", "The archive job job-1", ctx.Err(), nil)
	if !diags.HasError() {
		t.Fatalf("the step's own timeout is an error: %v", diags)
	}
	if rp, _ := resumeOf(context.Background(), p); rp == nil {
		t.Fatal("the resume point must be saved for the create that adopts the job")
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Hour: "1h", 30 * time.Minute: "30m", 90 * time.Second: "1m30s", 4*time.Hour + 30*time.Second: "4h30s", 10 * time.Second: "10s",
	} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%s) = %q, want %q", d, got, want)
		}
	}
}
