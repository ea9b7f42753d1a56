package sim_test

import (
	"math/rand/v2"
	"testing"

	"snn/neuron"
	"snn/sim"
	"snn/synapse"
)

// watcher records the spikes of the populations in its set only (sim.Watcher).
type watcher struct {
	trace
	set map[int32]bool
}

func (w *watcher) Watches(g int32) bool { return w.set[g] }

// TestWatchers: a Watcher sees, in order, exactly the spikes of the populations it
// watches that a plain observer sees, whether it was added before or after them, and
// Engine.Spikes counts every population's spikes, watched or not.
func TestWatchers(t *testing.T) {
	e := sim.NewEngine()
	all := &trace{}
	early := &watcher{set: map[int32]bool{1: true, 2: true}} // added before the populations
	e.Observe(all)
	e.Observe(early)
	pois, _ := neuron.NewPoisson(20, []neuron.RateSegment{{From: 0, Rate: 300}}, sim.PCG(5, "p"))
	v0 := make([]float64, 10)
	for i := range v0 {
		v0[i] = -65
	}
	jump, _ := neuron.NewLIFDelta(neuron.Params{TauM: 20, EL: -65, VTh: -50, VReset: -65}, v0)
	sp := e.AddSource("p", pois)
	nj := e.AddNeurons("jump", jump)
	p, err := synapse.Build(20, jump, synapse.Config{Rule: synapse.Rule{Kind: synapse.FixedProbability, P: 0.5}, Weight: sim.Fixed(6),
		Delay: sim.Fixed(0)}, synapse.Streams{Connect: rand.New(rand.NewPCG(1, 2))})
	if err != nil {
		t.Fatal(err)
	}
	e.Connect(sp, nj, p)
	late := &watcher{set: map[int32]bool{sp: true}} // added after them
	e.Observe(late)
	e.Run(500 * sim.Millisecond)
	counts := map[rune]uint64{}
	var src, neu []string
	for _, s := range all.s {
		counts[rune(s[0])]++
		if int32(s[0]) == sp {
			src = append(src, s)
		} else {
			neu = append(neu, s)
		}
	}
	if len(src) == 0 || len(neu) == 0 {
		t.Fatalf("%d source spikes, %d neuron spikes: the network is too quiet to test", len(src), len(neu))
	}
	equal := func(a, b []string) bool {
		if len(a) != len(b) {
			return false
		}
		for k := range a {
			if a[k] != b[k] {
				return false
			}
		}
		return true
	}
	if !equal(early.s, neu) {
		t.Errorf("the watcher of population %d saw %d spikes, want its %d", nj, len(early.s), len(neu))
	}
	if !equal(late.s, src) {
		t.Errorf("the watcher of population %d saw %d spikes, want its %d", sp, len(late.s), len(src))
	}
	for _, g := range []int32{sp, nj} {
		if got, want := e.Spikes(g), counts[rune(g)]; got != want {
			t.Errorf("Spikes(%d) = %d, want %d", g, got, want)
		}
	}
	if st := e.Stats(); e.Spikes(sp) != st.SourceSpikes || e.Spikes(nj) != st.Spikes {
		t.Errorf("Spikes %d and %d, stats %+v", e.Spikes(sp), e.Spikes(nj), st)
	}
}
