package provider

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	backendless *backendless.Client
	// backendlessMissing explains why backendless is nil, for the plan-time diagnostic.
	backendlessMissing string

	mendix        *mendix.Client
	mendixMissing string

	poll pollSettings
}

// pollSettings configures every wait for an asynchronous job.
type pollSettings struct {
	interval    time.Duration
	maxInterval time.Duration
	clock       transport.Clock
}

// options returns the poller options for one named job.
func (p pollSettings) options(job string) transport.PollOptions {
	return transport.PollOptions{Job: job, Initial: p.interval, Max: p.maxInterval, Clock: p.clock}
}

// configureBackendless builds the Backendless client from the block and APPMIGRATE_BACKENDLESS_*.
// It returns (nil, reason) when Backendless is simply not configured, and adds an error when it
// is configured wrongly (a malformed URL, half a credential pair).
func configureBackendless(m *backendlessModel, newTransport func(...string) *transport.Client, diags *diag.Diagnostics) (*backendless.Client, string) {
	if m == nil {
		m = &backendlessModel{}
	}
	block := path.Root("backendless")
	login, _ := setting(m.Login, envBackendlessLogin, "")
	password, _ := setting(m.Password, envBackendlessPassword, "")
	authKey, _ := setting(m.AuthKey, envBackendlessAuthKey, "")
	if login == "" && password == "" && authKey == "" {
		return nil, fmt.Sprintf("no Backendless credentials are configured. Add a `backendless` block to the provider with `login` and `password` "+
			"(or `auth_key`), or set %s and %s (or %s).", envBackendlessLogin, envBackendlessPassword, envBackendlessAuthKey)
	}
	if authKey == "" && login == "" {
		diags.AddAttributeError(block.AtName("login"), "Backendless login missing",
			fmt.Sprintf("A Backendless password is configured but no login. Set backendless.login (or %s) to the developer e-mail, or use backendless.auth_key (%s) instead.", envBackendlessLogin, envBackendlessAuthKey))
		return nil, ""
	}
	if authKey == "" && password == "" {
		diags.AddAttributeError(block.AtName("password"), "Backendless password missing",
			fmt.Sprintf("A Backendless login is configured but no password. Set backendless.password (or %s), or use backendless.auth_key (%s) instead.", envBackendlessPassword, envBackendlessAuthKey))
		return nil, ""
	}
	legacyKeys, ok := legacySecretKeys(m.LegacySecretKeys, block.AtName("legacy_secret_keys"), diags)
	if !ok {
		return nil, ""
	}
	legacyType, _ := setting(m.LegacyApplicationType, envBackendlessLegacyType, backendless.DefaultLegacyApplicationType)
	urls, ok := resolveURLs(block, []urlSetting{
		{"console_url", envBackendlessConsoleURL, backendless.DefaultConsoleURL, m.ConsoleURL},
		{"api_url", envBackendlessAPIURL, backendless.DefaultAPIURL, m.APIURL},
		{"legacy_url", envBackendlessLegacyURL, backendless.DefaultLegacyURL, m.LegacyURL},
	}, diags)
	if !ok {
		return nil, ""
	}
	c, err := backendless.New(backendless.Config{
		ConsoleURL: urls["console_url"], APIURL: urls["api_url"], LegacyURL: urls["legacy_url"],
		Login: login, Password: password, AuthKey: authKey,
		LegacySecretKeys: legacyKeys, LegacyApplicationType: legacyType,
		HTTP: newTransport(password, authKey),
	})
	if err != nil {
		diags.AddAttributeError(block, "Invalid Backendless configuration", err.Error())
		return nil, ""
	}
	return c, ""
}

