// Command terraform-provider-appmigrate serves the appmigrate Terraform provider.
package main

import (
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/provider"
)

// Generate the registry docs from the schema, templates/ and examples/; first the vendor calls
// guide and the provider page's table of INFERRED and MODELED calls, from the clients' registers.
//go:generate go run ./internal/tools/vendorcalls
//go:generate go tool tfplugindocs generate --provider-name appmigrate --rendered-provider-name appmigrate

// version is set by goreleaser through -ldflags "-X main.version=…".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	} else {
		provider.QuietUnlessLogging(os.Getenv, os.Setenv)
		provider.TuneGC(os.Getenv)
	}
	server, err := provider.NewServer(version)()
	if err == nil {
		err = tf6server.Serve("registry.terraform.io/appmigrate/appmigrate", func() tfprotov6.ProviderServer { return server }, opts...)
	}
	if err != nil {
		log.Fatal(err.Error())
	}
}
