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
	a      []float64
	refEnd []sim.Time
	exact  []bool // key is the crossing itself, not only a lower bound
	h      crossings
	// next caches the tick of the heap's head: head neuron, its key, and the tick.
	nextI int32
	nextQ float64
	nextT sim.Time
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
		a: make([]float64, n), refEnd: make([]sim.Time, n), exact: make([]bool, n), h: newCrossings(n)}
	l.th, l.ur = p.VTh-l.vInf, p.VReset-l.vInf
	l.drift = l.th < 0
	l.invTh = 1 / l.th
	for i, v := range v0 {
		l.a[i] = v - l.vInf
		l.exact[i] = true
		switch {
		case v >= p.VTh:
			l.h.set(int32(i), 0) // above threshold at the start: fires at t = 0
		case l.drift:
			l.h.set(int32(i), l.a[i]*l.invTh)
		}
	}
	return l, nil
}

// Size returns the number of neurons.
func (l *LIFDelta) Size() int { return len(l.a) }

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
		if l.refEnd[i] > t {
			t = l.refEnd[i]
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
	if t < l.refEnd[i] {
		return l.p.VReset
	}
	return l.vInf + l.a[i]*math.Exp(-(t-l.t0).Ms()*l.rate)
}

func (l *LIFDelta) rebase(t sim.Time) {
	x := (t - l.t0).Ms() * l.rate
	if x < rebaseAfter {
		return
	}
	f := math.Exp(-x)
	for i := range l.a {
		l.a[i] *= f
	}
	l.h.scale(f)
	l.t0 = t
	l.nextI = -1
}

// fire emits a spike of neuron i at t and resets it.
func (l *LIFDelta) fire(i int32, t sim.Time, spike sim.SpikeFunc) {
	spike(i, t)
	r := t + l.p.TRef
	l.refEnd[i] = r
	l.a[i] = l.ur * math.Exp((r-l.t0).Ms()*l.rate)
	l.exact[i] = true
	if l.drift {
		l.h.set(i, l.a[i]*l.invTh)
	} else {
		l.h.set(i, never)
	}
}

// Step fires the neuron at the head of the heap, or replaces its stale bound by its
// crossing.
func (l *LIFDelta) Step(t sim.Time, spike sim.SpikeFunc) {
	l.rebase(t)
	i, _ := l.h.top()
	if l.exact[i] {
		l.fire(i, t, spike)
		return
	}
	l.exact[i] = true
	l.h.set(i, l.a[i]*l.invTh)
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
		if t < l.refEnd[j] {
			continue
		}
		a := l.a[j] + w*f
		l.a[j] = a
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
			l.exact[j] = true
			l.h.set(int32(j), q)
		} else {
			l.exact[j] = false
		}
	}
}
