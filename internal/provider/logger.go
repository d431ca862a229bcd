package provider

import (
	"context"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// tflogLogger forwards the transport's already-redacted lines to Terraform's log (TF_LOG).
type tflogLogger struct{}

func (tflogLogger) Log(ctx context.Context, level transport.Level, msg string, fields map[string]any) {
	if !logsWanted.Load() {
		return
	}
	switch level {
	case transport.LevelTrace:
		tflog.Trace(ctx, msg, fields)
	case transport.LevelDebug:
		tflog.Debug(ctx, msg, fields)
	case transport.LevelInfo:
		tflog.Info(ctx, msg, fields)
	case transport.LevelWarn:
		tflog.Warn(ctx, msg, fields)
	default:
		tflog.Error(ctx, msg, fields)
	}
}

// logsWanted is whether anyone reads the provider's log lines; see QuietUnlessLogging.
var logsWanted atomic.Bool

func init() { logsWanted.Store(true) }

// logEnv are the variables that make a provider's log lines go somewhere: Terraform keeps a
// provider's lines only when TF_LOG or TF_LOG_PROVIDER is set; the others set the plugin
// libraries' own levels, or send a test run's lines to a file.
var logEnv = []string{
	"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_APPMIGRATE",
	"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK",
	"TF_ACC_LOG_PATH", "TF_LOG_PATH_MASK",
}

// quietEnv turns the plugin libraries' own log lines off (their documented level variables).
var quietEnv = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_APPMIGRATE"}

// QuietUnlessLogging stops the provider from building log lines that Terraform would throw
// away. The plugin libraries log at TRACE unless told otherwise and leave the filtering to
// Terraform, which drops every line of a provider when neither TF_LOG nor TF_LOG_PROVIDER is
// set; but each line is formatted as JSON, masked against every secret the provider knows and
// parsed again by Terraform first. In a plan of a large fleet that was a third of the
// provider's CPU and much of Terraform's. When no log variable is set, this turns the
// libraries' levels off (through their own variables) and the provider's HTTP log lines with
// them; when any is set, nothing changes. main calls it, except in debug mode.
func QuietUnlessLogging(getenv func(string) string, setenv func(string, string) error) (quiet bool) {
	for _, name := range logEnv {
		if getenv(name) != "" {
			return false
		}
	}
	for _, name := range quietEnv {
		_ = setenv(name, "OFF")
	}
	logsWanted.Store(false)
	return true
}
