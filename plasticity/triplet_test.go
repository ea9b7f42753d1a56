package plasticity

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// tripletWithTraces runs the rule as the simulator does: lazily decayed traces.
func tripletWithTraces(r Triplet, w float64, ev []event) []float64 {
	var pre PreTraces
	var post PostTraces
	var ws []float64
	for _, e := range ev {
		if e.post {
			w = r.Post(w, &pre, &post, e.t)
		} else {
			w = r.Pre(w, &pre, &post, e.t)
		}
		ws = append(ws, w)
	}
	return ws
}

// tripletBruteForce is the reference, from the definitions without traces: at a post
// spike the pair sum over earlier pre spikes (tau+) times A2+ plus A3+ times the sum over
// earlier post spikes (tau_y); at a pre spike the pair sum over earlier post spikes
// (tau-) times A2- plus A3- times the sum over earlier pre spikes (tau_x). Nearest-spike:
// each sum keeps only the latest spike.
func tripletBruteForce(r Triplet, w float64, ev []event) []float64 {
	sum := func(k int, post bool, tau float64) float64 {
		s := 0.0
		for j := k - 1; j >= 0; j-- {
			if ev[j].post != post {
				continue
			}
			s += math.Exp(-(ev[k].t - ev[j].t) / tau)
			if r.Interaction != AllToAll {
				break
			}
		}
		return s
	}
	var ws []float64
	for k, e := range ev {
		if e.post {
			d := sum(k, false, r.TauPlus) * (r.A2Plus + r.A3Plus*sum(k, true, r.TauY))
			if d > 0 {
				w += d * math.Pow(math.Max(r.WMax-w, 0)/(r.WMax-r.WMin), r.Mu)
			}
		} else {
			d := sum(k, true, r.TauMinus) * (r.A2Minus + r.A3Minus*sum(k, false, r.TauX))
			if d > 0 {
				w -= d * math.Pow(math.Max(w-r.WMin, 0)/(r.WMax-r.WMin), r.Mu)
			}
		}
		w = math.Min(r.WMax, math.Max(r.WMin, w))
		ws = append(ws, w)
	}
	return ws
}

// TestTripletAgainstBruteForce compares the traces with the sums on random Poisson
// trains, for both interactions and three weight dependences, with every preset and
// with a rule whose four amplitudes and time constants all differ. Tolerance 1e-12
// relative: the same exponentials, summed in another order.
func TestTripletAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	rules := []Triplet{{A2Plus: 0.004, A3Plus: 0.006, A2Minus: 0.005, A3Minus: 0.002, TauPlus: 16.8, TauMinus: 33.7, TauX: 101, TauY: 125, WMax: 1}}
	for _, p := range TripletPresets() {
		rules = append(rules, p.Rule)
	}
	for _, base := range rules {
		for _, inter := range []Interaction{AllToAll, NearestSymmetric} {
			for _, mu := range []float64{0, 0.4, 1} {
				rule := base
				rule.Interaction, rule.Mu = inter, mu
				if err := rule.Check(); err != nil {
					t.Fatal(err)
				}
				for trial := range 10 {
					ev := merge(poissonTrain(r, 20, 4000), poissonTrain(r, 30, 4000))
					w0 := r.Float64()
					got, want := tripletWithTraces(rule, w0, ev), tripletBruteForce(rule, w0, ev)
					for k := range want {
						if math.Abs(got[k]-want[k]) > 1e-12*math.Max(1, math.Abs(want[k])) {
							t.Fatalf("%+v trial %d: after event %d w = %v, sums %v", rule, trial, k, got[k], want[k])
						}
					}
				}
			}
		}
	}
}

// TestPairAsTriplet: a pair rule run as a triplet rule without triplet terms gives the
// pair rule's weights (to rounding: the amplitude is applied in another order).
func TestPairAsTriplet(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, inter := range []Interaction{AllToAll, NearestSymmetric, PreCentred} {
		p := Pair{APlus: 0.01, AMinus: 0.0105, TauPlus: 16.8, TauMinus: 33.7, Mu: 0.5, WMax: 1, Interaction: inter}
		ev := merge(poissonTrain(r, 20, 5000), poissonTrain(r, 15, 5000))
		got, want := tripletWithTraces(p.Triplet(), 0.5, ev), withTraces(p, 0.5, ev)
		for k := range want {
			if math.Abs(got[k]-want[k]) > 1e-14 {
				t.Fatalf("interaction %d: event %d: %v, pair rule %v", inter, k, got[k], want[k])
			}
		}
	}
}

