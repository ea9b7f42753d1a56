package sim_test

import (
	"math/rand/v2"
	"testing"

	"snn/neuron"
	"snn/sim"
	"snn/synapse"
)

type trace struct{ s []string }

func (tr *trace) Spike(t sim.Time, g, u int32) {
	tr.s = append(tr.s, string(rune(g))+string(rune(u))+t.String())
}

// TestDirectDeliveriesKeepOrder: deliveries made at once (a source's spike through its only
// projection, with no delay, when nothing else is due) leave the run as it would be with
// every delivery queued: the same spikes in the same order, the same counters. The
// network has sources emitting at the same ticks as each other and as crossings, voltage
// jumps that fire at once, a source with two projections out and delayed recurrence.
func TestDirectDeliveriesKeepOrder(t *testing.T) {
	run := func(direct bool) ([]string, sim.Stats) {
		sim.SetDirectDeliveries(direct)
		defer sim.SetDirectDeliveries(true)
		r := rand.New(rand.NewPCG(3, 4))
		var a, b []neuron.Spike
		for k := range 400 {
			tm := sim.Time(k) * 500 * sim.Microsecond // a 0.5 ms grid: coincidences
			a = append(a, neuron.Spike{T: tm, Unit: int32(r.IntN(20))})
			if r.IntN(3) == 0 {
				b = append(b, neuron.Spike{T: tm, Unit: int32(r.IntN(20))})
			}
		}
		e := sim.NewEngine()
		ga, _ := neuron.NewGenerator(20, a)
		gb, _ := neuron.NewGenerator(20, b)
		pois, _ := neuron.NewPoisson(20, []neuron.RateSegment{{From: 0, Rate: 200}}, sim.PCG(5, "p"))
		v0 := make([]float64, 30)
		for i := range v0 {
			v0[i] = -65 + 14*r.Float64()
		}
		jump, _ := neuron.NewLIFDelta(neuron.Params{TauM: 20, EL: -65, VTh: -50, VReset: -65, TRef: sim.Millisecond}, v0)
		exp, _ := neuron.NewLIFExp(neuron.Params{TauM: 20, EL: -60, VTh: -50, VReset: -60, TauE: 5, TauI: 10}, v0)
		sa, sb, sp := e.AddSource("a", ga), e.AddSource("b", gb), e.AddSource("p", pois)
		nj, ne := e.AddNeurons("jump", jump), e.AddNeurons("exp", exp)
		conn := func(from, to int32, tgt synapse.Target, n int, w, d float64, rec bool) {
			p, err := synapse.Build(n, tgt, synapse.Config{Rule: synapse.Rule{Kind: synapse.FixedProbability, P: 0.3}, Weight: sim.Fixed(w),
				Delay: sim.Fixed(d), Recurrent: rec}, synapse.Streams{Connect: rand.New(rand.NewPCG(uint64(from), uint64(to)))})
			if err != nil {
				t.Fatal(err)
			}
			e.Connect(from, to, p)
		}
		conn(sa, nj, jump, 20, 4, 0, false) // one projection out, no delay: direct
		conn(sp, ne, exp, 20, 3, 0, false)  // direct
		conn(sb, nj, jump, 20, 3, 0, false) // two projections out: queued
		conn(sb, ne, exp, 20, 2, 0, false)
		conn(nj, nj, jump, 30, 2, 0.5, true)
		conn(nj, ne, exp, 30, 2, 0, false)
		tr := &trace{}
		e.Observe(tr)
		e.Run(200 * sim.Millisecond)
		return tr.s, e.Stats()
	}
	queued, qs := run(false)
	direct, ds := run(true)
	if qs != ds || len(queued) != len(direct) || qs.Spikes == 0 {
		t.Fatalf("stats %+v (%d spikes), queued %+v (%d)", ds, len(direct), qs, len(queued))
	}
	for k := range queued {
		if queued[k] != direct[k] {
			t.Fatalf("spike %d: %q direct, %q queued", k, direct[k], queued[k])
		}
	}
}
