package plasticity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

// TestModulatedPulse checks one modulator pulse d0 at t = 0 meeting an eligibility c0
// (no further spikes, b = 0, bounds far away) against the closed forms, derived by hand
// from c(s) = c0 e^{-s/tau_c}, n(s) = d0 e^{-s/tau_n}, w' = c n:
//
//	w(t) - w(0) = c0 d0 tau_s (1 - e^{-t/tau_s}),  tau_s = tau_c tau_n / (tau_c + tau_n)
//
// which tends to c0 d0 tau_c tau_n / (tau_c + tau_n) (Izhikevich 2007, the analytic check
// in REFERENCES.md); parameters are Izhikevich's (tau_c = 1 s, tau_d = 0.2 s, d0 = 0.5).
// The weight is checked after one Advance from 0 and after a chain of Advances through
// the same times. Tolerance 1e-12 relative: the closed forms here use 1 - exp, which
// loses about log10(tau_s/t) digits for small t (at t = 0.5 ms, 3 digits, ~1e-13), and a
// chain of 9 Advances adds 9 roundings; the eligibility and modulator are single
// exponentials (same tolerance, far above their 1 ulp).
func TestModulatedPulse(t *testing.T) {
	r := Modulated{APlus: 1, AMinus: 1.5, TauPlus: 20, TauMinus: 20, TauC: 1000, TauN: 200, WMin: -1e6, WMax: 1e6}
	if err := r.Check(); err != nil {
		t.Fatal(err)
	}
	const c0, d0, w0 = 0.3, 0.5, 2.0
	tauS := r.TauC * r.TauN / (r.TauC + r.TauN)
	limit := c0 * d0 * r.TauC * r.TauN / (r.TauC + r.TauN) // 25 for these numbers
	if math.Abs(limit-25) > 1e-12 {
		t.Fatalf("limit %v, by hand 0.3 * 0.5 * 1000 * 200 / 1200 = 25", limit)
	}
	near := func(got, want float64) bool { return math.Abs(got-want) <= 1e-12*math.Max(1, math.Abs(want)) }

	var v Volume
	v.Add(0, r.TauN, d0)
	chain := ModState{W: w0, C: c0}
	for _, tt := range []float64{0.5, 1, 10, 100, 166.7, 200, 1000, 5000, 40000} {
		one := ModState{W: w0, C: c0}
		one.Advance(&r, tt, v)
		chain.Advance(&r, tt, v)
		want := w0 + c0*d0*tauS*(1-math.Exp(-tt/tauS))
		for name, got := range map[string]float64{"one step": one.W, "chain": chain.W} {
			if !near(got, want) {
				t.Errorf("t = %v ms, %s: w = %.17g, closed form %.17g", tt, name, got, want)
			}
		}
		if want := c0 * math.Exp(-tt/r.TauC); !near(one.C, want) || !near(chain.C, want) {
			t.Errorf("t = %v ms: c = %v (chain %v), c0 e^{-t/tau_c} = %v", tt, one.C, chain.C, want)
		}
		if got, want := v.At(tt, r.TauN), d0*math.Exp(-tt/r.TauN); !near(got, want) {
			t.Errorf("t = %v ms: n = %v, d0 e^{-t/tau_n} = %v", tt, got, want)
		}
	}
	// At 40 s = 240 tau_s the remainder e^{-240} is far below rounding.
	if !near(chain.W-w0, limit) {
		t.Errorf("after 40 s dw = %.17g, c0 d0 tau_c tau_n/(tau_c + tau_n) = %v", chain.W-w0, limit)
	}

	// Baseline alone (n = 0): w' = -b c, so dw = -b c0 tau_c (1 - e^{-t/tau_c}) -> -b c0 tau_c.
	// With the pulse as well the two terms add (w' is linear in n - b).
	rb := r
	rb.B = 0.01
	for _, tt := range []float64{1, 100, 1000, 40000} {
		s := ModState{W: w0, C: c0}
		s.Advance(&rb, tt, Volume{})
		want := w0 - rb.B*c0*rb.TauC*(1-math.Exp(-tt/rb.TauC))
		if !near(s.W, want) {
			t.Errorf("baseline, t = %v ms: w = %.17g, closed form %.17g", tt, s.W, want)
		}
		s = ModState{W: w0, C: c0}
		s.Advance(&rb, tt, v)
		want += c0 * d0 * tauS * (1 - math.Exp(-tt/tauS))
		if !near(s.W, want) {
			t.Errorf("baseline and pulse, t = %v ms: w = %.17g, closed form %.17g", tt, s.W, want)
		}
	}
}

