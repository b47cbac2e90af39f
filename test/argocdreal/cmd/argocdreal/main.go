// Command argocdreal is one binary with two roles, chosen by the name it is
// started under (as Argo CD's own multi-call binary does):
//
//   - as argocd-cmp-server it is Argo CD's cmp-server command, the process a
//     config management plugin sidecar runs;
//   - under any other name it is the test's driver: it runs the repo server's
//     manifest generation (reposerver/repository.Service.GenerateManifest) in
//     process against a git repository on disk, the code path an Application
//     refresh takes: checkout, source type detection (plugin discovery
//     included), the plugin environment, the call to the sidecar and the
//     parsing of what it returns.
//
// Driver usage:
//
//	argocdreal generate -repo GIT_DIR -path APP_PATH [-plugin NAME] [-log-level warn]
//
// It prints one JSON object on stdout: sourceType, revision and manifests
// (one JSON document per object) on success, or error when Argo CD refused the
// application. Exit status: 0 rendered, 3 Argo CD refused, 1 the driver itself
// failed, 2 usage. The plugin sockets are looked up in
// ARGOCD_PLUGINSOCKFILEPATH, as the repo server does.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sirupsen/logrus"
	"k8s.io/klog/v2"

	cmpserver "github.com/argoproj/argo-cd/v3/cmd/argocd-cmp-server/commands"
	"github.com/argoproj/argo-cd/v3/common"
	"github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	"github.com/argoproj/argo-cd/v3/reposerver/apiclient"
	reposervercache "github.com/argoproj/argo-cd/v3/reposerver/cache"
	"github.com/argoproj/argo-cd/v3/reposerver/metrics"
	"github.com/argoproj/argo-cd/v3/reposerver/repository"
	cacheutil "github.com/argoproj/argo-cd/v3/util/cache"
	argocli "github.com/argoproj/argo-cd/v3/util/cli"
	"github.com/argoproj/argo-cd/v3/util/git"
	argolog "github.com/argoproj/argo-cd/v3/util/log"
)

// The Application the driver stands for: examples/argocd/application.yaml.
const (
	appName      = "platform-vmcp"
	appNamespace = "toolhive"
	appProject   = "default"
	kubeVersion  = "1.33.0"
)

// Exit statuses of the driver.
const (
	exitFailed  = 1
	exitUsage   = 2
	exitRefused = 3
)

// apiVersions is what the controller would pass from the cluster's
// discovery; plugins see it as KUBE_API_VERSIONS.
var apiVersions = []string{"v1", "apps/v1", "batch/v1", "policy/v1", "rbac.authorization.k8s.io/v1", "networking.k8s.io/v1"}

// result is the driver's answer, one JSON object on stdout.
type result struct {
	SourceType string   `json:"sourceType,omitempty"`
	Revision   string   `json:"revision,omitempty"`
	Manifests  []string `json:"manifests,omitempty"`
	Error      string   `json:"error,omitempty"`
}

func main() {
	if filepath.Base(os.Args[0]) == common.CommandCMPServer {
		os.Exit(cmpServer())
	}
	os.Exit(driver(os.Args[1:]))
}

// cmpServer runs Argo CD's cmp-server command with the logging setup of
// Argo CD's own main (klog through logrus). Its main also turns gRPC's DNS
// SRV lookups off, but only grpclb turns them on, and this binary does not
// link it: util/grpc.DisableSRVLookups would panic here.
func cmpServer() int {
	klog.SetLogger(argolog.NewLogrusLogger(argolog.NewWithCurrentConfig()))
	cmd := cmpserver.NewCommand()
	cmd.SilenceUsage = true
	if err := cmd.Execute(); err != nil {
		return exitFailed
	}
	return 0
}

func driver(args []string) int {
	if len(args) == 0 || args[0] != "generate" {
		fmt.Fprintln(os.Stderr, "usage: argocdreal generate -repo GIT_DIR -path APP_PATH [-plugin NAME]\n"+
			"(started as argocd-cmp-server, this binary is Argo CD's cmp server)")
		return exitUsage
	}
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	repo := fs.String("repo", "", "git repository on disk (read through a file:// URL)")
	path := fs.String("path", "", "the Application's source path inside the repository")
	plugin := fs.String("plugin", "", "spec.source.plugin.name; empty lets Argo CD detect the source type")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after this long")
	level := fs.String("log-level", "warn", "the repo server's log level (its info level logs every git command)")
	if err := fs.Parse(args[1:]); err != nil {
		return exitUsage
	}
	if *repo == "" || *path == "" || fs.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "argocdreal generate: -repo and -path are required, and nothing else")
		return exitUsage
	}
	if _, err := logrus.ParseLevel(*level); err != nil {
		fmt.Fprintf(os.Stderr, "argocdreal generate: %v\n", err)
		return exitUsage
	}
	// As the repo server's command does: these also reach the loggers Argo
	// CD makes later from the environment (its git command tracing).
	argocli.SetLogFormat("text")
	argocli.SetLogLevel(*level)
	dir, err := filepath.Abs(*repo)
	if err != nil {
		fmt.Fprintf(os.Stderr, "argocdreal: %v\n", err)
		return exitFailed
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	res, err := generate(ctx, dir, *path, *plugin)
	status := 0
	if err != nil {
		var refused refusal
		if !errors.As(err, &refused) {
			fmt.Fprintf(os.Stderr, "argocdreal: %v\n", err)
			return exitFailed
		}
		res = result{Error: refused.Error()}
		status = exitRefused
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintf(os.Stderr, "argocdreal: writing the result: %v\n", err)
		return exitFailed
	}
	return status
}

// refusal is an error GenerateManifest returned: what an Application would
// show as its ComparisonError, as opposed to the driver failing to start.
type refusal struct{ err error }

func (r refusal) Error() string { return r.err.Error() }

// generate runs the repo server's GenerateManifest once, with an in-memory
// cache and a checkout root of its own, as a fresh repo server would.
func generate(ctx context.Context, repoDir, appPath, plugin string) (result, error) {
	root, err := os.MkdirTemp("", "argocdreal-reposerver-")
	if err != nil {
		return result{}, fmt.Errorf("checkout root: %w", err)
	}
	defer os.RemoveAll(root)

	cache := reposervercache.NewCache(cacheutil.NewCache(cacheutil.NewInMemoryCache(time.Hour)), time.Hour, time.Hour, 10*time.Second)
	svc := repository.NewService(metrics.NewMetricsServer(), cache,
		repository.RepoServerInitConstants{ParallelismLimit: 1}, &git.NoopCredsStore{}, root)
	if err := svc.Init(); err != nil {
		return result{}, fmt.Errorf("repo server init: %w", err)
	}

	url := "file://" + repoDir
	source := &v1alpha1.ApplicationSource{RepoURL: url, Path: appPath, TargetRevision: "HEAD"}
	if plugin != "" {
		source.Plugin = &v1alpha1.ApplicationSourcePlugin{Name: plugin}
	}
	req := &apiclient.ManifestRequest{
		Repo:               &v1alpha1.Repository{Repo: url},
		Revision:           "HEAD",
		NoCache:            true,
		AppName:            appName,
		Namespace:          appNamespace,
		ProjectName:        appProject,
		ProjectSourceRepos: []string{"*"},
		ApplicationSource:  source,
		KubeVersion:        kubeVersion,
		ApiVersions:        apiVersions,
	}
	resp, err := svc.GenerateManifest(ctx, req)
	if err != nil {
		return result{}, refusal{err}
	}
	return result{SourceType: resp.SourceType, Revision: resp.Revision, Manifests: resp.Manifests}, nil
}
