package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"
	"sigs.k8s.io/kustomize/kyaml/kio/filters"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
	"github.com/vmcp-render/vmcp-render/pkg/input"
	"github.com/vmcp-render/vmcp-render/pkg/release"
	"github.com/vmcp-render/vmcp-render/pkg/report"
	"github.com/vmcp-render/vmcp-render/pkg/results"
	"github.com/vmcp-render/vmcp-render/pkg/transform"
	"github.com/vmcp-render/vmcp-render/pkg/yamlwrite"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// errResults makes the process exit 1 after the output was written; the
// results themselves are already in the output and on stderr.
var errResults = errors.New("error results")

const long = `vmcp-render renders ToolHive VirtualMCPServer resources offline, into the
objects the ToolHive operator would create, and validates them. The operator
release is a setting (spec.operatorVersion, ConfigMap key operatorVersion):
%s.

As a KRM function (kustomize, kpt) it reads a ResourceList on stdin holding
VirtualMCPServer resources and everything they reference (MCPGroup, MCPServer,
MCPRemoteProxy, MCPOIDCConfig, MCPExternalAuthConfig, MCPAuthzConfig,
MCPTelemetryConfig, MCPToolConfig, VirtualMCPCompositeToolDefinition, Secrets,
ConfigMaps...). It writes the items back, untouched, plus for each valid
VirtualMCPServer the ConfigMap (config.yaml, authserver-config.yaml),
Deployment, ServiceAccount, Role, RoleBinding and Service.

Every problem the operator would report in a status condition, and more,
becomes a result, also printed on stderr as one line. Any error result makes
it exit 1; an invalid VirtualMCPServer gets no objects, the others are
unaffected.

The function config is optional: a VMCPRender (apiVersion
fn.vmcp-render.dev/v1alpha1) or a ConfigMap with the same settings as keys.
spec.mode: validate emits results only (for kustomize validators: and CI).

Standalone, without an orchestrator: give the function config file (an empty
file for the defaults) and then the input files ("-" reads stdin). It prints
plain YAML for kubectl apply: the inputs and the rendered objects, without
orchestrator annotations and without objects marked
config.kubernetes.io/local-config: "true".

Exit status: 0 success (warnings allowed), 1 error results or unreadable
input.`

const example = `  # kustomize: list the function under transformers: (exec runtime)
  kustomize build --enable-alpha-plugins --enable-exec examples/kustomization

  # kpt: imperatively, settings after --
  kpt fn eval --image ghcr.io/vmcp-render/vmcp-render:v0.1.0 -- mode=validate

  # standalone: function config first, then input files; prints plain YAML
  vmcp-render fn-config.yaml vmcp.yaml secrets.yaml | kubectl apply -f -
  vmcp-render /dev/null vmcp.yaml      # default settings

  # a plain YAML stream on stdin works too (default settings)
  cat vmcp.yaml | vmcp-render`

// releases lists the supported operator releases and the default.
func releases() string {
	return strings.Join(release.Versions(), ", ") + "; default " + release.Newest().Version
}

// runCLI executes the command line and returns the exit status; main only
// exits with it.
func runCLI(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := newCommand(stdout, stderr)
	cmd.SetIn(stdin)
	// Never nil: cobra would read os.Args instead.
	cmd.SetArgs(append([]string{}, args...))
	err := cmd.Execute()
	if err == nil {
		return 0
	}
	var usage usageError
	if errors.As(err, &usage) {
		fmt.Fprintf(stderr, "vmcp-render: usage: %v (see vmcp-render --help)\n", err)
		return 2
	}
	if !errors.Is(err, errResults) {
		// Build silences cobra and the framework; say what went wrong.
		fmt.Fprintf(stderr, "vmcp-render: %v\n", err)
	}
	return 1
}

func newCommand(stdout, stderr io.Writer) *cobra.Command {
	rep := &reporting{stderr: stderr}
	p := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		return process(rl, nil, rep)
	})
	// Standalone mode is our own (see standalone), and so is stdin: execute
	// is framework.Execute with a streaming writer (see stream.go).
	cmd := command.Build(p, command.StandaloneDisabled, true)
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if err := rep.check(); err != nil {
			return err
		}
		if len(args) == 0 {
			return execute(p, c.InOrStdin(), c.OutOrStdout())
		}
		return standalone(c.InOrStdin(), c.OutOrStdout(), rep, args)
	}
	cmd.Flags().StringVar(&rep.format, "results-format", report.FormatText,
		"how results are reported besides the output: text (one line each on stderr), github (workflow commands on stderr: annotations on the line in a pull request) or sarif (a SARIF 2.1.0 log in --results-file; text lines on stderr)")
	cmd.Flags().StringVar(&rep.file, "results-file", "", "also write the results, in --results-format, to this file (required for sarif); written whole or not at all")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	cmd.Use = "vmcp-render [FUNCTION_CONFIG INPUT...]"
	cmd.Short = "Render and validate ToolHive VirtualMCPServer resources offline (KRM function)"
	cmd.Long = fmt.Sprintf(long, releases())
	cmd.Example = example
	cmd.Version = version + " (ToolHive operator releases " + releases() + ")"
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	return cmd
}

