// Package cmpemu renders an Argo CD Application through a config management
// plugin (CMP) the way Argo CD v3.6.1 does, without a cluster and without
// Argo CD's code (which needs a newer Go than this project and minutes to
// build): the repo server side (environment, plugin detection, the repository
// sent as a tarball, parsing what comes back) and the cmp server side (the
// sidecar: unpacking with file modes reset, discovery, init and generate) are
// rewritten here from Argo CD's sources, and each function names the file it
// follows. Paths are relative to the argo-cd module unless said otherwise.
//
// What a caller observes is what Argo CD gives:
//   - the error the repo server returns, built from the same format strings
//     (ComparisonError adds what the application controller puts in front);
//   - on success, the manifests as the repo server returns them (JSON), and
//     nothing of the commands' stderr: that only reaches the sidecar's log
//     (Sidecar.Log);
//   - the plugin commands run as the sidecar user in a private mount
//     namespace whose /usr/local/bin is Sidecar.BinDir, so absolute paths to
//     tools baked into the sidecar image resolve (this needs root).
//
// Not emulated: discover.find.glob, dynamic parameters, provideGitCreds and
// .argocd-source*.yaml overrides (each refused with a "cmpemu:" error rather
// than ignored); the controller's resource tracking (manifests come back
// without it); --plugin-tar-exclude (Argo CD's default, no exclusion, is what
// is done, so .git is sent).
package cmpemu

// ArgoCDVersion is the release whose behaviour this package follows.
const ArgoCDVersion = "v3.6.1"
