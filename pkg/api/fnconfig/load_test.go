package fnconfig

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vmcp-render/vmcp-render/pkg/release"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const typedHeader = "apiVersion: fn.vmcp-render.dev/v1alpha1\nkind: VMCPRender\nmetadata:\n  name: render\n"

// problem is what a test expects of one finding: the field path, and a
// fragment of the message.
type problem struct {
	field, contains string
	value           any
}

func TestLoad(t *testing.T) {
	cases := map[string]struct {
		reason string
		config string // empty: no function config at all
		want   func(*Spec)
		probs  []problem
	}{
		"NoConfig": {
			reason: "kustomize and kpt may run the function without a config: every setting takes its default",
		},
		"EmptyTyped": {
			reason: "a VMCPRender without spec is all defaults",
			config: typedHeader,
		},
		"TypedAllSettings": {
			reason: "every setting of the typed config is read",
			config: typedHeader + `spec:
  mode: validate
  vmcpImage: registry.example.com:5000/team/vmcp:v0.62.0
  defaultImagePullSecrets: [pull-a, pull-b]
  defaultRedis:
    addr: redis.infra:6379
    secretName: redis-auth
    tls: {enabled: true, caSecretName: redis-ca, caSecretKey: ca.crt}
  platform: openshift
  absentSecrets: error
  hmacSecret: generate
  markConsumedLocalConfig: true
`,
			want: func(s *Spec) {
				s.Mode = ModeValidate
				s.VMCPImage = "registry.example.com:5000/team/vmcp:v0.62.0"
				s.DefaultImagePullSecrets = []string{"pull-a", "pull-b"}
				s.DefaultRedis = &DefaultRedis{Addr: "redis.infra:6379", SecretName: "redis-auth", SecretKey: "redis-password",
					TLS: &DefaultRedisTLS{Enabled: true, CASecretName: "redis-ca", CASecretKey: "ca.crt"}}
				s.Platform = PlatformOpenShift
				s.AbsentSecrets = AbsentError
				s.HMACSecret = HMACGenerate
				s.MarkConsumedLocalConfig = true
			},
		},
		"OrchestratorMetadataAccepted": {
			reason: "kustomize and kpt add annotations (and users add labels) to the config's metadata; metadata is not closed",
			config: `apiVersion: fn.vmcp-render.dev/v1alpha1
kind: VMCPRender
metadata:
  name: render
  labels: {team: platform}
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: ./vmcp-render
    config.kubernetes.io/local-config: "true"
  generation: 3
spec:
  mode: validate
`,
			want: func(s *Spec) { s.Mode = ModeValidate },
		},
		"UnknownSpecField": {
			reason: "a misspelt setting must not be silently ignored: it is an error at its path",
			config: typedHeader + "spec:\n  vmcpImages: ghcr.io/x/y:v1\n",
			probs:  []problem{{field: "spec.vmcpImages", contains: "unknown field"}},
		},
		"UnknownTopLevelField": {
			reason: "fields beside spec are unknown too (a common mistake is putting settings at the top level)",
			config: typedHeader + "mode: validate\n",
			probs:  []problem{{field: "mode", contains: "unknown field"}},
		},
		"UnknownNestedField": {
			reason: "nested objects are closed as well",
			config: typedHeader + "spec:\n  defaultRedis:\n    addr: r:6379\n    tls: {enabled: true, insecure: true}\n",
			probs:  []problem{{field: "spec.defaultRedis.tls.insecure", contains: "unknown field"}},
		},
		"BadEnumOnce": {
			reason: "an invalid enum is reported once, by the schema, with the value and the allowed values",
			config: typedHeader + "spec:\n  mode: dry-run\n",
			probs:  []problem{{field: "spec.mode", contains: "[render validate]", value: "dry-run"}},
		},
		"BadEnums": {
			reason: "every enum is checked",
			config: typedHeader + "spec:\n  platform: eks\n  absentSecrets: fail\n  hmacSecret: random\n",
			probs: []problem{
				{field: "spec.absentSecrets", contains: "[ignore warn error]", value: "fail"},
				{field: "spec.hmacSecret", contains: "[reference generate]", value: "random"},
				{field: "spec.platform", contains: "[kubernetes openshift]", value: "eks"},
			},
		},
		"WrongType": {
			reason: "a wrong type is reported at its path with the value as written",
			config: typedHeader + "spec:\n  markConsumedLocalConfig: \"yes\"\n",
			probs:  []problem{{field: "spec.markConsumedLocalConfig", contains: "boolean", value: "yes"}},
		},
		"WrongTypeInList": {
			reason: "list items are addressed with [i]",
			config: typedHeader + "spec:\n  defaultImagePullSecrets: [ok, 5]\n",
			probs:  []problem{{field: "spec.defaultImagePullSecrets[1]", contains: "string", value: "5"}},
		},
		"SpecNotAnObject": {
			reason: "a scalar spec is a type error, not a crash",
			config: typedHeader + "spec: validate\n",
			probs:  []problem{{field: "spec", contains: "object", value: "validate"}},
		},
		"BadImageSpace": {
			reason: "an image reference with a space cannot be pulled",
			config: typedHeader + "spec:\n  vmcpImage: ghcr.io/stacklok/toolhive/vmcp v0.62.0\n",
			probs:  []problem{{field: "spec.vmcpImage", contains: "not a valid image reference", value: "ghcr.io/stacklok/toolhive/vmcp v0.62.0"}},
		},
		"BadImageUpperCaseRepository": {
			reason: "repository paths are lower case",
			config: typedHeader + "spec:\n  vmcpImage: ghcr.io/Stacklok/vmcp:v1\n",
			probs:  []problem{{field: "spec.vmcpImage", contains: "not a valid image reference"}},
		},
		"BadImageEmptyTag": {
			reason: "a trailing colon is an empty tag",
			config: typedHeader + "spec:\n  vmcpImage: 'ghcr.io/stacklok/vmcp:'\n",
			probs:  []problem{{field: "spec.vmcpImage", contains: "not a valid image reference"}},
		},
		"BadImageShortDigest": {
			reason: "a digest must be a full hex hash",
			config: typedHeader + "spec:\n  vmcpImage: ghcr.io/stacklok/vmcp@sha256:abc\n",
			probs:  []problem{{field: "spec.vmcpImage", contains: "not a valid image reference"}},
		},
		"GoodImageDigest": {
			reason: "tag plus digest is a valid pinned reference",
			config: typedHeader + "spec:\n  vmcpImage: ghcr.io/stacklok/toolhive/vmcp:v0.62.0@sha256:" + strings.Repeat("ab", 32) + "\n",
			want: func(s *Spec) {
				s.VMCPImage = "ghcr.io/stacklok/toolhive/vmcp:v0.62.0@sha256:" + strings.Repeat("ab", 32)
			},
		},
		"GoodImageShortName": {
			reason: "a bare name (Docker Hub) is valid",
			config: typedHeader + "spec:\n  vmcpImage: vmcp\n",
			want:   func(s *Spec) { s.VMCPImage = "vmcp" },
		},
		"BadPullSecretName": {
			reason: "pull Secret names must be valid object names",
			config: typedHeader + "spec:\n  defaultImagePullSecrets: [ok, Not_OK]\n",
			probs:  []problem{{field: "spec.defaultImagePullSecrets[1]", contains: "not a valid Secret name", value: "Not_OK"}},
		},
		"RedisTLSWithoutAddr": {
			reason: "the operator refuses TLS without an address",
			config: typedHeader + "spec:\n  defaultRedis:\n    tls: {enabled: true}\n",
			probs:  []problem{{field: "spec.defaultRedis.addr", contains: "requires spec.defaultRedis.addr"}},
		},
		"RedisCAHalf": {
			reason: "a CA Secret name without its key is incomplete",
			config: typedHeader + "spec:\n  defaultRedis:\n    addr: r:6379\n    tls: {enabled: true, caSecretName: ca}\n",
			probs:  []problem{{field: "spec.defaultRedis.tls", contains: "must be set together"}},
		},
		"SchemaAndSemanticTogether": {
			reason: "schema errors do not hide the other problems: the user sees all of them at once",
			config: typedHeader + "spec:\n  mode: nope\n  bogus: 1\n  vmcpImage: 'Bad Image'\n",
			probs: []problem{
				{field: "spec.bogus", contains: "unknown field"},
				{field: "spec.mode", contains: "should be one of"},
				{field: "spec.vmcpImage", contains: "not a valid image reference"},
			},
		},
		"CommentedOutSpec": {
			reason: "spec: with every setting commented out is null in YAML; null means unset, not a type error",
			config: typedHeader + "spec:\n  # mode: validate\n",
		},
		"NullSettings": {
			reason: "a null setting (mode: ~) takes its default",
			config: typedHeader + "spec:\n  mode: ~\n  defaultRedis: null\n  markConsumedLocalConfig: null\n",
		},
		"TypeErrorOnce": {
			reason: "a list where a string belongs is one problem (the type), not also an enum failure",
			config: typedHeader + "spec:\n  mode: [render]\n",
			probs:  []problem{{field: "spec.mode", contains: "must be of type string"}},
		},
		"DuplicateKeys": {
			reason: "a key given twice is ambiguous: a problem at that key, not a panic nor one of the two silently",
			config: typedHeader + "spec: {mode: render, mode: validate}\n",
			probs:  []problem{{field: "spec.mode", contains: "appears twice"}},
		},
		"ConfigMapListValue": {
			reason: "a ConfigMap value of the wrong type (a list) is a problem, not ignored (kyaml's accessors read it as empty)",
			config: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fn}\ndata:\n  defaultImagePullSecrets: [a, b]\n",
			probs:  []problem{{field: "data.defaultImagePullSecrets", contains: "is a list, not a string"}},
		},
		"ConfigMapNumberValue": {
			reason: "a ConfigMap value that is a YAML number or boolean is refused by the API server; quoting it is the fix",
			config: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fn}\ndata:\n  markConsumedLocalConfig: true\n",
			probs:  []problem{{field: "data.markConsumedLocalConfig", contains: "quote it"}},
		},
		"OperatorVersionPinned": {
			reason: "a pinned older release selects that release's chart image",
			config: typedHeader + "spec: {operatorVersion: v0.62.0}\n",
			want: func(s *Spec) {
				s.OperatorVersion = "v0.62.0"
				s.VMCPImage = "ghcr.io/stacklok/toolhive/vmcp:v0.62.0"
			},
		},
		"OperatorVersionConfigMap": {
			reason: "kpt fn eval -- operatorVersion=v0.62.0",
			config: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fn}\ndata: {operatorVersion: v0.62.0}\n",
			want: func(s *Spec) {
				s.OperatorVersion = "v0.62.0"
				s.VMCPImage = "ghcr.io/stacklok/toolhive/vmcp:v0.62.0"
			},
		},
		"OperatorVersionImageOverride": {
			reason: "vmcpImage still overrides the release's image",
			config: typedHeader + "spec: {operatorVersion: v0.62.0, vmcpImage: registry.example.com/vmcp:custom}\n",
			want: func(s *Spec) {
				s.OperatorVersion = "v0.62.0"
				s.VMCPImage = "registry.example.com/vmcp:custom"
			},
		},
		"OperatorVersionOld": {
			reason: "a release that is not supported is an error naming the supported ones",
			config: typedHeader + "spec: {operatorVersion: v0.61.0}\n",
			probs:  []problem{{field: "spec.operatorVersion", contains: "supported: v0.62.0, v0.63.0", value: "v0.61.0"}},
		},
		"OperatorVersionLatest": {
			reason: "latest is not a release: the output must not move under a pinned user",
			config: typedHeader + "spec: {operatorVersion: latest}\n",
			probs:  []problem{{field: "spec.operatorVersion", contains: "supported: v0.62.0, v0.63.0", value: "latest"}},
		},
		"OperatorVersionNoV": {
			reason: "0.63.0 without the v is not the release tag",
			config: typedHeader + "spec: {operatorVersion: 0.63.0}\n",
			probs:  []problem{{field: "spec.operatorVersion", contains: "supported: v0.62.0, v0.63.0", value: "0.63.0"}},
		},
		"OperatorVersionNumber": {
			reason: "a number is a type error that still names the supported releases",
			config: typedHeader + "spec: {operatorVersion: 0.63}\n",
			probs:  []problem{{field: "spec.operatorVersion", contains: "supported: v0.62.0, v0.63.0"}},
		},
		"OperatorVersionConfigMapBad": {
			reason: "the ConfigMap form is checked the same way",
			config: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fn}\ndata: {operatorVersion: v0.64.0}\n",
			probs:  []problem{{field: "spec.operatorVersion", contains: "supported: v0.62.0, v0.63.0", value: "v0.64.0"}},
		},
		"WrongAPIVersion": {
			reason: "a VMCPRender of another version is refused, not guessed",
			config: "apiVersion: fn.vmcp-render.dev/v1\nkind: VMCPRender\n",
			probs:  []problem{{field: "apiVersion", contains: APIVersion, value: "fn.vmcp-render.dev/v1"}},
		},
		"WrongKind": {
			reason: "another kind as config is almost certainly a wiring mistake",
			config: "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n",
			probs:  []problem{{field: "kind", contains: "or a ConfigMap", value: "Secret"}},
		},
		"ConfigMapKptEval": {
			reason: "kpt fn eval -- key=value passes a ConfigMap; its keys are the spec fields",
			config: `apiVersion: v1
kind: ConfigMap
metadata: {name: function-input}
data:
  mode: validate
  vmcpImage: ghcr.io/stacklok/toolhive/vmcp:v0.61.0
  defaultImagePullSecrets: " a , b,,"
  absentSecrets: ignore
  hmacSecret: generate
  platform: openshift
  markConsumedLocalConfig: "true"
  defaultRedisAddr: r:6379
  defaultRedisSecretName: pw
  defaultRedisTLSEnabled: "true"
`,
			want: func(s *Spec) {
				s.Mode = ModeValidate
				s.VMCPImage = "ghcr.io/stacklok/toolhive/vmcp:v0.61.0"
				s.DefaultImagePullSecrets = []string{"a", "b"}
				s.AbsentSecrets = AbsentIgnore
				s.HMACSecret = HMACGenerate
				s.Platform = PlatformOpenShift
				s.MarkConsumedLocalConfig = true
				s.DefaultRedis = &DefaultRedis{Addr: "r:6379", SecretName: "pw", SecretKey: "redis-password", TLS: &DefaultRedisTLS{Enabled: true}}
			},
		},
		"ConfigMapUnknownKey": {
			reason: "an unknown ConfigMap key is an error at data.<key>",
			config: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  modes: validate\n",
			probs:  []problem{{field: "data.modes", contains: "unknown setting"}},
		},
		"ConfigMapBadEnumAndBool": {
			reason: "ConfigMap values are validated like the typed ones",
			config: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  mode: apply\n  markConsumedLocalConfig: sure\n",
			probs: []problem{
				{field: "data.markConsumedLocalConfig", contains: "true or false", value: "sure"},
				{field: "spec.mode", contains: "must be one of", value: "apply"},
			},
		},
		"ConfigMapBadImage": {
			reason: "the image check applies to the ConfigMap form too",
			config: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  vmcpImage: 'x y'\n",
			probs:  []problem{{field: "spec.vmcpImage", contains: "not a valid image reference"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var n *yaml.RNode
			if tc.config != "" {
				n = yaml.MustParse(tc.config)
			}
			got, probs := Load(n)

			require.Len(t, probs, len(tc.probs), "%s\nproblems: %+v", tc.reason, probs)
			for i, want := range tc.probs {
				assert.Equal(t, want.field, probs[i].Field, tc.reason)
				assert.Contains(t, probs[i].Message, want.contains, tc.reason)
				if want.value != nil {
					assert.Equal(t, want.value, probs[i].CurrentValue, tc.reason)
				}
			}
			if len(tc.probs) > 0 {
				return
			}
			want := Defaults()
			if tc.want != nil {
				tc.want(&want)
			}
			if len(got.DefaultImagePullSecrets) == 0 {
				got.DefaultImagePullSecrets = nil
			}
			assert.Equal(t, want, got, tc.reason)
		})
	}
}

