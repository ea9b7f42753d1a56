package neuron

import (
	"fmt"
	"math"

	"snn/sim"
)

// CondParams are the reversal potentials of LIFCond's synaptic conductances, mV.
type CondParams struct {
	EE float64 // excitatory reversal potential, mV (0 in the COBA benchmark)
	EI float64 // inhibitory reversal potential, mV (-80 in COBA, -70 in Song et al. 2000)
}

// LIFCond is a population of leaky integrate-and-fire neurons with exponentially decaying
// synaptic conductances (the COBA benchmark of Brette et al. 2007; Song, Miller & Abbott
// 2000):
//
//	tau_m dV/dt = (EL - V) + Bias + ge (EE - V) + gi (EI - V)
//	tau_e dge/dt = -ge,   tau_i dgi/dt = -gi
//
// with the conductances dimensionless, in units of the leak conductance (a step of 6 nS on
// a 10 nS leak is 0.6). An input of weight w >= 0 on receptor Excitatory makes ge jump by
// w, on Inhibitory gi by w. Negative weights are a caller error (the spec layer refuses
// them): they would make a conductance negative and break the bounds below. During the
// refractory period V is held at VReset while the conductances go on decaying and
// receiving input. TauE and TauI of Params are the conductances' time constants and may
// equal TauM.
//
// Each neuron keeps (V, ge, gi) at the time of its last input or step and advances it
// by a series whose truncation is bounded rigorously (about 1e-13 mV per step), so that
// between events V is exact to rounding: when tau_e and tau_i are in an integer ratio
// (equal, or 5 and 10 ms as in COBA), a power series in z = 1 - e^{-h/tau_s} whose
// coefficients follow a fixed-length recurrence, its decay read from tables by the
// step's length in ticks (condZ, cond_zseries.go); otherwise the Taylor series in the
// step length h (condProp, cond_series.go).
//
// Threshold crossings. Between inputs ge only decays. For V in [EI, VTh], ge(EE - V) <=
// ge0 (E+ - V) with E+ = max(EE, VTh), and gi (EI - V) <= gl (EI - V) for any lower
// bound gl of gi, so dV/dt is at most that of the comparison equation with constant
// coefficients, and V(t+s) <= V* + (V0 - V*) e^{-g1 s/tau_m}, g1 = 1 + ge0 + gl,
// V* = (V_inf + ge0 E+ + gl EI)/g1. It reaches threshold only after
//
//	sigma = tau_m/g1 ln(1 + g1 (VTh - V0)/N),   N = (V_inf - VTh) + ge0 (E+ - VTh) + gl (EI - VTh),
//
// and never if N <= 0 (then dV/dt < 0 at VTh). A potential below EI (VReset or v0 below
// EI) is replaced by EI in V0: it must pass EI first, inhibition pushing it up there,
// and the comparison from EI stays above EI whenever N > 0; so the bound stays valid.
//
// Every neuron has a key, a lower bound on its next crossing or the crossing itself, in a
// 4-ary heap (heap.go; ties by the lower index).
//   - When a neuron's key reaches the head (Step), it is evaluated and gets the bound with
//     gl = gi at the end of a window [t, t+W], capped at W. W is 1.2 sigma(gl = 0), or,
//     if longer, the time tau_i ln(gi/gc) for which gi stays above the gc that makes
//     N = 0 by itself. A bound within a millisecond is replaced by the exact first
//     crossing, searched on the exact V (cond_root.go), or by the end of the searched span.
//     Step first tries the bound with an upper bound of V instead of V (stepLazy), which
//     needs no series: if it is not within a millisecond, the state is left at its time,
//     to be advanced with the next input.
//   - An excitatory input computes the bound with the window's gl (inhibition since only
//     raised gi) and lowers the key if it is earlier, deciding most inputs with the Pade
//     bound ln(1+y) >= 2y/(2+y) (products, no division or log). The key never lies
//     beyond the window's end, so the window caps these bounds without lowering the key.
//   - An inhibitory input only delays the crossing: the key stays a valid bound.
type LIFCond struct {
	p          Params
	c          CondParams
	n0, nE, nI float64 // N = n0 + ge nE + gl nI: V_inf - VTh, max(EE, VTh) - VTh, EI - VTh
	s          []condState
	h          crossings
	touched    sim.Time // the early loads of Deliver, kept
	pr         condProp
	// next is Next's answer, kept until the heap changes (stale), which few inputs do.
	next  sim.Time
	stale bool
}