// process is the only place that decides the exit code: error results make
// it return an error (exit 1); warnings alone do not. sources, when given,
// say where each item came from (standalone mode), for the items that
// cannot carry it in an annotation.
func process(rl *framework.ResourceList, sources []results.Ref, rep *reporting) error {
	spec, probs := fnconfig.Load(rl.FunctionConfig)
	var rs framework.Results
	if len(probs) > 0 {
		ref := results.Ref{APIVersion: fnconfig.APIVersion, Kind: fnconfig.Kind}
		if fc := rl.FunctionConfig; fc != nil {
			ref = results.RefOf(fc)
		}
		for _, p := range probs {
			rs = append(rs, results.Result(ref, p))
		}
	} else {
		var out framework.Results
		rl.Items, out = transform.RenderSources(rl.Items, sources, spec)
		rs = append(rs, out...)
	}
	results.Sort(rs)
	rl.Results = rs
	if err := rep.emit(rs); err != nil {
		return err
	}
	if results.HasErrors(rs) {
		return errResults
	}
	return nil
}

// standalone reads the function config file and the input files, runs the
// processor and prints plain YAML. Items carry their file name while the
// function runs, so results say where a problem is.
func standalone(stdin io.Reader, stdout io.Writer, rep *reporting, args []string) error {
	fc, err := readFunctionConfig(args[0])
	if err != nil {
		return err
	}
	rl := &framework.ResourceList{FunctionConfig: fc}
	var sources []results.Ref
	bad := map[*yaml.RNode]bool{}
	for _, name := range args[1:] {
		var b []byte
		if name == "-" {
			b, err = io.ReadAll(stdin)
		} else {
			b, err = os.ReadFile(name)
		}
		if err != nil {
			return fmt.Errorf("reading input: %w", err)
		}
		items, err := input.ReadStream(b)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for i, n := range items {
			sources = append(sources, results.Ref{File: name, Index: i})
			if input.Malformed(n) != nil {
				bad[n] = true // kyaml cannot annotate it; sources says where it is
				continue
			}
			// One PipeE each: a pipe feeds a filter's result to the next.
			for _, a := range [][2]string{{kioutil.PathAnnotation, name}, {kioutil.IndexAnnotation, strconv.Itoa(i)}} {
				if err := n.PipeE(yaml.SetAnnotation(a[0], a[1])); err != nil {
					return fmt.Errorf("%s: document %d: cannot annotate it", name, i)
				}
			}
		}
		rl.Items = append(rl.Items, items...)
	}
	// Results point at the line of their field in the file read.
	byOrigin := map[results.Ref]*yaml.RNode{}
	for i, n := range rl.Items {
		byOrigin[sources[i]] = n
	}
	located := *rep
	located.locate = func(r *framework.Result) (int, int) {
		if r.File == nil {
			return 0, 0
		}
		n := byOrigin[results.Ref{File: r.File.Path, Index: r.File.Index}]
		field := ""
		if r.Field != nil {
			field = r.Field.Path
		}
		return input.Position(n, field)
	}
	procErr := process(rl, sources, &located)
	var out []*yaml.RNode
	for _, n := range rl.Items {
		if !bad[n] {
			if n.GetAnnotations()[filters.LocalConfigAnnotation] == "true" {
				continue
			}
			if err := clearOrchestratorAnnotations(n); err != nil {
				return err
			}
		}
		out = append(out, n)
	}
	if err := yamlwrite.WriteStream(stdout, out); err != nil {
		return err
	}
	return procErr
}

// readFunctionConfig reads the standalone function config; an empty file
// (or /dev/null) means the defaults.
func readFunctionConfig(name string) (*yaml.RNode, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading the function config: %w", err)
	}
	nodes, err := input.ReadDocuments(b)
	if err != nil {
		return nil, fmt.Errorf("the function config %s: %w", name, err)
	}
	switch len(nodes) {
	case 0:
		return nil, nil
	case 1:
		if nodes[0].YNode().Kind != yaml.MappingNode {
			return nil, fmt.Errorf("the function config %s is not an object (a YAML mapping)", name)
		}
		return nodes[0], nil
	default:
		return nil, fmt.Errorf("the function config %s holds %d documents; give exactly one (the input files come after it)", name, len(nodes))
	}
}

// clearOrchestratorAnnotations removes what kpt and kustomize use to track
// items (path, index, id), which has no place in applied objects.
func clearOrchestratorAnnotations(n *yaml.RNode) error {
	for k := range kioutil.GetInternalAnnotations(n) {
		if err := n.PipeE(yaml.ClearAnnotation(k)); err != nil {
			return err
		}
	}
	return nil
}
