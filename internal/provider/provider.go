// Package provider implements the appmigrate Terraform provider: each vendor runbook step is a
// resource, and references between resources make Terraform's order the runbook's order.
// This package never builds HTTP requests; it calls the typed clients under internal/client.
package provider

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

var _ provider.Provider = &AppMigrateProvider{}

// AppMigrateProvider is the provider implementation.
type AppMigrateProvider struct {
	version string
	// redactor is the registry of every secret value the provider knows, shared by both vendor
	// clients and by the server that masks diagnostics (NewServer).
	redactor *transport.Redactor
}

// New returns a constructor for the provider, as providerserver expects. NewServer is what
// main and the tests serve: it adds the masking of secrets in diagnostics.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &AppMigrateProvider{version: version, redactor: transport.NewRedactor()}
	}
}

// providerModel is the provider block.
type providerModel struct {
	Backendless     *backendlessModel `tfsdk:"backendless"`
	Mendix          *mendixModel      `tfsdk:"mendix"`
	MaxRetries      types.Int64       `tfsdk:"max_retries"`
	RetryMaxWait    types.String      `tfsdk:"retry_max_wait"`
	PollInterval    types.String      `tfsdk:"poll_interval"`
	PollMaxInterval types.String      `tfsdk:"poll_max_interval"`
	IdleTimeout     types.String      `tfsdk:"idle_timeout"`
}

type backendlessModel struct {
	ConsoleURL types.String `tfsdk:"console_url"`
	APIURL     types.String `tfsdk:"api_url"`
	LegacyURL  types.String `tfsdk:"legacy_url"`
	Login      types.String `tfsdk:"login"`
	Password   types.String `tfsdk:"password"`
	AuthKey    types.String `tfsdk:"auth_key"`
	// LegacySecretKeys maps a 3.x application id to its secret key.
	LegacySecretKeys      types.Map    `tfsdk:"legacy_secret_keys"`
	LegacyApplicationType types.String `tfsdk:"legacy_application_type"`
}

type mendixModel struct {
	DeployURL   types.String `tfsdk:"deploy_url"`
	CloudURL    types.String `tfsdk:"cloud_url"`
	ProjectsURL types.String `tfsdk:"projects_url"`
	Username    types.String `tfsdk:"username"`
	APIKey      types.String `tfsdk:"api_key"`
	PAT         types.String `tfsdk:"pat"`
}

// Environment variables read when an attribute is not set in the provider block.
const (
	envBackendlessConsoleURL = "APPMIGRATE_BACKENDLESS_CONSOLE_URL"
	envBackendlessAPIURL     = "APPMIGRATE_BACKENDLESS_API_URL"
	envBackendlessLegacyURL  = "APPMIGRATE_BACKENDLESS_LEGACY_URL"
	envBackendlessLogin      = "APPMIGRATE_BACKENDLESS_LOGIN"
	envBackendlessPassword   = "APPMIGRATE_BACKENDLESS_PASSWORD"
	envBackendlessAuthKey    = "APPMIGRATE_BACKENDLESS_AUTH_KEY"
	envBackendlessLegacyKeys = "APPMIGRATE_BACKENDLESS_LEGACY_SECRET_KEYS"
	envBackendlessLegacyType = "APPMIGRATE_BACKENDLESS_LEGACY_APPLICATION_TYPE"
	envMendixDeployURL       = "APPMIGRATE_MENDIX_DEPLOY_URL"
	envMendixCloudURL        = "APPMIGRATE_MENDIX_CLOUD_URL"
	envMendixProjectsURL     = "APPMIGRATE_MENDIX_PROJECTS_URL"
	envMendixUsername        = "APPMIGRATE_MENDIX_USERNAME"
	envMendixAPIKey          = "APPMIGRATE_MENDIX_API_KEY"
	envMendixPAT             = "APPMIGRATE_MENDIX_PAT"
)

// Defaults for the retry and poll settings.
const (
	defaultMaxRetries      = 4
	defaultRetryMaxWait    = 30 * time.Second
	defaultPollInterval    = 2 * time.Second
	defaultPollMaxInterval = 30 * time.Second
	defaultIdleTimeout     = transport.DefaultIdleTimeout
	defaultOutageRounds    = 3
)

// Metadata sets the type name prefix `appmigrate`.
func (p *AppMigrateProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "appmigrate"
	resp.Version = p.version
}

