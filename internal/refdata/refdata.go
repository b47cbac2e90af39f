// Package refdata keeps testdata/ in step with the reference data the
// project's tests are built on: the real operator's golden cases, the
// upstream CRDs and the worked scenarios of the behaviour spec. The source is
// a shared/ directory laid beside the repository by the team's CI; the
// repository holds a copy so a lone clone can run every test. `make testdata`
// writes the copy (Sync) and TestTestdataMatchesShared fails when it drifts
// (Diff).
package refdata

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Trees are copied whole, file for file, to the same relative path.
var Trees = []string{"golden", "crds"}

// Excerpt is a part of a shared document copied on its own: the text from
// the line holding Start up to (not including) the line holding End.
type Excerpt struct {
	From, To   string // file in shared/, file in testdata/
	Start, End string
}

// Excerpts are the spec's worked scenarios, which the real reconciler
// verified byte for byte (pkg/transform/scenario_test.go reads them).
var Excerpts = []Excerpt{
	{From: "spec/upstream-behavior.md", To: "spec/scenarios.md", Start: "**A. Minimal**", End: "## 3. The Deployment"},
	{From: "spec/upstream-behavior.md", To: "spec/scenario-c-deployment.md", Start: "Scenario C's Deployment", End: "## 4. Other objects"},
}

// Managed are the testdata/ directories Sync owns: a file there that the
// plan does not hold is stale. Anything else in testdata/ (its README) is
// the project's own.
func Managed() []string {
	dirs := append([]string{}, Trees...)
	for _, e := range Excerpts {
		dirs = append(dirs, strings.Split(e.To, "/")[0])
	}
	slices.Sort(dirs)
	return slices.Compact(dirs)
}

// Plan is what testdata/ must hold for the given shared/ directory: file
// path (slash-separated, relative to testdata/) to content.
func Plan(shared string) (map[string][]byte, error) {
	plan := map[string][]byte{}
	for _, tree := range Trees {
		root := filepath.Join(shared, tree)
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.Type().IsRegular() {
				return nil
			}
			rel, err := filepath.Rel(shared, p)
			if err != nil {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			plan[filepath.ToSlash(rel)] = b
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", root, err)
		}
	}
	for _, e := range Excerpts {
		b, err := os.ReadFile(filepath.Join(shared, e.From))
		if err != nil {
			return nil, err
		}
		text, err := excerpt(string(b), e.Start, e.End)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.From, err)
		}
		plan[e.To] = []byte(text)
	}
	return plan, nil
}

// excerpt cuts whole lines: from the start of the line holding start to the
// start of the first later line holding end.
func excerpt(text, start, end string) (string, error) {
	i := strings.Index(text, start)
	if i < 0 {
		return "", fmt.Errorf("no line holds %q", start)
	}
	i = strings.LastIndex(text[:i], "\n") + 1
	j := strings.Index(text[i+len(start):], end)
	if j < 0 {
		return "", fmt.Errorf("no line after %q holds %q", start, end)
	}
	j += i + len(start)
	j = strings.LastIndex(text[:j], "\n") + 1
	return text[i:j], nil
}

// Diff lists, sorted, how testdata/ differs from the plan for shared/:
// "missing P", "differs P" or "stale P" per file.
func Diff(shared, testdata string) ([]string, error) {
	plan, err := Plan(shared)
	if err != nil {
		return nil, err
	}
	return diff(plan, testdata)
}

func diff(plan map[string][]byte, testdata string) ([]string, error) {
	have, err := managedFiles(testdata)
	if err != nil {
		return nil, err
	}
	var out []string
	for p, want := range plan {
		got, ok := have[p]
		switch {
		case !ok:
			out = append(out, "missing "+p)
		case !bytes.Equal(got, want):
			out = append(out, "differs "+p)
		}
	}
	for p := range have {
		if _, ok := plan[p]; !ok {
			out = append(out, "stale "+p)
		}
	}
	sort.Strings(out)
	return out, nil
}

// Sync makes testdata/ hold exactly the plan in its managed directories and
// returns what it changed, as Diff words it.
func Sync(shared, testdata string) ([]string, error) {
	plan, err := Plan(shared)
	if err != nil {
		return nil, err
	}
	changes, err := diff(plan, testdata)
	if err != nil {
		return nil, err
	}
	for _, c := range changes {
		word, p, _ := strings.Cut(c, " ")
		target := filepath.Join(testdata, filepath.FromSlash(p))
		if word == "stale" {
			if err := os.Remove(target); err != nil {
				return nil, err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(target, plan[p], 0o644); err != nil {
			return nil, err
		}
	}
	return changes, removeEmptyDirs(testdata)
}

// managedFiles reads every regular file under the managed directories of
// testdata/ (absent directories hold nothing).
func managedFiles(testdata string) (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, dir := range Managed() {
		root := filepath.Join(testdata, dir)
		if _, err := os.Stat(root); os.IsNotExist(err) {
			continue
		}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(testdata, p)
			if err != nil {
				return err
			}
			b, err := os.ReadFile(p)
			files[filepath.ToSlash(rel)] = b
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

// removeEmptyDirs drops directories a removed case left empty (a case that
// moved from golden/pending/ up one level).
func removeEmptyDirs(testdata string) error {
	for _, dir := range Managed() {
		var dirs []string
		root := filepath.Join(testdata, dir)
		if _, err := os.Stat(root); os.IsNotExist(err) {
			continue
		}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, p)
			}
			return err
		})
		if err != nil {
			return err
		}
		for i := len(dirs) - 1; i >= 0; i-- {
			if entries, err := os.ReadDir(dirs[i]); err == nil && len(entries) == 0 {
				if err := os.Remove(dirs[i]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
