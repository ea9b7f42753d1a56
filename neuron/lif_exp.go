package neuron

import (
	"math"

	"snn/sim"
)

// Receptors of LIFExp.
const (
	Excitatory = 0
	Inhibitory = 1
)

// LIFExp is a population of leaky integrate-and-fire neurons with exponentially decaying
// current synapses (NEST's iaf_psc_exp, Brian2's CUBA model):
//
//	tau_m dV/dt = -(V - EL) + Bias + Ie + Ii
//	tau_e dIe/dt = -Ie,  tau_i dIi/dt = -Ii
//
// currents in mV (R*I). An excitatory input of weight w >= 0 makes Ie jump by w, an
// inhibitory one of w <= 0 makes Ii jump by w. During the refractory period V is held at
// VReset while the currents go on decaying and receiving input.
//
// Between events the solution is closed form. With u = V - V_inf,
//
//	u(t) = am e^{-(t-t0)/tau_m} + ke be e^{-(t-t0)/tau_e} + ki bi e^{-(t-t0)/tau_i}
//	Ie(t) = be e^{-(t-t0)/tau_e},  Ii(t) = bi e^{-(t-t0)/tau_i}
//
// with ke = tau_e/(tau_e - tau_m) and ki = tau_i/(tau_i - tau_m). The scaled coefficients
// (am, be, bi) are constant between inputs; an input changes them by w times factors
// shared by every target of the presynaptic spike, so the hot path has no exp.
//
// Threshold crossings: every neuron keeps a lower bound on the time of its next crossing
// (ms), or the crossing itself, in a calendar queue. The bounds come from comparison: if
// C bounds Ie + Ii from above on a window [t, t+W], then there
// u(t+s) <= C + (u0 - C) e^{-s/tau_m}, which reaches threshold only after
// sigma(C, u0) = tau_m ln((C - u0)/(C - th)).
//   - When a bound reaches the head of the queue (Step), the state is evaluated and the
//     new bound is sigma(Ie, u) (Ie only decays and Ii <= 0). Only when that bound is
//     within a millisecond is the exact first crossing searched, with the safeguarded root
//     finder of crossing.go. For the inputs that follow, the neuron keeps the decay
//     factor of Ii at the end of a window a little beyond the bound.
//     (Tightening the Step bound with the inhibition left at S, the fixed point
//     S = sigma(C(S)), saved under 8 % of the steps of the cuba example and cost more
//     than it saved.)
//   - An excitatory input bounds Ie + Ii until the window's end by C = Ie + Ii(window
//     end), which counts every input so far; the new bound min(sigma(C, u), window end)
//     is first checked against the key with the Pade bound ln(1+y) >= 2y/(2+y) (one
//     division, no exp or log), and the key is lowered, with lnBelow for the logarithm,
//     only if the bound is earlier.
//   - An inhibitory input only delays the crossing: the key stays a valid bound.
type LIFExp struct {
	p          Params
	vInf       float64
	th, ur     float64 // threshold and reset relative to vInf
	rm, re, ri float64 // 1/tau, 1/ms
	rmax       float64 // the largest of them
	pe, pi     int     // re/rm and ri/rm when small integers (else 0): decays by powers
	ke, ki     float64
	t0         sim.Time
	s          []expState
	h          calendar
}

// expState is the hot state of one LIFExp neuron, kept together for locality.
type expState struct {
	am, be, bi float64
	giEnd      float64 // e^{-(wEnd - t0)/tau_i}: Ii(wEnd) = bi giEnd bounds Ii up to wEnd
	wEnd       float64 // ms
	refEnd     sim.Time
	exact      bool // the key is the crossing itself
}

const (
	// searchBelow: a bound closer than this (ms) triggers the exact search.
	searchBelow = 1.0
	// searchSpan: how far (ms) past the bound the exact search looks.
	searchSpan = 2.0
	// windowFactor: the window of a bound's C, in units of the bound.
	windowFactor = 1.2
)

