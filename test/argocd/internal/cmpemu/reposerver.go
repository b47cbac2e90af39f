package cmpemu

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/version"
	sigsyaml "sigs.k8s.io/yaml"
)

// DefaultTimeout is how long the application controller lets the repo
// server work on a manifest request (--repo-server-timeout-seconds, 60 by
// default, cmd/argocd-application-controller/commands).
const DefaultTimeout = 60 * time.Second

// cmpTimeoutBuffer: the cmp server stops its own work this much before the
// request's deadline, to have time to send its error back
// (cmpserver/plugin/plugin.go).
const cmpTimeoutBuffer = 100 * time.Millisecond

// Request is one manifest request for an Application's single source, as
// the controller sends it and the repo server sees it after checking out.
type Request struct {
	App *Application
	// RepoRoot is the repo server's checkout of spec.source.repoURL at
	// Revision, .git included.
	RepoRoot string
	// Revision is the commit SHA the checkout is at.
	Revision string
	// KubeVersion and APIVersions describe the destination cluster.
	KubeVersion string
	APIVersions []string
	// Timeout bounds the whole request (DefaultTimeout when 0).
	Timeout time.Duration
}

// BuildEnv is the environment the repo server sends with every call to the
// sidecar: the app's variables (reposerver/repository/repository.go newEnv),
// KUBE_VERSION and KUBE_API_VERSIONS (getPluginEnvs), then, when the source
// has a plugin section, ARGOCD_ENV_<name> for its env with $VAR expanded
// from the variables above, ARGOCD_APP_PARAMETERS as JSON ("null" for no
// parameters) and PARAM_<NAME>[_<KEY>|_<i>] (getPluginParamEnvs,
// pkg/apis/application/v1alpha1/types.go Parameters.Environ).
func BuildEnv(q Request) ([]string, error) {
	short := func(n int) string {
		if len(q.Revision) > n {
			return q.Revision[:n]
		}
		return q.Revision
	}
	a := q.App
	base := []EnvEntry{
		{"ARGOCD_APP_NAME", a.Metadata.Name},
		{"ARGOCD_APP_NAMESPACE", a.Spec.Destination.Namespace},
		{"ARGOCD_APP_PROJECT_NAME", a.Spec.Project},
		{"ARGOCD_APP_REVISION", q.Revision},
		{"ARGOCD_APP_REVISION_SHORT", short(7)},
		{"ARGOCD_APP_REVISION_SHORT_8", short(8)},
		{"ARGOCD_APP_SOURCE_REPO_URL", a.Spec.Source.RepoURL},
		{"ARGOCD_APP_SOURCE_PATH", a.Spec.Source.Path},
		{"ARGOCD_APP_SOURCE_TARGET_REVISION", a.Spec.Source.TargetRevision},
	}
	var env []string
	for _, e := range base {
		if e.Name != "" || e.Value != "" {
			env = append(env, e.Name+"="+e.Value)
		}
	}
	kube := ""
	if q.KubeVersion != "" {
		v, err := version.ParseGeneric(q.KubeVersion)
		if err != nil {
			return nil, fmt.Errorf("could not parse kubernetes version %s: %w", q.KubeVersion, err)
		}
		kube = v.String()
	}
	env = append(env, "KUBE_VERSION="+kube, "KUBE_API_VERSIONS="+strings.Join(q.APIVersions, ","))

	p := a.Spec.Source.Plugin
	if p == nil {
		return env, nil
	}
	vars := map[string]string{}
	for _, e := range env {
		k, v, _ := strings.Cut(e, "=")
		vars[k] = v
	}
	for _, e := range p.Env {
		v := os.Expand(e.Value, func(s string) string {
			if s == "$" { // $$ is a literal $
				return "$"
			}
			return vars[s]
		})
		env = append(env, "ARGOCD_ENV_"+e.Name+"="+v)
	}
	// A nil slice marshals to null, as Argo CD's does for an app without
	// parameters.
	params := p.Parameters
	if len(params) == 0 {
		params = nil
	}
	js, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("failed to generate env vars from parameters: %w", err)
	}
	env = append(env, "ARGOCD_APP_PARAMETERS="+string(js))
	for _, par := range params {
		name := "PARAM_" + escapeParam(par.Name)
		if par.String != nil {
			env = append(env, name+"="+*par.String)
		}
		if par.OptionalMap != nil {
			// Argo CD ranges over the map (random order); sorted here.
			keys := make([]string, 0, len(par.Map))
			for k := range par.Map {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				env = append(env, name+"_"+escapeParam(k)+"="+par.Map[k])
			}
		}
		if par.OptionalArray != nil {
			for i, v := range par.Array {
				env = append(env, fmt.Sprintf("%s_%d=%s", name, i, v))
			}
		}
	}
	return env, nil
}

