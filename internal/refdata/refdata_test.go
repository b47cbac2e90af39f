package refdata

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vmcp-render/vmcp-render/internal/testpaths"
)

// TestTestdataMatchesShared is the sync check: when the team's shared/
// directory lies beside the repository, testdata/ must be its copy, so an
// update there is not missed. A lone clone has nothing to compare with.
func TestTestdataMatchesShared(t *testing.T) {
	root := testpaths.Root(t)
	shared := filepath.Join(filepath.Dir(root), "shared")
	if fi, err := os.Stat(filepath.Join(shared, "golden")); err != nil || !fi.IsDir() {
		t.Logf("no shared/ beside the repository (%s): nothing to compare testdata/ with", shared)
		return
	}
	diff, err := Diff(shared, filepath.Join(root, "testdata"))
	require.NoError(t, err)
	if len(diff) > 20 {
		diff = append(diff[:20], "...")
	}
	assert.Empty(t, diff, "testdata/ is not the copy of ../shared: run make testdata and commit the result")
}

// layout writes files (slash paths) under dir.
func layout(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, s := range files {
		f := filepath.Join(dir, filepath.FromSlash(p))
		require.NoError(t, os.MkdirAll(filepath.Dir(f), 0o755))
		require.NoError(t, os.WriteFile(f, []byte(s), 0o644))
	}
}

const spec = "intro\n**A. Minimal** text\nyaml\n## 3. The Deployment\nScenario C's Deployment x\n## 4. Other objects\n"

func sharedFiles() map[string]string {
	return map[string]string{
		"golden/README.md":                    "readme\n",
		"golden/pub-01/input.yaml":            "a: 1\n",
		"golden/pending/pub-02/input.yaml":    "b: 2\n",
		"crds/LICENSE":                        "license\n",
		"spec/upstream-behavior.md":           spec,
		"design/architecture.md":              "not copied\n",
		"tools/vmcp-build.sh":                 "not copied\n",
		"golden/pub-01/expected-v0.63.0.yaml": "c: 3\n",
	}
}

func copied() map[string]string {
	return map[string]string{
		"golden/README.md":                    "readme\n",
		"golden/pub-01/input.yaml":            "a: 1\n",
		"golden/pending/pub-02/input.yaml":    "b: 2\n",
		"crds/LICENSE":                        "license\n",
		"golden/pub-01/expected-v0.63.0.yaml": "c: 3\n",
		"spec/scenarios.md":                   "**A. Minimal** text\nyaml\n",
		"spec/scenario-c-deployment.md":       "Scenario C's Deployment x\n",
		"README.md":                           "the project's own\n",
	}
}

func TestDiff(t *testing.T) {
	cases := map[string]struct {
		reason string
		change func(files map[string]string)
		want   []string
	}{
		"Identical": {
			reason: "an exact copy (and a README of the project's own outside the copied trees) differs in nothing",
			change: func(map[string]string) {},
		},
		"OneByte": {
			reason: "one changed byte of a golden file is found",
			change: func(f map[string]string) { f["golden/pub-01/input.yaml"] = "a: 2\n" },
			want:   []string{"differs golden/pub-01/input.yaml"},
		},
		"Missing": {
			reason: "a case added in shared/ but not copied is found",
			change: func(f map[string]string) { delete(f, "golden/pending/pub-02/input.yaml") },
			want:   []string{"missing golden/pending/pub-02/input.yaml"},
		},
		"Stale": {
			reason: "a case that moved out of pending/ in shared/ leaves a stale copy",
			change: func(f map[string]string) { f["golden/pending/pub-01/input.yaml"] = "a: 1\n" },
			want:   []string{"stale golden/pending/pub-01/input.yaml"},
		},
		"Excerpt": {
			reason: "the spec's worked scenarios are compared as excerpts",
			change: func(f map[string]string) { f["spec/scenarios.md"] = "**A. Minimal** text\n" },
			want:   []string{"differs spec/scenarios.md"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			shared, testdata := t.TempDir(), t.TempDir()
			layout(t, shared, sharedFiles())
			files := copied()
			tc.change(files)
			layout(t, testdata, files)
			got, err := Diff(shared, testdata)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got, tc.reason)
		})
	}
}

func TestSync(t *testing.T) {
	shared, testdata := t.TempDir(), t.TempDir()
	layout(t, shared, sharedFiles())
	layout(t, testdata, map[string]string{
		"README.md":                        "the project's own\n",
		"golden/pub-01/input.yaml":         "old\n",
		"golden/pending/pub-09/input.yaml": "gone upstream\n",
	})
	changes, err := Sync(shared, testdata)
	require.NoError(t, err)
	assert.Contains(t, changes, "differs golden/pub-01/input.yaml")
	assert.Contains(t, changes, "stale golden/pending/pub-09/input.yaml")
	diff, err := Diff(shared, testdata)
	require.NoError(t, err)
	assert.Empty(t, diff, "a synced copy differs in nothing")
	_, err = os.Stat(filepath.Join(testdata, "golden", "pending", "pub-09"))
	assert.True(t, os.IsNotExist(err), "the emptied case directory is removed")
	b, err := os.ReadFile(filepath.Join(testdata, "README.md"))
	require.NoError(t, err)
	assert.Equal(t, "the project's own\n", string(b), "files outside the copied trees are left alone")
	for _, p := range []string{"design/architecture.md", "tools/vmcp-build.sh"} {
		_, err := os.Stat(filepath.Join(testdata, p))
		assert.True(t, os.IsNotExist(err), "%s is not reference data", p)
	}
}

func TestExcerptMarkersMissing(t *testing.T) {
	shared := t.TempDir()
	files := sharedFiles()
	files["spec/upstream-behavior.md"] = strings.Replace(spec, "## 3. The Deployment", "## 3. Renamed", 1)
	layout(t, shared, files)
	_, err := Plan(shared)
	assert.ErrorContains(t, err, `"## 3. The Deployment"`, "a renamed spec heading is reported, not copied to the end")
}
