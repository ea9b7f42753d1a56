package plasticity

import (
	"fmt"
	"math"
)

// Modulated is three-factor STDP as a value: pair STDP writes into an eligibility trace c
// instead of the weight, and the weight follows c times the modulator concentration n
// (e.g. dopamine) above a baseline B (Izhikevich 2007, Cereb Cortex 17:2443; Potjans,
// Morrison & Diesmann 2010, Front Comput Neurosci 4:141; NEST stdp_dopamine_synapse).
//
//	post spike at t:  c -> c + A+ x(t)      x: pre trace, tau+ (weight-independent)
//	pre spike at t:   c -> c - A- y(t)      y: post trace, tau-
//	between events:   c' = -c/tau_c,  n' = -n/tau_n,  w' = c (n - B)
//	modulator event:  n -> n + amount
//
// Between events w is integrated exactly; over an interval of length h that starts with
// c0 and n0,
//
//	dw = c0 n0 tau_s (1 - e^{-h/tau_s}) - B c0 tau_c (1 - e^{-h/tau_c}),  1/tau_s = 1/tau_c + 1/tau_n,
//
// and w is clipped to [WMin, WMax] at the end of every interval (at every update point,
// as NEST does). Traces add 1 per spike (AllToAll) or reset to 1 (NearestSymmetric,
// PreCentred, where a post spike also uses up the pre trace); NEST's synapse is
// all-to-all. A+ and A- are in weight units per (ms x modulator unit); tau in ms.
type Modulated struct {
	APlus, AMinus     float64
	TauPlus, TauMinus float64 // ms: pre trace x and post trace y
	TauC              float64 // ms: eligibility c
	TauN              float64 // ms: modulator concentration n
	B                 float64 // baseline concentration
	WMin, WMax        float64
	Interaction       Interaction
}

// NESTDopamine returns the defaults of NEST's stdp_dopamine_synapse (models/
// stdp_dopamine_synapse.cpp): A+ 1, A- 1.5, tau+ 20 ms, tau_c 1000 ms, tau_n 200 ms,
// b 0, Wmin 0, Wmax 200, all-to-all; tau- is the postsynaptic neuron's in NEST (20 ms by
// default). NEST adds 1/tau_n to n per dopamine spike: Add amount 1/TauN.
func NESTDopamine() Modulated {
	return Modulated{APlus: 1, AMinus: 1.5, TauPlus: 20, TauMinus: 20, TauC: 1000, TauN: 200, WMax: 200}
}

// Check reports parameters that make no rule, naming the first one at fault.
func (r Modulated) Check() error {
	for _, q := range []struct {
		name string
		v    float64
	}{{"tau_plus", r.TauPlus}, {"tau_minus", r.TauMinus}, {"tau_c", r.TauC}, {"tau_n", r.TauN}} {
		if !(q.v > 0) || math.IsInf(q.v, 0) {
			return fmt.Errorf("plasticity: %s = %v ms must be positive and finite", q.name, q.v)
		}
	}
	for _, q := range []struct {
		name string
		v    float64
	}{{"a_plus", r.APlus}, {"a_minus", r.AMinus}} {
		if !(q.v >= 0) || math.IsInf(q.v, 0) {
			return fmt.Errorf("plasticity: amplitude %s = %v must be finite and not negative", q.name, q.v)
		}
	}
	switch {
	case math.IsNaN(r.B) || math.IsInf(r.B, 0):
		return fmt.Errorf("plasticity: baseline b = %v must be finite", r.B)
	case !(r.WMin <= r.WMax) || math.IsInf(r.WMin, 0) || math.IsInf(r.WMax, 0):
		return fmt.Errorf("plasticity: weight bounds [wmin, wmax] = [%v, %v] must be finite and ordered", r.WMin, r.WMax)
	case r.Interaction > PreCentred:
		return fmt.Errorf("plasticity: unknown interaction %d (expected all-to-all, nearest or pre-centred)", r.Interaction)
	}
	return nil
}

// Volume is a modulator concentration decayed lazily: n(t) = N e^{-(t - T)/tau_n} until
// the next jump. It is shared by the synapses it modulates (NEST's volume transmitter).
// The zero value is an empty volume at time 0.
type Volume struct {
	N float64
	T float64 // ms of the last jump
}

// At returns the concentration at t >= T.
func (v Volume) At(t, tauN float64) float64 {
	if v.N == 0 {
		return 0
	}
	return v.N * math.Exp(-(t-v.T)/tauN)
}

