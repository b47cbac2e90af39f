//go:build !linux

package main

import (
	"errors"
	"os"
	"os/exec"
)

// Mount namespaces and overlays are Linux's; elsewhere only --dry-run works.
func startSandbox(*sandboxPlan, *os.File) (*exec.Cmd, error) {
	return nil, errors.New("running the pod needs Linux (mount namespaces, overlayfs)")
}

func sandboxMain() { os.Exit(2) }
