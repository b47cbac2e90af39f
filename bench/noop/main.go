// Command noop is the benchmark's floor: a KRM function built like
// vmcp-render (kyaml fn framework, same command wiring) whose processor does
// nothing, so it only parses the ResourceList and writes it back.
package main

import (
	"os"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"
)

func main() {
	p := framework.ResourceListProcessorFunc(func(*framework.ResourceList) error { return nil })
	if err := command.Build(p, command.StandaloneEnabled, true).Execute(); err != nil {
		os.Exit(1)
	}
}
