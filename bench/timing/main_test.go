package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCountItems(t *testing.T) {
	cases := map[string]struct {
		reason string
		doc    string
		want   int
	}{
		"list": {"entries at column 0 are items; nested lists are not", `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  data:
    list:
    - a
- apiVersion: v1
  kind: Secret
functionConfig:
  items:
  - not an item
results:
- message: not an item
`, 2},
		"empty": {"an empty list has no entries", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n", 0},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "out.yaml")
			require.NoError(t, os.WriteFile(p, []byte(tc.doc), 0o600))
			got, err := countItems(p)
			require.NoError(t, err)
			require.Equal(t, tc.want, got, tc.reason)
		})
	}
}

func TestMedian(t *testing.T) {
	cases := map[string]struct {
		reason string
		in     []time.Duration
		want   time.Duration
	}{
		"odd":      {"the middle value, whatever the order", []time.Duration{5, 1, 3}, 3},
		"even":     {"the mean of the two middle values", []time.Duration{4, 1, 2, 3}, 2},
		"outliers": {"one slow run does not move it", []time.Duration{10, 11, 12, 1000, 9}, 11},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			in := append([]time.Duration(nil), tc.in...)
			require.Equal(t, tc.want, median(tc.in), tc.reason)
			require.Equal(t, in, tc.in, "the input is not reordered")
		})
	}
}

func TestRunRejectsBadArguments(t *testing.T) {
	cases := map[string]struct {
		reason string
		args   []string
	}{
		"no sizes":     {"at least one size is needed", nil},
		"not a number": {"sizes are integers", []string{"ten"}},
		"not positive": {"a list with no server measures nothing", []string{"0"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			require.Error(t, run("render", "noop", 1, tc.args, io.Discard), tc.reason)
		})
	}
}

func TestRunFailsOnFailingBinary(t *testing.T) {
	// A function that fails must stop the benchmark with an error.
	err := run("/bin/false", "/bin/true", 1, []string{"1"}, io.Discard)
	require.ErrorContains(t, err, "vmcp-render, 1 servers")
}
