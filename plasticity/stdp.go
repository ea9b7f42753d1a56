package plasticity

import (
	"fmt"
	"math"
)

// Interaction says which spike pairs a pair-STDP rule counts (Morrison, Diesmann &
// Gerstner 2008, Biol Cybern 98:459, section 4.1).
type Interaction uint8

const (
	// AllToAll: every pre spike pairs with every post spike. Traces add 1 per spike.
	AllToAll Interaction = iota
	// NearestSymmetric: each post spike pairs with the latest pre spike before it (LTP)
	// and each pre spike with the latest post spike before it (LTD). Traces reset to 1.
	NearestSymmetric
	// PreCentred: each pre spike pairs with the latest post spike before it (LTD) and with
	// the first post spike after it (LTP): a pre trace resets to 1 at a pre spike and is
	// used up by the first post spike.
	PreCentred
)

// Pair is pair-based STDP as a value: on a post spike at t a synapse whose last pre
// spike came dt = t - t_pre > 0 earlier is potentiated by A+ e^{-dt/tau+} (summed over the
// pairs the interaction counts); on a pre spike, depressed by A- e^{-dt/tau-} for post
// spikes dt earlier. The weight dependence (Gutig et al. 2003) scales the changes by the
// distance to the bound, as a fraction of the range:
//
//	dw+ = A+ ((wmax - w)/(wmax - wmin))^mu x,   dw- = -A- ((w - wmin)/(wmax - wmin))^mu y
//
// w clipped to [wmin, wmax], where x and y are the pre and post traces; mu = 0 is additive
// STDP with hard bounds, mu = 1 multiplicative. A+ and A- are in weight units.
type Pair struct {
	APlus, AMinus     float64
	TauPlus, TauMinus float64 // ms
	Mu                float64
	WMin, WMax        float64
	Interaction       Interaction
}

// Check reports parameters that make no rule.
func (r Pair) Check() error {
	switch {
	case !(r.TauPlus > 0) || !(r.TauMinus > 0) || math.IsInf(r.TauPlus, 0) || math.IsInf(r.TauMinus, 0):
		return fmt.Errorf("plasticity: time constants tau+ = %v ms and tau- = %v ms must be positive and finite", r.TauPlus, r.TauMinus)
	case !(r.APlus >= 0) || !(r.AMinus >= 0) || math.IsInf(r.APlus, 0) || math.IsInf(r.AMinus, 0):
		return fmt.Errorf("plasticity: amplitudes A+ = %v and A- = %v must be finite and not negative", r.APlus, r.AMinus)
	case !(r.WMin <= r.WMax) || math.IsInf(r.WMin, 0) || math.IsInf(r.WMax, 0):
		return fmt.Errorf("plasticity: weight bounds [%v, %v] must be finite and ordered", r.WMin, r.WMax)
	case !(r.Mu >= 0 && r.Mu <= 1):
		return fmt.Errorf("plasticity: weight dependence mu = %v must lie in [0, 1]", r.Mu)
	case r.Interaction > PreCentred:
		return fmt.Errorf("plasticity: unknown interaction %d", r.Interaction)
	}
	return nil
}

// Trace is a spike trace decayed lazily: its value at t is V e^{-(t - T)/tau}. The zero
// value is an empty trace.
type Trace struct {
	V float64
	T float64 // ms of the last update
}

// At returns the trace's value at t >= T.
func (tr Trace) At(t, tau float64) float64 {
	if tr.V == 0 {
		return 0
	}
	return tr.V * math.Exp(-(t-tr.T)/tau)
}

// Spike records a spike at t: the trace adds 1 (all-to-all) or resets to 1 (nearest).
func (tr *Trace) Spike(t, tau float64, reset bool) {
	if reset {
		tr.V = 1
	} else {
		tr.V = tr.At(t, tau) + 1
	}
	tr.T = t
}

// Potentiate applies a post spike at t to weight w given the synapse's pre trace, and
// returns the new weight. Under PreCentred the pre trace is used up.
func (r *Pair) Potentiate(w float64, pre *Trace, t float64) float64 {
	x := pre.At(t, r.TauPlus)
	if r.Interaction == PreCentred {
		pre.V = 0
	}
	return r.Up(w, x)
}

// Depress applies a pre spike at t to weight w given the post trace.
func (r *Pair) Depress(w float64, post Trace, t float64) float64 {
	return r.Down(w, post.At(t, r.TauMinus))
}

// Up is the potentiation of weight w by a pre trace worth x at the post spike.
func (r *Pair) Up(w, x float64) float64 { return raise(r.Mu, r.WMin, r.WMax, w, r.APlus*x) }

// Down is the depression of weight w by a post trace worth y at the pre spike.
func (r *Pair) Down(w, y float64) float64 { return lower(r.Mu, r.WMin, r.WMax, w, r.AMinus*y) }

// PreSpike updates a pre trace for a pre spike at t (after Depress).
func (r *Pair) PreSpike(pre *Trace, t float64) {
	pre.Spike(t, r.TauPlus, r.Interaction != AllToAll)
}

// PostSpike updates a post trace for a post spike at t (after Potentiate).
func (r *Pair) PostSpike(post *Trace, t float64) {
	post.Spike(t, r.TauMinus, r.Interaction != AllToAll)
}

// Triplet returns the pair rule as a triplet rule without triplet terms, the form
// synapse.Plastic runs.
func (r Pair) Triplet() Triplet {
	return Triplet{A2Plus: r.APlus, A2Minus: r.AMinus, TauPlus: r.TauPlus, TauMinus: r.TauMinus,
		TauX: r.TauPlus, TauY: r.TauMinus, Mu: r.Mu, WMin: r.WMin, WMax: r.WMax, Interaction: r.Interaction}
}

// raise returns w + d ((wmax - w)/(wmax - wmin))^mu clipped to [wmin, wmax]: the
// potentiation of w by an amount d >= 0 under the weight dependence mu.
func raise(mu, wmin, wmax, w, d float64) float64 {
	if d == 0 {
		return w
	}
	return clip(wmin, wmax, w+d*dep(mu, wmax-wmin, wmax-w))
}

// lower returns w - d ((w - wmin)/(wmax - wmin))^mu clipped to [wmin, wmax].
func lower(mu, wmin, wmax, w, d float64) float64 {
	if d == 0 {
		return w
	}
	return clip(wmin, wmax, w-d*dep(mu, wmax-wmin, w-wmin))
}

// dep is the weight dependence of a change whose bound is d away in a range span:
// (d/span)^mu.
func dep(mu, span, d float64) float64 {
	switch {
	case mu == 0:
		return 1
	case d <= 0 || span == 0:
		return 0
	case mu == 1:
		return d / span
	}
	return math.Pow(d/span, mu)
}

// clip bounds w to [lo, hi] (the weights are never NaN: Check refuses what could make one).
func clip(lo, hi, w float64) float64 {
	if w > hi {
		return hi
	}
	if w < lo {
		return lo
	}
	return w
}