func TestSchemaMatchesTypes(t *testing.T) {
	cases := map[string]struct {
		reason string
		typ    reflect.Type
		path   []string
	}{
		"Spec": {
			reason: "every Spec field is in the schema and nothing else, so no setting is refused as unknown or accepted unchecked",
			typ:    reflect.TypeOf(Spec{}), path: []string{"spec"},
		},
		"DefaultRedis": {
			reason: "the default Redis object matches its type",
			typ:    reflect.TypeOf(DefaultRedis{}), path: []string{"spec", "defaultRedis"},
		},
		"DefaultRedisTLS": {
			reason: "the default Redis TLS object matches its type",
			typ:    reflect.TypeOf(DefaultRedisTLS{}), path: []string{"spec", "defaultRedis", "tls"},
		},
		"Root": {
			reason: "the root lists the four object fields",
			typ:    reflect.TypeOf(VMCPRender{}), path: nil,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := Schema()
			for _, p := range tc.path {
				sub, ok := s.Properties[p]
				require.True(t, ok, "schema has no %s", p)
				s = &sub
			}
			require.NotNil(t, s.AdditionalProperties, tc.reason)
			assert.False(t, s.AdditionalProperties.Allows, "%s: object must be closed", tc.reason)
			var fields []string
			for i := 0; i < tc.typ.NumField(); i++ {
				fields = append(fields, strings.Split(tc.typ.Field(i).Tag.Get("json"), ",")[0])
			}
			var props []string
			for k := range s.Properties {
				props = append(props, k)
			}
			assert.ElementsMatch(t, fields, props, tc.reason)
		})
	}
}

