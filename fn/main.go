// Command vmcp-render is a KRM function that renders ToolHive VirtualMCPServer
// resources into the objects the ToolHive operator v0.62.0 would create, and
// reports every problem the operator would report as a KRM result.
package main

import (
	"os"
)

func main() {
	if err := newCommand(os.Stdout, os.Stderr).Execute(); err != nil {
		os.Exit(1)
	}
}
