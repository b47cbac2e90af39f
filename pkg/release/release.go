// Package release is the table of ToolHive operator releases the function
// renders for, and of what differs between them. Checks read a release's
// flags, never its version string; adding a release is adding a row (see
// docs/operator-releases.md).
package release

import "slices"

// Release is one supported operator release.
type Release struct {
	// Version is the operator's release tag, e.g. v0.63.0.
	Version string
	// VMCPImage is the vMCP image the release's chart sets as the
	// operator's VMCP_IMAGE (deploy/charts/operator/values.yaml,
	// operator.vmcpImage).
	VMCPImage string
	// CABundleRefCondition: the operator reports the advisory condition
	// CABundleRefValidated about an inline MCPOIDCConfig's caBundleRef
	// ConfigMap (cmd/thv-operator/controllers/virtualmcpserver_cabundle.go,
	// validateCABundleRef; new in v0.63.0).
	CABundleRefCondition bool
}

// releases, oldest first. The CRDs, the converter, the workload builders
// and vMCP are the same in both (go.mod unchanged).
var releases = []Release{
	{Version: "v0.62.0", VMCPImage: "ghcr.io/stacklok/toolhive/vmcp:v0.62.0"},
	{Version: "v0.63.0", VMCPImage: "ghcr.io/stacklok/toolhive/vmcp:v0.63.0", CABundleRefCondition: true},
}

// Newest is the default release: the newest supported.
func Newest() Release { return releases[len(releases)-1] }

// Lookup returns the release of a version tag.
func Lookup(version string) (Release, bool) {
	i := slices.IndexFunc(releases, func(r Release) bool { return r.Version == version })
	if i < 0 {
		return Release{}, false
	}
	return releases[i], true
}

// Versions lists the supported release tags, oldest first.
func Versions() []string {
	out := make([]string, len(releases))
	for i, r := range releases {
		out[i] = r.Version
	}
	return out
}

// All returns every supported release, oldest first.
func All() []Release { return slices.Clone(releases) }
