package synapse_test

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"snn/neuron"
	"snn/plasticity"
	"snn/sim"
	"snn/synapse"
)

// TestModPlasticAgainstRule drives 24 presynaptic units (four of them at 1 Hz) onto 5
// current-based neurons through a modulated all-to-all projection with a 1.5 ms delay,
// while a strong static input makes the neurons fire at random times and rewards of
// random sizes (some negative) arrive at random times; every final weight must equal
// plasticity.ModState (itself checked against a fine-grid integration) run on that
// synapse's arrivals, its neuron's spikes and the rewards, in the engine's order (post
// spikes, then arrivals, then jumps at equal times). With and without a baseline, all-to-
// all and nearest. 20 s cross the reference-time rescaling (every 300 x 20 ms). The
// bounds are wide: the projection also updates at the rescaling, where clipping would
// make its update points matter. Tolerance 1e-9 relative: the same integral computed
// from scaled factors (differences of exponentials) instead of expm1 per interval.
func TestModPlasticAgainstRule(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	const npre, T = 24, 20000.0
	for _, b := range []float64{0, 0.002} {
		for _, inter := range []plasticity.Interaction{plasticity.AllToAll, plasticity.NearestSymmetric} {
			rule := plasticity.Modulated{APlus: 0.1, AMinus: 0.15, TauPlus: 20, TauMinus: 20, TauC: 1000, TauN: 200, B: b,
				WMin: -1e6, WMax: 1e6, Interaction: inter}
			var preSpikes, driveSpikes []neuron.Spike
			preTimes := make([][]float64, npre)
			for u := range npre {
				isi := 50.0
				if u < 4 {
					isi = 1000
				}
				for tm := r.ExpFloat64() * isi; tm < T; tm += r.ExpFloat64() * isi {
					preSpikes = append(preSpikes, neuron.Spike{T: sim.FromMs(tm), Unit: int32(u)})
					preTimes[u] = append(preTimes[u], (sim.FromMs(tm) + sim.FromMs(1.5)).Ms())
				}
			}
			for u := range 5 {
				for tm := r.ExpFloat64() * 40; tm < T; tm += r.ExpFloat64() * 40 {
					driveSpikes = append(driveSpikes, neuron.Spike{T: sim.FromMs(tm), Unit: int32(u)})
				}
			}
			slices.SortFunc(preSpikes, func(a, b neuron.Spike) int { return cmp.Compare(a.T, b.T) })
			slices.SortFunc(driveSpikes, func(a, b neuron.Spike) int { return cmp.Compare(a.T, b.T) })
			e := sim.NewEngine()
			pre, _ := neuron.NewGenerator(npre, preSpikes)
			drive, _ := neuron.NewGenerator(5, driveSpikes)
			// Current synapses: a neuron never fires at the instant an input arrives (with
			// voltage jumps, a large plastic weight could fire it at once, and the rule would
			// pair that spike after the arrival, where this reference puts post spikes first).
			lif, _ := neuron.NewLIFExp(neuron.Params{TauM: 20, EL: -65, VTh: -50, VReset: -65, TauE: 5, TauI: 10}, []float64{-65, -65, -65, -65, -65})
			gp, gd := e.AddSource("pre", pre), e.AddSource("drive", drive)
			gn := e.AddNeurons("post", lif)
			static, _ := synapse.Build(5, lif, synapse.Config{Rule: synapse.Rule{Kind: synapse.OneToOne}, Weight: sim.Fixed(40), Delay: sim.Fixed(0)}, synapse.Streams{})
			e.Connect(gd, gn, static)
			base, _ := synapse.Build(npre, lif, synapse.Config{Rule: synapse.Rule{Kind: synapse.AllToAll}, Weight: sim.Fixed(0.01), Delay: sim.Fixed(1.5)}, synapse.Streams{})
			vol, err := synapse.NewVolume(rule.TauN)
			if err != nil {
				t.Fatal(err)
			}
			vi := e.AddVolume("dopamine", vol)
			mp, err := synapse.NewModPlastic(base, rule, vol, vi)
			if err != nil {
				t.Fatal(err)
			}
			e.Connect(gp, gn, mp)
			e.Listen(vi, mp)
			type reward struct{ t, a float64 }
			var rewards []reward
			for tm := r.ExpFloat64() * 700; tm < T; tm += r.ExpFloat64() * 700 {
				rw := reward{sim.FromMs(tm).Ms(), r.Float64()*0.02 - 0.005}
				rewards = append(rewards, rw)
				if err := e.Reward(vi, sim.FromMs(tm), rw.a); err != nil {
					t.Fatal(err)
				}
			}
			log := &postLog{g: gn, times: make([][]float64, 5)}
			e.Observe(log)
			end := sim.FromMs(T + 100)
			e.Run(end)
			changed := 0
			for i := range npre {
				for k := range 5 {
					post, got, _ := mp.SynapseAt(i, k, end)
					// The rule, event by event: 0 arrival, 1 post spike, 2 jump; post spikes
					// first, then arrivals, then jumps at equal times (the engine's order).
					type ev struct {
						t    float64
						kind int
						a    float64
					}
					var evs []ev
					for _, tm := range preTimes[i] {
						evs = append(evs, ev{tm, 1, 0})
					}
					for _, tm := range log.times[post] {
						evs = append(evs, ev{tm, 0, 0})
					}
					for _, rw := range rewards {
						evs = append(evs, ev{rw.t, 2, rw.a})
					}
					sort.SliceStable(evs, func(a, b int) bool {
						if evs[a].t != evs[b].t {
							return evs[a].t < evs[b].t
						}
						return evs[a].kind < evs[b].kind
					})
					s := plasticity.ModState{W: 0.01}
					var v plasticity.Volume
					var x, y plasticity.Trace
					for _, e := range evs {
						switch e.kind {
						case 0:
							s.Post(&rule, &x, e.t, v)
							rule.PostSpike(&y, e.t)
						case 1:
							s.Pre(&rule, y, e.t, v)
							rule.PreSpike(&x, e.t)
						case 2:
							s.Advance(&rule, e.t, v)
							v.Add(e.t, rule.TauN, e.a)
						}
					}
					s.Advance(&rule, end.Ms(), v)
					if c := mp.Eligibility(i, k, end); math.Abs(c-s.C) > 1e-9*math.Max(math.Abs(s.C), 1e-3) {
						t.Errorf("eligibility %d->%d: %v, rule %v", i, post, c, s.C)
					}
					if math.Abs(got-s.W) > 1e-9*math.Max(math.Abs(s.W), 1e-3) {
						t.Errorf("b %v interaction %d: synapse %d->%d: %v, rule %v", b, inter, i, post, got, s.W)
					}
					if math.Abs(got-0.01) > 1e-3 {
						changed++
					}
				}
			}
			if changed < npre*5/2 {
				t.Errorf("b %v interaction %d: only %d weights changed by more than 1e-3", b, inter, changed)
			}
		}
	}
}
