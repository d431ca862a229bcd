package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/argon2pool"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
)

// Runbook §3.2.3 "Configuration": "Before starting your app in Mendix Cloud v4, make sure it has the
// same configurations as the v3 node" (Model Options, Network, Runtime, Maintenance). Deploy API v1
// settings carry the Model Options (constants, scheduled events) and the custom runtime settings;
// the rest has no API and is listed by data.appmigrate_mendix_offboarding_request. Vendor facts
// (§5.6): constants and events exist only after a transport, and changes apply at the next start —
// hence deployment_id in, and an id that changes with the values for the start resource.

var (
	_ resource.Resource                = &mendixSettingsResource{}
	_ resource.ResourceWithConfigure   = &mendixSettingsResource{}
	_ resource.ResourceWithImportState = &mendixSettingsResource{}
	_ resource.ResourceWithModifyPlan  = &mendixSettingsResource{}
)

const mendixSettingsType = "appmigrate_mendix_environment_settings"

// privateSourceKey holds the v3 values (as shown, secrets fingerprinted) of the last apply, for
// plans made after the v3 node is gone.
const privateSourceKey = "mendix_source_settings"

// privateWrittenKey holds the constants (as shown) the last apply wrote and read back: what a
// refresh compares v4's values with for constants_verified.
const privateWrittenKey = "mendix_written_constants"

// NewMendixEnvironmentSettingsResource returns the appmigrate_mendix_environment_settings resource.
// settingsTimeouts are the step's timeouts and their defaults.
var settingsTimeouts = stepTimeouts{Create: 30 * time.Minute, Read: 5 * time.Minute, Update: 30 * time.Minute}

func NewMendixEnvironmentSettingsResource() resource.Resource { return &mendixSettingsResource{} }

type mendixSettingsResource struct{ configured }

type mendixSettingsModel struct {
	ID                      types.String   `tfsdk:"id"`
	SourceAppID             types.String   `tfsdk:"source_app_id"`
	SourceEnvironment       types.String   `tfsdk:"source_environment"`
	AppID                   types.String   `tfsdk:"app_id"`
	Environment             types.String   `tfsdk:"environment"`
	DeploymentID            types.String   `tfsdk:"deployment_id"`
	ConstantOverrides       types.Map      `tfsdk:"constant_overrides"`
	ConstantOverridesWO     types.Map      `tfsdk:"constant_overrides_wo"`
	ScheduledEventOverrides types.Map      `tfsdk:"scheduled_event_overrides"`
	CustomSettingOverrides  types.Map      `tfsdk:"custom_setting_overrides"`
	SensitiveConstants      types.Set      `tfsdk:"sensitive_constants"`
	PublicConstants         types.Set      `tfsdk:"public_constants"`
	Constants               types.Map      `tfsdk:"constants"`
	ConstantsVerified       types.Map      `tfsdk:"constants_verified"`
	SourceConstants         types.Map      `tfsdk:"source_constants"`
	ScheduledEvents         types.Map      `tfsdk:"scheduled_events"`
	CustomSettings          types.Map      `tfsdk:"custom_settings"`
	Timeouts                timeouts.Value `tfsdk:"timeouts"`
}

func (r *mendixSettingsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mendix_environment_settings"
}

