// Command timing compares the whole vmcp-render process with the no-op kyaml
// function on the same generated ResourceLists. The two run alternately (the
// order flips every round, so drift in machine load hits both alike); it
// prints the median wall time, CPU time (user + system) and peak RSS of each
// and their ratios. Time means wall time in the targets.
//
//	timing -render bin/vmcp-render -noop bin/noop 1 100 1000
//
// It exits non-zero when a run fails or its output is not what the fixture
// implies; it never fails on the numbers themselves.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vmcp-render/vmcp-render/bench/fixture"
)

// Targets of issue 6, checked at 1,000 servers.
const (
	targetN         = 1000
	maxTimeRatio    = 1.3
	maxRSSRatio     = 1.5
	scaleFrom       = 100
	maxScaleRatio   = 11.0
	outputHeadLines = 20
)

type sample struct {
	wall time.Duration
	// cpu is user + system time; it moves less than wall time when other
	// work competes for the CPUs.
	cpu time.Duration
	rss int64 // bytes
}

type result struct {
	n            int
	render, noop []sample
}

func main() {
	render := flag.String("render", "", "vmcp-render binary")
	noop := flag.String("noop", "", "no-op function binary")
	runs := flag.Int("runs", 7, "timed runs of each binary per size")
	flag.Parse()
	if err := run(*render, *noop, *runs, flag.Args(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(render, noop string, runs int, args []string, out io.Writer) error {
	if render == "" || noop == "" || len(args) == 0 || runs < 1 {
		return errors.New("usage: timing -render BIN -noop BIN [-runs N] SIZE...")
	}
	var sizes []int
	for _, a := range args {
		n, err := strconv.Atoi(a)
		if err != nil || n < 1 {
			return fmt.Errorf("size %q is not a positive integer", a)
		}
		sizes = append(sizes, n)
	}
	dir, err := os.MkdirTemp("", "vmcp-render-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	fmt.Fprintf(out, "machine: %s\n", machine())
	fmt.Fprintf(out, "input: the bench/fixture case (%d items, %d generated) copied into N namespaces; %d alternating runs each\n\n",
		fixture.ItemsPerCase, fixture.GeneratedPerCase, runs)
	var all []result
	for _, n := range sizes {
		in := filepath.Join(dir, fmt.Sprintf("in-%d.yaml", n))
		if err := os.WriteFile(in, fixture.ResourceList(n), 0o600); err != nil {
			return err
		}
		// One untimed run of each checks the output and warms the page cache.
		if err := verify(render, in, n*(fixture.ItemsPerCase+fixture.GeneratedPerCase), dir); err != nil {
			return fmt.Errorf("vmcp-render, %d servers: %w", n, err)
		}
		if err := verify(noop, in, n*fixture.ItemsPerCase, dir); err != nil {
			return fmt.Errorf("no-op, %d servers: %w", n, err)
		}
		r := result{n: n}
		for i := range runs {
			order := []string{render, noop}
			if i%2 == 1 {
				order = []string{noop, render}
			}
			for _, bin := range order {
				s, err := timeRun(bin, in)
				if err != nil {
					return fmt.Errorf("%s, %d servers: %w", filepath.Base(bin), n, err)
				}
				if bin == render {
					r.render = append(r.render, s)
				} else {
					r.noop = append(r.noop, s)
				}
			}
		}
		all = append(all, r)
	}
	report(out, all)
	return nil
}

// verify runs bin once and checks that it succeeds and writes the expected
// number of items. Results on stderr are shown: the fixture is meant to
// render cleanly, so any result means the benchmark input needs a look.
func verify(bin, in string, wantItems int, dir string) error {
	outPath := filepath.Join(dir, "out.yaml")
	f, err := os.Create(outPath)
	if err != nil {
		return err
	}
	stdin, err := os.Open(in)
	if err != nil {
		f.Close()
		return err
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, f, &stderr
	err = cmd.Run()
	stdin.Close()
	f.Close()
	if err != nil {
		return fmt.Errorf("%v\n%s", err, head(stderr.String()))
	}
	if stderr.Len() > 0 {
		fmt.Fprintf(os.Stderr, "note: %s reported results on the benchmark input:\n%s\n", filepath.Base(bin), head(stderr.String()))
	}
	got, err := countItems(outPath)
	if err != nil {
		return err
	}
	if got != wantItems {
		return fmt.Errorf("wrote %d items, want %d", got, wantItems)
	}
	return nil
}

// countItems counts the entries of the top-level items: list of a
// ResourceList as kyaml writes it (list entries at column 0).
func countItems(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	n, inItems := 0, false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "items:":
			inItems = true
		case inItems && strings.HasPrefix(line, "- "):
			n++
		case inItems && line != "" && line[0] != ' ' && line[0] != '-':
			inItems = false
		}
	}
	return n, sc.Err()
}

// timeRun runs bin with in on stdin and output discarded, and returns its
// wall time and peak RSS.
func timeRun(bin, in string) (sample, error) {
	stdin, err := os.Open(in)
	if err != nil {
		return sample{}, err
	}
	defer stdin.Close()
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return sample{}, err
	}
	defer devnull.Close()
	var stderr bytes.Buffer
	cmd := exec.Command(bin)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, devnull, &stderr
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("%v\n%s", err, head(stderr.String()))
	}
	ps := cmd.ProcessState
	return sample{wall: wall, cpu: ps.UserTime() + ps.SystemTime(), rss: maxRSS(ps)}, nil
}

func maxRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return int64(ru.Maxrss) // bytes on macOS
	}
	return int64(ru.Maxrss) * 1024 // KiB on Linux
}

