package neuron

import (
	"fmt"
	"math"

	"snn/sim"
)

// condNeuronBytes is the size of one LIFCond neuron's saved state: v, ge, gi, giW, wEnd,
// key, t, refEnd, exact.
const condNeuronBytes = 9 * 8

// MarshalState implements sim.Stateful: the number of neurons, then per neuron its state
// and key, float64 bits included, so a restored run continues bit for bit (the heap's
// order is a total order on (key, neuron), so rebuilding it changes nothing).
func (l *LIFCond) MarshalState() ([]byte, error) {
	b := make([]byte, 0, 8+len(l.s)*condNeuronBytes)
	b = appendI(b, int64(len(l.s)))
	for i := range l.s {
		s := &l.s[i]
		b = appendF(b, s.v, s.ge, s.gi, s.giW, s.wEnd, l.h.key(int32(i)))
		b = appendI(b, int64(s.t), int64(s.refEnd), boolI(math.Signbit(s.key)))
	}
	return b, nil
}

// UnmarshalState implements sim.Stateful.
func (l *LIFCond) UnmarshalState(b []byte) error {
	r := &reader{b: b}
	n := r.i()
	if r.err || n != int64(len(l.s)) || len(r.b) != len(l.s)*condNeuronBytes {
		return fmt.Errorf("neuron: not the state of this population of %d neurons", len(l.s))
	}
	st := make([]condState, len(l.s))
	keys := make([]float64, len(l.s))
	exact := make([]bool, len(l.s))
	for i := range st {
		s := &st[i]
		s.v, s.ge, s.gi, s.giW, s.wEnd, keys[i] = r.f(), r.f(), r.f(), r.f(), r.f(), r.f()
		s.t, s.refEnd, exact[i] = sim.Time(r.i()), sim.Time(r.i()), r.i() != 0
		if !finite(s.v, s.ge, s.gi, s.giW) || !(s.ge >= 0 && s.gi >= 0 && s.giW >= 0) ||
			math.IsNaN(s.wEnd) || math.IsNaN(keys[i]) || keys[i] < 0 || s.t < 0 || s.refEnd < 0 {
			return fmt.Errorf("neuron: state of neuron %d is not a valid state", i)
		}
	}
	copy(l.s, st)
	l.h = newCrossings(len(l.s))
	for i, k := range keys {
		l.setKey(int32(i), k, exact[i])
	}
	return nil
}

// CheckState reports the first neuron whose state is not finite (NaN or infinite).
func (l *LIFCond) CheckState() error {
	for i := range l.s {
		if s := &l.s[i]; !finite(s.v, s.ge, s.gi) {
			return fmt.Errorf("neuron %d has a non-finite state (v %v, ge %v, gi %v)", i, s.v, s.ge, s.gi)
		}
	}
	return nil
}
