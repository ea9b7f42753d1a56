package neuron

import (
	"math"
	"testing"

	"snn/sim"
)

// newPop returns a one-neuron LIFExp (currents) or LIFDelta population starting at v0.
func newPop(t *testing.T, currents bool, p Params, v0 float64) target {
	t.Helper()
	pop, err := newPopErr(currents, p, []float64{v0})
	if err != nil {
		t.Fatal(err)
	}
	return pop
}

var models = []struct {
	name     string
	currents bool
}{{"LIFExp", true}, {"LIFDelta", false}}

// TestRateUnderConstantInput: with a bias above threshold and no synaptic input, a LIF
// neuron started at the reset potential fires periodically. From V(0) = VReset,
// V(s) = V_inf + (VReset - V_inf) e^{-s/tau_m} reaches VTh after
// L = tau_m ln((V_inf - VReset)/(V_inf - VTh)), then stays at VReset for t_ref, so
// the period is T = t_ref + L and the rate 1/T (Dayan & Abbott, Theoretical
// Neuroscience, ch. 5, integrate-and-fire models). Run through an engine for 10 s.
func TestRateUnderConstantInput(t *testing.T) {
	cases := []Params{
		{TauM: 20, EL: -65, VTh: -50, VReset: -65, TRef: 2 * sim.Millisecond, Bias: 20},
		{TauM: 10, EL: -70, VTh: -54, VReset: -60, TRef: 0, Bias: 16.5},
		{TauM: 30, EL: -60, VTh: -40, VReset: -55, TRef: 5 * sim.Millisecond, Bias: 60},
		{TauM: 5, EL: 0, VTh: 1, VReset: 0, TRef: 1 * sim.Millisecond, Bias: 1.0001}, // barely above threshold: long period
	}
	const run = 10 * sim.Second
	for _, m := range models {
		for _, p := range cases {
			p.TauE, p.TauI = 3, 7
			L := p.TauM * math.Log((p.VInf()-p.VReset)/(p.VInf()-p.VTh)) // ms
			T := p.TRef.Ms() + L
			got := runInputs(newPop(t, m.currents, p, p.VReset), nil, run)

			// Count. The exact spikes are at L + k T; each model spike is rounded up to a
			// tick, at most 1 ns per interval, so the count is exact unless the end of
			// the run falls within (count + 1) ns after an exact spike, which the cases
			// avoid (checked).
			n := math.Floor((run.Ms()-L)/T) + 1
			if margin := run.Ms() - (L + (n-1)*T); margin < (n+1)*1e-6 {
				t.Fatalf("%+v: run ends %v ms after a spike, too close to decide the count", p, margin)
			}
			if len(got) != int(n) {
				t.Errorf("%s %+v: %d spikes in %v, closed form %v (rate %.4f Hz)", m.name, p, len(got), run, n, 1000/T)
				continue
			}
			// First spike and intervals. The first spike is the first tick at or after L:
			// ceil(L). Each interval starts at a tick, so each is t_ref + ceil(L) in
			// exact arithmetic: between T and T + 1 ns. Rounding of the closed forms
			// (relative ~1e-15 on L of up to ~100 ms) adds about 1e-7 ns, allowed as
			// 1e-3 ns.
			const slack = 1e-3
			if d := float64(got[0]) - L*1e6; d < -slack || d > 1+slack {
				t.Errorf("%s %+v: first spike at %d ns, closed form %.3f ns", m.name, p, got[0], L*1e6)
			}
			worst := 0.0
			for k := 1; k < len(got); k++ {
				d := float64(got[k]-got[k-1]) - T*1e6
				if d < -slack || d > 1+slack {
					t.Errorf("%s %+v: interval %d is %d ns, closed form %.3f ns", m.name, p, k, got[k]-got[k-1], T*1e6)
					break
				}
				worst = math.Max(worst, math.Abs(d))
			}
			t.Logf("%s: %d spikes, rate %.6f Hz, max |ISI - T| %.3f ns", m.name, len(got), 1000/T, worst)
		}
	}
}

