package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/kube-openapi/pkg/validation/spec"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
	"github.com/vmcp-render/vmcp-render/pkg/results"
)

type readmeRule struct{ severity, doc string }

var (
	ruleRow  = regexp.MustCompile("^\\| (`[a-z0-9-]+`(?:, `[a-z0-9-]+`)*) \\| ([^|]+) \\| (.+) \\|$")
	ruleName = regexp.MustCompile("`([a-z0-9-]+)`")
)

// readmeRules reads the rule tables of the README's results reference: rows
// whose first cell lists rules in backquotes.
func readmeRules(t *testing.T, text string) map[string]readmeRule {
	t.Helper()
	start := strings.Index(text, "\n## Results reference")
	require.GreaterOrEqual(t, start, 0, "the README has no results reference")
	section := text[start+1:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	out := map[string]readmeRule{}
	for _, l := range strings.Split(section, "\n") {
		m := ruleRow.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		for _, n := range ruleName.FindAllStringSubmatch(m[1], -1) {
			_, dup := out[n[1]]
			require.False(t, dup, "rule %s has two rows", n[1])
			out[n[1]] = readmeRule{severity: strings.TrimSpace(m[2]), doc: strings.TrimSpace(m[3])}
		}
	}
	return out
}

func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	require.NoError(t, err)
	return string(b)
}

// schemaLeaves lists the dotted paths of the schema's leaf properties.
func schemaLeaves(prefix string, s spec.Schema) []string {
	if len(s.Properties) == 0 {
		return []string{prefix}
	}
	var out []string
	for k, p := range s.Properties {
		out = append(out, schemaLeaves(prefix+"."+k, p)...)
	}
	sort.Strings(out)
	return out
}

func TestReadme(t *testing.T) {
	text := readme(t)
	// Backticked words: where the README names rules, fields and keys.
	ticked := map[string]bool{}
	for _, m := range regexp.MustCompile("`([^`\n]+)`").FindAllStringSubmatch(text, -1) {
		ticked[m[1]] = true
	}

	t.Run("TopCommands", func(t *testing.T) {
		// The first thing a reader sees stays the two make targets.
		want := "# vmcp-render\n\n```sh\n" +
			"make example   # render examples/kustomization with the real kustomize and print it (installs kustomize if missing)\n" +
			"make test      # every test CI runs: unit + golden, examples, e2e against the real vMCP, fuzz and bench smoke\n```\n"
		assert.True(t, strings.HasPrefix(text, want), "README must start with the two commands")
	})

	t.Run("ResultsReferenceIsTheDeclaredRules", func(t *testing.T) {
		// The README's results reference and pkg/results/rules.go say the
		// same: each declared rule has a row with its severity and doc, and
		// each row names declared rules.
		rows := readmeRules(t, text)
		require.Greater(t, len(rows), 40, "the README's rule tables are read")
		for _, r := range results.Rules() {
			row, ok := rows[r.Name()]
			if !assert.True(t, ok, "rule %s is declared but not in the README's results reference", r.Name()) {
				continue
			}
			assert.True(t, strings.HasPrefix(row.severity, string(r.Severity())), "rule %s: the README says %q, the declaration %s", r.Name(), row.severity, r.Severity())
			assert.Equal(t, r.Doc(), row.doc, "rule %s: the README's doc and the declaration's differ", r.Name())
		}
		for name := range rows {
			_, ok := results.Lookup(name)
			assert.True(t, ok, "the README documents rule %s, which is not declared in pkg/results/rules.go", name)
		}
	})

	t.Run("EveryConfigFieldDocumented", func(t *testing.T) {
		for _, leaf := range schemaLeaves("", fnconfig.Schema().Properties["spec"]) {
			assert.True(t, ticked["spec"+leaf], "function config field spec%s is not in the README", leaf)
		}
	})

	t.Run("DocumentedConfigMapKeysWork", func(t *testing.T) {
		// The second column of the config table: each key is a setting the
		// ConfigMap form accepts.
		rows := regexp.MustCompile("(?m)^\\| `spec\\.[^`]+` \\| `([A-Za-z]+)`").FindAllStringSubmatch(text, -1)
		require.NotEmpty(t, rows)
		for _, r := range rows {
			n := yaml.MustParse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {}\n")
			require.NoError(t, n.LoadMapIntoConfigMapData(map[string]string{r[1]: "x"}))
			_, probs := fnconfig.Load(n)
			for _, p := range probs {
				assert.NotContains(t, p.Message, "unknown setting", "documented ConfigMap key %s", r[1])
			}
		}
		assert.Len(t, rows, len(schemaLeaves("", fnconfig.Schema().Properties["spec"])), "one row per setting")
	})

	t.Run("ConfigSnippetsValid", func(t *testing.T) {
		// Every VMCPRender the README shows is a valid function config.
		blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(text, -1)
		n := 0
		for _, b := range blocks {
			if !strings.Contains(b[1], "kind: VMCPRender") {
				continue
			}
			n++
			_, probs := fnconfig.Load(yaml.MustParse(b[1]))
			assert.Empty(t, probs, "README snippet:\n%s", b[1])
		}
		assert.GreaterOrEqual(t, n, 3)
	})

	t.Run("LocalLinksExist", func(t *testing.T) {
		for _, m := range regexp.MustCompile(`\]\(([^)#]+)(#[^)]*)?\)`).FindAllStringSubmatch(text, -1) {
			if strings.Contains(m[1], "://") {
				continue
			}
			_, err := os.Stat(filepath.Join(repoRoot(t), m[1]))
			assert.NoError(t, err, "README links to %s", m[1])
		}
	})
}

// TestReleaseImageReferences checks that the docs and examples name the
// function image one way: the same semver tag everywhere, never latest; and
// that no file names a path of the machine it was written on.
func TestReleaseImageReferences(t *testing.T) {
	root := repoRoot(t)
	files := []string{filepath.Join(root, "README.md"), filepath.Join(root, "Dockerfile"), filepath.Join(root, "fn", "command.go")}
	require.NoError(t, filepath.WalkDir(filepath.Join(root, "examples"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	}))
	ref := regexp.MustCompile(`ghcr\.io/vmcp-render/vmcp-render(:[^\s"'\x60)]*)?`)
	tags := map[string][]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		rel, _ := filepath.Rel(root, f)
		for _, m := range ref.FindAllStringSubmatch(string(b), -1) {
			tag := strings.TrimPrefix(m[1], ":")
			if tag == "" || strings.HasPrefix(tag, "$") || strings.HasPrefix(tag, "<") {
				continue // the bare repository, or a templated tag
			}
			tag, _, _ = strings.Cut(tag, "@")
			tags[tag] = append(tags[tag], rel)
		}
		for _, bad := range []string{"/work/", "/root/", "/home/"} {
			if strings.Contains(string(b), bad) && !(bad == "/home/" && strings.Contains(string(b), "/home/argocd/")) {
				t.Errorf("%s names a machine path (%s)", rel, bad)
			}
		}
	}
	require.NotEmpty(t, tags)
	assert.Len(t, tags, 1, "one release tag everywhere: %v", tags)
	for tag, where := range tags {
		assert.Regexp(t, `^v\d+\.\d+\.\d+$`, tag, "semver release tags only (never latest): %v", where)
	}
}