func TestSchemaDefaultsMatchDefault(t *testing.T) {
	// The schema documents the defaults; Default() applies them. They must agree.
	props := Schema().Properties["spec"].Properties
	d := Defaults()
	cases := map[string]struct {
		reason string
		got    any
		want   any
	}{
		"mode":                    {reason: "mode default", got: props["mode"].Default, want: d.Mode},
		"operatorVersion":         {reason: "release default: the newest", got: props["operatorVersion"].Default, want: d.OperatorVersion},
		"vmcpImage":               {reason: "the image default follows operatorVersion, so the schema has none", got: props["vmcpImage"].Default, want: nil},
		"platform":                {reason: "platform default", got: props["platform"].Default, want: d.Platform},
		"absentSecrets":           {reason: "absent Secrets default", got: props["absentSecrets"].Default, want: d.AbsentSecrets},
		"hmacSecret":              {reason: "HMAC default", got: props["hmacSecret"].Default, want: d.HMACSecret},
		"workloadStatus":          {reason: "workload status default: derive", got: props["workloadStatus"].Default, want: d.WorkloadStatus},
		"markConsumedLocalConfig": {reason: "local-config default", got: props["markConsumedLocalConfig"].Default, want: d.MarkConsumedLocalConfig},
		"redisSecretKey": {reason: "Redis secret key default",
			got: props["defaultRedis"].Properties["secretKey"].Default,
			want: func() string {
				s := Spec{DefaultRedis: &DefaultRedis{SecretName: "x"}}
				s.Default()
				return s.DefaultRedis.SecretKey
			}()},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.got, tc.reason)
		})
	}
}

