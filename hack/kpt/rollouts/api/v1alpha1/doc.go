// Package v1alpha1 is a stand-in for the package of the same path in kpt's
// nested module github.com/kptdev/kpt/rollouts. It was written for vmcp-render's
// kpt build (hack/kpt-build.sh), because the Go module proxy refuses to serve
// that module; it is not upstream code and shares none of it.
//
// It declares only what kpt v1.0.0-beta.61 compiles against, in
// commands/alpha/rollouts/{rolloutsclient,get,status,advance}: the Rollout and
// RolloutList kinds with the spec and status fields those commands read or set,
// the Progressive strategy constant, deep-copy methods and AddToScheme.
// Everything else in the real Rollout API is missing, so `kpt alpha rollouts`
// is not expected to work against a cluster; in particular `advance` would
// update a Rollout with the unmodelled spec fields dropped.
package v1alpha1