// Schema describes the provider block.
func (p *AppMigrateProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	urlAttr := func(desc, def, env string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("%s Default `%s`; environment variable `%s`.", desc, def, env),
			Optional:            true,
			Validators:          []validator.String{baseURLValidator{}},
		}
	}
	secretAttr := func(desc, env string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("%s Environment variable `%s`.", desc, env),
			Optional:            true,
			Sensitive:           true,
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Runs vendor app-migration runbooks (Backendless 3.x Cloud → 5.0, Mendix Cloud v3 → v4) as Terraform resources. " +
			"Configure the platform you migrate on; a resource whose platform is not configured fails at plan time.",
		Attributes: map[string]schema.Attribute{
			"backendless": schema.SingleNestedAttribute{
				MarkdownDescription: "Backendless console and REST endpoints and credentials. Every attribute can instead come from its `APPMIGRATE_BACKENDLESS_*` environment variable. " +
					"Give either `login` + `password`, or `auth_key` (a console session token, for accounts with e-mailed two-factor login).",
				Optional: true,
				Attributes: map[string]schema.Attribute{
					"console_url": urlAttr("Base URL of the Backendless 5.x console (management) API.", backendless.DefaultConsoleURL, envBackendlessConsoleURL),
					"api_url":     urlAttr("Base URL of the Backendless 5.x client REST API (Files).", backendless.DefaultAPIURL, envBackendlessAPIURL),
					"legacy_url":  urlAttr("Base URL of the Backendless 3.x client REST API (the source of a migration).", backendless.DefaultLegacyURL, envBackendlessLegacyURL),
					"login":       schema.StringAttribute{MarkdownDescription: fmt.Sprintf("Developer login (e-mail) for the console. Environment variable `%s`.", envBackendlessLogin), Optional: true},
					"password":    secretAttr("Developer password for the console.", envBackendlessPassword),
					"auth_key":    secretAttr("A pre-obtained console session token (`auth-key`), used instead of `login` + `password`.", envBackendlessAuthKey),
					"legacy_secret_keys": schema.MapAttribute{
						MarkdownDescription: fmt.Sprintf("Secret keys of the Backendless 3.x apps to migrate from: application id → secret key (Manage → App Settings of the 3.x console), "+
							"sent as the `secret-key` header with `application-id`. Resources reading a 3.x app fail at plan time when its id is missing here. "+
							"Environment variable `%s` as `appid=key,appid2=key2`.", envBackendlessLegacyKeys),
						ElementType: types.StringType,
						Optional:    true,
						Sensitive:   true,
					},
					"legacy_application_type": schema.StringAttribute{
						MarkdownDescription: fmt.Sprintf("The `application-type` header sent to the 3.x REST API with the secret key: the client type the key belongs to (`REST`, `JS`, `ANDROID`, …). Default `%s`; environment variable `%s`.",
							backendless.DefaultLegacyApplicationType, envBackendlessLegacyType),
						Optional:   true,
						Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
					},
				},
			},
			"mendix": schema.SingleNestedAttribute{
				MarkdownDescription: "Mendix platform endpoints and credentials. The Deploy and Backups APIs take `username` + `api_key`; Deploy API v4 and the Projects API take a personal access token (`pat`). " +
					"Every attribute can instead come from its `APPMIGRATE_MENDIX_*` environment variable.",
				Optional: true,
				Attributes: map[string]schema.Attribute{
					"deploy_url":   urlAttr("Base URL of Deploy API v1/v2 and Backups API v1/v2 (the client appends `/api/1` or `/api/v2`).", mendix.DefaultDeployURL, envMendixDeployURL),
					"cloud_url":    urlAttr("Base URL of Deploy API v4.", mendix.DefaultCloudURL, envMendixCloudURL),
					"projects_url": urlAttr("Base URL of Projects API v2.", mendix.DefaultProjectsURL, envMendixProjectsURL),
					"username":     schema.StringAttribute{MarkdownDescription: fmt.Sprintf("Mendix platform login name, sent as `Mendix-Username`. Environment variable `%s`.", envMendixUsername), Optional: true},
					"api_key":      secretAttr("Mendix API key, sent as `Mendix-ApiKey`.", envMendixAPIKey),
					"pat":          secretAttr("Mendix personal access token, sent as `Authorization: MxToken …`.", envMendixPAT),
				},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a failed call is retried. A read (and any call the vendor makes idempotent) is retried as a whole when the connection fails "+
					"at any point, including while its answer is read, and on 429, 500, 502, 503, 504 and the vendor's documented \"retry later\" answers; never on a validation error. "+
					"When every attempt met an outage, a call that may be repeated gets up to %d more rounds of attempts after pauses that double from 2 seconds up to `retry_max_wait`, so one bad minute does not fail a step. "+
					"A call that creates something is retried only when the vendor's own reads prove the first attempt did not happen, and adopted when they prove it did. Default `%d`.", defaultOutageRounds, defaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"retry_max_wait": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Longest wait between retries, and the cap on a server's `Retry-After`, as a Go duration (`30s`, `2m`). Default `%s`.", defaultRetryMaxWait),
				Optional:            true,
				Validators:          []validator.String{durationValidator{min: time.Second}},
			},
			"poll_interval": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Shortest wait between two status checks of an asynchronous job, as a Go duration. The wait grows with the job's age: "+
					"a tenth of the time since the job started, at least `poll_interval` and at most `poll_max_interval`, shortened by up to 10%% at random so a fleet's checks spread out, "+
					"so a finished job is noticed within `poll_interval` while it is young and within a tenth of its duration when it runs longer. Default `%s`.", defaultPollInterval),
				Optional:   true,
				Validators: []validator.String{durationValidator{min: 10 * time.Millisecond}},
			},
			"poll_max_interval": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Longest wait between two status checks (see `poll_interval` for the schedule): a job of several hours is asked about once per this interval. Default `%s`.", defaultPollMaxInterval),
				Optional:            true,
				Validators:          []validator.String{durationValidator{min: 10 * time.Millisecond}},
			},
			"idle_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long a connection may carry no data (or only a trickle of under 1 KiB) before the call is given up on, as a Go duration. "+
					"The attempt is then retried, or fails with an error that names the host and the call, so a silent server never hangs plan or apply. "+
					"Raise it only for a vendor known to think longer before it answers. Default `%s`.", defaultIdleTimeout),
				Optional:   true,
				Validators: []validator.String{durationValidator{min: 100 * time.Millisecond}},
			},
		},
	}
}