// NewLIFExp returns a population of len(v0) neurons starting at potentials v0 (mV), with
// no synaptic current, at time 0.
func NewLIFExp(p Params, v0 []float64) (*LIFExp, error) {
	if err := p.check(true); err != nil {
		return nil, err
	}
	n := len(v0)
	if err := checkInit(n, v0, p); err != nil {
		return nil, err
	}
	l := &LIFExp{p: p, vInf: p.VInf(),
		rm: 1 / p.TauM, re: 1 / p.TauE, ri: 1 / p.TauI,
		ke: p.TauE / (p.TauE - p.TauM), ki: p.TauI / (p.TauI - p.TauM),
		s: make([]expState, n)}
	l.th, l.ur = p.VTh-l.vInf, p.VReset-l.vInf
	l.rmax = math.Max(l.rm, math.Max(l.re, l.ri))
	l.pe, l.pi = intRatio(l.re, l.rm), intRatio(l.ri, l.rm)
	l.h = newCalendar(n, 1/l.rmax/500)
	for i, v := range v0 {
		// No current yet: C = 0 bounds Ie + Ii until the first Step sets a window.
		l.s[i] = expState{am: v - l.vInf, wEnd: never}
		l.h.set(int32(i), 0) // every neuron is examined at t = 0
	}
	return l, nil
}

// Size returns the number of neurons.
func (l *LIFExp) Size() int { return len(l.s) }

// Next returns the tick of the earliest pending crossing or bound.
func (l *LIFExp) Next() sim.Time { _, k := l.h.top(); return sim.CeilMs(k) }

// V returns the membrane potential of neuron i at t (mV); t must not be earlier than the
// last input to neuron i.
func (l *LIFExp) V(i int, t sim.Time) float64 {
	s := &l.s[i]
	if t < s.refEnd {
		return l.p.VReset
	}
	x := (t - l.t0).Ms()
	return l.vInf + s.am*math.Exp(-x*l.rm) + l.ke*s.be*math.Exp(-x*l.re) + l.ki*s.bi*math.Exp(-x*l.ri)
}

// Currents returns the excitatory and inhibitory currents of neuron i at t (mV).
func (l *LIFExp) Currents(i int, t sim.Time) (ie, ii float64) {
	x := (t - l.t0).Ms()
	return l.s[i].be * math.Exp(-x*l.re), l.s[i].bi * math.Exp(-x*l.ri)
}

// intRatio returns a/b when it is an integer from 1 to 8 (to 1e-12), else 0.
func intRatio(a, b float64) int {
	k := math.Round(a / b)
	if k >= 1 && k <= 8 && math.Abs(a/b-k) <= 1e-12*k {
		return int(k)
	}
	return 0
}

// pow returns g^k for k >= 1 by repeated multiplication (at most 4 roundings for k <= 8).
func pow(g float64, k int) float64 {
	r := g
	for ; k > 1; k-- {
		r *= g
	}
	return r
}

// decays returns e^{-x/tau_m}, e^{-x/tau_e}, e^{-x/tau_i}. When a synaptic time constant
// divides tau_m by a small integer k (Brian2's CUBA: 20/5 and 20/10), its decay is the
// membrane's to the power k, which saves an exp.
func (l *LIFExp) decays(x float64) (gm, ge, gi float64) {
	gm = math.Exp(-x * l.rm)
	if l.pe > 0 {
		ge = pow(gm, l.pe)
	} else {
		ge = math.Exp(-x * l.re)
	}
	if l.pi > 0 {
		gi = pow(gm, l.pi)
	} else {
		gi = math.Exp(-x * l.ri)
	}
	return gm, ge, gi
}

func (l *LIFExp) rebase(t sim.Time) {
	x := (t - l.t0).Ms()
	if x*l.rmax < rebaseAfter {
		return
	}
	fm, fe, fi := l.decays(x)
	for i := range l.s {
		s := &l.s[i]
		s.am *= fm
		s.be *= fe
		s.bi *= fi
		s.giEnd /= fi
	}
	l.t0 = t
}

// lnBelow returns a lower bound of ln z for z >= 1, within 0.0018 of it, from the bits
// of z: z = m 2^e with m in [1, 2), and with y = (m-1)/(m+1) in [0, 1/3),
// ln m = 2(y + y^3/3 + y^5/5 + ...) >= 2y(1 + y^2/3). About a fifth of the cost of
// math.Log; float rounding can put it above ln z by a few parts in 1e16, a time far below
// the 1 ns resolution.
func lnBelow(z float64) float64 {
	b := math.Float64bits(z)
	e := int64(b>>52) - 1023
	m := math.Float64frombits(b&(1<<52-1) | 1023<<52)
	y := (m - 1) / (m + 1)
	return float64(e)*math.Ln2 + 2*y*(1+y*y*(1.0/3))
}

// sigma is the time (ms) the comparison trajectory with constant drive c takes from u0 to
// threshold, or +Inf if it never gets there.
func (l *LIFExp) sigma(c, u0 float64) float64 {
	if c <= l.th {
		return never
	}
	return l.p.TauM * lnBelow((c-u0)/(c-l.th))
}