var notParamChar = regexp.MustCompile("[^A-Z0-9_]")

func escapeParam(s string) string { return notParamChar.ReplaceAllString(strings.ToUpper(s), "_") }

// rpcError is what a gRPC client gets for an error a server handler
// returns that is not a gRPC status: code Unknown (DeadlineExceeded or
// Canceled for those context errors), the message as its description
// (grpc status.FromContextError, status.Error's text).
func rpcError(err error) error {
	code := "Unknown"
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		code = "DeadlineExceeded"
	case errors.Is(err, context.Canceled):
		code = "Canceled"
	}
	return fmt.Errorf("rpc error: code = %s desc = %s", code, err.Error())
}

// GenerateManifest is the repo server rendering the Application's source
// with the sidecar (reposerver/repository/repository.go GenerateManifests,
// case ApplicationSourceTypePlugin, runConfigManagementPluginSidecars). It
// returns the manifests as the repo server does, one JSON object each, or
// the error the repo server returns, word for word.
func GenerateManifest(ctx context.Context, q Request, sc *Sidecar) ([]string, error) {
	if q.App.Spec.Source.Plugin == nil {
		return nil, errors.New("cmpemu: the Application's source has no plugin section; only plugin sources are emulated")
	}
	timeout := q.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	appPath := filepath.Join(q.RepoRoot, q.App.Spec.Source.Path)
	if fi, err := os.Stat(appPath); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("%s: app path does not exist", q.App.Spec.Source.Path)
	}
	// mergeSourceParameters would apply these overrides to the source.
	for _, f := range []string{".argocd-source.yaml", ".argocd-source-" + q.App.Metadata.Name + ".yaml"} {
		if _, err := os.Stat(filepath.Join(appPath, f)); err == nil {
			return nil, fmt.Errorf("cmpemu: %s overrides the source; that is not emulated", f)
		}
	}
	objs, err := runPluginSidecar(ctx, q, appPath, sc)
	if err != nil {
		return nil, fmt.Errorf("CMP processing failed for application %q: %w", q.App.Metadata.Name, err)
	}
	// Lists are unpacked into their items; a list whose items are null is
	// dropped (GenerateManifests, isNullList).
	manifests := []string{}
	for _, obj := range objs {
		targets := []*unstructured.Unstructured{obj}
		if obj.IsList() {
			targets = nil
			err := obj.EachListItem(func(o runtime.Object) error {
				u, ok := o.(*unstructured.Unstructured)
				if !ok {
					return errors.New("resource list item has unexpected type")
				}
				targets = append(targets, u)
				return nil
			})
			if err != nil {
				return nil, err
			}
		} else if isNullList(obj) {
			targets = nil
		}
		for _, t := range targets {
			b, err := json.Marshal(t.Object)
			if err != nil {
				return nil, err
			}
			manifests = append(manifests, string(b))
		}
	}
	return manifests, nil
}

func isNullList(obj *unstructured.Unstructured) bool {
	if _, ok := obj.Object["spec"]; ok {
		return false
	}
	if _, ok := obj.Object["status"]; ok {
		return false
	}
	items, ok := obj.Object["items"]
	return ok && items == nil
}

