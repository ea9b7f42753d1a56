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

type postLog struct {
	g     int32
	times [][]float64
}

func (p *postLog) Spike(t sim.Time, g, u int32) {
	if g == p.g {
		p.times[u] = append(p.times[u], t.Ms())
	}
}

// referenceWeight is the rule from its definition, written plainly: walk the pre
// arrivals and the post spikes of one synapse in time order (post first at equal times)
// and at each spike sum the kernels over the earlier spikes the interaction pairs it
// with: at a post spike A2+ times the sum over arrivals (tau+) plus A3+ times that sum
// times the sum over earlier post spikes (tau_y); at an arrival A2- times the sum over
// post spikes (tau-) plus A3- times that times the sum over earlier arrivals (tau_x).
// Nearest: only the latest spike of each sum. Pre-centred: an arrival pairs with the
// latest post spike before it and with the first one after it.
func referenceWeight(r plasticity.Triplet, w float64, arrivals, posts []float64) float64 {
	type ev struct {
		t    float64
		post bool
	}
	var evs []ev
	for _, t := range arrivals {
		evs = append(evs, ev{t, false})
	}
	for _, t := range posts {
		evs = append(evs, ev{t, true})
	}
	sort.SliceStable(evs, func(i, j int) bool {
		if evs[i].t != evs[j].t {
			return evs[i].t < evs[j].t
		}
		return evs[i].post && !evs[j].post
	})
	sum := func(k int, post bool, tau float64) float64 {
		s := 0.0
		for j := k - 1; j >= 0; j-- {
			if evs[j].post != post {
				if r.Interaction == plasticity.PreCentred && !post && evs[j].post {
					break // a post spike since the latest arrival: that arrival is used up
				}
				continue
			}
			s += math.Exp(-(evs[k].t - evs[j].t) / tau)
			if r.Interaction != plasticity.AllToAll {
				break
			}
		}
		return s
	}
	span := r.WMax - r.WMin
	for k, e := range evs {
		if e.post {
			if d := sum(k, false, r.TauPlus) * (r.A2Plus + r.A3Plus*sum(k, true, r.TauY)); d > 0 {
				w += d * math.Pow(math.Max(r.WMax-w, 0)/span, r.Mu)
			}
		} else if d := sum(k, true, r.TauMinus) * (r.A2Minus + r.A3Minus*sum(k, false, r.TauX)); d > 0 {
			w -= d * math.Pow(math.Max(w-r.WMin, 0)/span, r.Mu)
		}
		w = math.Min(r.WMax, math.Max(r.WMin, w))
	}
	return w
}