// TestModulatedVolume: jumps add to the decayed concentration; NEST's dopamine spike,
// amount 1/tau_n, integrates to 1 over time (tau_n * 1/tau_n). Tolerance 1e-15 relative:
// a few roundings.
func TestModulatedVolume(t *testing.T) {
	const tau = 200.0
	var v Volume
	v.Add(100, tau, 1/tau)
	v.Add(300, tau, 1/tau)
	want := (1 + math.Exp(-200/tau)) / tau
	if math.Abs(v.N-want) > 1e-15*want || v.T != 300 {
		t.Errorf("volume %+v, want N = %v at 300 ms", v, want)
	}
	if got := v.At(500, tau); math.Abs(got-want*math.Exp(-1)) > 1e-15*want {
		t.Errorf("n(500) = %v, want %v", got, want*math.Exp(-1))
	}
	// With c = 1 held (tau_c huge) the weight gained from 300 ms on is the integral of n
	// from there: e^{-1} left of the first spike's 1, all of the second's. tau_c = 1e12 ms
	// shortens tau_s by the factor 1 - tau_n/tau_c = 1 - 2e-10, hence the tolerance 1e-8.
	r := Modulated{TauPlus: 20, TauMinus: 20, TauC: 1e12, TauN: tau, WMin: -10, WMax: 10}
	s := ModState{C: 1, T: 300}
	s.Advance(&r, 1e6, v)
	if math.Abs(s.W-(1+math.Exp(-1))) > 1e-8 {
		t.Errorf("integral of n after two NEST dopamine spikes: %v, want 1 + e^{-1} = %v", s.W, 1+math.Exp(-1))
	}
}

// Kinds of test events.
const (
	evPre = iota
	evPost
	evMod
	evTick // an extra update point: the synapse is advanced, nothing else happens
)

type modEvent struct {
	t      float64
	kind   int
	amount float64 // modulator events
}

// modTrains draws Poisson pre (20 Hz), post (15 Hz) and modulator (2 Hz, amounts uniform
// in [0.2, 0.8]) trains over T ms and, if tickHz > 0, extra update points, merged in time.
func modTrains(rng *rand.Rand, T, tickHz float64) []modEvent {
	var ev []modEvent
	for _, tt := range poissonTrain(rng, 20, T) {
		ev = append(ev, modEvent{t: tt, kind: evPre})
	}
	for _, tt := range poissonTrain(rng, 15, T) {
		ev = append(ev, modEvent{t: tt, kind: evPost})
	}
	for _, tt := range poissonTrain(rng, 2, T) {
		ev = append(ev, modEvent{t: tt, kind: evMod, amount: 0.2 + 0.6*rng.Float64()})
	}
	if tickHz > 0 {
		for _, tt := range poissonTrain(rng, tickHz, T) {
			ev = append(ev, modEvent{t: tt, kind: evTick})
		}
	}
	sort.Slice(ev, func(i, j int) bool { return ev[i].t < ev[j].t })
	return ev
}

// modLazy runs the rule as a simulator does: traces, eligibility and volume decayed
// lazily; the synapse updated at its pre spikes, its post spikes, at modulator events
// (advance, then the volume jumps) and at ticks. It returns w after every event that is
// not a tick, and w at tEnd.
func modLazy(r Modulated, w0 float64, ev []modEvent, tEnd float64) ([]float64, float64) {
	s := ModState{W: w0}
	var v Volume
	var pre, post Trace
	var ws []float64
	for _, e := range ev {
		switch e.kind {
		case evPre:
			s.Pre(&r, post, e.t, v)
			r.PreSpike(&pre, e.t)
		case evPost:
			s.Post(&r, &pre, e.t, v)
			r.PostSpike(&post, e.t)
		case evMod:
			s.Advance(&r, e.t, v)
			v.Add(e.t, r.TauN, e.amount)
		case evTick:
			s.Advance(&r, e.t, v)
			continue
		}
		ws = append(ws, s.W)
	}
	s.Advance(&r, tEnd, v)
	return ws, s.W
}

