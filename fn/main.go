// Command vmcp-render is a KRM function that renders ToolHive VirtualMCPServer
// resources into the objects the ToolHive operator v0.62.0 would create, and
// reports every problem the operator would report as a KRM result.
package main

import (
	"os"
)

func main() {
	os.Exit(runCLI(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
