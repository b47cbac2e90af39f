package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"

	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
	"github.com/vmcp-render/vmcp-render/pkg/results"
	"github.com/vmcp-render/vmcp-render/pkg/transform"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// errResults makes the process exit 1 after the ResourceList was written;
// the results themselves are already in the output and on stderr.
var errResults = errors.New("")

const long = `vmcp-render renders ToolHive VirtualMCPServer resources offline.

It reads a ResourceList (config.kubernetes.io/v1) on stdin, holding
VirtualMCPServer resources and everything they reference (MCPOIDCConfig,
MCPExternalAuthConfig, MCPAuthzConfig, MCPTelemetryConfig, MCPToolConfig,
VirtualMCPCompositeToolDefinition, MCPGroup, MCPServer, Secrets, ConfigMaps...),
and writes it back with, for each VirtualMCPServer, the ConfigMap, Deployment,
ServiceAccount, Role, RoleBinding and Service that the ToolHive operator v0.62.0
creates. Every problem the operator would report as a status condition becomes
a result (also printed on stderr); any error result makes it exit 1, and an
invalid VirtualMCPServer gets no objects at all.

The function config is optional: a VMCPRender (apiVersion
fn.vmcp-render.dev/v1alpha1) or a ConfigMap with the same settings as keys.`

const example = `  # kustomize (exec): list it under transformers: and run
  kustomize build --enable-alpha-plugins --enable-exec examples/kustomization

  # kpt
  kpt fn eval --image ghcr.io/vmcp-render/vmcp-render:v0.1.0 -- mode=validate

  # standalone: function config first, then input files; prints plain YAML
  vmcp-render config.yaml vmcp.yaml secrets.yaml`

func newCommand(stdout, stderr io.Writer) *cobra.Command {
	p := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		return process(rl, stderr)
	})
	cmd := command.Build(p, command.StandaloneEnabled, true)
	cmd.Use = "vmcp-render [FUNCTION_CONFIG INPUT...]"
	cmd.Short = "Render ToolHive VirtualMCPServer resources offline (KRM function)"
	cmd.Long = long
	cmd.Example = example
	cmd.Version = version
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	return cmd
}

// process is the only place that decides the exit code: error results make
// it return an error (exit 1); warnings alone do not.
func process(rl *framework.ResourceList, stderr io.Writer) error {
	spec, probs := fnconfig.Load(rl.FunctionConfig)
	var rs framework.Results
	if len(probs) > 0 {
		ref := results.Ref{APIVersion: fnconfig.APIVersion, Kind: fnconfig.Kind}
		if fc := rl.FunctionConfig; fc != nil {
			ref = results.RefOf(fc)
		}
		for _, p := range probs {
			rs = append(rs, results.Result(ref, results.Finding{Severity: results.Error, Rule: "function-config", Field: p.Field, CurrentValue: p.Value, Message: p.Message}))
		}
	} else {
		var out framework.Results
		rl.Items, out = transform.Render(rl.Items, spec)
		rs = append(rs, out...)
	}
	results.Sort(rs)
	rl.Results = rs
	for _, r := range rs {
		fmt.Fprintln(stderr, results.Line(r))
	}
	if results.HasErrors(rs) {
		return errResults
	}
	return nil
}