func (r *mendixSettingsResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Gives a Cloud v4 environment the same constants, scheduled events and custom runtime settings as the Cloud v3 one (Deploy API v1 settings), after your overrides. " +
			"The v3 values are read at plan time, so every value to be written is in the plan; values changed on v4 outside Terraform show as a diff. " +
			"The values take effect at the next start: `appmigrate_mendix_environment_start` takes this resource's `id`, which changes with the values.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<app_id>/<environment>/<revision>`, where revision is the first 12 hex digits of the SHA-256 of the settings as shown in the plan. " +
					"It changes whenever a value changes, so a start that references it restarts the app.",
				Computed: true,
			},
			"source_app_id": schema.StringAttribute{
				MarkdownDescription: "Deploy API v1 `AppId` of the app on the Cloud v3 node (e.g. `calc`).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"source_environment": schema.StringAttribute{
				MarkdownDescription: "The v3 environment (`Mode`) to copy from, e.g. `Production`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"app_id": schema.StringAttribute{
				MarkdownDescription: "Deploy API v1 `AppId` of the v4 node: `appmigrate_mendix_node_link.<name>.subdomain`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), mxNoSlash{}},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"environment": schema.StringAttribute{
				MarkdownDescription: "The v4 environment (`Mode`) to configure.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), mxNoSlash{}},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"deployment_id": schema.StringAttribute{
				MarkdownDescription: "`appmigrate_mendix_environment_deployment.<name>.id`. Constants and scheduled events exist only after a transport, so the settings are written after it; " +
					"a new deployment writes them again.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"constant_overrides": schema.MapAttribute{
				MarkdownDescription: "Constant name (`Module.Constant`) → value to use on v4 instead of v3's. Each name must exist on v3. The values are stored in state; use `constant_overrides_wo` for secrets.",
				ElementType:         types.StringType,
				Optional:            true,
			},
			"constant_overrides_wo": schema.MapAttribute{
				MarkdownDescription: "Like `constant_overrides`, for secrets: write-only (Terraform 1.11+), never stored; those constants show as an `argon2id:` digest in `constants`.",
				ElementType:         types.StringType,
				Optional:            true,
				Sensitive:           true,
				WriteOnly:           true,
			},
			"scheduled_event_overrides": schema.MapAttribute{
				MarkdownDescription: "Scheduled event name → `Enabled` or `Disabled`, instead of v3's.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          []validator.Map{mapvalidator.ValueStringsAre(stringvalidator.OneOf(mendix.EventEnabled, mendix.EventDisabled))},
			},
			"custom_setting_overrides": schema.MapAttribute{
				MarkdownDescription: "Custom runtime setting name → value, instead of (or in addition to) v3's.",
				ElementType:         types.StringType,
				Optional:            true,
			},
			"sensitive_constants": schema.SetAttribute{
				MarkdownDescription: "Constants whose values are secrets although their type is not `String` (every `String` constant is secret unless listed in `public_constants`). " +
					"Each name must be a constant of the v3 environment (checked at plan while v3 answers). " +
					"A secret is copied like the others but shown in the plan and state only as `argon2id:<hex>`, a salted, deliberately slow digest (argon2id), and drift is detected by that digest.",
				ElementType: types.StringType,
				Optional:    true,
			},
			"public_constants": schema.SetAttribute{
				MarkdownDescription: "`String` constants whose values are not secret (an endpoint URL, a feature name): shown in clear in the plan and state. " +
					"Each name must be a constant of the v3 environment (checked at plan while v3 answers). " +
					"Safe default: every `String` constant of the deployed model is a secret unless listed here; other types (`Integer`, `Boolean`, `Decimal`, `DateTime`, …) are public unless listed in `sensitive_constants`.",
				ElementType: types.StringType,
				Optional:    true,
			},
			"constants": schema.MapAttribute{
				MarkdownDescription: "Every constant of the v4 environment this resource sets: name → value (v3's value after overrides; secrets as `argon2id:` digests, see `public_constants`).",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"constants_verified": schema.MapAttribute{
				MarkdownDescription: "Constant name → `true` when v4 holds the value this resource expects there: v3's value after `constant_overrides` / `constant_overrides_wo`. " +
					"Compared by the provider on the values as shown, so a secret (or a write-only override) is compared by its digest and never needs to be known by your configuration: " +
					"at apply on the values read back from v4 (apply fails if one differs), at refresh against the values the last apply wrote (`false` once a value was changed on v4 outside Terraform), " +
					"and in a plan that writes no constant. Unknown in a plan that writes constants. Null after `terraform import` (or in a state written by an earlier version) until the next apply that writes the settings. " +
					"Use it for a proof: comparing `constants` with `source_constants` or with the overrides in HCL fails for an overridden secret, whose digest is of the new value.",
				ElementType: types.BoolType,
				Computed:    true,
			},
			"source_constants": schema.MapAttribute{
				MarkdownDescription: "The v3 environment's constants as read at plan time, before overrides (secrets as fingerprints): with no overrides, equal to `constants` once applied.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"scheduled_events": schema.MapAttribute{
				MarkdownDescription: "Every scheduled event: name → `Enabled` | `Disabled`.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"custom_settings": schema.MapAttribute{
				MarkdownDescription: "Every custom runtime setting: name → value.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"timeouts": settingsTimeouts.attribute(ctx),
		},
	}
}

func (r *mendixSettingsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *mendixSettingsResource) client(diags *diag.Diagnostics) *mendix.Client {
	return r.mendixClientFor(mendixSettingsType, mendixNeeds{apiKey: true}, diags)
}

// settingsView is the three maps as shown in plan and state.
type settingsView struct {
	Constants       map[string]string `json:"constants"`
	ScheduledEvents map[string]string `json:"scheduled_events"`
	CustomSettings  map[string]string `json:"custom_settings"`
}

