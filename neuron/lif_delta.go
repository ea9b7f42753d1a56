package neuron

import (
	"math"

	"snn/sim"
)

// LIFDelta is a population of leaky integrate-and-fire neurons with instantaneous
// (voltage-jump) synapses: tau_m dV/dt = -(V - EL) + Bias, and an input of weight w mV
// makes V jump by w. Inputs arriving during the refractory period are discarded (as in
// NEST's iaf_psc_delta with refractory_input off).
//
// State is kept as a[i] = (V - V_inf) e^{(t - t0)/tau_m}, constant between inputs, so an
// input costs one multiply-add with a factor shared by all targets of a presynaptic spike.
// When V_inf lies above threshold a neuron crosses it by itself at
// t = t0 + tau_m ln q with q = a / (V_th - V_inf). The heap orders neurons by q, which
// orders them by crossing time, so the logarithm is taken only for the head of the heap.
type LIFDelta struct {
	p      Params
	vInf   float64
	th, ur float64 // threshold and reset relative to vInf
	invTh  float64
	drift  bool    // vInf > VTh: neurons cross without input
	rate   float64 // 1/tau_m, 1/ms
	t0     sim.Time
	s      []deltaState
	h      crossings
	// next caches the tick of the heap's head: head neuron, its key, and the tick.
	nextI int32
	nextQ float64
	nextT sim.Time
}

// deltaState is the state of one LIFDelta neuron, kept together for locality.
type deltaState struct {
	a      float64 // (V - V_inf) e^{(t - t0)/tau_m}, valid from refEnd on
	refEnd sim.Time
	exact  bool // the key is the crossing itself, not only a lower bound
}

// NewLIFDelta returns a population of len(v0) neurons starting at potentials v0 (mV) at
// time 0, not refractory. Neurons starting at or above threshold fire at t = 0.
func NewLIFDelta(p Params, v0 []float64) (*LIFDelta, error) {
	if err := p.check(false); err != nil {
		return nil, err
	}
	n := len(v0)
	if err := checkInit(n, v0, p); err != nil {
		return nil, err
	}
	l := &LIFDelta{p: p, vInf: p.VInf(), rate: 1 / p.TauM, nextI: -1,
		s: make([]deltaState, n), h: newCrossings(n)}
	l.th, l.ur = p.VTh-l.vInf, p.VReset-l.vInf
	l.drift = l.th < 0
	l.invTh = 1 / l.th
	for i, v := range v0 {
		l.s[i].a = v - l.vInf
		l.s[i].exact = true
		switch {
		case v >= p.VTh:
			l.h.set(int32(i), 0) // above threshold at the start: fires at t = 0
		case l.drift:
			l.h.set(int32(i), l.s[i].a*l.invTh)
		}
	}
	return l, nil
}

// Size returns the number of neurons.
func (l *LIFDelta) Size() int { return len(l.s) }

// Next returns the tick of the earliest pending crossing or bound.
func (l *LIFDelta) Next() sim.Time {
	i, q := l.h.top()
	if i == l.nextI && q == l.nextQ {
		return l.nextT
	}
	t := sim.Never
	switch {
	case q == never:
	case q <= 1: // at or above threshold when its key was set: fire at once
		t = l.t0
		if l.s[i].refEnd > t {
			t = l.s[i].refEnd
		}
	default:
		t = l.t0 + sim.CeilMs(l.p.TauM*math.Log(q))
	}
	l.nextI, l.nextQ, l.nextT = i, q, t
	return t
}

// V returns the membrane potential of neuron i at time t, which must not be earlier than
// the population's last event.
func (l *LIFDelta) V(i int, t sim.Time) float64 {
	if t < l.s[i].refEnd {
		return l.p.VReset
	}
	return l.vInf + l.s[i].a*math.Exp(-(t-l.t0).Ms()*l.rate)
}

func (l *LIFDelta) rebase(t sim.Time) {
	x := (t - l.t0).Ms() * l.rate
	if x < rebaseAfter {
		return
	}
	f := math.Exp(-x)
	for i := range l.s {
		l.s[i].a *= f
	}
	l.h.scale(f)
	l.t0 = t
	l.nextI = -1
}

// fire emits a spike of neuron i at t and resets it.
func (l *LIFDelta) fire(i int32, t sim.Time, spike sim.SpikeFunc) {
	spike(i, t)
	r := t + l.p.TRef
	l.s[i].refEnd = r
	l.s[i].a = l.ur * math.Exp((r-l.t0).Ms()*l.rate)
	l.s[i].exact = true
	if l.drift {
		l.h.set(i, l.s[i].a*l.invTh)
	} else {
		l.h.set(i, never)
	}
}

// Step fires the neuron at the head of the heap, or replaces its stale bound by its
// crossing.
func (l *LIFDelta) Step(t sim.Time, spike sim.SpikeFunc) {
	l.rebase(t)
	i, _ := l.h.top()
	if l.s[i].exact {
		l.fire(i, t, spike)
		return
	}
	l.s[i].exact = true
	l.h.set(i, l.s[i].a*l.invTh)
}

// Deliver applies one batch of inputs at time t: weights[k] (or w when weights is nil)
// in mV to neuron targets[k]. The receptor is ignored: the sign of the weight decides.
func (l *LIFDelta) Deliver(t sim.Time, _ int, targets []uint32, weights []float64, w float64, spike sim.SpikeFunc) {
	l.rebase(t)
	f := math.Exp((t - l.t0).Ms() * l.rate)
	thf := l.th * f // threshold in the scaled coordinate a
	for k, j := range targets {
		if weights != nil {
			w = weights[k]
		}
		s := &l.s[j]
		if t < s.refEnd {
			continue
		}
		a := s.a + w*f
		s.a = a
		if a >= thf {
			l.fire(int32(j), t, spike)
			continue
		}
		if !l.drift {
			continue
		}
		// Excitation moves the crossing earlier: lower the key to it. Inhibition only
		// delays it: the old key stays a valid lower bound, refreshed by Step if it
		// reaches the head of the heap.
		if q := a * l.invTh; w > 0 && q < l.h.key(int32(j)) {
			s.exact = true
			l.h.set(int32(j), q)
		} else {
			s.exact = false
		}
	}
}