// condState is the state of one LIFCond neuron, kept together for locality.
type condState struct {
	v, ge, gi float64  // at t; v is VReset while refractory (t < refEnd)
	t         sim.Time // time of the state: last input, step or spike
	refEnd    sim.Time
	giW       float64 // lower bound of gi until wEnd (gi at wEnd without further input)
	wEnd      float64 // ms
	// key is the neuron's key in the heap (kept here too, so that an input reads it from
	// the line it loads anyway), negated when the key is the crossing itself: its sign
	// bit is the flag.
	key float64
}

// setKey gives neuron i the key k >= 0 in the heap and its state; exact: k is the
// crossing itself.
func (l *LIFCond) setKey(i int32, k float64, exact bool) {
	l.h.set(i, k)
	l.stale = true
	if exact {
		k = -k
	}
	l.s[i].key = k
}

// NewLIFCond returns a population of len(v0) neurons starting at potentials v0 (mV), with
// no conductance, at time 0.
func NewLIFCond(p Params, c CondParams, v0 []float64) (*LIFCond, error) {
	if err := checkCond(p, c); err != nil {
		return nil, err
	}
	n := len(v0)
	if err := checkInit(n, v0, p); err != nil {
		return nil, err
	}
	l := &LIFCond{p: p, c: c, pr: newCondProp(p, c), s: make([]condState, n)}
	l.n0 = p.VInf() - p.VTh
	l.nE = math.Max(c.EE, p.VTh) - p.VTh
	l.nI = c.EI - p.VTh
	l.h = newCrossings(n)
	for i, v := range v0 {
		l.s[i] = condState{v: v, wEnd: never}
		l.setKey(int32(i), 0, false) // every neuron is examined at t = 0
	}
	return l, nil
}

func checkCond(p Params, c CondParams) error {
	if err := p.check(false); err != nil {
		return err
	}
	for _, q := range []struct {
		n string
		v float64
	}{{"tau_e", p.TauE}, {"tau_i", p.TauI}} {
		if math.IsNaN(q.v) || math.IsInf(q.v, 0) || !(q.v > 0) {
			return fmt.Errorf("neuron: %s = %v ms must be positive and finite", q.n, q.v)
		}
	}
	for _, q := range []struct {
		n string
		v float64
	}{{"e_e", c.EE}, {"e_i", c.EI}} {
		if math.IsNaN(q.v) || math.IsInf(q.v, 0) {
			return fmt.Errorf("neuron: %s = %v mV is not finite", q.n, q.v)
		}
	}
	if !(c.EI < c.EE) {
		return fmt.Errorf("neuron: e_i = %v mV must be below e_e = %v mV", c.EI, c.EE)
	}
	if !(c.EI < p.VTh) {
		return fmt.Errorf("neuron: e_i = %v mV must be below v_th = %v mV (inhibition must not excite)", c.EI, p.VTh)
	}
	return nil
}

// Size returns the number of neurons.
func (l *LIFCond) Size() int { return len(l.s) }

// Next returns the tick of the earliest pending crossing or bound.
func (l *LIFCond) Next() sim.Time {
	if l.stale {
		_, k := l.h.top()
		l.next, l.stale = sim.CeilMs(k), false
	}
	return l.next
}

// V returns the membrane potential of neuron i at t (mV). t must not be earlier than the
// neuron's last input, step or spike.
func (l *LIFCond) V(i int, t sim.Time) float64 {
	s := &l.s[i]
	if t < s.refEnd {
		return l.p.VReset
	}
	v, ge, gi, t0 := l.start(s, t)
	v, _, _ = l.pr.advanceTicks(v, ge, gi, t-t0)
	return v
}

// Conductances returns the excitatory and inhibitory conductances of neuron i at t, in
// units of the leak conductance. t must not be earlier than the neuron's last input, step
// or spike.
func (l *LIFCond) Conductances(i int, t sim.Time) (ge, gi float64) {
	s := &l.s[i]
	if t < s.t {
		panic(fmt.Sprintf("neuron: LIFCond conductances at %v, before neuron %d's last update at %v", t, i, s.t))
	}
	return l.decay(s, t)
}

// start returns the state from which neuron s evolves freely at t >= s.refEnd: its own,
// or, if the refractory period ended since, VReset with the conductances at its end.
func (l *LIFCond) start(s *condState, t sim.Time) (v, ge, gi float64, t0 sim.Time) {
	if t < s.t {
		panic(fmt.Sprintf("neuron: LIFCond state at %v, before the neuron's last update at %v", t, s.t))
	}
	if s.t >= s.refEnd {
		return s.v, s.ge, s.gi, s.t
	}
	ge, gi = l.decay(s, s.refEnd)
	return l.p.VReset, ge, gi, s.refEnd
}

// decay returns the conductances of s at t >= s.t (closed form).
func (l *LIFCond) decay(s *condState, t sim.Time) (ge, gi float64) {
	fe, fi := l.pr.decayTicks(t - s.t)
	return s.ge * fe, s.gi * fi
}

