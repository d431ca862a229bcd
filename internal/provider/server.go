package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// NewServer returns the provider as a protocol 6 server whose every diagnostic (error or warning,
// from a resource, a data source, the provider block or the framework itself) is passed through
// the provider's secret registry before Terraform sees it or logs it. Vendor error bodies can
// echo anything, including the request's own credentials; masking them here, at the boundary,
// covers every message whatever code built it. Secrets learned during a run (session keys, REST
// keys, pre-signed link tokens) are in the same registry, which the vendor clients share.
func NewServer(version string) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		p := &AppMigrateProvider{version: version, redactor: transport.NewRedactor()}
		inner, err := providerserver.NewProtocol6WithError(p)()
		if err != nil {
			return nil, err
		}
		return &redactingServer{ProviderServer: inner, red: p.redactor}, nil
	}
}

// redactingServer masks secrets in the diagnostics of every call that can carry vendor text.
type redactingServer struct {
	tfprotov6.ProviderServer
	red *transport.Redactor
}

func (s *redactingServer) mask(diags []*tfprotov6.Diagnostic) {
	for _, d := range diags {
		if d == nil {
			continue
		}
		d.Summary = s.red.Redact(d.Summary)
		d.Detail = s.red.Redact(d.Detail)
	}
}

// masked calls next with every secret known so far masked in the provider's own log lines, and
// masks the diagnostics of its response.
func masked[Q, R any](s *redactingServer, ctx context.Context, req Q, next func(context.Context, Q) (*R, error), diags func(*R) []*tfprotov6.Diagnostic) (*R, error) {
	if vals := s.red.Values(); len(vals) > 0 && logsWanted.Load() {
		ctx = tflog.MaskMessageStrings(ctx, vals...)
		ctx = tflog.MaskAllFieldValuesStrings(ctx, vals...)
	}
	resp, err := next(ctx, req)
	if resp != nil {
		s.mask(diags(resp))
	}
	return resp, err
}

func (s *redactingServer) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return masked(s, ctx, req, s.ProviderServer.ValidateProviderConfig, func(r *tfprotov6.ValidateProviderConfigResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}

func (s *redactingServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return masked(s, ctx, req, s.ProviderServer.ConfigureProvider, func(r *tfprotov6.ConfigureProviderResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}

func (s *redactingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return masked(s, ctx, req, s.ProviderServer.ValidateResourceConfig, func(r *tfprotov6.ValidateResourceConfigResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}

func (s *redactingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return masked(s, ctx, req, s.ProviderServer.UpgradeResourceState, func(r *tfprotov6.UpgradeResourceStateResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}

func (s *redactingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return masked(s, ctx, req, s.ProviderServer.ReadResource, func(r *tfprotov6.ReadResourceResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}

func (s *redactingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return masked(s, ctx, req, s.ProviderServer.PlanResourceChange, func(r *tfprotov6.PlanResourceChangeResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}

func (s *redactingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return masked(s, ctx, req, s.ProviderServer.ApplyResourceChange, func(r *tfprotov6.ApplyResourceChangeResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}

func (s *redactingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return masked(s, ctx, req, s.ProviderServer.ImportResourceState, func(r *tfprotov6.ImportResourceStateResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}

func (s *redactingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return masked(s, ctx, req, s.ProviderServer.MoveResourceState, func(r *tfprotov6.MoveResourceStateResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}

func (s *redactingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return masked(s, ctx, req, s.ProviderServer.ValidateDataResourceConfig, func(r *tfprotov6.ValidateDataResourceConfigResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}

func (s *redactingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return masked(s, ctx, req, s.ProviderServer.ReadDataSource, func(r *tfprotov6.ReadDataSourceResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}
