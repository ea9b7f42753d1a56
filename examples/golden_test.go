package examples_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"snn/sim"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.txt with the current digests")

// TestGolden pins the spikes of short seeded runs of every example: a change to any
// model, rule, stream or order that alters a single spike time by one nanosecond changes
// a digest. Intentional changes are recorded with go test ./examples -run Golden -update.
// The digests are those of amd64; architectures where Go fuses multiply-adds (arm64,
// ppc64, s390x) round differently and may differ in the last nanosecond.
func TestGolden(t *testing.T) {
	var b strings.Builder
	for _, name := range []string{"cuba", "cubadv", "demo"} {
		net := build(t, name, 1, 300*sim.Millisecond)
		c := &collector{}
		net.Engine.Observe(c)
		net.Engine.Run(net.Duration)
		fmt.Fprintf(&b, "%s %d %s\n", name, len(c.s), digest(c.s))
	}
	path := filepath.Join("testdata", "golden.txt")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("spike digests changed:\n got: %s\nwant: %s", got, want)
	}
}