// to brings neuron s's state to t >= s.refEnd.
func (l *LIFCond) to(s *condState, t sim.Time) {
	if t < s.t || s.t < s.refEnd {
		v, ge, gi, t0 := l.start(s, t)
		s.v, s.ge, s.gi = l.pr.advanceTicks(v, ge, gi, t-t0)
	} else if l.pr.z.p > 0 {
		s.v, s.ge, s.gi = l.pr.z.advanceTicks(s.v, s.ge, s.gi, t-s.t)
	} else {
		s.v, s.ge, s.gi = l.pr.advanceTaylor(s.v, s.ge, s.gi, (t - s.t).Ms())
	}
	s.t = t
}

// sigma is the comparison bound (ms) on the time to threshold from V = v with ge frozen
// and gi >= gl, or +Inf when the comparison never reaches it; v < VTh.
func (l *LIFCond) sigma(v, ge, gl float64) float64 {
	n := l.n0 + ge*l.nE + gl*l.nI
	if n <= 0 {
		return never
	}
	g1 := 1 + ge + gl
	gap := l.p.VTh - math.Max(v, l.c.EI)
	return l.p.TauM / g1 * lnBelow(1+g1*gap/n)
}

// Step fires the neuron at the head of the queue if its key is its crossing; otherwise it
// evaluates the neuron and replaces the key by a tighter bound or by the crossing.
func (l *LIFCond) Step(t sim.Time, spike sim.SpikeFunc) {
	now := t.Ms()
	i, _ := l.h.top()
	s := &l.s[i]
	if math.Signbit(s.key) {
		l.fire(i, t, spike)
		return
	}
	if s.t >= s.refEnd && l.stepLazy(i, s, t) {
		return
	}
	l.to(s, t)
	if s.v >= l.p.VTh {
		// Fire now (see LIFExp.Step on why not by keying at now).
		l.fire(i, t, spike)
		return
	}
	s0, w, gl, lb := l.bound(s.v, s.ge, s.gi)
	if s0 == never {
		// ge only decays: no crossing without further excitation.
		s.giW, s.wEnd = 0, never
		l.setKey(i, never, false)
		return
	}
	key, exact := now+lb, false
	if lb < searchBelow {
		o := condPoint{v: s.v, ge: s.ge, gi: s.gi}
		if r, ok := l.firstRoot(&o, lb, lb+searchSpan); ok {
			key, exact = now+r, true
		} else {
			key = now + lb + searchSpan
		}
		if d := key - now; d > w {
			// Keep the window at least as long as the key, so that inputs compare
			// bounds valid up to it.
			w, gl = d, s.gi*math.Exp(-d*l.pr.ri)
		}
	}
	s.giW, s.wEnd = gl, math.Max(now+w, key) // key <= wEnd despite rounding
	l.setKey(i, key, exact)
}

// bound returns, for a neuron at V <= v with conductances ge and gi and no input,
// sigma(v, ge, 0) (never when ge alone cannot bring V to threshold), the window w, the
// lower bound gl of gi in it, and the bound lb <= w on the time to the next crossing
// (ms).
func (l *LIFCond) bound(v, ge, gi float64) (s0, w, gl, lb float64) {
	s0 = l.sigma(v, ge, 0)
	if s0 == never {
		return never, 0, 0, never
	}
	w = windowFactor * s0
	if gc := (l.n0 + ge*l.nE) / -l.nI; gi > gc {
		// Inhibition alone holds the comparison below threshold (N <= 0) as long as gi
		// stays above gc, which it does for tau_i ln(gi/gc) ms: a longer window.
		w = math.Max(w, l.p.TauI*math.Log(gi/gc))
	}
	gl = gi * math.Exp(-w*l.pr.ri)
	return s0, w, gl, math.Min(l.sigma(v, ge, gl), w)
}

// stepLazy is Step for a neuron whose bound needs no exact potential: it bounds V at t
// from above without advancing the state, by the comparison of LIFCond (ge frozen at its
// value at the state's time, gi at its present, lowest, value) whose trajectory stays
// below max(V, EI, V*), V* its equilibrium, until V reaches threshold; so if that is
// below threshold, V has not reached it by t. With that bound for V the neuron gets a
// new key if the bound is at least searchBelow ahead (or none if it cannot fire), and
// the state stays as it was, to be advanced at the next input in one step with the rest
// of the interval. It reports whether it did; otherwise Step goes on exactly.
func (l *LIFCond) stepLazy(i int32, s *condState, t sim.Time) bool {
	ge, gi := l.decay(s, t)
	vStar := (l.pr.vInf + s.ge*(l.p.VTh+l.nE) + gi*l.c.EI) / (1 + s.ge + gi)
	vUp := max(s.v, l.c.EI, vStar)
	if !(vUp < l.p.VTh) {
		return false
	}
	s0, w, gl, lb := l.bound(vUp, ge, gi)
	switch {
	case s0 == never:
		s.giW, s.wEnd = 0, never
		l.setKey(i, never, false)
	case lb >= searchBelow:
		now := t.Ms()
		s.giW, s.wEnd = gl, now+w
		l.setKey(i, now+lb, false)
	default:
		return false
	}
	return true
}

