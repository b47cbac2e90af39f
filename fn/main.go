// Command vmcp-render is a KRM function that renders ToolHive VirtualMCPServer
// resources into the objects the ToolHive operator (the release selected by
// the function config) would create, and
// reports every problem the operator would report as a KRM result.
package main

import (
	"os"
)

func main() {
	os.Exit(runCLI(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