// TestPSP: one input to a neuron at rest (Bias 0, so V_inf = EL and the neuron stays
// below threshold) against the closed-form postsynaptic potential.
//
// LIFExp: tau_m dV/dt = -(V - EL) + I, I(s) = w e^{-s/tau_s} after an input of w at
// s = 0, gives V - EL = w tau_s/(tau_s - tau_m) (e^{-s/tau_s} - e^{-s/tau_m}), with
// maximum at s* = tau_m tau_s/(tau_m - tau_s) ln(tau_m/tau_s).
// LIFDelta: V - EL = w e^{-s/tau_m}.
func TestPSP(t *testing.T) {
	p := Params{TauM: 20, EL: -65, VTh: -50, VReset: -70, TRef: 2 * sim.Millisecond, TauE: 5, TauI: 10}
	t0 := 3*sim.Millisecond + 17 // an arbitrary tick, not at the population's origin
	for _, c := range []struct {
		name     string
		currents bool
		rec      int
		w, tauS  float64
	}{
		{"LIFExp excitatory", true, Excitatory, 4, p.TauE},
		{"LIFExp inhibitory", true, Inhibitory, -4, p.TauI},
		{"LIFDelta excitatory", false, Excitatory, 4, 0},
		{"LIFDelta inhibitory", false, Inhibitory, -4, 0},
	} {
		pop := newPop(t, c.currents, p, p.EL)
		v := pop.(interface{ V(int, sim.Time) float64 }).V
		spike := func(int32, sim.Time) { t.Fatalf("%s: unexpected spike", c.name) }
		// Let the population take its first step(s), as the engine would.
		for pop.Next() <= t0 {
			pop.Step(pop.Next(), spike)
		}
		pop.Deliver(t0, c.rec, []uint32{0}, nil, c.w, spike)
		psp := func(s float64) float64 {
			if !c.currents {
				return c.w * math.Exp(-s/p.TauM)
			}
			return c.w * c.tauS / (c.tauS - p.TauM) * (math.Exp(-s/c.tauS) - math.Exp(-s/p.TauM))
		}
		// Every 10.3 us for 200 ms. The model evaluates the same function through scaled
		// coefficients (am, b e^{(t-t0)/tau}): relative rounding of a few ulps on terms
		// of size |w| tau_s/|tau_s - tau_m| <= 2|w| gives errors ~1e-15 mV; allow 1e-12.
		worst := 0.0
		for s := sim.Time(0); s < 200*sim.Millisecond; s += 10300 {
			want := p.EL + psp(s.Ms())
			got := v(0, t0+s)
			worst = math.Max(worst, math.Abs(got-want))
		}
		if worst > 1e-12 {
			t.Errorf("%s: max |V - closed form| = %g mV", c.name, worst)
		}
		if !c.currents {
			// The jump is at t0 itself.
			if got := v(0, t0); math.Abs(got-(p.EL+c.w)) > 1e-12 {
				t.Errorf("%s: V(t0) = %v, want %v", c.name, got, p.EL+c.w)
			}
			continue
		}
		// Peak. V is flat there: within a few ns of s* it changes by less than its
		// rounding (ulp(65 mV) = 1.4e-14 mV), so an argmax over ticks would be loose.
		// Instead locate the zero of the slope of the model's V near s0, the tick nearest
		// s*, by central differences with h = 10 us: slope D = (4 D(h) - D(2h))/3
		// (Richardson, error ~ V5 h^4 with V5 the fifth derivative, ~(h/tau)^4 relative,
		// negligible), curvature S from the three-point formula, vertex s0 - D/S. Rounding
		// of V, 1.4e-14 mV against |S| h^2 ~ 5e-13 mV, moves it by ~3e-4 ns: allow 0.01 ns.
		sStar := p.TauM * c.tauS / (p.TauM - c.tauS) * math.Log(p.TauM/c.tauS)
		s0, h := sim.Time(math.Round(sStar*1e6)), 10*sim.Microsecond
		at := func(k sim.Time) float64 { return v(0, t0+s0+k*h) }
		hh := float64(h)
		d1, d2 := (at(1)-at(-1))/(2*hh), (at(2)-at(-2))/(4*hh)
		curv := (at(1) - 2*at(0) + at(-1)) / (hh * hh)
		vertex := float64(s0) - (4*d1-d2)/3/curv
		if d := math.Abs(vertex - sStar*1e6); d > 0.01 {
			t.Errorf("%s: peak at %.4f ns after the input, closed form %.4f ns", c.name, vertex, sStar*1e6)
		}
		if math.Signbit(curv) == math.Signbit(c.w) {
			t.Errorf("%s: V at s* is not an extremum", c.name)
		}
		// Peak value at the tick nearest s*: off by |S| (0.5 ns)^2 ~ 1e-15 mV.
		v0 := at(0)
		if d := math.Abs(v0 - (p.EL + psp(sStar))); d > 1e-12 {
			t.Errorf("%s: peak %v mV, closed form %v mV", c.name, v0, p.EL+psp(sStar))
		}
		t.Logf("%s: max |V - closed form| %.2g mV, peak %.6f mV at %.4f ns (closed form %.4f ns)",
			c.name, worst, v0-p.EL, vertex, sStar*1e6)
	}
}

// TestParamsRefused: parameters and initial potentials that the models cannot simulate
// are refused with an error, not a panic or a silent NaN.
func TestParamsRefused(t *testing.T) {
	ok := Params{TauM: 20, EL: -65, VTh: -50, VReset: -65, TRef: sim.Millisecond, TauE: 5, TauI: 10}
	for _, m := range models {
		if _, err := newPopErr(m.currents, ok, []float64{-65}); err != nil {
			t.Fatalf("%s: valid parameters refused: %v", m.name, err)
		}
	}
	bad := map[string]func(p *Params){
		"tau_m = 0":       func(p *Params) { p.TauM = 0 },
		"tau_m NaN":       func(p *Params) { p.TauM = math.NaN() },
		"v_th infinite":   func(p *Params) { p.VTh = math.Inf(1) },
		"v_reset = v_th":  func(p *Params) { p.VReset = p.VTh },
		"t_ref negative":  func(p *Params) { p.TRef = -1 },
		"bias NaN":        func(p *Params) { p.Bias = math.NaN() },
		"tau_e = 0 (exp)": func(p *Params) { p.TauE = 0 },
		"tau_i = tau_m":   func(p *Params) { p.TauI = p.TauM },
		"tau_e NaN (exp)": func(p *Params) { p.TauE = math.NaN() },
		"tau_i negative":  func(p *Params) { p.TauI = -3 },
	}
	for name, f := range bad {
		p := ok
		f(&p)
		if _, err := newPopErr(true, p, []float64{-65}); err == nil {
			t.Errorf("LIFExp accepted %s", name)
		}
		synaptic := p.TauE != ok.TauE || p.TauI != ok.TauI
		if _, err := newPopErr(false, p, []float64{-65}); (err == nil) != synaptic {
			t.Errorf("LIFDelta with %s: error %v", name, err)
		}
	}
	for _, m := range models {
		if _, err := newPopErr(m.currents, ok, []float64{math.NaN()}); err == nil {
			t.Errorf("%s accepted a NaN initial potential", m.name)
		}
	}
}

func newPopErr(currents bool, p Params, v0 []float64) (target, error) {
	if currents {
		return NewLIFExp(p, v0)
	}
	return NewLIFDelta(p, v0)
}
