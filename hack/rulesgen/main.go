// Command rulesgen writes pkg/report/rules_gen.go from the README's results
// reference, so that the rule descriptions SARIF carries have one source:
// go run ./hack/rulesgen (make rules). A test keeps the two equal.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/vmcp-render/vmcp-render/pkg/report"
)

func main() {
	root := "."
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "rulesgen:", err)
		os.Exit(1)
	}
	src, err := report.GenerateRules(readme)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rulesgen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(filepath.Join(root, "pkg", "report", "rules_gen.go"), src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "rulesgen:", err)
		os.Exit(1)
	}
}
