package readout_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"snn/readout"
	"snn/sim"
)

// poissonTask draws one presentation of the synthetic task: each of classes classes owns
// per inputs of its own, which fire at hi Hz when it is shown; every other input fires at
// lo Hz. The spikes are Poisson over present, sorted by time.
func poissonTask(r *rand.Rand, dst []readout.DCSpike, class, classes, per int, hi, lo float64, present sim.Time) []readout.DCSpike {
	dst = dst[:0]
	for in := range classes * per {
		rate := lo
		if in/per == class {
			rate = hi
		}
		for t := r.ExpFloat64() / rate * 1e9; t < float64(present); t += r.ExpFloat64() / rate * 1e9 {
			dst = append(dst, readout.DCSpike{T: sim.Time(t), Neuron: int32(in)})
		}
	}
	slices.SortFunc(dst, func(a, b readout.DCSpike) int {
		switch {
		case a.T < b.T:
			return -1
		case a.T > b.T:
			return 1
		}
		return int(a.Neuron - b.Neuron)
	})
	return dst
}

// synthConfig is the configuration of the synthetic task (10 classes of 10 inputs each,
// 20 Hz against 2 Hz): the defaults, with initial weights and exploration scaled to its
// dense input (about 140 spikes per presentation instead of Diehl & Cook's 10-20).
func synthConfig() readout.RSTDPConfig {
	cfg := readout.DefaultRSTDP(100, 10)
	cfg.Neuron.TauM = 20
	cfg.Rule.APlus, cfg.Rule.AMinus, cfg.Rule.WMax = 3e-4, 1.5e-4, 10
	cfg.WInit.A, cfg.WInit.B = 2.4, 3.6
	cfg.Inhibition = 40
	cfg.Noise, cfg.NoiseWeight = 30, 6
	cfg.Critic = 0.1
	return cfg
}

// runSynthetic trains r on train presentations of the synthetic task drawn from seed, then
// returns the answers to test fresh ones (Predict) and their accuracy.
func runSynthetic(t testing.TB, r *readout.RSTDP, train, test int, seed uint64) ([]int, float64) {
	t.Helper()
	const classes, per = 10, 10
	present := r.Config().Present
	rng := rand.New(rand.NewPCG(seed, 4))
	var buf []readout.DCSpike
	for range train {
		y := rng.IntN(classes)
		buf = poissonTask(rng, buf, y, classes, per, 20, 2, present)
		if _, err := r.Train(buf, y); err != nil {
			t.Fatal(err)
		}
	}
	answers := make([]int, test)
	ok := 0
	for i := range test {
		y := rng.IntN(classes)
		buf = poissonTask(rng, buf, y, classes, per, 20, 2, present)
		p, err := r.Predict(buf)
		if err != nil {
			t.Fatal(err)
		}
		answers[i] = p
		if p == y {
			ok++
		}
	}
	return answers, float64(ok) / float64(test)
}

// TestRSTDPSynthetic: each class drives its own 10 of 100 inputs at 20 Hz over a 2 Hz
// background; after 1000 rewarded presentations the readout must answer at least 80 % of
// 300 fresh ones (chance 10 %; over seeds 3-8 the same run gives 88-100 %, mean 95 %).
func TestRSTDPSynthetic(t *testing.T) {
	r, err := readout.NewRSTDP(synthConfig())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, acc := runSynthetic(t, r, 1000, 300, 3)
	t.Logf("test accuracy %.3f after 1000 presentations (%v)", acc, time.Since(start))
	if acc < 0.8 {
		t.Errorf("test accuracy %.3f, want at least 0.8", acc)
	}
}

// TestRSTDPDeterministic: two readouts with the same seed answer alike, presentation for
// presentation; another seed draws other initial weights.
func TestRSTDPDeterministic(t *testing.T) {
	cfg := synthConfig()
	var runs [][]int
	for range 2 {
		r, _ := readout.NewRSTDP(cfg)
		a, _ := runSynthetic(t, r, 200, 100, 7)
		runs = append(runs, a)
	}
	if !slices.Equal(runs[0], runs[1]) {
		t.Errorf("same seed, different answers:\n%v\n%v", runs[0], runs[1])
	}
	cfg.Seed = 2
	r1, _ := readout.NewRSTDP(synthConfig())
	r2, _ := readout.NewRSTDP(cfg)
	if r1.Weight(0, 0) == r2.Weight(0, 0) && r1.Weight(5, 3) == r2.Weight(5, 3) {
		t.Errorf("seeds 1 and 2 drew the same initial weights")
	}
}

