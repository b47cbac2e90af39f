package main

// The sandbox is this same program, re-executed in a new mount namespace
// (the Go runtime unshares it and makes every mount private before exec).
// There it lays out the pod's files over the host's directories with
// overlays on tmpfs, so nothing is written to the host, then becomes the
// pod's user and execs vMCP in place: the child the caller waits on is
// vMCP itself. The plan arrives on fd 3; a setup failure is reported on
// fd 4, which closes silently when the exec succeeds.
const sandboxArg = "__podrun-sandbox"

// sandboxPlan is everything the sandbox needs; it is sent as JSON.
type sandboxPlan struct {
	RuntimeDir string // an empty host directory, a tmpfs inside the sandbox
	Binary     string // the vMCP binary on the host
	Argv       []string
	Pod        *pod
}
