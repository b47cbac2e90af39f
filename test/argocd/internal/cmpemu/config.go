package cmpemu

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	sigsyaml "sigs.k8s.io/yaml"
)

// Command is one plugin command; it runs as Command followed by Args
// (cmpserver/plugin/config.go).
type Command struct {
	Command []string `json:"command,omitempty"`
	Args    []string `json:"args,omitempty"`
}

func (c Command) argv() []string {
	return append(append([]string{}, c.Command...), c.Args...)
}

// PluginConfig is the sidecar's plugin.yaml, with the fields
// cmpserver/plugin/config.go reads.
type PluginConfig struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Version  string  `json:"version"`
		Init     Command `json:"init,omitempty"`
		Generate Command `json:"generate"`
		Discover struct {
			Find struct {
				Command
				Glob string `json:"glob"`
			} `json:"find"`
			FileName string `json:"fileName"`
		} `json:"discover"`
		Parameters struct {
			Static  []json.RawMessage `json:"static"`
			Dynamic Command           `json:"dynamic"`
		} `json:"parameters"`
		PreserveFileMode bool `json:"preserveFileMode,omitempty"`
		ProvideGitCreds  bool `json:"provideGitCreds,omitempty"`
	} `json:"spec"`
}

// ReadPluginConfig reads configDir/plugin.yaml as the cmp server does at
// start (cmpserver/plugin/config.go ReadPluginConfig: YAML to JSON, a lax
// decode, then ValidatePluginConfig's checks and messages).
func ReadPluginConfig(configDir string) (*PluginConfig, error) {
	path := strings.TrimRight(configDir, "/") + "/plugin.yaml"
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	j, err := sigsyaml.YAMLToJSON(b)
	if err != nil {
		return nil, err
	}
	var c PluginConfig
	if err := json.Unmarshal(j, &c); err != nil {
		return nil, err
	}
	if c.Metadata.Name == "" {
		return nil, errors.New("invalid plugin configuration file. metadata.name should be non-empty")
	}
	if c.Kind != "ConfigManagementPlugin" {
		return nil, fmt.Errorf("invalid plugin configuration file. kind should be %s, found %s", "ConfigManagementPlugin", c.Kind)
	}
	if len(c.Spec.Generate.Command) == 0 {
		return nil, errors.New("invalid plugin configuration file. spec.generate command should be non-empty")
	}
	return &c, nil
}

// SocketName is the file the cmp server listens on, which is how the repo
// server finds a plugin by name: <name>.sock, or <name>-<version>.sock
// (cmpserver/plugin/config.go Address).
func (c *PluginConfig) SocketName() string {
	if c.Spec.Version != "" {
		return c.Metadata.Name + "-" + c.Spec.Version + ".sock"
	}
	return c.Metadata.Name + ".sock"
}

func (c *PluginConfig) discoveryConfigured() bool {
	d := c.Spec.Discover
	return d.FileName != "" || d.Find.Glob != "" || len(d.Find.Command.Command) > 0
}

// EnvEntry is one name/value pair (pkg/apis/application/v1alpha1 EnvEntry).
type EnvEntry struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Parameter is one entry of spec.source.plugin.parameters. Map and array
// sit behind pointers so that "present but empty" differs from "absent",
// as in pkg/apis/application/v1alpha1/types.go.
type Parameter struct {
	Name   string  `json:"name,omitempty"`
	String *string `json:"string,omitempty"`
	*OptionalMap
	*OptionalArray
}

// OptionalMap is a map parameter's value.
type OptionalMap struct {
	Map map[string]string `json:"map"`
}

// OptionalArray is an array parameter's value.
type OptionalArray struct {
	Array []string `json:"array"`
}

// MarshalJSON writes a parameter as ARGOCD_APP_PARAMETERS carries it: an
// empty map or array stays {} or [] (types.go
// ApplicationSourcePluginParameter.MarshalJSON).
func (p Parameter) MarshalJSON() ([]byte, error) {
	out := map[string]any{"name": p.Name}
	if p.String != nil {
		out["string"] = *p.String
	}
	if p.OptionalMap != nil {
		if p.Map == nil {
			out["map"] = map[string]string{}
		} else {
			out["map"] = p.Map
		}
	}
	if p.OptionalArray != nil {
		if p.Array == nil {
			out["array"] = []string{}
		} else {
			out["array"] = p.Array
		}
	}
	return json.Marshal(out)
}

// SourcePlugin is spec.source.plugin of an Application.
type SourcePlugin struct {
	Name       string      `json:"name,omitempty"`
	Env        []EnvEntry  `json:"env,omitempty"`
	Parameters []Parameter `json:"parameters,omitempty"`
}

// Application holds the fields of an Argo CD Application that reach a
// plugin.
type Application struct {
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Project string `json:"project"`
		Source  struct {
			RepoURL        string        `json:"repoURL"`
			Path           string        `json:"path"`
			TargetRevision string        `json:"targetRevision"`
			Plugin         *SourcePlugin `json:"plugin,omitempty"`
		} `json:"source"`
		Destination struct {
			Namespace string `json:"namespace"`
		} `json:"destination"`
	} `json:"spec"`
}

// ReadApplication reads an Application manifest (one document).
func ReadApplication(path string) (*Application, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var a Application
	if err := sigsyaml.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if a.Metadata.Name == "" {
		return nil, fmt.Errorf("%s: the Application has no metadata.name", path)
	}
	return &a, nil
}
