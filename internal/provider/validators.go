package provider

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// baseURLValidator rejects at plan time a base URL the clients could not append paths to.
type baseURLValidator struct{}

func (baseURLValidator) Description(context.Context) string {
	return "must be an absolute https URL (http only for a sandbox on loopback) without credentials, query or fragment"
}

func (v baseURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (baseURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := transport.CheckBaseURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid base URL",
			fmt.Sprintf("%s: %v. Remove the attribute to use the vendor's default host.", req.Path, err))
	}
}

// durationValidator accepts a Go duration string no shorter than min.
type durationValidator struct{ min time.Duration }

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("must be a Go duration (such as 30s or 5m) of at least %s", v.min)
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s = %q is not a duration. Write it as a number with a unit, such as \"30s\", \"5m\" or \"1h30m\".", req.Path, req.ConfigValue.ValueString()))
		return
	}
	if d < v.min {
		resp.Diagnostics.AddAttributeError(req.Path, "Duration too short",
			fmt.Sprintf("%s = %q is shorter than the minimum %s. Use %s or more.", req.Path, req.ConfigValue.ValueString(), v.min, v.min))
	}
}

// appNameValidator rejects names Backendless could not show or that would differ from what the
// lookup-by-name compares: empty, surrounding spaces, control characters.
type appNameValidator struct{}

func (appNameValidator) Description(context.Context) string {
	return "must be 1 to 100 characters, with no leading or trailing spaces and no control characters"
}

func (v appNameValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (appNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	name := req.ConfigValue.ValueString()
	var problem string
	switch {
	case name == "":
		problem = "is empty"
	case len([]rune(name)) > 100:
		problem = fmt.Sprintf("is %d characters long; the limit here is 100", len([]rune(name)))
	case strings.TrimSpace(name) != name:
		problem = "starts or ends with a space"
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		problem = "contains a control character"
	}
	if problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid app name",
			fmt.Sprintf("%s %q %s. Choose a name of 1 to 100 visible characters without surrounding spaces.", req.Path, name, problem))
	}
}
