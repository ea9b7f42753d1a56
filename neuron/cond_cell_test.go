package neuron

import (
	"math"
	"math/rand/v2"
	"testing"

	"snn/sim"
)

// dcExc and dcInh are the excitatory and inhibitory neurons of Diehl & Cook 2015, the
// kernel CondCell was written for (tau_e 1 ms, tau_i 2 ms: the z-series with p = 2).
var (
	dcExc = Params{TauM: 100, EL: -65, VTh: -52, VReset: -65, TRef: 5 * sim.Millisecond, TauE: 1, TauI: 2}
	dcExE = CondParams{EE: 0, EI: -100}
	dcInh = Params{TauM: 10, EL: -60, VTh: -40, VReset: -45, TRef: 2 * sim.Millisecond, TauE: 1, TauI: 2}
	dcInE = CondParams{EE: 0, EI: -85}
)

// TestCondCellAdvance compares Advance with the RK4 reference of condTrajectory (1e-4 ms
// steps, ~1e-12 mV) over random states and steps: the series is exact to about 1e-13
// mV per step, so 1e-9 mV leaves room only for the reference's rounding.
func TestCondCellAdvance(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, cs := range []struct {
		p Params
		c CondParams
	}{{dcExc, dcExE}, {dcInh, dcInE}} {
		cell, err := NewCondCell(cs.p, cs.c)
		if err != nil {
			t.Fatal(err)
		}
		for range 20 {
			v0 := cs.c.EI + (cs.p.VTh-cs.c.EI)*r.Float64()
			ge0, gi0 := 3*r.Float64(), 20*r.Float64()
			steps := 1 + r.IntN(30000) // up to 3 ms
			ref := condTrajectory(cs.p, cs.c, v0, ge0, gi0, 1e-4, steps)
			n := sim.Time(steps) * 100 // 1e-4 ms = 100 ns
			v, ge, gi := cell.Advance(v0, ge0, gi0, n)
			if d := math.Abs(v - ref[steps]); d > 1e-9 {
				t.Errorf("Advance(%v, %v, %v, %v) = %v mV, reference %v (off by %.3g)", v0, ge0, gi0, n, v, ref[steps], d)
			}
			fe, fi := cell.Decay(n)
			if math.Abs(ge-ge0*fe) > 1e-15*ge0 || math.Abs(gi-gi0*fi) > 1e-15*gi0 {
				t.Errorf("conductances %v %v, want %v %v", ge, gi, ge0*fe, gi0*fi)
			}
		}
	}
}

// TestCondCellCrossing draws excitatory kicks and thresholds (an adaptive threshold
// moves with the neuron) and compares Crossing and NextCrossing with the first sample of
// the RK4 reference at or above threshold: within one 1e-4 ms sample, or absent both. A
// reference peak within 1e-6 mV of threshold is skipped (either answer is right there).
func TestCondCellCrossing(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	cell, err := NewCondCell(dcExc, dcExE)
	if err != nil {
		t.Fatal(err)
	}
	const dt, span = 1e-4, 10.0
	n := int(span / dt)
	found, none := 0, 0
	for range 60 {
		v0 := -70 + 15*r.Float64()
		ge0, gi0 := 40*r.Float64(), 2*r.Float64()
		vth := -52 + 10*r.Float64()
		ref := condTrajectory(dcExc, dcExE, v0, ge0, gi0, dt, n)
		first, peak := -1, math.Inf(-1)
		for k, v := range ref {
			peak = max(peak, v)
			if first < 0 && v >= vth {
				first = k
			}
		}
		if math.Abs(peak-vth) < 1e-6 || v0 >= vth {
			continue
		}
		s, ok := cell.Crossing(v0, ge0, gi0, vth, span)
		s2, ok2 := cell.NextCrossing(v0, ge0, gi0, vth)
		if ok2 != ok || (ok && math.Abs(s2-s) > 1e-7) {
			t.Errorf("NextCrossing = %v %v, Crossing = %v %v", s2, ok2, s, ok)
		}
		switch {
		case first < 0 && ok:
			t.Errorf("v0 %v ge %v gi %v vth %v: crossing at %v ms, reference peaks at %v below", v0, ge0, gi0, vth, s, peak)
		case first >= 0 && !ok:
			t.Errorf("v0 %v ge %v gi %v vth %v: no crossing, reference at %v ms", v0, ge0, gi0, vth, float64(first)*dt)
		case ok && (s > float64(first)*dt+1e-7 || s < float64(first-1)*dt-1e-7):
			t.Errorf("crossing at %v ms, reference between %v and %v", s, float64(first-1)*dt, float64(first)*dt)
		}
		if ok {
			found++
		} else {
			none++
		}
	}
	if found < 10 || none < 10 {
		t.Errorf("cases with a crossing %d, without %d: the draw no longer tests both", found, none)
	}
}
