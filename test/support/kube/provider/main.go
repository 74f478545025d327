// The Pulumi kubernetes provider plugin (pulumi-resource-kubernetes) built from the Go module
// github.com/pulumi/pulumi-kubernetes/provider/v4. Upstream's own main package embeds a schema
// that its `go generate` step writes beside it, which cannot happen inside the read-only module
// cache, so this main does the same two things upstream's does: serve the provider with the
// module's schema.json (version stamped by build.ts) and its terraform mapping, both embedded
// from files that build.ts writes into a temporary copy of this directory before `go build`.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
