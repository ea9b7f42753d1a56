package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"snn/recordings"
)

const probeSpec = `name = "probe"
duration = "50 ms"
seed = 2

[populations.a]
model = "lif_delta"
size = 3
tau_m = "20 ms"
e_l = "-65 mV"
v_th = "-50 mV"
v_reset = "-70 mV"
v_init = "-55 mV"

[populations.b]
model = "lif_exp"
size = 2
tau_m = "20 ms"
e_l = "-65 mV"
v_th = "-50 mV"
v_reset = "-70 mV"
tau_e = "5 ms"
tau_i = "10 ms"

[inputs.g]
model = "spike_generator"
size = 1
spikes = [{ unit = 0, times = ["10 ms"] }]

[[projections]]
from = "g"
to = "b"
receptor = "excitatory"
rule = "all_to_all"
weight = "4 mV"
delay = "0 ms"

[[record.state]]
population = "a"
neurons = [0, 2]
interval = "1 ms"

[[record.state]]
population = "b"
neurons = [1]
variables = ["v", "ie"]
interval = "0.5 ms"
start = "5 ms"
stop = "30 ms"

[record.weights]
times = ["0 ms", "50 ms"]
`

// TestStateAndWeights records state and weights through snn run and checks them against
// closed forms: a lif_delta neuron without input relaxes as V = EL + (V0 - EL) e^{-t/tau_m};
// after one input of w at t0 a lif_exp neuron's current is w e^{-(t-t0)/tau_e} and its
// potential EL + w tau_e/(tau_e - tau_m) (e^{-s/tau_e} - e^{-s/tau_m}). Tolerance 1e-9 mV:
// the closed forms evaluated two ways agree to rounding (about 1e-14 mV).
func TestStateAndWeights(t *testing.T) {
	tmp := t.TempDir()
	specPath := filepath.Join(tmp, "probe.toml")
	os.WriteFile(specPath, []byte(probeSpec), 0o644)
	dir := filepath.Join(tmp, "run")
	if _, err := run(specPath, runFlags{out: dir}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	err := recordings.Read(dir, "state", nil, func(r recordings.StateRow) error {
		counts[r.Population+"/"+r.Variable]++
		s := float64(r.TimeNs) / 1e6
		var want float64
		switch {
		case r.Population == "a":
			want = -65 + 10*math.Exp(-s/20)
		case r.Variable == "ie" && s <= 10: // a sample at t precedes the events at t
			want = 0
		case r.Variable == "ie":
			want = 4 * math.Exp(-(s-10)/5)
		case s <= 10:
			want = -65
		default:
			want = -65 + 4*5.0/(5-20)*(math.Exp(-(s-10)/5)-math.Exp(-(s-10)/20))
		}
		if math.Abs(r.Value-want) > 1e-9 {
			t.Errorf("%s %d %s at %v ms: %v, closed form %v", r.Population, r.NodeIDs, r.Variable, s, r.Value, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// a: 2 neurons x 51 samples (0..50 ms); b: 1 neuron x 51 samples (5..30 ms by 0.5) per variable.
	if counts["a/v"] != 102 || counts["b/v"] != 51 || counts["b/ie"] != 51 {
		t.Errorf("state rows %v", counts)
	}
	snap := map[int64]int{}
	err = recordings.Read(dir, "weights", nil, func(r recordings.WeightRow) error {
		snap[r.TimeNs]++
		if r.Projection != "g->b" || r.Weight != 4 || r.Pre != 0 {
			t.Errorf("weight row %+v", r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap) != 2 || snap[0] != 2 || snap[50e6] != 2 {
		t.Errorf("weight snapshots %v", snap)
	}
	m, err := recordings.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Datasets["state"].Rows != 204 || m.Datasets["weights"].Rows != 4 {
		t.Errorf("manifest datasets %+v %+v", m.Datasets["state"], m.Datasets["weights"])
	}
	// snn analyze summarises the snapshots and draws their histogram.
	var out bytes.Buffer
	if err := analyze(dir, analyzeFlags{bin: "10 ms", psthBin: "5 ms", pairs: 1, tau: "10 ms", plots: true}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "weights g->b at 50 ms: 2 synapses, mean 4 mV") {
		t.Errorf("analysis lacks the weight summary:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "plots", "weights.png")); err != nil {
		t.Error(err)
	}
}