// Step fires the neuron at the head of the queue if its key is its crossing; otherwise it
// evaluates the neuron and replaces the key by a tighter bound or by the crossing.
func (l *LIFExp) Step(t sim.Time, spike sim.SpikeFunc) {
	l.rebase(t)
	l.h.advance(t.Ms())
	i, _ := l.h.top()
	s := &l.s[i]
	if s.exact {
		l.fire(i, t, spike)
		return
	}
	now := t.Ms()
	x := (t - l.t0).Ms()
	gm, ge, gi := l.decays(x)
	f := expSum{c0: -l.th,
		c: [3]float64{s.am * gm, l.ke * s.be * ge, l.ki * s.bi * gi},
		r: [3]float64{l.rm, l.re, l.ri}, pow: [3]int{1, l.pe, l.pi}}
	u0 := f.c[0] + f.c[1] + f.c[2]
	if u0 >= l.th {
		// Fire now. Keying the neuron at now to fire on the next Step would fire at
		// CeilMs(t.Ms()), which is t+1 for some ticks t (1e-6*1e6 rounding).
		l.fire(i, t, spike)
		return
	}
	ie := f.c[1] / l.ke
	if f.never() {
		// Ie only decays and Ii <= 0: C = Ie bounds Ie + Ii for ever.
		s.giEnd, s.wEnd = 0, never
		l.h.set(i, never)
		return
	}
	lb := l.sigma(ie, u0)
	key, exact := now+lb, false
	if lb < searchBelow {
		if r, ok := f.firstRoot(lb, lb+searchSpan); ok {
			key, exact, lb = now+r, true, r
		} else {
			key = now + lb + searchSpan
			lb += searchSpan
		}
	}
	// The window for the bounds of later excitatory inputs.
	if lb == never {
		s.giEnd, s.wEnd = 0, never
	} else {
		win := windowFactor * lb
		s.giEnd, s.wEnd = gi*math.Exp(-win*l.ri), now+win
	}
	s.exact = exact
	l.h.set(i, key)
}

func (l *LIFExp) fire(i int32, t sim.Time, spike sim.SpikeFunc) {
	spike(i, t)
	s := &l.s[i]
	r := t + l.p.TRef
	s.refEnd = r
	x := (r - l.t0).Ms()
	// Choose am so that V(r) = VReset given the currents then.
	gm, ge, gi := l.decays(x)
	s.am = (l.ur - l.ke*s.be*ge - l.ki*s.bi*gi) / gm
	s.exact = false
	l.h.set(i, r.Ms())
}

// Deliver applies one batch of inputs at time t on receptor Excitatory (weights >= 0) or
// Inhibitory (weights <= 0): weights[k], or w when weights is nil, to neuron targets[k].
func (l *LIFExp) Deliver(t sim.Time, receptor int, targets []uint32, weights []float64, w float64, _ sim.SpikeFunc) {
	l.rebase(t)
	x := (t - l.t0).Ms()
	now := t.Ms()
	l.h.advance(now)
	gm, ge, gi := l.decays(x)
	fm := 1 / gm
	exc := receptor == Excitatory
	fs, k, rs := 1/gi, l.ki, l.ri
	if exc {
		fs, k, rs = 1/ge, l.ke, l.re
	}
	tauM := l.p.TauM
	for n, j := range targets {
		if weights != nil {
			w = weights[n]
		}
		s := &l.s[j]
		db := w * fs
		if exc {
			s.be += db
		} else {
			s.bi += db
		}
		if r := s.refEnd; t < r {
			// Keep V(r) = VReset: the new current's share of u at r goes into am.
			s.am -= k * db * math.Exp(-(r-l.t0).Ms()*(rs-l.rm))
			continue
		}
		s.am -= k * w * fm
		s.exact = false
		if !exc {
			continue // inhibition only delays the crossing: the key stays a bound
		}
		ie := s.be * ge
		c := ie + s.bi*s.giEnd // later inhibition tightens it
		u := s.am*gm + l.ke*ie + l.ki*s.bi*gi
		gap := l.th - u
		switch {
		case gap <= 0:
			l.h.lower(int32(j), now)
		case c > l.th:
			// sigma(C, u) = tau_m ln(1+y), y = gap/(C - th). The Pade lower bound
			// ln(1+y) >= 2y/(2+y) settles most inputs with a division.
			d := c - l.th
			key := l.h.keyOf(int32(j))
			if now+tauM*2*gap/(2*d+gap) >= key { // 2y/(2+y) with y = gap/d
				continue
			}
			if lb := math.Min(now+tauM*lnBelow(1+gap/d), s.wEnd); lb < key {
				l.h.set(int32(j), lb)
			}
		}
	}
}