// TestRSTDPMarshal: a readout restored from a checkpoint taken after training continues
// exactly as the original: the same answers and the same weights, bit for bit, through
// more training and prediction.
func TestRSTDPMarshal(t *testing.T) {
	cfg := synthConfig()
	a, _ := readout.NewRSTDP(cfg)
	runSynthetic(t, a, 150, 10, 11)
	b, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	c, _ := readout.NewRSTDP(cfg)
	if err := c.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if c.Presented() != a.Presented() {
		t.Errorf("restored %d presentations, saved %d", c.Presented(), a.Presented())
	}
	ansA, _ := runSynthetic(t, a, 100, 50, 12)
	ansC, _ := runSynthetic(t, c, 100, 50, 12)
	if !slices.Equal(ansA, ansC) {
		t.Errorf("answers after restoring differ:\n%v\n%v", ansA, ansC)
	}
	for in := range cfg.Inputs {
		for o := range cfg.Classes {
			if wa, wc := a.Weight(in, o), c.Weight(in, o); wa != wc {
				t.Fatalf("weight %d->%d: %v, restored %v", in, o, wa, wc)
			}
		}
	}
	other := cfg
	other.Classes = 5
	d, _ := readout.NewRSTDP(other)
	if err := d.UnmarshalBinary(b); err == nil {
		t.Errorf("a readout of 5 classes accepted the state of one of 10")
	}
	if err := c.UnmarshalBinary(b[:len(b)/2]); err == nil {
		t.Errorf("a truncated state was accepted")
	}
}

// TestRSTDPPredictKeepsWeights: with b = 0 the modulator is exactly 0 through a
// prediction, so no weight moves (w' = c n).
func TestRSTDPPredictKeepsWeights(t *testing.T) {
	cfg := synthConfig()
	r, _ := readout.NewRSTDP(cfg)
	runSynthetic(t, r, 50, 0, 13)
	before := make([]float64, 0, cfg.Inputs*cfg.Classes)
	for in := range cfg.Inputs {
		for o := range cfg.Classes {
			before = append(before, r.Weight(in, o))
		}
	}
	runSynthetic(t, r, 0, 50, 14)
	k := 0
	for in := range cfg.Inputs {
		for o := range cfg.Classes {
			if w := r.Weight(in, o); w != before[k] {
				t.Fatalf("weight %d->%d moved from %v to %v in prediction", in, o, before[k], w)
			}
			k++
		}
	}
}

// TestRSTDPTraceBytes counts the learning state from the layout written in TraceBytes'
// documentation: per synapse eligibility and update factor (8 + 8 bytes) and column
// index (4 + 4), a column offset per output plus one (8), a trace per input and per
// output (8), the volume (16) and the critic's expectation per class (8); a baseline
// adds 8 per synapse.
func TestRSTDPTraceBytes(t *testing.T) {
	for _, c := range []struct{ in, out int }{{100, 10}, {400, 10}, {7, 3}} {
		for _, b := range []float64{0, 0.01} {
			cfg := readout.DefaultRSTDP(c.in, c.out)
			cfg.Rule.B = b
			r, err := readout.NewRSTDP(cfg)
			if err != nil {
				t.Fatal(err)
			}
			syn := int64(c.in * c.out)
			per := int64(24)
			if b != 0 {
				per += 8
			}
			want := syn*per + int64(c.out+1)*8 + int64(c.in+c.out)*8 + 16 + int64(c.out)*8
			if got := r.TraceBytes(); got != want {
				t.Errorf("%d x %d, b %v: TraceBytes %d, want %d", c.in, c.out, b, got, want)
			}
		}
	}
}

