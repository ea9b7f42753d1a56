package neuron

import (
	"math"

	"snn/sim"
)

// CondCell is LIFCond's exact propagator and threshold-crossing search for one neuron
// whose state the caller keeps: for kernels that hold their neurons themselves, such as
// the Diehl & Cook network of package readout, whose neurons all receive the same dense
// input and carry their own, adaptive, thresholds. The equation, the series and their
// error bound (about 1e-13 mV per step), and the crossing search are LIFCond's (see
// there); only the threshold is an argument, since it may differ from neuron to neuron
// and change between calls. Refractoriness is left to the caller.
//
// A CondCell is not safe for concurrent use: Crossing keeps the threshold it was given.
type CondCell struct {
	l LIFCond
}

// NewCondCell returns the propagator of a LIFCond neuron with parameters p and c (the
// same checks as NewLIFCond).
func NewCondCell(p Params, c CondParams) (*CondCell, error) {
	if err := checkCond(p, c); err != nil {
		return nil, err
	}
	cc := &CondCell{l: LIFCond{p: p, c: c, pr: newCondProp(p, c)}}
	cc.threshold(p.VTh)
	return cc, nil
}

// threshold makes vth the threshold of the crossing search.
func (c *CondCell) threshold(vth float64) {
	l := &c.l
	if l.p.VTh == vth && l.nE != 0 {
		return
	}
	l.p.VTh = vth
	l.n0 = l.p.VInf() - vth
	l.nE = math.Max(l.c.EE, vth) - vth
	l.nI = l.c.EI - vth
}

// Advance returns the state (V, ge, gi) n >= 0 ticks later, without input or
// refractoriness: V in mV, the conductances in units of the leak conductance.
func (c *CondCell) Advance(v, ge, gi float64, n sim.Time) (float64, float64, float64) {
	return c.l.pr.advanceTicks(v, ge, gi, n)
}

// Decay returns the factors by which ge and gi decay in n >= 0 ticks.
func (c *CondCell) Decay(n sim.Time) (fe, fi float64) { return c.l.pr.decayTicks(n) }

// Crossing returns the first time s in [0, span] ms after the state (v, ge, gi) at which
// V reaches vth, given no input in between, or false if V stays below it. vth must lie
// above the inhibitory reversal potential. A neuron already at or above vth crosses at
// 0. Most calls end with the comparison bound of LIFCond, without a series: the exact
// search runs only when that bound falls within the span.
func (c *CondCell) Crossing(v, ge, gi, vth, span float64) (float64, bool) {
	if v >= vth {
		return 0, true
	}
	l := &c.l
	// Without further input, V stays below W(s), tau_m W' = ge(s) (EE - W) from
	// W(0) = top = max(V, V_inf, EI): where V = W >= V_inf and V >= EI the leak and the
	// inhibition pull V down, so V cannot overtake W. W tends to
	// EE - (EE - top) e^{-ge tau_e/tau_m} <= EE - (EE - top)(1 - ge tau_e/tau_m), so
	// below threshold that bound rules out any crossing, however long the span.
	top := max(v, l.pr.vInf, l.c.EI)
	if top < vth && (l.c.EE <= vth || (l.c.EE-top)*(1-ge*l.p.TauE*l.pr.rm) > l.c.EE-vth) {
		return 0, false
	}
	c.threshold(vth)
	// The comparison with gi >= 0: sigma >= span decides that no crossing comes in time
	// (the Pade bound of LIFCond.Deliver, with no log).
	n := l.n0 + ge*l.nE
	if n <= 0 {
		return 0, false
	}
	g1 := 1 + ge
	gap := vth - math.Max(v, l.c.EI)
	if gap*(2*l.p.TauM-span*g1) >= 2*n*span {
		return 0, false
	}
	o := condPoint{v: v, ge: ge, gi: gi}
	return l.firstRoot(&o, 0, span)
}

// NextCrossing is Crossing with no end to the span: it searches window after window
// until V crosses vth or the comparison bound rules out any later crossing (ge alone can
// no longer bring V to threshold).
func (c *CondCell) NextCrossing(v, ge, gi, vth float64) (float64, bool) {
	c.threshold(vth)
	l := &c.l
	at := 0.0
	for {
		if l.sigma(v, ge, 0) == never {
			return 0, false
		}
		span := math.Max(searchSpan, l.p.TauM)
		if s, ok := c.Crossing(v, ge, gi, vth, span); ok {
			return at + s, true
		}
		v, ge, gi = l.pr.advance(v, ge, gi, span)
		at += span
	}
}