func TestFrameworkHooks(t *testing.T) {
	// The typed config implements kyaml's hooks, so any framework processor
	// (not only Load) validates it the same way.
	var c any = &VMCPRender{}
	_, isSchema := c.(framework.ValidationSchemaProvider)
	_, isDefaulter := c.(framework.Defaulter)
	_, isValidator := c.(framework.Validator)
	assert.True(t, isSchema && isDefaulter && isValidator, "VMCPRender must implement the schema, default and validate hooks")

	cases := map[string]struct {
		reason  string
		config  string
		wantErr string
	}{
		"Valid": {
			reason: "a valid config loads and is defaulted",
			config: typedHeader + "spec: {mode: validate}\n",
		},
		"Unknown": {
			reason:  "the schema hook rejects unknown fields",
			config:  typedHeader + "spec: {moed: validate}\n",
			wantErr: "spec.moed",
		},
		"Semantic": {
			reason:  "the validate hook reports semantic problems",
			config:  typedHeader + "spec: {vmcpImage: 'a b'}\n",
			wantErr: "spec.vmcpImage",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var got VMCPRender
			err := framework.LoadFunctionConfig(yaml.MustParse(tc.config), &got)
			if tc.wantErr == "" {
				require.NoError(t, err, tc.reason)
				assert.Equal(t, release.Newest().VMCPImage, got.Spec.VMCPImage, tc.reason)
				return
			}
			require.Error(t, err, tc.reason)
			assert.Contains(t, err.Error(), tc.wantErr, tc.reason)
		})
	}
}
