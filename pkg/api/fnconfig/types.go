// Package fnconfig is the function config of vmcp-render: the operator-level
// settings the ToolHive operator reads from its environment, and the choices
// an offline renderer has to make that the operator does not.
package fnconfig

import "github.com/vmcp-render/vmcp-render/pkg/release"

const (
	// APIVersion and Kind of the typed function config.
	APIVersion = "fn.vmcp-render.dev/v1alpha1"
	Kind       = "VMCPRender"

	// defaultRedisSecretKey is the operator's key for the default Redis password.
	defaultRedisSecretKey = "redis-password"
)

// Modes.
const (
	ModeRender   = "render"
	ModeValidate = "validate"
)

// Policies for Secrets and ConfigMaps that are referenced but absent.
const (
	AbsentIgnore = "ignore"
	AbsentWarn   = "warn"
	AbsentError  = "error"
)

// HMAC Secret handling.
const (
	HMACReference = "reference"
	HMACGenerate  = "generate"
)

// Where workload statuses come from.
const (
	// WorkloadStatusDerive: a workload without status gets the one its
	// controller writes once it runs (pkg/status); a status in the input wins.
	WorkloadStatusDerive = "derive"
	// WorkloadStatusInput: only statuses in the input count.
	WorkloadStatusInput = "input"
)

// Platforms.
const (
	PlatformKubernetes = "kubernetes"
	PlatformOpenShift  = "openshift"
)

// VMCPRender is the typed function config.
type VMCPRender struct {
	APIVersion string   `json:"apiVersion,omitempty" yaml:"apiVersion,omitempty"`
	Kind       string   `json:"kind,omitempty" yaml:"kind,omitempty"`
	Metadata   Metadata `json:"metadata,omitempty" yaml:"metadata,omitempty"`
	Spec       Spec     `json:"spec,omitempty" yaml:"spec,omitempty"`
}

// Metadata is the config object's metadata; only the name is meaningful.
type Metadata struct {
	Name        string            `json:"name,omitempty" yaml:"name,omitempty"`
	Namespace   string            `json:"namespace,omitempty" yaml:"namespace,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty" yaml:"annotations,omitempty"`
	Labels      map[string]string `json:"labels,omitempty" yaml:"labels,omitempty"`
}

// Spec holds every setting.
type Spec struct {
	// Mode is render (emit objects and results) or validate (results only).
	Mode string `json:"mode,omitempty" yaml:"mode,omitempty"`
	// OperatorVersion is the ToolHive operator release to render for (see
	// pkg/release); default the newest supported. Users pin it to the
	// release their cluster runs.
	OperatorVersion string `json:"operatorVersion,omitempty" yaml:"operatorVersion,omitempty"`
	// VMCPImage is the operator's VMCP_IMAGE; default the release's chart's.
	VMCPImage string `json:"vmcpImage,omitempty" yaml:"vmcpImage,omitempty"`
	// DefaultImagePullSecrets is the operator's TOOLHIVE_DEFAULT_IMAGE_PULL_SECRETS.
	DefaultImagePullSecrets []string `json:"defaultImagePullSecrets,omitempty" yaml:"defaultImagePullSecrets,omitempty"`
	// DefaultRedis is the operator's TOOLHIVE_DEFAULT_REDIS_* session storage fallback.
	DefaultRedis *DefaultRedis `json:"defaultRedis,omitempty" yaml:"defaultRedis,omitempty"`
	// Platform is kubernetes or openshift (the operator's OPERATOR_OPENSHIFT).
	Platform string `json:"platform,omitempty" yaml:"platform,omitempty"`
	// AbsentSecrets says what a reference to a Secret or ConfigMap that is not
	// in the ResourceList gives: ignore, warn or error. Many users keep
	// Secrets out of Git, so the default is warn.
	AbsentSecrets string `json:"absentSecrets,omitempty" yaml:"absentSecrets,omitempty"`
	// HMACSecret is reference (default: the Deployment references
	// <name>-hmac-secret and the function warns when it is absent) or
	// generate (emit a random Secret; output is then not deterministic).
	HMACSecret string `json:"hmacSecret,omitempty" yaml:"hmacSecret,omitempty"`
	// WorkloadStatus is derive (default) or input: where the status of an
	// MCPServer, MCPRemoteProxy or EmbeddingServer comes from when the
	// input, as kept in Git, holds none.
	WorkloadStatus string `json:"workloadStatus,omitempty" yaml:"workloadStatus,omitempty"`
	// MarkConsumedLocalConfig marks the ToolHive resources that were rendered
	// config.kubernetes.io/local-config: "true" so kustomize drops them.
	MarkConsumedLocalConfig bool `json:"markConsumedLocalConfig,omitempty" yaml:"markConsumedLocalConfig,omitempty"`
}

// DefaultRedis is the global session storage fallback of the operator.
type DefaultRedis struct {
	Addr       string `json:"addr,omitempty" yaml:"addr,omitempty"`
	SecretName string `json:"secretName,omitempty" yaml:"secretName,omitempty"`
	// SecretKey defaults to redis-password when SecretName is set.
	SecretKey string           `json:"secretKey,omitempty" yaml:"secretKey,omitempty"`
	TLS       *DefaultRedisTLS `json:"tls,omitempty" yaml:"tls,omitempty"`
}

// DefaultRedisTLS is TLS for the global default Redis.
type DefaultRedisTLS struct {
	Enabled      bool   `json:"enabled,omitempty" yaml:"enabled,omitempty"`
	CASecretName string `json:"caSecretName,omitempty" yaml:"caSecretName,omitempty"`
	CASecretKey  string `json:"caSecretKey,omitempty" yaml:"caSecretKey,omitempty"`
}

// Default fills unset settings with the operator chart's defaults.
func (s *Spec) Default() {
	if s.Mode == "" {
		s.Mode = ModeRender
	}
	if s.OperatorVersion == "" {
		s.OperatorVersion = release.Newest().Version
	}
	if s.VMCPImage == "" {
		s.VMCPImage = s.Release().VMCPImage
	}
	if s.Platform == "" {
		s.Platform = PlatformKubernetes
	}
	if s.AbsentSecrets == "" {
		s.AbsentSecrets = AbsentWarn
	}
	if s.HMACSecret == "" {
		s.HMACSecret = HMACReference
	}
	if s.WorkloadStatus == "" {
		s.WorkloadStatus = WorkloadStatusDerive
	}
	if r := s.DefaultRedis; r != nil && r.SecretName != "" && r.SecretKey == "" {
		r.SecretKey = defaultRedisSecretKey
	}
}

// Release is the operator release selected, the newest when the setting
// is not a supported one (Validate reports that).
func (s *Spec) Release() release.Release {
	if r, ok := release.Lookup(s.OperatorVersion); ok {
		return r
	}
	return release.Newest()
}

// Defaults returns a Spec with every default applied.
func Defaults() Spec {
	var s Spec
	s.Default()
	return s
}