// Add records a modulator event at t >= T: n jumps by amount (a reward r; NEST's
// dopamine spike of multiplicity m is amount m/tau_n). Advance every synapse the volume
// modulates to t before the jump, or keep the jumps for AdvanceThrough.
func (v *Volume) Add(t, tauN, amount float64) {
	v.N = v.At(t, tauN) + amount
	v.T = t
}

// ModState is the state of one modulated synapse: weight W and eligibility C, both at
// time T (ms of the last update). The zero value is a synapse of weight 0 at time 0.
type ModState struct {
	W, C float64
	T    float64 // ms
}

// Advance integrates the synapse from T to t >= T in closed form, under the modulator
// v (v.T <= T, with no jump in (v.T, t]): w gains
//
//	c0 n0 tau_s (1 - e^{-h/tau_s}) - B c0 tau_c (1 - e^{-h/tau_c})
//
// with h = t - T, c0 = C, n0 = v.At(T), and is clipped to the bounds; C decays by
// e^{-h/tau_c}. Cost: at most two exp and two expm1. It panics if t < T or v.T > T
// (a caller's bug: time running backwards, or a jump the synapse was not advanced to).
func (s *ModState) Advance(r *Modulated, t float64, v Volume) {
	h := t - s.T
	if !(h >= 0) || v.T > s.T {
		panic(fmt.Sprintf("plasticity: modulated synapse at %v ms advanced to %v ms under a volume of %v ms", s.T, t, v.T))
	}
	if s.C != 0 && h > 0 {
		dw := 0.0
		if n0 := v.At(s.T, r.TauN); n0 != 0 {
			tauS := r.TauC * r.TauN / (r.TauC + r.TauN)
			dw = -n0 * tauS * math.Expm1(-h/tauS)
		}
		if r.B != 0 {
			dw += r.B * r.TauC * math.Expm1(-h/r.TauC)
		}
		s.W += s.C * dw
		s.C *= math.Exp(-h / r.TauC)
	}
	s.W = clip(r.WMin, r.WMax, s.W)
	s.T = t
}

// AdvanceThrough advances the synapse to t across the modulator jumps in hist: the
// volume just after each jump, oldest first, the first at or before T. It advances to
// each jump time in (T, t] under the volume before it, then on under the one after it,
// which is what Advance at every jump gives (bit for bit). A synapse updated only at
// its own spikes and its post neuron's spikes can use this with the jumps since its last
// update (NEST's volume transmitter keeps them so). Cost: a binary search plus one
// Advance per jump crossed.
func (s *ModState) AdvanceThrough(r *Modulated, t float64, hist []Volume) {
	if len(hist) == 0 || hist[0].T > s.T {
		panic(fmt.Sprintf("plasticity: modulated synapse at %v ms needs the volume in force then", s.T))
	}
	// k: the last jump at or before T.
	lo, hi := 0, len(hist)
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if hist[m].T <= s.T {
			lo = m
		} else {
			hi = m
		}
	}
	k := lo
	for ; k+1 < len(hist) && hist[k+1].T <= t; k++ {
		s.Advance(r, hist[k+1].T, hist[k])
	}
	s.Advance(r, t, hist[k])
}

// Post applies a post spike at t: advances the synapse to t under v, then raises the
// eligibility by A+ x, x the pre trace at t. Under PreCentred the pre trace is used up.
// Record the spike in the post trace afterwards (PostSpike).
func (s *ModState) Post(r *Modulated, pre *Trace, t float64, v Volume) {
	s.Advance(r, t, v)
	s.C += r.APlus * pre.At(t, r.TauPlus)
	if r.Interaction == PreCentred {
		pre.V = 0
	}
}

// Pre applies a pre spike at t: advances the synapse to t under v, then lowers the
// eligibility by A- y, y the post trace at t. Record the spike in the pre trace
// afterwards (PreSpike).
func (s *ModState) Pre(r *Modulated, post Trace, t float64, v Volume) {
	s.Advance(r, t, v)
	s.C -= r.AMinus * post.At(t, r.TauMinus)
}

// PreSpike updates a pre trace for a pre spike at t (after Pre).
func (r *Modulated) PreSpike(pre *Trace, t float64) {
	pre.Spike(t, r.TauPlus, r.Interaction != AllToAll)
}

// PostSpike updates a post trace for a post spike at t (after Post).
func (r *Modulated) PostSpike(post *Trace, t float64) {
	post.Spike(t, r.TauMinus, r.Interaction != AllToAll)
}