// TestPlasticAgainstReference drives 24 presynaptic units onto 5 voltage-jump neurons
// through a plastic all-to-all projection with a 1.5 ms delay, while a strong static
// input makes the neurons fire at random times; every final weight must equal the plain
// sum over that synapse's arrivals (spike + delay) and its neuron's spikes. Every
// interaction, additive and multiplicative, pair and triplet rules. Four of the units
// fire at 1 Hz while the neurons fire at 25 Hz, so post spikes leave the 8-spike
// histories before those units arrive again, and 6 s of simulated time move the trace
// reference time (every 300 x 16.8 ms). Tolerance 1e-12 relative: the same exponentials
// summed in another order.
func TestPlasticAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	const npre, T = 24, 6000.0
	var rules []plasticity.STDP
	for _, inter := range []plasticity.Interaction{plasticity.AllToAll, plasticity.NearestSymmetric, plasticity.PreCentred} {
		for _, mu := range []float64{0, 1} {
			rules = append(rules, plasticity.Pair{APlus: 0.01, AMinus: 0.012, TauPlus: 16.8, TauMinus: 33.7, Mu: mu, WMin: 0, WMax: 0.5, Interaction: inter})
		}
	}
	for _, inter := range []plasticity.Interaction{plasticity.AllToAll, plasticity.NearestSymmetric} {
		rules = append(rules, plasticity.Triplet{A2Plus: 0.004, A3Plus: 0.006, A2Minus: 0.007, A3Minus: 0.002,
			TauPlus: 16.8, TauMinus: 33.7, TauX: 101, TauY: 125, WMax: 0.5, Mu: 0.5, Interaction: inter})
	}
	for _, rule := range rules {
		var preSpikes, driveSpikes []neuron.Spike
		preTimes := make([][]float64, npre)
		for u := range npre {
			isi := 50.0
			if u < 4 {
				isi = 1000
			}
			for tm := r.ExpFloat64() * isi; tm < T; tm += r.ExpFloat64() * isi {
				preSpikes = append(preSpikes, neuron.Spike{T: sim.FromMs(tm), Unit: int32(u)})
				preTimes[u] = append(preTimes[u], sim.FromMs(tm).Ms())
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
		pre, err := neuron.NewGenerator(npre, preSpikes)
		if err != nil {
			t.Fatal(err)
		}
		drive, _ := neuron.NewGenerator(5, driveSpikes)
		lif, err := neuron.NewLIFDelta(neuron.Params{TauM: 20, EL: -65, VTh: -50, VReset: -65}, []float64{-65, -65, -65, -65, -65})
		if err != nil {
			t.Fatal(err)
		}
		gp, gd := e.AddSource("pre", pre), e.AddSource("drive", drive)
		gn := e.AddNeurons("post", lif)
		static, _ := synapse.Build(5, lif, synapse.Config{Rule: synapse.Rule{Kind: synapse.OneToOne}, Weight: sim.Fixed(20), Delay: sim.Fixed(0)}, synapse.Streams{})
		e.Connect(gd, gn, static)
		base, _ := synapse.Build(npre, lif, synapse.Config{Rule: synapse.Rule{Kind: synapse.AllToAll}, Weight: sim.Fixed(0.25), Delay: sim.Fixed(1.5)}, synapse.Streams{})
		plastic, err := synapse.NewPlastic(base, rule)
		if err != nil {
			t.Fatal(err)
		}
		e.Connect(gp, gn, plastic)
		log := &postLog{g: gn, times: make([][]float64, 5)}
		e.Observe(log)
		e.Run(sim.FromMs(T + 100))
		changed := 0
		for i := range npre {
			arrivals := make([]float64, len(preTimes[i]))
			for k, tm := range preTimes[i] {
				arrivals[k] = (sim.FromMs(tm) + sim.FromMs(1.5)).Ms()
			}
			for k := range 5 {
				post, _, _ := plastic.Synapse(i, k)
				want := referenceWeight(rule.Triplet(), 0.25, arrivals, log.times[post])
				got := plastic.Weight(i, k)
				if math.Abs(got-want) > 1e-12*math.Max(want, 1e-3) {
					t.Fatalf("%+v: synapse %d->%d: %v, reference %v", rule, i, post, got, want)
				}
				if got != 0.25 {
					changed++
				}
			}
		}
		if changed < npre*5/2 {
			t.Errorf("%+v: only %d weights changed", rule, changed)
		}
	}
}

// TestPlasticRefuses: per-synapse delays and rules that make no sense.
func TestPlasticRefuses(t *testing.T) {
	lif, _ := neuron.NewLIFDelta(neuron.Params{TauM: 20, EL: -65, VTh: -50, VReset: -65}, []float64{-65, -65})
	rule := plasticity.Pair{APlus: 0.01, AMinus: 0.01, TauPlus: 20, TauMinus: 20, WMax: 1}
	varied, _ := synapse.Build(2, lif, synapse.Config{Rule: synapse.Rule{Kind: synapse.AllToAll}, Weight: sim.Fixed(0.1),
		Delay: sim.Dist{Kind: sim.Uniform, A: 1, B: 2}}, synapse.Streams{Delay: rand.New(rand.NewPCG(1, 1))})
	if _, err := synapse.NewPlastic(varied, rule); err == nil {
		t.Error("per-synapse delays accepted")
	}
	fixed, _ := synapse.Build(2, lif, synapse.Config{Rule: synapse.Rule{Kind: synapse.AllToAll}, Weight: sim.Fixed(0.1), Delay: sim.Fixed(1)}, synapse.Streams{})
	rule.TauMinus = -1
	if _, err := synapse.NewPlastic(fixed, rule); err == nil {
		t.Error("negative tau- accepted")
	}
}

// plasticNet builds a small network with a Poisson drive through a plastic projection onto
// voltage-jump neurons with recurrent static inhibition.
func plasticNet(t *testing.T) (*sim.Engine, *synapse.Plastic) {
	t.Helper()
	e := sim.NewEngine()
	src, _ := neuron.NewPoisson(50, []neuron.RateSegment{{From: 0, Rate: 30}}, sim.PCG(4, "poisson"))
	v0 := make([]float64, 20)
	for i := range v0 {
		v0[i] = -65
	}
	lif, _ := neuron.NewLIFDelta(neuron.Params{TauM: 20, EL: -65, VTh: -50, VReset: -65, TRef: 2 * sim.Millisecond}, v0)
	gs, gn := e.AddSource("in", src), e.AddNeurons("out", lif)
	base, _ := synapse.Build(50, lif, synapse.Config{Rule: synapse.Rule{Kind: synapse.FixedProbability, P: 0.5}, Weight: sim.Fixed(2), Delay: sim.Fixed(1)},
		synapse.Streams{Connect: sim.Stream(4, "c")})
	p, err := synapse.NewPlastic(base, plasticity.Pair{APlus: 0.05, AMinus: 0.055, TauPlus: 20, TauMinus: 20, WMax: 4})
	if err != nil {
		t.Fatal(err)
	}
	e.Connect(gs, gn, p)
	inh, _ := synapse.Build(20, lif, synapse.Config{Rule: synapse.Rule{Kind: synapse.AllToAll, NoAutapse: true}, Weight: sim.Fixed(-1), Delay: sim.Fixed(0.5), Recurrent: true}, synapse.Streams{})
	e.Connect(gn, gn, inh)
	return e, p
}

// TestPlasticStateRestores: weights and traces are part of the engine's state; a run
// restored at half time ends with the uninterrupted run's weights and spike count.
func TestPlasticStateRestores(t *testing.T) {
	T := 2 * sim.Second
	whole, pw := plasticNet(t)
	whole.Run(T)
	first, _ := plasticNet(t)
	first.Run(T / 2)
	b, err := first.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	resumed, pr := plasticNet(t)
	if err := resumed.UnmarshalState(b); err != nil {
		t.Fatal(err)
	}
	resumed.Run(T)
	if resumed.Stats() != whole.Stats() || whole.Stats().Spikes == 0 {
		t.Fatalf("stats %+v, uninterrupted %+v", resumed.Stats(), whole.Stats())
	}
	changed := 0
	for i := range 50 {
		for k := range pw.RowLen(i) {
			if pr.Weight(i, k) != pw.Weight(i, k) {
				t.Fatalf("synapse %d/%d: %v, uninterrupted %v", i, k, pr.Weight(i, k), pw.Weight(i, k))
			}
			if pw.Weight(i, k) != 2 {
				changed++
			}
		}
	}
	if changed == 0 {
		t.Error("no weight changed: the test exercises nothing")
	}
}
