// Command terraform-provider-appmigrate serves the appmigrate Terraform provider.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/provider"
)

// Generate the registry docs from the schema, templates/ and examples/.
//go:generate go tool tfplugindocs generate --provider-name appmigrate --rendered-provider-name appmigrate

// version is set by goreleaser through -ldflags "-X main.version=…".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/appmigrate/appmigrate",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