// pairSum is the STDP sum at spike k written from the definitions, without traces: the
// kernel e^{-(t_k - t_j)/tau} over the earlier spikes j of kind other that the
// interaction pairs spike k with (every one; or the latest; or, pre-centred at a post
// spike, the latest pre spike unless a post spike came after it and used it up).
func pairSum(ev []modEvent, k, other int, tau float64, inter Interaction) float64 {
	sum := 0.0
	for j := k - 1; j >= 0; j-- {
		switch ev[j].kind {
		case other:
			sum += math.Exp(-(ev[k].t - ev[j].t) / tau)
			if inter != AllToAll {
				return sum
			}
		case ev[k].kind:
			if inter == PreCentred && ev[k].kind == evPost {
				return sum
			}
		}
	}
	return sum
}

// rk4Step is the step of the classical Runge-Kutta method for c' = -c/tau_c,
// n' = -n/tau_n, w' = c (n - b), written plainly (the slopes of w use c and n of the
// same stage; w itself appears in no slope).
func rk4Step(r Modulated, c, n, w, h float64) (float64, float64, float64) {
	k1c, k1n := -c/r.TauC, -n/r.TauN
	k1w := c * (n - r.B)
	c2, n2 := c+h/2*k1c, n+h/2*k1n
	k2c, k2n := -c2/r.TauC, -n2/r.TauN
	k2w := c2 * (n2 - r.B)
	c3, n3 := c+h/2*k2c, n+h/2*k2n
	k3c, k3n := -c3/r.TauC, -n3/r.TauN
	k3w := c3 * (n3 - r.B)
	c4, n4 := c+h*k3c, n+h*k3n
	k4c, k4n := -c4/r.TauC, -n4/r.TauN
	k4w := c4 * (n4 - r.B)
	return c + h/6*(k1c+2*k2c+2*k3c+k4c), n + h/6*(k1n+2*k2n+2*k3n+k4n), w + h/6*(k1w+2*k2w+2*k3w+k4w)
}

// modReference is the independent reference: c, n and w integrated by RK4 on steps of at
// most 1 us (each interval between events cut into equal steps, so the events fall on
// step ends), the STDP increments from pairSum, modulator amounts added to n, and w
// clipped after integrating up to each event: at the same points as the lazy rule,
// which is NEST's semantics (clip at every update point). It returns w after every
// event that is not a tick, w at tEnd, and how many times the clip bit at the lower
// and at the upper bound.
func modReference(r Modulated, w0 float64, ev []modEvent, tEnd float64) ([]float64, float64, [2]int) {
	const dt = 1e-3 // ms
	c, n, w, now := 0.0, 0.0, w0, 0.0
	var clips [2]int
	integrate := func(to float64) {
		steps := int(math.Ceil((to - now) / dt))
		for i := range steps {
			h := (to - now) / float64(steps-i)
			c, n, w = rk4Step(r, c, n, w, h)
			now += h
		}
		now = to
		if w < r.WMin {
			clips[0]++
			w = r.WMin
		}
		if w > r.WMax {
			clips[1]++
			w = r.WMax
		}
	}
	var ws []float64
	for k, e := range ev {
		if e.kind == evTick {
			continue // the reference has no extra update points
		}
		integrate(e.t)
		switch e.kind {
		case evPre:
			c -= r.AMinus * pairSum(ev, k, evPost, r.TauMinus, r.Interaction)
		case evPost:
			c += r.APlus * pairSum(ev, k, evPre, r.TauPlus, r.Interaction)
		case evMod:
			n += e.amount
		}
		ws = append(ws, w)
	}
	integrate(tEnd)
	return ws, w, clips
}