// revision fingerprints the view for the id: stable key order, values as shown.
func (v settingsView) revision() string {
	h := sha256.New()
	for _, part := range []struct {
		kind string
		m    map[string]string
	}{{"c", v.Constants}, {"e", v.ScheduledEvents}, {"s", v.CustomSettings}} {
		keys := make([]string, 0, len(part.m))
		for k := range part.m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(h, "%s\x00%s\x00%s\x00", part.kind, k, part.m[k])
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// publicRevision fingerprints what anyone with the API key can read back from the environment and
// that holds no secret: the constants' names, the scheduled events and the custom settings. The
// start checks it against the environment (verifySettingsID), so a made-up settings_id is refused.
func (v settingsView) publicRevision() string {
	h := sha256.New()
	for _, n := range sortedNames(v.Constants) {
		fmt.Fprintf(h, "c\x00%s\x00", n)
	}
	for _, part := range []struct {
		kind string
		m    map[string]string
	}{{"e", v.ScheduledEvents}, {"s", v.CustomSettings}} {
		for _, k := range sortedNames(part.m) {
			fmt.Fprintf(h, "%s\x00%s\x00%s\x00", part.kind, k, part.m[k])
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// settingsID is <app>/<mode>/<revision>.<public revision>: the revision changes with every value
// (so a change restarts the app), the public one can be checked against the environment.
func settingsID(appID, mode string, v settingsView) string {
	return appID + "/" + mode + "/" + v.revision() + "." + v.publicRevision()
}

// settingsViewOf is the part of a settings document publicRevision covers.
func settingsViewOf(s *mendix.Settings) settingsView {
	v := settingsView{Constants: map[string]string{}, ScheduledEvents: map[string]string{}, CustomSettings: map[string]string{}}
	for _, c := range s.Constants {
		v.Constants[c.Name] = ""
	}
	for _, e := range s.ScheduledEvents {
		v.ScheduledEvents[e.Name] = e.Value
	}
	for _, c := range s.CustomSettings {
		v.CustomSettings[c.Name] = c.Value
	}
	return v
}

// secretPrefix starts how a secret value is shown; legacyPrefix is what earlier versions stored
// (an unsalted SHA-256, replaced on the next apply).
const (
	secretPrefix = "argon2id:"
	legacyPrefix = "sha256:"
)

// argon2id parameters: OWASP's first recommendation (46 MiB, one pass, one lane).
const (
	argonTime    = 1
	argonMemory  = 46 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// digests keeps, for this process only, the digests already computed (a refresh and a plan ask
// for the same ones); it is keyed by a hash of salt and value and never persisted.
var digests sync.Map

// argonSlots bounds how many argon2id hashes run at once (see fingerprint).
var argonSlots = make(chan struct{}, 2)

// fingerprint is how a secret value is shown in plan and state: argon2id of the value, salted
// with the step's source (v3 app, environment) and the constant's name. Slow on purpose: whoever
// holds the state cannot test guesses cheaply, and no table precomputed for one salt serves
// another. The same value of the same constant gives the same digest, so drift and the v3 → v4
// comparison still work.
func fingerprint(salt, name, v string) string {
	key := sha256.Sum256([]byte(salt + "\x00" + name + "\x00" + v))
	if d, ok := digests.Load(key); ok {
		if shown, ok := d.(string); ok {
			return shown
		}
	}
	s := sha256.Sum256([]byte("terraform-provider-appmigrate/mendix-constant/v1\x00" + strings.ToLower(salt) + "\x00" + name))
	// Each hash takes argonMemory: at -parallelism=30 over a fleet, unbounded hashing held
	// 2.3 GiB. Two at a time keep the provider's memory flat at the cost of some waiting.
	argonSlots <- struct{}{}
	// argon2pool is x/crypto's argon2 reusing its memory: a fleet's hundreds of digests no
	// longer allocate 46 MiB each for the garbage collector to reclaim.
	d := secretPrefix + hex.EncodeToString(argon2pool.IDKey([]byte(v), s[:], argonTime, argonMemory, argonThreads, argonKeyLen))
	<-argonSlots
	digests.Store(key, d)
	return d
}

// isSecretShown reports a value shown as a digest.
func isSecretShown(v string) bool {
	return strings.HasPrefix(v, secretPrefix) || strings.HasPrefix(v, legacyPrefix)
}

// overrides are the user's replacements of v3 values.
type settingsOverrides struct {
	constants, constantsWO, events, custom map[string]string
	sensitive, public                      map[string]bool
	// listedSensitive is sensitive_constants as given (sensitive also holds constant_overrides_wo's names).
	listedSensitive map[string]bool
	// byType makes every String constant of the model secret unless public (the safe default).
	byType bool
	// salt is the step's source, <v3 app>/<environment>, for fingerprint.
	salt string
}

// stringType reports the Mendix constant types that hold free text, where secrets live.
func stringType(dataType string) bool {
	return strings.EqualFold(dataType, "string")
}

func (r *mendixSettingsResource) overrides(ctx context.Context, m *mendixSettingsModel, config tfsdk.Config, diags *diag.Diagnostics) settingsOverrides {
	o := settingsOverrides{
		constants: mxMapStrings(m.ConstantOverrides),
		events:    mxMapStrings(m.ScheduledEventOverrides),
		custom:    mxMapStrings(m.CustomSettingOverrides),
		sensitive: map[string]bool{},
		public:    map[string]bool{},
		byType:    true,
		salt:      m.SourceAppID.ValueString() + "/" + m.SourceEnvironment.ValueString(),
	}
	o.listedSensitive = map[string]bool{}
	if !m.PublicConstants.IsNull() && !m.PublicConstants.IsUnknown() {
		for _, el := range m.PublicConstants.Elements() {
			if s, ok := el.(types.String); ok {
				o.public[s.ValueString()] = true
			}
		}
	}
	var wo types.Map
	diags.Append(config.GetAttribute(ctx, path.Root("constant_overrides_wo"), &wo)...)
	o.constantsWO = mxMapStrings(wo)
	for name := range o.constantsWO {
		o.sensitive[name] = true
	}
	if !m.SensitiveConstants.IsNull() && !m.SensitiveConstants.IsUnknown() {
		for _, el := range m.SensitiveConstants.Elements() {
			if s, ok := el.(types.String); ok {
				o.sensitive[s.ValueString()] = true
				o.listedSensitive[s.ValueString()] = true
				if o.public[s.ValueString()] {
					diags.AddAttributeError(path.Root("public_constants"), "Constant both public and sensitive",
						fmt.Sprintf("%s is in both public_constants and sensitive_constants. Keep it in one of them.", s.ValueString()))
				}
			}
		}
	}
	for name := range o.constantsWO {
		if o.public[name] {
			diags.AddAttributeError(path.Root("public_constants"), "A write-only value cannot be public",
				fmt.Sprintf("%s is set through constant_overrides_wo, which is for secrets, and listed in public_constants. Remove it from public_constants (or set it through constant_overrides).", name))
		}
	}
	return o
}

// hideSavedSecrets shows as digests, once v3 is gone, the constant_overrides values of constants the
// last apply showed as digests: the saved values carry no type, so the safe default by type
// (every String constant is a secret) is applied through them.
func (o settingsOverrides) hideSavedSecrets(view settingsView, saved *settingsView) {
	for n, v := range o.constants {
		if o.sensitive[n] || isSecretShown(saved.Constants[n]) && !o.public[n] {
			view.Constants[n] = fingerprint(o.salt, n, v)
		}
	}
}

// inherit is o for a second view of the same step (the v3 values before overrides): the same
// sensitivity rules and salt, no overrides.
func (o settingsOverrides) inherit() settingsOverrides {
	return settingsOverrides{sensitive: o.sensitive, public: o.public, byType: o.byType, salt: o.salt}
}

// desired applies the overrides to the v3 settings: raw is what is written to v4, view what
// plan and state show. Unknown override names are reported against their attribute.
func desiredSettings(src *mendix.Settings, o settingsOverrides, diags *diag.Diagnostics) (raw, view settingsView) {
	raw = settingsView{Constants: map[string]string{}, ScheduledEvents: map[string]string{}, CustomSettings: map[string]string{}}
	for _, c := range src.Constants {
		raw.Constants[c.Name] = c.Value
	}
	for _, e := range src.ScheduledEvents {
		raw.ScheduledEvents[e.Name] = e.Value
	}
	for _, s := range src.CustomSettings {
		raw.CustomSettings[s.Name] = s.Value
	}
	unknown := func(attr string, names map[string]string, known map[string]string, what string) {
		var bad []string
		for n := range names {
			if _, ok := known[n]; !ok {
				bad = append(bad, n)
			}
		}
		if len(bad) == 0 {
			return
		}
		sort.Strings(bad)
		diags.AddAttributeError(path.Root(attr), "Unknown "+what,
			fmt.Sprintf("%s names %s that the v3 environment does not have. Its %ss are: %s. Correct the names (they are case-sensitive, e.g. MyFirstModule.ApiUrl).",
				attr, namesWithSuggestions(bad, known), what, strings.Join(sortedNames(known), ", ")))
	}
	unknown("constant_overrides", o.constants, raw.Constants, "constant")
	unknown("constant_overrides_wo", o.constantsWO, raw.Constants, "constant")
	unknown("scheduled_event_overrides", o.events, raw.ScheduledEvents, "scheduled event")
	for n := range o.constants {
		if _, both := o.constantsWO[n]; both {
			diags.AddAttributeError(path.Root("constant_overrides_wo"), "Constant overridden twice",
				fmt.Sprintf("%s is in both constant_overrides and constant_overrides_wo. Keep it in one of them.", n))
		}
	}
	dataTypes := map[string]string{}
	for _, c := range src.Constants {
		dataTypes[c.Name] = c.DataType
	}
	checkConstantTypes(diags, "constant_overrides", o.constants, dataTypes, false)
	checkConstantTypes(diags, "constant_overrides_wo", o.constantsWO, dataTypes, true)
	for n, v := range o.constants {
		raw.Constants[n] = v
	}
	for n, v := range o.constantsWO {
		raw.Constants[n] = v
	}
	for n, v := range o.events {
		raw.ScheduledEvents[n] = v
	}
	for n, v := range o.custom {
		raw.CustomSettings[n] = v
	}
	sensitive := map[string]bool{}
	for n := range o.sensitive {
		sensitive[n] = true
	}
	if o.byType {
		for _, c := range src.Constants {
			if stringType(c.DataType) && !o.public[c.Name] {
				sensitive[c.Name] = true
			}
		}
	}
	view = showSettings(raw, sensitive, o.salt)
	return raw, view
}

// checkListedConstants refuses names in public_constants or sensitive_constants (attr) that are not
// constants of the v3 environment: a typo would otherwise be ignored, and a constant meant to be
// secret would be shown in clear (or one meant to be public hidden).
func checkListedConstants(diags *diag.Diagnostics, attr string, listed map[string]bool, src *mendix.Settings) {
	known := map[string]string{}
	for _, c := range src.Constants {
		known[c.Name] = c.DataType
	}
	var bad []string
	for n := range listed {
		if _, ok := known[n]; !ok {
			bad = append(bad, n)
		}
	}
	if len(bad) == 0 {
		return
	}
	sort.Strings(bad)
	their := "Its constants are: " + strings.Join(sortedNames(known), ", ") + "."
	if len(known) == 0 {
		their = "It has no constants."
	}
	diags.AddAttributeError(path.Root(attr), "Unknown constant",
		fmt.Sprintf("%s names %s that the v3 environment does not have. %s Correct the names (they are case-sensitive) or remove them from %s. "+
			"If the list comes from a variable (the example's var.%s names a constant of the sandbox's app), set that variable for this app, e.g. -var '%s=[]'.",
			attr, namesWithSuggestions(bad, known), their, attr, attr, attr))
}

// namesWithSuggestions lists unknown names, each followed by "(did you mean X?)" when one known
// name is close: the same but for case, the same constant without its module, or a few letters off.
func namesWithSuggestions(bad []string, known map[string]string) string {
	out := make([]string, len(bad))
	for i, n := range bad {
		out[i] = n
		if s := closestName(n, known); s != "" {
			out[i] += " (did you mean " + s + "?)"
		}
	}
	return strings.Join(out, ", ")
}

// closestName is the known name nearest to n, "" when none is near enough to be a typo.
func closestName(n string, known map[string]string) string {
	best, bestD := "", -1
	ln := strings.ToLower(n)
	for _, k := range sortedNames(known) {
		lk := strings.ToLower(k)
		if lk == ln || strings.HasSuffix(lk, "."+ln) {
			return k
		}
		if d := editDistance(ln, lk); bestD < 0 || d < bestD {
			best, bestD = k, d
		}
	}
	if bestD >= 0 && bestD <= max(2, len(n)/5) {
		return best
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b, by byte.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// maskSecrets registers with the client's redactor every secret value the step knows: the
// constants shown as digests, in the values written and in v3's own (before overrides).
func (r *mendixSettingsResource) maskSecrets(client *mendix.Client, raw, view settingsView, src *mendix.Settings) {
	for _, v := range secretValues(raw, view) {
		client.AddSecret(v)
	}
	for _, c := range src.Constants {
		if isSecretShown(view.Constants[c.Name]) {
			client.AddSecret(c.Value)
		}
	}
}

// shownSecret is the set of constants a view shows as digests.
func shownSecret(view settingsView) map[string]bool {
	out := map[string]bool{}
	for n, v := range view.Constants {
		if isSecretShown(v) {
			out[n] = true
		}
	}
	return out
}

// maskSecretOverrides registers the clear values of constant_overrides whose constants are
// secret (shown as digests in view). While v3 answers, maskSecrets covers them with v3's own
// values; once v3 is offboarded the step works from its private record, and this does.
func maskSecretOverrides(client *mendix.Client, o settingsOverrides, view settingsView) {
	for n, v := range o.constants {
		if isSecretShown(view.Constants[n]) && !isSecretShown(v) {
			client.AddSecret(v)
		}
	}
}

// secretValues lists the raw values that view shows as digests: what the redactor must mask.
func secretValues(raw, view settingsView) []string {
	var out []string
	for n, v := range view.Constants {
		if isSecretShown(v) && raw.Constants[n] != "" {
			out = append(out, raw.Constants[n])
		}
	}
	return out
}

// checkConstantTypes rejects override values that the constant's type in the deployed model
// (Deploy API v1 settings, DataType; §5.6: every value is a string) cannot hold. A secret value is
// never quoted back.
func checkConstantTypes(diags *diag.Diagnostics, attr string, values, dataTypes map[string]string, secret bool) {
	names := sortedNames(values)
	for _, n := range names {
		v, dt := values[n], dataTypes[n]
		if want := constantTypeProblem(dt, v); want != "" {
			shown := fmt.Sprintf("%q", v)
			if secret {
				shown = "the value given"
			}
			diags.AddAttributeError(path.Root(attr).AtMapKey(n), "Value does not fit the constant's type",
				fmt.Sprintf("%s is %s constant in the deployed model, and %s is not %s. Correct %s[%q]; Deploy API v1 would store it as is and the app would fail at start.",
					n, withArticle(dt), shown, want, attr, n))
		}
	}
}

// withArticle puts "a" or "an" before a Mendix type name, by its first letter: an Integer, an
// Enumeration, a Boolean, a DateTime. (No Mendix type name starts with a silent or a "you" vowel.)
func withArticle(typeName string) string {
	if typeName != "" && strings.ContainsRune("aeiouAEIOU", rune(typeName[0])) {
		return "an " + typeName
	}
	return "a " + typeName
}

// constantTypeProblem says what a value of a Mendix constant type must look like, "" when v fits
// (an unknown or String type takes anything).
func constantTypeProblem(dataType, v string) string {
	switch strings.ToLower(dataType) {
	case "integer", "long":
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return "a whole number (e.g. \"7\")"
		}
		if strings.EqualFold(dataType, "integer") {
			if _, err := strconv.ParseInt(v, 10, 32); err != nil {
				return "a whole number that fits 32 bits"
			}
		}
	case "decimal", "float":
		if _, err := strconv.ParseFloat(v, 64); err != nil || strings.ContainsAny(v, "eEnN") {
			return "a decimal number (e.g. \"2.5\")"
		}
	case "boolean":
		if v != "true" && v != "false" {
			return "\"true\" or \"false\""
		}
	case "datetime":
		if _, err := time.Parse("2006-01-02T15:04:05", v); err != nil {
			return "a date and time as YYYY-MM-DDThh:mm:ss"
		}
	}
	return ""
}

// showSettings fingerprints the sensitive constants of raw.
func showSettings(raw settingsView, sensitive map[string]bool, salt string) settingsView {
	view := settingsView{Constants: map[string]string{}, ScheduledEvents: raw.ScheduledEvents, CustomSettings: raw.CustomSettings}
	for n, v := range raw.Constants {
		if sensitive[n] {
			v = fingerprint(salt, n, v)
		}
		view.Constants[n] = v
	}
	return view
}

func sortedNames(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ModifyPlan reads v3 and puts every value to be written into the plan.
func (r *mendixSettingsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !r.ready() {
		return
	}
	client := r.client(&resp.Diagnostics)
	if client == nil {
		return
	}
	var plan mendixSettingsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.SourceAppID.IsUnknown() || plan.SourceEnvironment.IsUnknown() ||
		plan.ConstantOverrides.IsUnknown() || plan.ScheduledEventOverrides.IsUnknown() || plan.CustomSettingOverrides.IsUnknown() || plan.SensitiveConstants.IsUnknown() {
		return
	}
	o := r.overrides(ctx, &plan, req.Config, &resp.Diagnostics)
	src, fromPrivate := r.source(ctx, client, &plan, req.State.Raw.IsNull(), true, func(key string) ([]byte, diag.Diagnostics) { return req.Private.GetKey(ctx, key) }, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || src == nil {
		return
	}
	if fromPrivate == nil {
		// v3 answers: every name public_constants and sensitive_constants list must be one of its constants.
		checkListedConstants(&resp.Diagnostics, "public_constants", o.public, src)
		checkListedConstants(&resp.Diagnostics, "sensitive_constants", o.listedSensitive, src)
	}
	var view, srcView settingsView
	if fromPrivate != nil {
		srcView = *fromPrivate
		_, view = desiredSettings(src, settingsOverrides{constants: o.constants, events: o.events, custom: o.custom, sensitive: map[string]bool{}, salt: o.salt}, &resp.Diagnostics)
		for n, v := range o.constantsWO {
			view.Constants[n] = fingerprint(o.salt, n, v)
		}
		o.hideSavedSecrets(view, fromPrivate)
		maskSecretOverrides(client, o, view)
	} else {
		var raw settingsView
		raw, view = desiredSettings(src, o, &resp.Diagnostics)
		_, srcView = desiredSettings(src, o.inherit(), &resp.Diagnostics)
		r.maskSecrets(client, raw, view, src)
	}
	for _, v := range o.constantsWO {
		client.AddSecret(v)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("constants"), mxStringMap(view.Constants))...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("source_constants"), mxStringMap(srcView.Constants))...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("scheduled_events"), mxStringMap(view.ScheduledEvents))...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("custom_settings"), mxStringMap(view.CustomSettings))...)
	if !plan.AppID.IsUnknown() && !plan.Environment.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), settingsID(plan.AppID.ValueString(), plan.Environment.ValueString(), view))...)
	}
	planVerified(ctx, req.State, &resp.Plan, view.Constants, &resp.Diagnostics)
}

// source reads the v3 settings. Once the resource exists and v3 no longer answers (the node is
// offboarded, runbook §3.3), it falls back to the values copied at the last apply (already shown
// form, returned in fromPrivate) with a warning, so plans after the migration stay quiet.
func (r *mendixSettingsResource) source(ctx context.Context, client *mendix.Client, m *mendixSettingsModel, creating, planning bool,
	private func(string) ([]byte, diag.Diagnostics), diags *diag.Diagnostics) (src *mendix.Settings, fromPrivate *settingsView) {
	srcApp, srcMode := m.SourceAppID.ValueString(), m.SourceEnvironment.ValueString()
	s, err := client.Settings(ctx, srcApp, srcMode)
	if err == nil {
		return s, nil
	}
	if !creating && private != nil && (mendix.IsNotFound(err) || mendix.IsUnauthorized(err)) {
		raw, ds := private(privateSourceKey)
		diags.Append(ds...)
		var saved settingsView
		if len(raw) > 0 && json.Unmarshal(raw, &saved) == nil {
			diags.AddWarning("Cloud v3 settings no longer readable",
				fmt.Sprintf("%v.\n\nThe v3 node may be offboarded. The plan uses the v3 values copied at the last apply.", err))
			out := &mendix.Settings{}
			for n, v := range saved.Constants {
				out.Constants = append(out.Constants, mendix.Constant{Name: n, Value: v})
			}
			for n, v := range saved.ScheduledEvents {
				out.ScheduledEvents = append(out.ScheduledEvents, mendix.ScheduledEvent{Name: n, Value: v})
			}
			for n, v := range saved.CustomSettings {
				out.CustomSettings = append(out.CustomSettings, mendix.CustomSetting{Name: n, Value: v})
			}
			return out, &saved
		}
		if planning {
			// Nothing saved (an imported resource): the plan keeps the values in state.
			diags.AddWarning("Cloud v3 settings no longer readable",
				fmt.Sprintf("%v.\n\nThe v3 node may be offboarded, and no v3 values were saved by an apply of this resource. The plan keeps the values in state.", err))
			return nil, nil
		}
	}
	if mendix.IsNotFound(err) {
		diags.AddAttributeError(path.Root("source_environment"), "Cloud v3 environment not found",
			fmt.Sprintf("%v.\n\nCheck source_app_id (the v3 app's subdomain) and source_environment (its Mode, e.g. Production).", err))
		return nil, nil
	}
	addMendixError(diags, "Reading the settings of v3 "+srcApp+"/"+srcMode, err)
	return nil, nil
}

func (r *mendixSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan mendixSettingsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, settingsTimeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	r.write(ctx, &plan, req.Config, nil, &resp.Diagnostics, &resp.State, resp.Private)
}

func (r *mendixSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan mendixSettingsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Update, settingsTimeouts.Update, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	r.write(ctx, &plan, req.Config, func(key string) ([]byte, diag.Diagnostics) { return req.Private.GetKey(ctx, key) }, &resp.Diagnostics, &resp.State, resp.Private)
}

// write reads v3 again, checks the values still match the plan, writes them to v4 and reads them back.
func (r *mendixSettingsResource) write(ctx context.Context, plan *mendixSettingsModel, config tfsdk.Config, private func(string) ([]byte, diag.Diagnostics),
	diags *diag.Diagnostics, state *tfsdk.State, priv privateSetter) {
	client := r.client(diags)
	if diags.HasError() {
		return
	}
	appID, mode := plan.AppID.ValueString(), plan.Environment.ValueString()
	what := fmt.Sprintf("Copying the settings of v3 %s/%s to %s/%s", plan.SourceAppID.ValueString(), plan.SourceEnvironment.ValueString(), appID, mode)
	o := r.overrides(ctx, plan, config, diags)
	src, fromPrivate := r.source(ctx, client, plan, private == nil, false, private, diags)
	if diags.HasError() || src == nil {
		return
	}
	raw, view := desiredSettings(src, o, diags)
	if diags.HasError() {
		return
	}
	if fromPrivate != nil {
		o.hideSavedSecrets(view, fromPrivate)
		maskSecretOverrides(client, o, view)
		// v3 is gone: v3's own values survive only as shown. A secret that is not overridden
		// cannot be written again from a fingerprint.
		for n, v := range raw.Constants {
			if isSecretShown(v) && o.constantsWO[n] == "" {
				diags.AddAttributeError(path.Root("constant_overrides_wo"), "Secret constant cannot be copied again",
					fmt.Sprintf("The v3 environment no longer answers and constant %s is a secret whose value was never stored. Give it in constant_overrides_wo.", n))
				return
			}
		}
	}
	if !plan.Constants.IsUnknown() && !mapsEqual(mxMapStrings(plan.Constants), view.Constants) ||
		!plan.ScheduledEvents.IsUnknown() && !mapsEqual(mxMapStrings(plan.ScheduledEvents), view.ScheduledEvents) ||
		!plan.CustomSettings.IsUnknown() && !mapsEqual(mxMapStrings(plan.CustomSettings), view.CustomSettings) {
		diags.AddError(what+": the v3 settings changed since the plan", "The values read from v3 now differ from the planned ones. Run plan again and review the new values.")
		return
	}

	saved := view
	if fromPrivate != nil {
		saved = *fromPrivate
	} else {
		_, saved = desiredSettings(src, o.inherit(), diags)
		r.maskSecrets(client, raw, view, src)
	}
	for _, v := range o.constantsWO {
		client.AddSecret(v)
	}
	if !plan.SourceConstants.IsUnknown() && !plan.SourceConstants.IsNull() && !mapsEqual(mxMapStrings(plan.SourceConstants), saved.Constants) {
		diags.AddError(what+": the v3 settings changed since the plan", "The constants read from v3 now differ from the planned ones. Run plan again and review the new values.")
		return
	}

	current, err := client.Settings(ctx, appID, mode)
	if err != nil {
		addMendixError(diags, what+": reading the v4 settings", err)
		return
	}
	doc, missing := mergeSettings(current, raw)
	if len(missing) > 0 {
		diags.AddAttributeError(path.Root("deployment_id"), "The v4 environment lacks settings v3 has",
			fmt.Sprintf("%s/%s has no %s. Constants and scheduled events exist only after a transport: deploy the same package as on v3 first (deployment_id).",
				appID, mode, strings.Join(missing, ", ")))
		return
	}
	if err := client.SetSettings(ctx, appID, mode, doc); err != nil {
		addMendixError(diags, what, err)
		return
	}
	back, err := client.Settings(ctx, appID, mode)
	if err != nil {
		addMendixError(diags, what+": reading the v4 settings back", err)
		return
	}
	got := showSettings(pick(back, raw), shownSecret(view), o.salt)
	if !mapsEqual(got.Constants, view.Constants) || !mapsEqual(got.ScheduledEvents, view.ScheduledEvents) || !mapsEqual(got.CustomSettings, view.CustomSettings) {
		diags.AddError(what+": verification failed", "Deploy API v1 accepted the settings but reads back other values: "+describeDiff(view, got))
		return
	}
	plan.Constants = mxStringMap(got.Constants)
	plan.ConstantsVerified = verifiedMap(got.Constants, view.Constants)
	plan.SourceConstants = mxStringMap(saved.Constants)
	plan.ScheduledEvents = mxStringMap(got.ScheduledEvents)
	plan.CustomSettings = mxStringMap(got.CustomSettings)
	plan.ID = types.StringValue(settingsID(appID, mode, got))
	plan.ConstantOverridesWO = types.MapNull(types.StringType)
	diags.Append(state.Set(ctx, plan)...)
	if b, err := json.Marshal(saved); err == nil {
		diags.Append(priv.SetKey(ctx, privateSourceKey, b)...)
	}
	if b, err := json.Marshal(view.Constants); err == nil {
		diags.Append(priv.SetKey(ctx, privateWrittenKey, b)...)
	}
}

// verifiedMap is constants_verified: for every constant v4 holds (got, as shown), whether it is
// the expected value (want, as shown).
func verifiedMap(got, want map[string]string) types.Map {
	vals := make(map[string]attr.Value, len(got))
	for n, v := range got {
		w, ok := want[n]
		vals[n] = types.BoolValue(ok && w == v)
	}
	return types.MapValueMust(types.BoolType, vals)
}

// planVerified sets constants_verified in the plan. A plan that changes anything leaves it to
// apply (unknown). A plan that changes nothing has the refreshed v4 values equal to the planned ones
// (v3's after the overrides, as expected now): each is verified. A state without it (written by an
// earlier version) keeps it null rather than planning an update for it alone.
func planVerified(ctx context.Context, state tfsdk.State, plan *tfsdk.Plan, planned map[string]string, diags *diag.Diagnostics) {
	if state.Raw.IsNull() {
		diags.Append(plan.SetAttribute(ctx, path.Root("constants_verified"), types.MapUnknown(types.BoolType))...)
		return
	}
	var prior types.Map
	diags.Append(state.GetAttribute(ctx, path.Root("constants_verified"), &prior)...)
	diags.Append(plan.SetAttribute(ctx, path.Root("constants_verified"), prior)...)
	switch {
	case diags.HasError():
	case !plan.Raw.Equal(state.Raw):
		diags.Append(plan.SetAttribute(ctx, path.Root("constants_verified"), types.MapUnknown(types.BoolType))...)
	case !prior.IsNull():
		diags.Append(plan.SetAttribute(ctx, path.Root("constants_verified"), verifiedMap(planned, planned))...)
	}
}

// mergeSettings writes raw's values into the v4 document; missing lists v3 constants and events v4 lacks.
func mergeSettings(current *mendix.Settings, raw settingsView) (*mendix.Settings, []string) {
	doc := &mendix.Settings{}
	seenC, seenE := map[string]bool{}, map[string]bool{}
	for _, c := range current.Constants {
		if v, ok := raw.Constants[c.Name]; ok {
			c.Value = v
			seenC[c.Name] = true
		}
		doc.Constants = append(doc.Constants, c)
	}
	for _, e := range current.ScheduledEvents {
		if v, ok := raw.ScheduledEvents[e.Name]; ok {
			e.Value = v
			seenE[e.Name] = true
		}
		doc.ScheduledEvents = append(doc.ScheduledEvents, e)
	}
	seenS := map[string]bool{}
	for _, s := range current.CustomSettings {
		if v, ok := raw.CustomSettings[s.Name]; ok {
			s.Value = v
			seenS[s.Name] = true
		}
		doc.CustomSettings = append(doc.CustomSettings, s)
	}
	for _, n := range sortedNames(raw.CustomSettings) {
		if !seenS[n] {
			doc.CustomSettings = append(doc.CustomSettings, mendix.CustomSetting{Name: n, Value: raw.CustomSettings[n]})
		}
	}
	var missing []string
	for _, n := range sortedNames(raw.Constants) {
		if !seenC[n] {
			missing = append(missing, "constant "+n)
		}
	}
	for _, n := range sortedNames(raw.ScheduledEvents) {
		if !seenE[n] {
			missing = append(missing, "scheduled event "+n)
		}
	}
	return doc, missing
}

// pick takes from s the values of the names in like (all names when like is nil), unshown.
func pick(s *mendix.Settings, like settingsView) settingsView {
	out := settingsView{Constants: map[string]string{}, ScheduledEvents: map[string]string{}, CustomSettings: map[string]string{}}
	for _, c := range s.Constants {
		if _, ok := like.Constants[c.Name]; ok || like.Constants == nil {
			out.Constants[c.Name] = c.Value
		}
	}
	for _, e := range s.ScheduledEvents {
		if _, ok := like.ScheduledEvents[e.Name]; ok || like.ScheduledEvents == nil {
			out.ScheduledEvents[e.Name] = e.Value
		}
	}
	for _, c := range s.CustomSettings {
		if _, ok := like.CustomSettings[c.Name]; ok || like.CustomSettings == nil {
			out.CustomSettings[c.Name] = c.Value
		}
	}
	return out
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// describeDiff names the first few values that differ, secrets only by fingerprint.
func describeDiff(want, got settingsView) string {
	var out []string
	cmp := func(kind string, w, g map[string]string) {
		for _, k := range sortedNames(w) {
			if g[k] != w[k] {
				out = append(out, fmt.Sprintf("%s %s: want %q, got %q", kind, k, w[k], g[k]))
			}
		}
	}
	cmp("constant", want.Constants, got.Constants)
	cmp("scheduled event", want.ScheduledEvents, got.ScheduledEvents)
	cmp("custom setting", want.CustomSettings, got.CustomSettings)
	if len(out) > 5 {
		out = append(out[:5], "…")
	}
	return strings.Join(out, "; ")
}

func (r *mendixSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state mendixSettingsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, settingsTimeouts.Read, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	appID, mode := state.AppID.ValueString(), state.Environment.ValueString()
	s, err := client.Settings(ctx, appID, mode)
	if mendix.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Mendix environment not found",
			fmt.Sprintf("%v.\n\nThe settings are removed from state and the next apply writes them again.", err))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addMendixError(&resp.Diagnostics, "Reading the settings of "+appID+"/"+mode, err)
		return
	}
	like := settingsView{Constants: mxMapStrings(state.Constants), ScheduledEvents: mxMapStrings(state.ScheduledEvents), CustomSettings: mxMapStrings(state.CustomSettings)}
	sensitive := shownSecret(like)
	public := map[string]bool{}
	if !state.PublicConstants.IsNull() {
		for _, el := range state.PublicConstants.Elements() {
			if str, ok := el.(types.String); ok {
				public[str.ValueString()] = true
			}
		}
	}
	for _, c := range s.Constants {
		// A constant state does not show yet (after an import): the safe default by type.
		if _, shown := like.Constants[c.Name]; !shown && stringType(c.DataType) && !public[c.Name] {
			sensitive[c.Name] = true
		}
	}
	if !state.SensitiveConstants.IsNull() {
		for _, el := range state.SensitiveConstants.Elements() {
			if str, ok := el.(types.String); ok {
				sensitive[str.ValueString()] = true
			}
		}
	}
	for _, c := range s.Constants {
		if sensitive[c.Name] {
			client.AddSecret(c.Value) // masked in any later log line or diagnostic
		}
	}
	got := showSettings(pick(s, like), sensitive, state.SourceAppID.ValueString()+"/"+state.SourceEnvironment.ValueString())
	// constants_verified: against what the last apply wrote. Without that record (after an import,
	// or a state written by an earlier version) it is null: nothing says what v4 should hold.
	var written map[string]string
	raw, ds := req.Private.GetKey(ctx, privateWrittenKey)
	resp.Diagnostics.Append(ds...)
	if len(raw) == 0 || json.Unmarshal(raw, &written) != nil || written == nil {
		state.ConstantsVerified = types.MapNull(types.BoolType)
	} else {
		state.ConstantsVerified = verifiedMap(got.Constants, written)
	}
	state.Constants = mxStringMap(got.Constants)
	state.ScheduledEvents = mxStringMap(got.ScheduledEvents)
	state.CustomSettings = mxStringMap(got.CustomSettings)
	state.ID = types.StringValue(settingsID(appID, mode, got))
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *mendixSettingsResource) Delete(_ context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state mendixSettingsModel
	resp.Diagnostics.Append(req.State.Get(context.Background(), &state)...)
	resp.Diagnostics.AddWarning("Mendix settings left in place",
		fmt.Sprintf("Nothing to undo: the constants, scheduled events and custom settings of %s/%s keep the values written; only Terraform's record was removed.",
			state.AppID.ValueString(), state.Environment.ValueString()))
}

// ImportState takes `<app_id>/<environment>`; every current v4 value is read into state.
func (r *mendixSettingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := strings.Split(req.ID, "/")
	if (len(parts) != 2 && len(parts) != 3) || parts[0] == "" || parts[1] == "" {
		resp.Diagnostics.AddError("Invalid import id", "Import environment settings as <app_id>/<environment>, e.g. terraform import "+mendixSettingsType+".NAME calc-v4/Production")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("app_id"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("environment"), parts[1])...)
}
