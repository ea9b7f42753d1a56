package spec_test

import (
	"strings"
	"testing"

	"snn/examples"
	"snn/sim/spec"
)

// fuzzLimit keeps fuzzed specs from allocating large networks: Build must refuse
// anything estimated above it before allocating.
const fuzzLimit = 64 << 20

// FuzzDecodeBuild feeds arbitrary text to Decode and Build: neither may panic, an error
// always says something, and a network that builds is runnable (positive duration, one
// group per engine population, within the memory limit). Run it with
//
//	go test -fuzz FuzzDecodeBuild -fuzztime 60s ./sim/spec/
func FuzzDecodeBuild(f *testing.F) {
	for _, name := range examples.Names() {
		b, _ := examples.Get(name)
		f.Add(b)
	}
	f.Add([]byte(minimal))
	for _, e := range [][2]string{
		{`tau_m = "20 ms"`, `tau_m = "1e308 h"`},
		{`duration = "100 ms"`, `duration = "1e300 h"`},
		{"p = 0.5", "p = nan"},
		{"pairs = [[0, 1], [1, 9]]", "pairs = [[0], [1, 9, 3], []]"},
		{"k = 3\n", "k = 9223372036854775807\n"},
		{"size = 20\n", "size = -20\n"},
		{`model = "lif_exp"`, `model = "lif_delta"`},
		{`weight = "-30 pA"`, `weight = { normal = { mean = "-1 pA", sd = "1e300 pA", max = "0 pA" } }`},
		{`delay = "1 ms"`, `delay = { uniform = ["0 ms", "1e12 ms"] }`},
		{`spikes = [{ unit = 1, times = ["1 ms", "2 ms"] }]`, `spikes = [{ unit = 2147483648, times = ["-0 ms"] }]`},
		{"[record]", "[record.spikes]"},
		{`v_init = { uniform = ["-70 mV", "-50 mV"] }`, `v_init = { normal = { mean = "-60 mV", sd = "0 mV", min = "0 mV", max = "0 mV" } }`},
	} {
		f.Add([]byte(strings.Replace(minimal, e[0], e[1], 1)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := spec.Decode("fuzz.toml", data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("Decode failed with an empty message")
			}
			return
		}
		net, err := spec.Build(s, spec.Options{MemoryLimit: fuzzLimit})
		if err != nil {
			if err.Error() == "" {
				t.Fatal("Build failed with an empty message")
			}
			return
		}
		if net.Duration <= 0 {
			t.Fatalf("built with duration %v", net.Duration)
		}
		if len(net.Groups) != net.Engine.Groups() {
			t.Fatalf("%d groups, engine has %d", len(net.Groups), net.Engine.Groups())
		}
		if net.EstimatedBytes > fuzzLimit {
			t.Fatalf("built %d estimated bytes above the limit", net.EstimatedBytes)
		}
		for _, g := range net.Groups {
			if g.Size <= 0 {
				t.Fatalf("group %q of size %d", g.Name, g.Size)
			}
		}
	})
}
