// Command gen writes the benchmark input: a ResourceList with N copies of
// the realistic VirtualMCPServer case, each in its own namespace.
//
//	go run ./bench/gen -n 1000 > in.yaml
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/vmcp-render/vmcp-render/bench/fixture"
)

func main() {
	n := flag.Int("n", 1, "number of VirtualMCPServers (one per namespace)")
	flag.Parse()
	if *n < 1 {
		fmt.Fprintln(os.Stderr, "gen: -n must be at least 1")
		os.Exit(2)
	}
	if _, err := os.Stdout.Write(fixture.ResourceList(*n)); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