// TestModulatedAgainstRK4 compares the lazy closed-form rule with the RK4 reference on
// random Poisson pre, post and modulator trains, 2 s each, 3 seeds, for every
// interaction, with b = 0 and b = 0.2 (about the mean of n: 2 Hz x 0.5 x 0.2 s), with
// bounds that never bind ([-1e6, 1e6]; w stays within about +-1.5) and with bounds
// [0, 0.1] from w0 = 0.05 that do: the test requires the clip never to bite in the
// first, and, over the bounded runs, to bite at both bounds and in every configuration
// (a single run may stay inside).
//
// Tolerance 1e-9 (1 + |w|) absolute. RK4's truncation error per step is ~(h/tau)^5/120
// relative with h/tau <= 1e-3/166.7 (tau_s, the fastest rate in w), ~1e-29, negligible
// over 2e6 steps. Rounding dominates: w gains a rounded increment at each of the
// 2e6 steps, at most 2e6 x 1.1e-16 |w| = 2.2e-10 |w| even if every rounding had the same
// sign (c and n likewise, relative); the lazy rule rounds a few times per event (~75
// events, ~1e-14). Observed differences are ~1e-11 and grow as the grid is refined
// (3e-12 at 4 us, 2e-11 at 0.5 us), the mark of rounding, not truncation.
func TestModulatedAgainstRK4(t *testing.T) {
	const T = 2000.0 // ms
	rng := rand.New(rand.NewPCG(11, 12))
	worst := 0.0
	var atBound [2]int // clips at the lower and upper bound over all bounded runs
	for _, inter := range []Interaction{AllToAll, NearestSymmetric, PreCentred} {
		for _, b := range []float64{0, 0.2} {
			for _, bounded := range []bool{false, true} {
				runsClipped := 0
				for seed := range 3 {
					r := Modulated{APlus: 0.001, AMinus: 0.0012, TauPlus: 16.8, TauMinus: 33.7, TauC: 1000, TauN: 200, B: b,
						WMin: -1e6, WMax: 1e6, Interaction: inter}
					w0 := 0.0
					if bounded {
						r.WMin, r.WMax, w0 = 0, 0.1, 0.05
					}
					if err := r.Check(); err != nil {
						t.Fatal(err)
					}
					ev := modTrains(rng, T, 0)
					got, gotEnd := modLazy(r, w0, ev, T)
					want, wantEnd, clips := modReference(r, w0, ev, T)
					name := fmt.Sprintf("interaction %d b %v bounded %v seed %d", inter, b, bounded, seed)
					if clips[0]+clips[1] > 0 {
						runsClipped++
					}
					atBound[0], atBound[1] = atBound[0]+clips[0], atBound[1]+clips[1]
					want, got = append(want, wantEnd), append(got, gotEnd)
					for k := range want {
						d := math.Abs(got[k] - want[k])
						worst = math.Max(worst, d/(1+math.Abs(want[k])))
						if d > 1e-9*(1+math.Abs(want[k])) {
							t.Fatalf("%s: after event %d of %d: w = %.15g, RK4 %.15g", name, k, len(want), got[k], want[k])
						}
					}
				}
				if bounded != (runsClipped > 0) {
					t.Errorf("interaction %d b %v bounded %v: the clip bit in %d of 3 runs", inter, b, bounded, runsClipped)
				}
			}
		}
	}
	if atBound[0] == 0 || atBound[1] == 0 {
		t.Errorf("clips at the lower and upper bound: %v, want both", atBound)
	}
	t.Logf("clips at the lower and upper bound: %v", atBound)
	t.Logf("largest difference from RK4: %.3g (1 + |w|)", worst)
}

// TestModulatedExtraUpdates: without clipping the integration is exact, so updating the
// synapse also at arbitrary extra times (Poisson, 200 Hz) changes w only by rounding.
// Tolerance 1e-12 (1 + |w|): about 500 Advances per run, each adding a rounded dw to w
// (<= 500 x 1.1e-16 |w| ~ 6e-14 |w| if all roundings had the same sign) plus a few
// roundings in each dw, relative to |dw| <= |w| + 1. Observed: ~1e-15.
func TestModulatedExtraUpdates(t *testing.T) {
	const T = 2000.0
	rng := rand.New(rand.NewPCG(13, 14))
	for _, inter := range []Interaction{AllToAll, NearestSymmetric, PreCentred} {
		for _, b := range []float64{0, 0.2} {
			for seed := range 5 {
				r := Modulated{APlus: 0.001, AMinus: 0.0012, TauPlus: 16.8, TauMinus: 33.7, TauC: 1000, TauN: 200, B: b,
					WMin: -1e6, WMax: 1e6, Interaction: inter}
				ev := modTrains(rng, T, 200)
				var plain []modEvent
				for _, e := range ev {
					if e.kind != evTick {
						plain = append(plain, e)
					}
				}
				lazy, lazyEnd := modLazy(r, 0, plain, T)
				extra, extraEnd := modLazy(r, 0, ev, T)
				lazy, extra = append(lazy, lazyEnd), append(extra, extraEnd)
				for k := range lazy {
					if math.Abs(lazy[k]-extra[k]) > 1e-12*(1+math.Abs(lazy[k])) {
						t.Fatalf("interaction %d b %v seed %d: after event %d w = %.17g lazily, %.17g with extra updates",
							inter, b, seed, k, lazy[k], extra[k])
					}
				}
			}
		}
	}
}