func median[T int64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func medians(ss []sample) (wall, cpu time.Duration, rss int64) {
	walls := make([]time.Duration, len(ss))
	cpus := make([]time.Duration, len(ss))
	rsss := make([]int64, len(ss))
	for i, s := range ss {
		walls[i], cpus[i], rsss[i] = s.wall, s.cpu, s.rss
	}
	return median(walls), median(cpus), median(rsss)
}

func report(out io.Writer, all []result) {
	fmt.Fprintln(out, "| servers | vmcp-render time | no-op time | time ratio | vmcp-render CPU | no-op CPU | CPU ratio | vmcp-render peak RSS | no-op peak RSS | RSS ratio |")
	fmt.Fprintln(out, "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	byN := map[int]time.Duration{}
	byNNoop := map[int]time.Duration{}
	var target *[2]float64
	for _, r := range all {
		rt, rc, rr := medians(r.render)
		nt, nc, nr := medians(r.noop)
		tRatio, mRatio := float64(rt)/float64(nt), float64(rr)/float64(nr)
		fmt.Fprintf(out, "| %d | %s | %s | %.2f× | %s | %s | %.2f× | %s | %s | %.2f× |\n", r.n, ms(rt), ms(nt), tRatio,
			ms(rc), ms(nc), float64(rc)/float64(nc), mib(rr), mib(nr), mRatio)
		byN[r.n], byNNoop[r.n] = rt, nt
		if r.n == targetN {
			target = &[2]float64{tRatio, mRatio}
		}
	}
	fmt.Fprintln(out)
	scale := 0.0
	if a, ok := byN[scaleFrom]; ok {
		if b, ok := byN[targetN]; ok {
			scale = float64(b) / float64(a)
			fmt.Fprintf(out, "time %d/%d servers: vmcp-render %.2f×, no-op %.2f×\n", targetN, scaleFrom, scale, float64(byNNoop[targetN])/float64(byNNoop[scaleFrom]))
		}
	}
	if target == nil {
		return
	}
	fmt.Fprintf(out, "target at %d servers: time ≤ %.1f× no-op: %s (%.2f×)\n", targetN, maxTimeRatio, verdict(target[0] <= maxTimeRatio), target[0])
	fmt.Fprintf(out, "target at %d servers: peak RSS ≤ %.1f× no-op: %s (%.2f×)\n", targetN, maxRSSRatio, verdict(target[1] <= maxRSSRatio), target[1])
	if scale > 0 {
		fmt.Fprintf(out, "target: time %d/%d servers ≤ %.0f×: %s (%.2f×)\n", targetN, scaleFrom, maxScaleRatio, verdict(scale <= maxScaleRatio), scale)
	}
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// machine describes where the numbers come from: CPU model, CPU count, memory
// and Go version.
func machine() string {
	cpu, mem := "unknown CPU", ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "MemTotal:" {
				if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					mem = fmt.Sprintf(", %.1f GiB RAM", float64(kb)/(1<<20))
				}
			}
		}
	}
	return fmt.Sprintf("%s, %d CPUs%s, %s %s/%s", cpu, runtime.NumCPU(), mem, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// head keeps the first lines of a process's stderr for an error message.
func head(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > outputHeadLines {
		lines = append(lines[:outputHeadLines], fmt.Sprintf("... (%d more lines)", len(lines)-outputHeadLines))
	}
	return strings.Join(lines, "\n")
}
