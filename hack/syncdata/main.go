// Command syncdata copies the reference data the tests use from shared/
// (beside the repository, where the team's CI lays it) into testdata/
// (make testdata). It prints each file it adds, changes or removes.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vmcp-render/vmcp-render/internal/refdata"
)

func main() {
	shared := flag.String("shared", filepath.Join("..", "shared"), "the shared reference directory")
	testdata := flag.String("testdata", "testdata", "the repository's testdata directory")
	flag.Parse()
	if fi, err := os.Stat(filepath.Join(*shared, "golden")); err != nil || !fi.IsDir() {
		fmt.Fprintf(os.Stderr, "syncdata: no golden/ in %s: nothing to copy from (pass -shared DIR)\n", *shared)
		os.Exit(1)
	}
	changes, err := refdata.Sync(*shared, *testdata)
	if err != nil {
		fmt.Fprintf(os.Stderr, "syncdata: %v\n", err)
		os.Exit(1)
	}
	for _, c := range changes {
		fmt.Println(c)
	}
	fmt.Printf("syncdata: testdata/ matches %s (%d files changed)\n", *shared, len(changes))
}