// TestModulatedClipAtUpdatePoints pins the NEST semantics of the bounds: w is clipped at
// update points only, so within an interval it may pass a bound and come back. With
// c0 = 1, n0 = 1, b = 0.5, tau_c = tau_n = 100 ms (tau_s = 50 ms), w' = e^{-s/100}
// (e^{-s/100} - 0.5) is positive until s = 100 ln 2 and negative after; w gains
// g(h) = 50 (1 - e^{-h/50}) - 50 (1 - e^{-h/100}) = 50 (e^{-h/100} - e^{-h/50}) by s = h.
// From w0 = 0 with wmax = 5, one interval of 300 ms ends at g(300) = 50 (e^{-3} - e^{-6})
// = 2.365 (never clipped, though w passed g(100 ln 2) = 12.5 inside); an extra update at
// the peak clips to 5, and the rest adds g(300) - g(100 ln 2), ending at -5.135.
// Tolerance 1e-12 relative: a few roundings.
func TestModulatedClipAtUpdatePoints(t *testing.T) {
	r := Modulated{TauPlus: 20, TauMinus: 20, TauC: 100, TauN: 100, B: 0.5, WMin: -100, WMax: 5}
	v := Volume{N: 1}
	one := ModState{C: 1}
	one.Advance(&r, 300, v)
	want := 50 * (math.Exp(-3) - math.Exp(-6))
	if math.Abs(one.W-want) > 1e-12 {
		t.Errorf("one interval: w = %.17g, closed form %.17g", one.W, want)
	}
	peak := 100 * math.Ln2
	two := ModState{C: 1}
	two.Advance(&r, peak, v)
	if two.W != r.WMax {
		t.Errorf("at the peak: w = %v, want the bound %v", two.W, r.WMax)
	}
	two.Advance(&r, 300, v)
	// From the peak: c = 1/2, n = 1/2; the change is the same integral from s = peak to 300.
	g := func(h float64) float64 { return 50*(1-math.Exp(-h/50)) - 50*(1-math.Exp(-h/100)) }
	if want := r.WMax + g(300) - g(peak); math.Abs(two.W-want) > 1e-12*math.Abs(want) {
		t.Errorf("with an update at the peak: w = %.17g, closed form %.17g", two.W, want)
	}
}

// TestModulatedAdvanceThrough: a synapse updated only at its own spikes, crossing the
// modulator jumps from a kept history, ends every update with the same weight, bit for
// bit, as one updated at every modulator event too: the same Advances run with the same
// arguments (clips included). Zero tolerance.
func TestModulatedAdvanceThrough(t *testing.T) {
	const T = 3000.0
	rng := rand.New(rand.NewPCG(15, 16))
	for _, inter := range []Interaction{AllToAll, NearestSymmetric} {
		for _, b := range []float64{0, 0.2} {
			r := Modulated{APlus: 0.001, AMinus: 0.0012, TauPlus: 16.8, TauMinus: 33.7, TauC: 1000, TauN: 200, B: b,
				WMin: 0, WMax: 0.15, Interaction: inter}
			ev := modTrains(rng, T, 0)
			eager := ModState{W: 0.075}
			lazy := eager
			var v Volume
			hist := []Volume{v}
			var pre, post Trace
			for k, e := range ev {
				switch e.kind {
				case evMod:
					eager.Advance(&r, e.t, v)
					v.Add(e.t, r.TauN, e.amount)
					hist = append(hist, v)
					continue
				case evPre:
					eager.Pre(&r, post, e.t, v)
					lazy.AdvanceThrough(&r, e.t, hist)
					lazy.Pre(&r, post, e.t, hist[len(hist)-1])
					r.PreSpike(&pre, e.t)
				case evPost:
					x := pre
					eager.Post(&r, &x, e.t, v)
					lazy.AdvanceThrough(&r, e.t, hist)
					lazy.Post(&r, &pre, e.t, hist[len(hist)-1])
					r.PostSpike(&post, e.t)
				}
				if lazy != eager {
					t.Fatalf("interaction %d b %v: after event %d (%+v) lazy %+v, eager %+v", inter, b, k, e, lazy, eager)
				}
			}
		}
	}
}