// legacySecretKeys resolves backendless.legacy_secret_keys, else APPMIGRATE_BACKENDLESS_LEGACY_SECRET_KEYS
// written as `appid=key,appid2=key2`. A malformed entry is reported without its value.
func legacySecretKeys(v types.Map, attr path.Path, diags *diag.Diagnostics) (map[string]string, bool) {
	keys := map[string]string{}
	if !v.IsNull() && !v.IsUnknown() {
		for id, el := range v.Elements() {
			s, ok := el.(types.String)
			if !ok || s.IsNull() || s.IsUnknown() || s.ValueString() == "" || id == "" {
				diags.AddAttributeError(attr, "Invalid Backendless 3.x secret key",
					fmt.Sprintf("backendless.legacy_secret_keys[%q] is empty. Give every 3.x application id its secret key (3.x console: Manage → App Settings).", id))
				return nil, false
			}
			keys[id] = s.ValueString()
		}
		return keys, true
	}
	raw := os.Getenv(envBackendlessLegacyKeys)
	for i, pair := range strings.Split(raw, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		id, key, found := strings.Cut(pair, "=")
		id, key = strings.TrimSpace(id), strings.TrimSpace(key)
		if !found || id == "" || key == "" {
			diags.AddAttributeError(attr, "Invalid Backendless 3.x secret keys in the environment",
				fmt.Sprintf("Entry %d of the environment variable %s is not of the form appid=secretkey. Write it as appid=key,appid2=key2.", i+1, envBackendlessLegacyKeys))
			return nil, false
		}
		keys[id] = key
	}
	return keys, true
}

// configureMendix builds the Mendix client from the block and APPMIGRATE_MENDIX_*.
func configureMendix(m *mendixModel, newTransport func(...string) *transport.Client, diags *diag.Diagnostics) (*mendix.Client, string) {
	if m == nil {
		m = &mendixModel{}
	}
	block := path.Root("mendix")
	username, _ := setting(m.Username, envMendixUsername, "")
	apiKey, _ := setting(m.APIKey, envMendixAPIKey, "")
	pat, _ := setting(m.PAT, envMendixPAT, "")
	if username == "" && apiKey == "" && pat == "" {
		return nil, fmt.Sprintf("no Mendix credentials are configured. Add a `mendix` block to the provider with `username`, `api_key` and `pat`, "+
			"or set %s, %s and %s.", envMendixUsername, envMendixAPIKey, envMendixPAT)
	}
	if (username == "") != (apiKey == "") {
		attr, env := "username", envMendixUsername
		if apiKey == "" {
			attr, env = "api_key", envMendixAPIKey
		}
		diags.AddAttributeError(block.AtName(attr), "Mendix credential missing",
			fmt.Sprintf("The Deploy and Backups APIs need both mendix.username and mendix.api_key; mendix.%s is not set. Set it, or the environment variable %s.", attr, env))
		return nil, ""
	}
	urls, ok := resolveURLs(block, []urlSetting{
		{"deploy_url", envMendixDeployURL, mendix.DefaultDeployURL, m.DeployURL},
		{"cloud_url", envMendixCloudURL, mendix.DefaultCloudURL, m.CloudURL},
		{"projects_url", envMendixProjectsURL, mendix.DefaultProjectsURL, m.ProjectsURL},
	}, diags)
	if !ok {
		return nil, ""
	}
	c, err := mendix.New(mendix.Config{
		DeployURL: urls["deploy_url"], CloudURL: urls["cloud_url"], ProjectsURL: urls["projects_url"],
		Username: username, APIKey: apiKey, PAT: pat,
		HTTP: newTransport(apiKey, pat),
	})
	if err != nil {
		diags.AddAttributeError(block, "Invalid Mendix configuration", err.Error())
		return nil, ""
	}
	return c, ""
}

// urlSetting is one base-URL attribute of a platform block.
type urlSetting struct {
	attr, env, def string
	v              types.String
}

// resolveURLs resolves each URL from the block, its environment variable or its default, and
// reports a malformed one against the attribute, naming where the bad value came from.
func resolveURLs(block path.Path, settings []urlSetting, diags *diag.Diagnostics) (map[string]string, bool) {
	platform := block.String()
	urls := make(map[string]string, len(settings))
	for _, u := range settings {
		val, fromEnv := setting(u.v, u.env, u.def)
		if err := transport.CheckBaseURL(val); err != nil {
			src := platform + "." + u.attr
			if fromEnv {
				src = "the environment variable " + u.env
			}
			diags.AddAttributeError(block.AtName(u.attr), "Invalid "+platform+" URL",
				fmt.Sprintf("%s: %v. Set %s.%s (or %s) to an absolute URL such as %s.", src, err, platform, u.attr, u.env, u.def))
			return nil, false
		}
		urls[u.attr] = val
	}
	return urls, true
}