// runPluginSidecar: the environment, finding the plugin by name (its
// discovery must still accept the app), one GenerateManifest call, and the
// manifests parsed into objects (repository.go
// runConfigManagementPluginSidecars, util/app/discovery/discovery.go
// DetectConfigManagementPlugin, cmpSupports).
func runPluginSidecar(ctx context.Context, q Request, appPath string, sc *Sidecar) ([]*unstructured.Unstructured, error) {
	env, err := BuildEnv(q)
	if err != nil {
		return nil, err
	}
	if sc.Config.Spec.Parameters.Dynamic.Command != nil || sc.Config.Spec.ProvideGitCreds {
		return nil, errors.New("cmpemu: dynamic parameters and provideGitCreds are not emulated")
	}
	name := q.App.Spec.Source.Plugin.Name
	sock := sc.Config.SocketName()
	if name == "" {
		// Unnamed: every sidecar with discovery is asked; here there is one.
		if !sc.Config.discoveryConfigured() {
			return nil, errors.New("could not find plugin supporting the given repository")
		}
	} else if name+".sock" != sock {
		// Real text continues with gRPC's dial error for the missing socket.
		return nil, fmt.Errorf("could not find cmp-server plugin with name %q supporting the given repository: error checking plugin configuration %s.sock: no such socket (the sidecar listens on %s)", name, name, sock)
	}
	stream := func() (appStream, error) {
		tgz, _, err := packRepo(q.RepoRoot)
		if err != nil {
			return appStream{}, err
		}
		rel, err := filepath.Rel(q.RepoRoot, appPath)
		if err != nil {
			return appStream{}, fmt.Errorf("error building app relative path: %w", err)
		}
		st := appStream{appRelPath: rel, tgz: tgz}
		for _, e := range env {
			if k, v, ok := strings.Cut(e, "="); ok {
				st.env = append(st.env, EnvEntry{k, v})
			}
		}
		return st, nil
	}
	// The sidecar's handlers run against the request's deadline less a
	// buffer (util/buffered_context).
	serverCtx := ctx
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		serverCtx, cancel = context.WithDeadline(ctx, dl.Add(-cmpTimeoutBuffer))
		defer cancel()
	}

	if sc.Config.discoveryConfigured() {
		st, err := stream()
		if err != nil {
			return nil, fmt.Errorf("could not find cmp-server plugin with name %q supporting the given repository: error checking repository support for plugin %s: error sending stream: %w", name, sock, err)
		}
		supported, discovery, err := sc.matchRepository(serverCtx, st)
		if err != nil {
			err = fmt.Errorf("error checking repository support for plugin %s: error receiving stream response: %w", sock, rpcError(err))
			if name == "" {
				return nil, fmt.Errorf("could not find plugin supporting the given repository: %w", err)
			}
			return nil, fmt.Errorf("could not find cmp-server plugin with name %q supporting the given repository: %w", name, err)
		}
		if !supported && (discovery || name == "") {
			if name == "" {
				return nil, errors.New("could not find plugin supporting the given repository")
			}
			return nil, fmt.Errorf("could not find cmp-server plugin with name %q supporting the given repository", name)
		}
	}

	st, err := stream()
	if err != nil {
		return nil, fmt.Errorf("error generating manifests in cmp: %w", fmt.Errorf("error sending file to cmp-server: %w", err))
	}
	manifests, err := sc.generateManifest(serverCtx, st)
	if err != nil {
		return nil, fmt.Errorf("error generating manifests in cmp: %w", rpcError(err))
	}
	var objs []*unstructured.Unstructured
	for _, m := range manifests {
		docs, err := splitYAMLToString([]byte(m))
		if err == nil {
			for _, d := range docs {
				u := &unstructured.Unstructured{}
				if err = sigsyaml.Unmarshal([]byte(d), u); err != nil {
					err = fmt.Errorf("failed to unmarshal manifest: %w", err)
					break
				}
				objs = append(objs, u)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("failed to convert CMP manifests to unstructured objects: %s", err.Error())
		}
	}
	return objs, nil
}

// ComparisonError is the message the Application then shows (status
// conditions, the UI): the application controller's wrapping of the repo
// server's error, which reaches it as a gRPC error (controller/state.go,
// for an Application with a single source).
func ComparisonError(repoServerErr error) string {
	return "Failed to load target state: failed to generate manifest for source 1 of 1: " + rpcError(repoServerErr).Error()
}
