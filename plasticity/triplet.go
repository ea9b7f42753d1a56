package plasticity

import (
	"fmt"
	"math"
	"sort"
)

// Triplet is the triplet STDP rule of Pfister & Gerstner (2006, J Neurosci 26:9673). Each
// synapse sees two presynaptic traces, r1 (time constant tau+) and r2 (tau_x), and two
// postsynaptic ones, o1 (tau-) and o2 (tau_y). At a post spike
//
//	w -> w + r1 (A2+ + A3+ o2)
//
// and at a pre spike
//
//	w -> w - o1 (A2- + A3- r2)
//
// where o2 and r2 are read just before the spike's own increment; then the spiking
// neuron's traces jump. AllToAll traces add 1 per spike; NearestSymmetric traces reset
// to 1 (the paper's nearest-spike model). The pair terms alone (A3+ = A3- = 0) are pair
// STDP; the triplet terms make potentiation grow with the postsynaptic rate, which is
// what the rule reproduces of the Sjostrom et al. (2001) frequency protocol.
//
// The changes are additive with hard bounds [wmin, wmax] in the paper; Mu applies the
// same weight dependence as Pair (the change scaled by ((wmax - w)/(wmax - wmin))^mu
// for potentiation, ((w - wmin)/(wmax - wmin))^mu for depression). Amplitudes are in
// weight units.
type Triplet struct {
	A2Plus, A3Plus, A2Minus, A3Minus float64
	TauPlus, TauMinus, TauX, TauY    float64 // ms
	Mu                               float64
	WMin, WMax                       float64
	Interaction                      Interaction
}

// STDP is a spike-timing-dependent rule as synapse.Plastic runs it: Pair or Triplet.
type STDP interface {
	Check() error
	Triplet() Triplet
}

// Triplet returns r (the form every STDP rule converts to).
func (r Triplet) Triplet() Triplet { return r }

// Check reports parameters that make no rule. The presynaptic-centred interaction is
// defined for pairs only.
func (r Triplet) Check() error {
	for _, q := range []struct {
		name string
		v    float64
	}{{"tau_plus", r.TauPlus}, {"tau_minus", r.TauMinus}, {"tau_x", r.TauX}, {"tau_y", r.TauY}} {
		if !(q.v > 0) || math.IsInf(q.v, 0) {
			return fmt.Errorf("plasticity: %s = %v ms must be positive and finite", q.name, q.v)
		}
	}
	for _, q := range []struct {
		name string
		v    float64
	}{{"a2_plus", r.A2Plus}, {"a3_plus", r.A3Plus}, {"a2_minus", r.A2Minus}, {"a3_minus", r.A3Minus}} {
		if !(q.v >= 0) || math.IsInf(q.v, 0) {
			return fmt.Errorf("plasticity: amplitude %s = %v must be finite and not negative", q.name, q.v)
		}
	}
	switch {
	case !(r.WMin <= r.WMax) || math.IsInf(r.WMin, 0) || math.IsInf(r.WMax, 0):
		return fmt.Errorf("plasticity: weight bounds [%v, %v] must be finite and ordered", r.WMin, r.WMax)
	case !(r.Mu >= 0 && r.Mu <= 1):
		return fmt.Errorf("plasticity: weight dependence mu = %v must lie in [0, 1]", r.Mu)
	case r.Interaction == PreCentred && (r.A3Plus != 0 || r.A3Minus != 0):
		return fmt.Errorf("plasticity: the presynaptic-centred interaction is defined for pair STDP, not for triplet terms")
	case r.Interaction > PreCentred:
		return fmt.Errorf("plasticity: unknown interaction %d", r.Interaction)
	}
	return nil
}

// Raise returns w potentiated by an amount d >= 0 (a trace product times amplitudes),
// under the weight dependence and clipped to the bounds.
func (r *Triplet) Raise(w, d float64) float64 { return raise(r.Mu, r.WMin, r.WMax, w, d) }

// Lower returns w depressed by an amount d >= 0.
func (r *Triplet) Lower(w, d float64) float64 { return lower(r.Mu, r.WMin, r.WMax, w, d) }