// TestRSTDPErrors: configurations and inputs that make no readout are refused with an
// error naming the fault.
func TestRSTDPErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*readout.RSTDPConfig)
		want string
	}{
		{"no inputs", func(c *readout.RSTDPConfig) { c.Inputs = 0 }, "inputs"},
		{"one class", func(c *readout.RSTDPConfig) { c.Classes = 1 }, "classes"},
		{"no presentation", func(c *readout.RSTDPConfig) { c.Present = 0 }, "presentation"},
		{"no gap", func(c *readout.RSTDPConfig) { c.Gap = 0 }, "gap"},
		{"negative inhibition", func(c *readout.RSTDPConfig) { c.Inhibition = -1 }, "inhibition"},
		{"NaN reward", func(c *readout.RSTDPConfig) { c.Wrong = nanF() }, "rewards"},
		{"negative noise", func(c *readout.RSTDPConfig) { c.Noise = -1 }, "noise"},
		{"critic above 1", func(c *readout.RSTDPConfig) { c.Critic = 2 }, "critic"},
		{"tau_c zero", func(c *readout.RSTDPConfig) { c.Rule.TauC = 0 }, "tau_c"},
		{"pre-centred", func(c *readout.RSTDPConfig) { c.Rule.Interaction = 2 }, "centred"},
		{"bad threshold", func(c *readout.RSTDPConfig) { c.Neuron.VTh = c.Neuron.VReset }, "v_reset"},
		{"bad initial weights", func(c *readout.RSTDPConfig) { c.WInit.B = nanF() }, "initial weights"},
	} {
		cfg := readout.DefaultRSTDP(100, 10)
		c.edit(&cfg)
		_, err := readout.NewRSTDP(cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	r, _ := readout.NewRSTDP(readout.DefaultRSTDP(10, 3))
	if _, err := r.Train(nil, 3); err == nil {
		t.Errorf("label 3 of 3 classes accepted")
	}
	if _, err := r.Predict([]readout.DCSpike{{T: 0, Neuron: 10}}); err == nil {
		t.Errorf("a spike of input 10 of 10 accepted")
	}
	if _, err := r.Predict([]readout.DCSpike{{T: -1, Neuron: 0}}); err == nil {
		t.Errorf("a spike at a negative time accepted")
	}
	// Late spikes are ignored, silence answers -1.
	if p, err := r.Predict([]readout.DCSpike{{T: r.Config().Present, Neuron: 0}}); err != nil || p != -1 {
		t.Errorf("a spike at the presentation's end: answer %d, error %v; want -1 (silent), nil", p, err)
	}
}

func nanF() float64 { z := 0.0; return z / z }

// TestRSTDPAllocs: once the buffers have grown, a presentation allocates nothing per
// spike: ten times the spikes make no more allocations. (The two left are the engine's:
// its list of pending rewards is re-sliced from the front and regrows, one Reward for
// zeroing the modulator, one for the reward.)
func TestRSTDPAllocs(t *testing.T) {
	cfg := synthConfig()
	r, _ := readout.NewRSTDP(cfg)
	rng := rand.New(rand.NewPCG(1, 1))
	few := poissonTask(rng, nil, 3, 10, 10, 20, 2, cfg.Present)
	many := poissonTask(rng, nil, 3, 10, 10, 200, 20, cfg.Present)
	for range 20 {
		r.Train(many, 3)
	}
	a1 := testing.AllocsPerRun(50, func() { r.Train(few, 3) })
	a2 := testing.AllocsPerRun(50, func() { r.Train(many, 3) })
	if a1 > 2 || a2 > a1 {
		t.Errorf("%v allocations for %d spikes, %v for %d: want at most 2, not growing with the spikes", a1, len(few), a2, len(many))
	}
}

func BenchmarkRSTDPTrain(b *testing.B) {
	cfg := synthConfig()
	r, _ := readout.NewRSTDP(cfg)
	rng := rand.New(rand.NewPCG(1, 1))
	spikes := poissonTask(rng, nil, 3, 10, 10, 20, 2, cfg.Present)
	b.ReportAllocs()
	for b.Loop() {
		r.Train(spikes, 3)
	}
}