// TestModulatedCheck: bad parameters are refused, naming the parameter.
func TestModulatedCheck(t *testing.T) {
	good := NESTDopamine()
	if err := good.Check(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		edit func(*Modulated)
		want string
	}{
		{func(r *Modulated) { r.TauC = -1 }, "tau_c = -1 ms must be positive and finite"},
		{func(r *Modulated) { r.TauN = 0 }, "tau_n = 0 ms"},
		{func(r *Modulated) { r.TauN = math.Inf(1) }, "tau_n = +Inf ms"},
		{func(r *Modulated) { r.TauPlus = math.NaN() }, "tau_plus = NaN ms"},
		{func(r *Modulated) { r.TauMinus = -20 }, "tau_minus = -20 ms"},
		{func(r *Modulated) { r.APlus = -1 }, "a_plus = -1"},
		{func(r *Modulated) { r.AMinus = math.Inf(1) }, "a_minus = +Inf"},
		{func(r *Modulated) { r.B = math.NaN() }, "baseline b = NaN"},
		{func(r *Modulated) { r.WMin, r.WMax = 2, 1 }, "[wmin, wmax] = [2, 1]"},
		{func(r *Modulated) { r.WMax = math.Inf(1) }, "[wmin, wmax] = [0, +Inf]"},
		{func(r *Modulated) { r.Interaction = 7 }, "unknown interaction 7"},
	} {
		r := good
		c.edit(&r)
		err := r.Check()
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "plasticity: ") {
			t.Errorf("%+v: error %v, want one containing %q", r, err, c.want)
		}
	}
}

// TestModulatedBackwards: advancing into the past, or under a volume that jumped after
// the synapse's last update, is a caller's bug and panics.
func TestModulatedBackwards(t *testing.T) {
	r := NESTDopamine()
	for name, f := range map[string]func(){
		"backwards":    func() { s := ModState{T: 10}; s.Advance(&r, 5, Volume{}) },
		"later volume": func() { s := ModState{T: 10}; s.Advance(&r, 20, Volume{N: 1, T: 15}) },
		"no history":   func() { s := ModState{T: 10}; s.AdvanceThrough(&r, 20, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// A pairing (pre at 10 ms, post at 15 ms) leaves an eligibility A+ e^{-5/20}; a reward 1 s
// later, when it has decayed by e^{-1}, turns it into weight: c d0 tau_s in the long run.
func ExampleModState() {
	r := Modulated{APlus: 1, AMinus: 1.5, TauPlus: 20, TauMinus: 20, TauC: 1000, TauN: 200, WMin: 0, WMax: 10}
	s := ModState{W: 1}
	var v Volume
	var pre, post Trace

	s.Pre(&r, post, 10, v)
	r.PreSpike(&pre, 10)
	s.Post(&r, &pre, 15, v)
	r.PostSpike(&post, 15)
	fmt.Printf("eligibility after the pairing: %.4f\n", s.C)

	s.Advance(&r, 1015, v) // reward at 1015 ms: advance, then the volume jumps
	c := s.C
	v.Add(1015, r.TauN, 0.01)
	s.Advance(&r, 10015, v)
	tauS := r.TauC * r.TauN / (r.TauC + r.TauN)
	fmt.Printf("w = %.4f, closed form 1 + c d0 tau_s = %.4f\n", s.W, 1+c*0.01*tauS)
	// Output:
	// eligibility after the pairing: 0.7788
	// w = 1.4775, closed form 1 + c d0 tau_s = 1.4775
}