// PreTraces and PostTraces are the two traces of one neuron, decayed lazily.
type PreTraces struct{ R1, R2 Trace }
type PostTraces struct{ O1, O2 Trace }

// Post applies a post spike at t: potentiates w by the pre traces and the post triplet
// trace, then records the spike in post. Under PreCentred the pre trace is used up.
func (r *Triplet) Post(w float64, pre *PreTraces, post *PostTraces, t float64) float64 {
	x := pre.R1.At(t, r.TauPlus)
	if r.Interaction == PreCentred {
		pre.R1.V = 0
	}
	w = r.Raise(w, x*(r.A2Plus+r.A3Plus*post.O2.At(t, r.TauY)))
	reset := r.Interaction != AllToAll
	post.O1.Spike(t, r.TauMinus, reset)
	post.O2.Spike(t, r.TauY, reset)
	return w
}

// Pre applies a pre spike at t: depresses w by the post traces and the pre triplet
// trace, then records the spike in pre.
func (r *Triplet) Pre(w float64, pre *PreTraces, post *PostTraces, t float64) float64 {
	w = r.Lower(w, post.O1.At(t, r.TauMinus)*(r.A2Minus+r.A3Minus*pre.R2.At(t, r.TauX)))
	reset := r.Interaction != AllToAll
	pre.R1.Spike(t, r.TauPlus, reset)
	pre.R2.Spike(t, r.TauX, reset)
	return w
}

// TripletPreset is a published parameter set of the triplet rule.
type TripletPreset struct {
	Name, Source string
	Rule         Triplet // WMin 0, WMax 1: set the bounds for the synapse at hand
}

// The parameter sets of Pfister & Gerstner (2006), fitted to the visual-cortex data of
// Sjostrom et al. (2001) (their Table 3) and to the hippocampal data of Wang et al. (2005)
// (their Table 4), as printed in the open-access text (PMC6674434). The minimal models
// set A2+ or A3- to zero; tau_x is then unused and set to tau+ here. tau+ = 16.8 ms and
// tau- = 33.7 ms throughout (Bi & Poo 2001).
var tripletPresets = []TripletPreset{
	{"triplet-visual", "Pfister & Gerstner 2006, Table 3: visual cortex, all-to-all, full model",
		Triplet{A2Plus: 5e-10, A3Plus: 6.2e-3, A2Minus: 7e-3, A3Minus: 2.3e-4, TauPlus: 16.8, TauMinus: 33.7, TauX: 101, TauY: 125, WMax: 1}},
	{"triplet-visual-minimal", "Pfister & Gerstner 2006, Table 3: visual cortex, all-to-all, minimal model",
		Triplet{A3Plus: 6.5e-3, A2Minus: 7.1e-3, TauPlus: 16.8, TauMinus: 33.7, TauX: 16.8, TauY: 114, WMax: 1}},
	{"triplet-visual-nearest-minimal", "Pfister & Gerstner 2006, Table 3: visual cortex, nearest-spike, minimal model",
		Triplet{A3Plus: 5e-2, A2Minus: 8e-3, TauPlus: 16.8, TauMinus: 33.7, TauX: 16.8, TauY: 40, WMax: 1, Interaction: NearestSymmetric}},
	{"triplet-hippocampal-minimal", "Pfister & Gerstner 2006, Table 4: hippocampal culture, all-to-all, minimal model",
		Triplet{A2Plus: 5.3e-3, A3Plus: 8e-3, A2Minus: 3.5e-3, TauPlus: 16.8, TauMinus: 33.7, TauX: 16.8, TauY: 40, WMax: 1}},
}

// TripletPresets returns the published parameter sets, sorted by name.
func TripletPresets() []TripletPreset {
	ps := append([]TripletPreset(nil), tripletPresets...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	return ps
}

// TripletPresetNamed returns the preset called name.
func TripletPresetNamed(name string) (TripletPreset, bool) {
	for _, p := range tripletPresets {
		if p.Name == name {
			return p, true
		}
	}
	return TripletPreset{}, false
}
