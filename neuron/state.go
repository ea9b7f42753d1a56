package neuron

import (
	"bytes"
	"encoding"
	"encoding/gob"
	"fmt"
	"math"
	"math/rand/v2"

	"snn/sim"
)

// The populations and sources save their state for checkpoints (sim.Stateful) as gob
// encodings of the structs below: exactly the values that determine the future (float64
// bits included), from which the queues of crossings are rebuilt. The queues' order is a
// total order on (key, neuron), so rebuilding them changes nothing that follows.

func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(v)
	return buf.Bytes(), err
}

func decode(b []byte, v any) error {
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(v); err != nil {
		return fmt.Errorf("neuron: state: %w", err)
	}
	return nil
}

// ExpNeuronState is one LIFExp neuron in a checkpoint.
type ExpNeuronState struct {
	Am, Be, Bi, GiEnd, WEnd float64
	RefEnd                  sim.Time
	Exact                   bool
	Key                     float64
}

type lifExpState struct {
	T0      sim.Time
	Base    int64
	Neurons []ExpNeuronState
}

// MarshalState implements sim.Stateful.
func (l *LIFExp) MarshalState() ([]byte, error) {
	st := lifExpState{T0: l.t0, Base: l.h.base, Neurons: make([]ExpNeuronState, len(l.s))}
	for i, s := range l.s {
		st.Neurons[i] = ExpNeuronState{s.am, s.be, s.bi, s.giEnd, s.wEnd, s.refEnd, s.exact, l.h.keyOf(int32(i))}
	}
	return encode(&st)
}

// UnmarshalState implements sim.Stateful.
func (l *LIFExp) UnmarshalState(b []byte) error {
	var st lifExpState
	if err := decode(b, &st); err != nil {
		return err
	}
	if len(st.Neurons) != len(l.s) {
		return fmt.Errorf("neuron: state of %d neurons for a population of %d", len(st.Neurons), len(l.s))
	}
	for i, n := range st.Neurons {
		if !finite(n.Am, n.Be, n.Bi, n.GiEnd) || math.IsNaN(n.WEnd) || math.IsNaN(n.Key) || n.Key < 0 || n.RefEnd < 0 {
			return fmt.Errorf("neuron: state of neuron %d is not a valid state: %+v", i, n)
		}
	}
	l.t0 = st.T0
	l.h = newCalendar(len(l.s), l.h.width)
	l.h.base = st.Base
	for i, n := range st.Neurons {
		l.s[i] = expState{am: n.Am, be: n.Be, bi: n.Bi, giEnd: n.GiEnd, wEnd: n.WEnd, refEnd: n.RefEnd, exact: n.Exact}
		l.h.set(int32(i), n.Key)
	}
	return nil
}

// DeltaNeuronState is one LIFDelta neuron in a checkpoint.
type DeltaNeuronState struct {
	A      float64
	RefEnd sim.Time
	Exact  bool
	Key    float64
}

type lifDeltaState struct {
	T0      sim.Time
	Neurons []DeltaNeuronState
}

// MarshalState implements sim.Stateful.
func (l *LIFDelta) MarshalState() ([]byte, error) {
	st := lifDeltaState{T0: l.t0, Neurons: make([]DeltaNeuronState, len(l.s))}
	for i, s := range l.s {
		st.Neurons[i] = DeltaNeuronState{s.a, s.refEnd, s.exact, l.h.key(int32(i))}
	}
	return encode(&st)
}

// UnmarshalState implements sim.Stateful.
func (l *LIFDelta) UnmarshalState(b []byte) error {
	var st lifDeltaState
	if err := decode(b, &st); err != nil {
		return err
	}
	if len(st.Neurons) != len(l.s) {
		return fmt.Errorf("neuron: state of %d neurons for a population of %d", len(st.Neurons), len(l.s))
	}
	for i, n := range st.Neurons {
		if !finite(n.A) || math.IsNaN(n.Key) || n.RefEnd < 0 {
			return fmt.Errorf("neuron: state of neuron %d is not a valid state: %+v", i, n)
		}
	}
	l.t0 = st.T0
	l.h = newCrossings(len(l.s))
	l.nextI = -1
	for i, n := range st.Neurons {
		l.s[i] = deltaState{a: n.A, refEnd: n.RefEnd, exact: n.Exact}
		l.h.set(int32(i), n.Key)
	}
	return nil
}

type poissonState struct {
	Seg int
	Src []byte
}

// MarshalState implements sim.Stateful; the source must marshal its state (*rand.PCG does).
func (p *Poisson) MarshalState() ([]byte, error) {
	m, ok := p.src.(encoding.BinaryMarshaler)
	if !ok {
		return nil, fmt.Errorf("neuron: the Poisson source's generator cannot save its state")
	}
	src, err := m.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return encode(&poissonState{Seg: p.seg, Src: src})
}

// UnmarshalState implements sim.Stateful.
func (p *Poisson) UnmarshalState(b []byte) error {
	var st poissonState
	if err := decode(b, &st); err != nil {
		return err
	}
	if st.Seg < 0 || st.Seg >= len(p.segs) {
		return fmt.Errorf("neuron: Poisson state in rate segment %d of %d", st.Seg, len(p.segs))
	}
	u, ok := p.src.(encoding.BinaryUnmarshaler)
	if !ok {
		return fmt.Errorf("neuron: the Poisson source's generator cannot restore its state")
	}
	if err := u.UnmarshalBinary(st.Src); err != nil {
		return fmt.Errorf("neuron: Poisson generator state: %w", err)
	}
	p.seg = st.Seg
	p.rng = rand.New(p.src)
	return nil
}

// MarshalState implements sim.Stateful: the position in the list.
func (g *Generator) MarshalState() ([]byte, error) { return encode(g.k) }

// UnmarshalState implements sim.Stateful.
func (g *Generator) UnmarshalState(b []byte) error {
	var k int
	if err := decode(b, &k); err != nil {
		return err
	}
	if k < 0 || k > len(g.spikes) {
		return fmt.Errorf("neuron: generator state at spike %d of %d", k, len(g.spikes))
	}
	g.k = k
	return nil
}
