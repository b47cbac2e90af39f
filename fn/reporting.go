package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"

	"github.com/vmcp-render/vmcp-render/pkg/report"
)

// usageError is a bad command line: exit 2, before any input is read, so
// that a CI step with a typo in its flags fails loudly and writes nothing.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }

// reporting is where results go besides the output: --results-format and
// --results-file.
type reporting struct {
	format, file string
	stderr       io.Writer
	// locate gives a result's source line and column (standalone mode,
	// where the function read the files); nil otherwise.
	locate func(*framework.Result) (int, int)
}

// check refuses a bad format, sarif without a file, and a file that cannot
// be written (its directory must exist and take a new file).
func (r *reporting) check() error {
	if !slices.Contains(report.Formats, r.format) {
		return usageError{fmt.Errorf("--results-format %q: use one of %s", r.format, strings.Join(report.Formats, ", "))}
	}
	if r.format == report.FormatSARIF && r.file == "" {
		return usageError{errors.New("--results-format sarif needs --results-file PATH (the SARIF log is a file for the code scanning upload)")}
	}
	if r.file == "" {
		return nil
	}
	f, err := os.CreateTemp(filepath.Dir(r.file), ".vmcp-render-results-*")
	if err != nil {
		return usageError{fmt.Errorf("--results-file %s cannot be written: %w", r.file, err)}
	}
	f.Close()
	return os.Remove(f.Name())
}

// emit writes the results: text lines or workflow commands on stderr (kustomize
// shows only stderr), and the chosen format to --results-file, written
// whole or not at all.
func (r *reporting) emit(rs framework.Results) error {
	located := make([]report.Located, len(rs))
	for i, x := range rs {
		located[i] = report.Located{Result: x}
		if r.locate != nil {
			located[i].Line, located[i].Column = r.locate(x)
		}
	}
	var lines strings.Builder
	for _, l := range located {
		if r.format == report.FormatGitHub {
			lines.WriteString(report.GitHub(l))
		} else {
			lines.WriteString(report.Text(l))
		}
		lines.WriteByte('\n')
	}
	if _, err := io.WriteString(r.stderr, lines.String()); err != nil {
		return err
	}
	if r.file == "" {
		return nil
	}
	content := []byte(lines.String())
	if r.format == report.FormatSARIF {
		var err error
		if content, err = report.SARIF(located, version); err != nil {
			return err
		}
	}
	return writeAtomic(r.file, content)
}

// writeAtomic writes a file through a temporary file in its directory and
// a rename, so a reader never sees a partial file.
func writeAtomic(name string, content []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".vmcp-render-results-*")
	if err != nil {
		return fmt.Errorf("--results-file: %w", err)
	}
	_, werr := f.Write(content)
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(f.Name())
		return fmt.Errorf("--results-file %s: %w", name, errors.Join(werr, cerr))
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), name); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("--results-file %s: %w", name, err)
	}
	return nil
}
