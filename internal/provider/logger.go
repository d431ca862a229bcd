package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// tflogLogger forwards the transport's already-redacted lines to Terraform's log (TF_LOG).
type tflogLogger struct{}

func (tflogLogger) Log(ctx context.Context, level transport.Level, msg string, fields map[string]any) {
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