func (l *LIFCond) fire(i int32, t sim.Time, spike sim.SpikeFunc) {
	spike(i, t)
	s := &l.s[i]
	s.ge, s.gi = l.decay(s, t)
	s.v, s.t = l.p.VReset, t
	s.refEnd = t + l.p.TRef
	l.setKey(i, s.refEnd.Ms(), false)
}

// Deliver applies one batch of inputs at time t on receptor Excitatory or Inhibitory:
// weights[k] >= 0, or w >= 0 when weights is nil, to neuron targets[k].
func (l *LIFCond) Deliver(t sim.Time, receptor int, targets []uint32, weights []float64, w float64, spike sim.SpikeFunc) {
	var touch sim.Time
	for n, j := range targets {
		if weights != nil {
			w = weights[n]
		}
		if n+3 < len(targets) {
			// Load a later target's state early (a prefetch): in a large population it
			// misses the cache, and the miss then overlaps the work on this target.
			touch |= l.s[targets[n+3]].refEnd
		}
		l.Deliver1(t, receptor, j, w, spike)
	}
	l.touched = touch
}

// Deliver1 applies one input of weight w >= 0 at time t on receptor Excitatory or
// Inhibitory to neuron j: Deliver of a batch of one (synapse.Target1).
func (l *LIFCond) Deliver1(t sim.Time, receptor int, j uint32, w float64, _ sim.SpikeFunc) {
	s := &l.s[j]
	exc := receptor == Excitatory
	if t < s.refEnd {
		// Refractory: only the conductances evolve; the key stays at refEnd.
		s.ge, s.gi = l.decay(s, t)
		s.t = t
		if exc {
			s.ge += w
		} else {
			s.gi += w
		}
		return
	}
	if z := &l.pr.z; z.p == 1 && s.t >= s.refEnd && t >= s.t && t-s.t < 1<<32 {
		// to, for the common case (tau_e = tau_i, as in Song et al.), with
		// z.advanceTicks written out to its series.
		v, ge, gi := s.v, s.ge, s.gi
		u := z.decay32(t - s.t)
		zz := 1 - u
		ok := false
		if z.onePiece(ge, gi, zz) {
			v, ok = z.series1(v, ge, gi, zz)
			ge, gi = ge*u, gi*u
		}
		if !ok {
			v, ge, gi = z.advanceLong(s.v, s.ge, s.gi, u, (t - s.t).Ms())
		}
		s.v, s.ge, s.gi, s.t = v, ge, gi, t
	} else {
		l.to(s, t)
	}
	key := math.Abs(s.key) // an input makes an exact key a bound
	s.key = key
	if !exc {
		s.gi += w // inhibition only delays the crossing: the key stays a bound
		return
	}
	ge := s.ge + w
	s.ge = ge
	// What does not depend on V first: V comes last out of the series, and the
	// test on it is then one product and a comparison.
	now := t.Ms()
	gl, end := s.giW, s.wEnd
	if !(now < end) {
		gl, end = 0, never
	}
	nn := l.n0 + ge*l.nE + gl*l.nI
	g1 := 1 + ge + gl
	// sigma = tau_m/g1 ln(1+y), y = g1 gap/N, gap = VTh - max(V, EI); the Pade bound
	// 2y/(2+y) gives 2 tau_m gap/(2N + g1 gap), at least key - now = d exactly when
	// gap (2 tau_m - d g1) >= 2 N d.
	tauM := l.p.TauM
	d := key - now
	c, nd := 2*tauM-d*g1, 2*nn*d
	vb := s.v // max(s.v, EI), as a (predictable) branch: V is rarely below EI
	if vb < l.c.EI {
		vb = l.c.EI
	}
	vTh := l.p.VTh
	if vb >= vTh {
		if now < key {
			l.setKey(int32(j), now, false)
		}
		return
	}
	gap := vTh - vb
	if nn <= 0 || gap*c >= nd {
		// nn <= 0: no crossing before the window's end, which is at or after the key.
		return
	}
	if lb := min(now+tauM/g1*lnBelow(1+g1*gap/nn), end); lb < key {
		l.setKey(int32(j), lb, false)
	}
}