// frequencyProtocol is the pairing protocol of Sjostrom et al. (2001): n pre spikes at
// frequency hz, each with a post spike dt ms after it.
func frequencyProtocol(hz, dt float64, n int) []event {
	var ev []event
	for k := range n {
		tp := 200 + 1000*float64(k)/hz
		ev = append(ev, event{tp, false}, event{tp + dt, true})
	}
	sort.SliceStable(ev, func(i, j int) bool { return ev[i].t < ev[j].t })
	return ev
}

// TestTripletFrequencyDependence reproduces the point of the triplet rule with the
// visual-cortex minimal model (the Sjostrom et al. protocol, 60 pairings, dt = +10 and
// -10 ms): at 0.1 Hz pre-before-post barely changes the weight (A2+ = 0) and
// post-before-pre depresses; at 50 Hz both orders potentiate (Pfister & Gerstner 2006,
// Fig. 5); a pair rule with the same pair terms depresses more the higher the frequency.
func TestTripletFrequencyDependence(t *testing.T) {
	p, _ := TripletPresetNamed("triplet-visual-minimal")
	rule := p.Rule
	rule.WMin, rule.WMax = -100, 100 // away from the bounds: the changes themselves
	dw := func(r Triplet, hz, dt float64) float64 {
		ws := tripletWithTraces(r, 0, frequencyProtocol(hz, dt, 60))
		return ws[len(ws)-1]
	}
	if d := dw(rule, 0.1, 10); math.Abs(d) > 1e-12 {
		t.Errorf("0.1 Hz, +10 ms: %v, want ~0 (no pair potentiation in the minimal model)", d)
	}
	if d := dw(rule, 0.1, -10); !(d < 0) {
		t.Errorf("0.1 Hz, -10 ms: %v, want depression", d)
	}
	for _, dt := range []float64{10, -10} {
		if d := dw(rule, 50, dt); !(d > 0) {
			t.Errorf("50 Hz, %+v ms: %v, want potentiation", dt, d)
		}
		prev := math.Inf(-1)
		for _, hz := range []float64{1, 10, 20, 40, 50} {
			d := dw(rule, hz, 10)
			if d <= prev {
				t.Errorf("+10 ms: potentiation at %v Hz (%v) not above the lower frequency's (%v)", hz, d, prev)
			}
			prev = d
		}
	}
	pair := rule
	pair.A3Plus, pair.A2Plus = 0, 6.5e-3
	if lo, hi := dw(pair, 1, -10), dw(pair, 50, -10); !(hi < lo) {
		t.Errorf("pair rule, -10 ms: %v at 50 Hz, %v at 1 Hz: want more depression at high frequency", hi, lo)
	}
}

func TestTripletCheck(t *testing.T) {
	good := Triplet{A2Plus: 1, A3Plus: 1, A2Minus: 1, A3Minus: 1, TauPlus: 20, TauMinus: 20, TauX: 100, TauY: 100, WMax: 1}
	if err := good.Check(); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*Triplet){
		"tau_x":     func(r *Triplet) { r.TauX = -1 },
		"tau_y":     func(r *Triplet) { r.TauY = math.Inf(1) },
		"a3_plus":   func(r *Triplet) { r.A3Plus = -1 },
		"a3_minus":  func(r *Triplet) { r.A3Minus = math.NaN() },
		"bounds":    func(r *Triplet) { r.WMin = 2 },
		"mu":        func(r *Triplet) { r.Mu = 1.5 },
		"centred":   func(r *Triplet) { r.Interaction = PreCentred },
		"interplay": func(r *Triplet) { r.Interaction = 7 },
	} {
		bad := good
		mod(&bad)
		if bad.Check() == nil {
			t.Errorf("%s: %+v accepted", name, bad)
		}
	}
	for _, p := range TripletPresets() {
		if err := p.Rule.Check(); err != nil {
			t.Errorf("preset %s: %v", p.Name, err)
		}
	}
}