// Configure builds the clients. It makes no network call: credentials are checked by the
// first call that needs them, which resources make at plan time.
func (p *AppMigrateProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{
		poll: pollSettings{
			interval:    durationOr(cfg.PollInterval, defaultPollInterval),
			maxInterval: durationOr(cfg.PollMaxInterval, defaultPollMaxInterval),
			clock:       transport.SystemClock,
		},
	}
	if data.poll.maxInterval < data.poll.interval {
		resp.Diagnostics.AddAttributeError(path.Root("poll_max_interval"), "poll_max_interval is shorter than poll_interval",
			fmt.Sprintf("poll_max_interval (%s) must be at least poll_interval (%s). Raise poll_max_interval or lower poll_interval.", data.poll.maxInterval, data.poll.interval))
		return
	}
	maxRetries := defaultMaxRetries
	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		maxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	if maxRetries == 0 {
		maxRetries = -1 // transport.Options reads 0 as "default"; the user asked for none
	}
	retryMaxWait := durationOr(cfg.RetryMaxWait, defaultRetryMaxWait)
	if p.redactor == nil {
		p.redactor = transport.NewRedactor()
	}
	idle := durationOr(cfg.IdleTimeout, defaultIdleTimeout)
	newTransport := func(secrets ...string) *transport.Client {
		return transport.New(transport.Options{
			MaxRetries:    maxRetries,
			MaxBackoff:    retryMaxWait,
			MaxRetryAfter: retryMaxWait,
			IdleTimeout:   idle,
			// A call that may be repeated gets up to three more rounds, after pauses that double
			// from 2 s, when a whole round met an outage: one bad minute must not fail a step.
			OutageRounds: defaultOutageRounds,
			Logger:       tflogLogger{},
			Redactor:     p.redactor,
			Secrets:      secrets,
			UserAgent:    "terraform-provider-appmigrate/" + p.version,
		})
	}

	data.backendless, data.backendlessMissing = configureBackendless(cfg.Backendless, newTransport, &resp.Diagnostics)
	data.mendix, data.mendixMissing = configureMendix(cfg.Mendix, newTransport, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.ResourceData = data
	resp.DataSourceData = data
}

// Resources lists every resource type.
func (p *AppMigrateProvider) Resources(_ context.Context) []func() resource.Resource {
	return append(backendlessResources(), mendixResources()...)
}

// DataSources lists every data source type.
func (p *AppMigrateProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return append(backendlessDataSources(), mendixDataSources()...)
}

// setting resolves one attribute: the configured value, else the environment variable, else def.
// fromEnv says whether the environment supplied it, so diagnostics can name the right source.
func setting(v types.String, env, def string) (value string, fromEnv bool) {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString(), false
	}
	if s := os.Getenv(env); s != "" {
		return s, true
	}
	return def, false
}

func durationOr(v types.String, def time.Duration) time.Duration {
	if v.IsNull() || v.IsUnknown() {
		return def
	}
	d, err := time.ParseDuration(v.ValueString())
	if err != nil {
		return def // the schema validator has already reported it
	}
	return d
}
