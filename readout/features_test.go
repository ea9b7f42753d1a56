package readout

import (
	"math"
	"math/rand/v2"
	"testing"

	"snn/neuron"
	"snn/sim"
)

// TestFeatures: counts in a window and exponential traces of a spike generator's units,
// observed through the engine, against the listed spikes counted and summed plainly
// (traces to 1e-12 relative: the same exponentials multiplied in another order).
func TestFeatures(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var spikes []neuron.Spike
	for k := range 500 {
		spikes = append(spikes, neuron.Spike{T: sim.Time(k)*sim.Millisecond + sim.Time(r.IntN(1000)), Unit: int32(r.IntN(8))})
	}
	e := sim.NewEngine()
	gen, err := neuron.NewGenerator(8, spikes)
	if err != nil {
		t.Fatal(err)
	}
	g := e.AddSource("in", gen)
	from, to := 100*sim.Millisecond, 350*sim.Millisecond
	c, err := NewCounts(g, 8, from, to)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTraces(g, 8, 20*sim.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	e.Observe(c)
	e.Observe(tr)
	end := 400 * sim.Millisecond
	e.Run(end)
	want, wantTr := make([]float64, 8), make([]float64, 8)
	for _, s := range spikes {
		if s.T >= from && s.T < to {
			want[s.Unit]++
		}
		if s.T < end {
			wantTr[s.Unit] += math.Exp(-(end - s.T).Ms() / 20)
		}
	}
	got := tr.At(end, nil)
	for i := range want {
		if c.Values()[i] != want[i] {
			t.Errorf("unit %d: %v spikes counted, %v listed", i, c.Values()[i], want[i])
		}
		if math.Abs(got[i]-wantTr[i]) > 1e-12*wantTr[i] {
			t.Errorf("unit %d: trace %v, sum %v", i, got[i], wantTr[i])
		}
	}
	c.Window(0, 1)
	for _, v := range c.Values() {
		if v != 0 {
			t.Fatal("a new window kept counts")
		}
	}
	if _, err := NewCounts(g, 0, 0, 1); err == nil {
		t.Error("zero units accepted")
	}
	if _, err := NewTraces(g, 8, 0); err == nil {
		t.Error("a zero time constant accepted")
	}
}
