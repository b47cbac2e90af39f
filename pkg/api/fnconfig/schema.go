package fnconfig

import (
	"strings"

	"k8s.io/kube-openapi/pkg/validation/spec"

	"github.com/vmcp-render/vmcp-render/pkg/release"
)

// Schema returns the OpenAPI v3 schema of the VMCPRender function config.
// Every object except metadata is closed (additionalProperties: false), so a
// misspelt setting is an error instead of being silently ignored; enums and
// defaults come from the same constants the code uses. A new schema is built
// on each call because callers may mutate it.
func Schema() *spec.Schema {
	str := func(desc string) spec.Schema {
		return *spec.StringProperty().WithDescription(desc)
	}
	enum := func(desc, def string, values ...string) spec.Schema {
		s := spec.StringProperty().WithDescription(desc).WithDefault(def)
		for _, v := range values {
			s.Enum = append(s.Enum, v)
		}
		return *s
	}
	closed := func(desc string, props map[string]spec.Schema) spec.Schema {
		s := &spec.Schema{}
		s.Typed("object", "")
		s.WithDescription(desc).WithProperties(props)
		s.AdditionalProperties = &spec.SchemaOrBool{Allows: false}
		return *s
	}

	tls := closed("TLS to the default Redis (TOOLHIVE_DEFAULT_REDIS_TLS_*).", map[string]spec.Schema{
		"enabled":      *spec.BooleanProperty().WithDescription("Connect to Redis over TLS.").WithDefault(false),
		"caSecretName": str("Secret holding the CA bundle; needs enabled: true and caSecretKey."),
		"caSecretKey":  str("Key of the CA bundle in caSecretName."),
	})
	redis := closed("Session storage fallback for servers without spec.sessionStorage (TOOLHIVE_DEFAULT_REDIS_*).", map[string]spec.Schema{
		"addr":       str("Redis address, host:port."),
		"secretName": str("Secret holding the Redis password."),
		"secretKey":  *spec.StringProperty().WithDescription("Key of the password in secretName.").WithDefault(defaultRedisSecretKey),
		"tls":        tls,
	})
	specSchema := closed("Settings of the render.", map[string]spec.Schema{
		"mode": enum("render emits the objects and the results; validate emits only the results.",
			ModeRender, ModeRender, ModeValidate),
		"operatorVersion": *spec.StringProperty().WithDescription("ToolHive operator release to render for: " +
			strings.Join(release.Versions(), ", ") + "; default the newest. Pin the release your cluster runs.").WithDefault(release.Newest().Version),
		"vmcpImage": *spec.StringProperty().WithDescription("vMCP image of the Deployments (the operator's VMCP_IMAGE); default the image of operatorVersion's chart."),
		"defaultImagePullSecrets": *spec.ArrayProperty(spec.StringProperty()).
			WithDescription("Image pull Secrets added to every Deployment (TOOLHIVE_DEFAULT_IMAGE_PULL_SECRETS)."),
		"defaultRedis": redis,
		"platform": enum("kubernetes, or openshift for OpenShift's security context defaults (OPERATOR_OPENSHIFT).",
			PlatformKubernetes, PlatformKubernetes, PlatformOpenShift),
		"absentSecrets": enum("What a reference to a Secret or ConfigMap missing from the input gives.",
			AbsentWarn, AbsentIgnore, AbsentWarn, AbsentError),
		"hmacSecret": enum("reference the <name>-hmac-secret Secret, or generate a random one (non-deterministic output).",
			HMACReference, HMACReference, HMACGenerate),
		"workloadStatus": enum("derive: an MCPServer, MCPRemoteProxy or EmbeddingServer without status gets the one its controller writes once it runs; input: only statuses in the input count.",
			WorkloadStatusDerive, WorkloadStatusDerive, WorkloadStatusInput),
		"markConsumedLocalConfig": *spec.BooleanProperty().
			WithDescription(`Annotate the rendered ToolHive resources config.kubernetes.io/local-config: "true".`).WithDefault(false),
	})
	// metadata stays open: orchestrators add their own annotations and fields.
	meta := spec.Schema{}
	meta.Typed("object", "")

	root := closed("Function config of vmcp-render.", map[string]spec.Schema{
		"apiVersion": str(APIVersion),
		"kind":       str(Kind),
		"metadata":   meta,
		"spec":       specSchema,
	})
	return &root
}
