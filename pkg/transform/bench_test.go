package transform

import (
	"bytes"
	"sync"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	benchfixture "github.com/vmcp-render/vmcp-render/bench/fixture"
	"github.com/vmcp-render/vmcp-render/pkg/authserver"
	"github.com/vmcp-render/vmcp-render/pkg/podspec"
	"github.com/vmcp-render/vmcp-render/pkg/resolve"
	"github.com/vmcp-render/vmcp-render/pkg/vmcpconfig"
	"github.com/vmcp-render/vmcp-render/pkg/vmcpconfig/convert"
	"github.com/vmcp-render/vmcp-render/pkg/workload"
)

// The stage benchmarks run on the same 1,000-server ResourceList as
// hack/bench.sh. Each stage gets its input prepared outside the timer, so
// together they show where a render's time and allocations go (reading and
// writing the whole ResourceList are benchmarked in fn/):
//
//	go test -run '^$' -bench . -benchmem ./pkg/transform/
const benchServers = 1000

var benchInput = sync.OnceValue(func() []byte { return benchfixture.ResourceList(benchServers) })

// readItems parses the ResourceList the way the kyaml fn framework does.
func readItems(tb testing.TB, in []byte) []*yaml.RNode {
	tb.Helper()
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(in), KeepReaderAnnotations: true}
	items, err := rw.Read()
	if err != nil {
		tb.Fatal(err)
	}
	return items
}

func decoded(tb testing.TB, items []*yaml.RNode) *pipeline {
	tb.Helper()
	p := newPipeline(items, nil, benchfixture.Spec())
	for i, n := range items {
		p.decode(i, n)
	}
	if len(p.servers) != benchServers || len(p.rs) != 0 {
		tb.Fatalf("decoded %d servers with %d results, want %d and none", len(p.servers), len(p.rs), benchServers)
	}
	return p
}

// converted is what the serialize stage starts from.
type converted struct {
	rs  *resolve.Server
	cfg *vmcpconfig.Config
	rc  *authserver.RunConfig
	pod *podspec.Pod
}

func convertAll(tb testing.TB, p *pipeline) []converted {
	tb.Helper()
	out := make([]converted, 0, len(p.servers))
	for _, s := range p.servers {
		rs := p.ix.Server(s.vmcp, s.ref, s.ns)
		o := convert.Convert(rs, p.spec)
		if o.Failed {
			tb.Fatalf("%s: conversion failed: %v", s.vmcp.Name, o.Findings)
		}
		oidc := o.Config.IncomingAuth.OIDC
		rc, err := authserver.Build(authserver.Input{Namespace: s.ns, Name: s.vmcp.Name, Config: s.vmcp.Spec.AuthServerConfig,
			AllowedAudiences: []string{oidc.Resource}, ScopesSupported: oidc.Scopes, ResourceURL: oidc.Resource})
		if err != nil {
			tb.Fatal(err)
		}
		pod, err := podspec.Build(rs, p.spec)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, converted{rs: rs, cfg: o.Config, rc: rc, pod: pod})
	}
	return out
}

// BenchmarkRead is the floor: kyaml parsing the ResourceList.
func BenchmarkRead(b *testing.B) {
	in := benchInput()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		readItems(b, in)
	}
}

// BenchmarkDecode turns every item into a typed object or Secret/ConfigMap
// data and indexes it.
func BenchmarkDecode(b *testing.B) {
	items := readItems(b, benchInput())
	b.ReportAllocs()
	for b.Loop() {
		decoded(b, items)
	}
}

// BenchmarkResolve scopes the index to each server and looks up everything
// it references: group members, OIDC, authz and external auth configs, and
// the Secrets its pod needs.
func BenchmarkResolve(b *testing.B) {
	p := decoded(b, readItems(b, benchInput()))
	b.ReportAllocs()
	for b.Loop() {
		found := 0
		for _, s := range p.servers {
			rs := p.ix.Server(s.vmcp, s.ref, s.ns)
			found += len(rs.Workloads())
			spec := s.vmcp.Spec
			for _, ref := range []struct{ kind, name string }{
				{"MCPGroup", rs.Group()},
				{"MCPOIDCConfig", spec.IncomingAuth.OIDCConfigRef.Name},
				{"MCPAuthzConfig", spec.IncomingAuth.AuthzConfigRef.Name},
				{"MCPExternalAuthConfig", spec.OutgoingAuth.Default.ExternalAuthConfigRef.Name},
			} {
				if _, ok := rs.Object(ref.kind, ref.name); ok {
					found++
				}
			}
			for _, be := range spec.OutgoingAuth.Backends {
				if _, ok := rs.Object("MCPExternalAuthConfig", be.ExternalAuthConfigRef.Name); ok {
					found++
				}
			}
			for _, name := range []string{"as-keys", "as-hmac", "github-oauth-app", "redis-acl", "sts-client"} {
				if _, ok := rs.Secret(name); ok {
					found++
				}
			}
		}
		if want := benchServers * 12; found != want {
			b.Fatalf("resolved %d references, want %d", found, want)
		}
	}
}

// BenchmarkConvert builds config.yaml's model, the auth server RunConfig and
// the pod's env and volumes for every server.
func BenchmarkConvert(b *testing.B) {
	p := decoded(b, readItems(b, benchInput()))
	b.ReportAllocs()
	for b.Loop() {
		convertAll(b, p)
	}
}

// BenchmarkSerialize writes both config documents once, builds the objects
// (checksums hash the same bytes) and turns them into YAML nodes.
func BenchmarkSerialize(b *testing.B) {
	p := decoded(b, readItems(b, benchInput()))
	cs := convertAll(b, p)
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cs {
			cfg, err := vmcpconfig.Marshal(c.cfg)
			if err != nil {
				b.Fatal(err)
			}
			rc, err := vmcpconfig.MarshalYAML(c.rc)
			if err != nil {
				b.Fatal(err)
			}
			objs, err := workload.Build(workload.Params{Name: c.rs.Name(), Namespace: c.rs.Namespace, Image: p.spec.VMCPImage,
				Env: c.pod.Env, Volumes: c.pod.Volumes, VolumeMounts: c.pod.VolumeMounts,
				ConfigData: map[string]string{"config.yaml": string(cfg), "authserver-config.yaml": string(rc)}})
			if err != nil {
				b.Fatal(err)
			}
			for _, o := range objs.All() {
				if _, err := toNode(o); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}

// BenchmarkRender is the whole pipeline on parsed items.
func BenchmarkRender(b *testing.B) {
	items := readItems(b, benchInput())
	spec := benchfixture.Spec()
	b.ReportAllocs()
	for b.Loop() {
		out, rs := Render(items, spec)
		if len(rs) != 0 || len(out) != benchServers*(benchfixture.ItemsPerCase+benchfixture.GeneratedPerCase) {
			b.Fatalf("got %d items and %d results", len(out), len(rs))
		}
	}
}
