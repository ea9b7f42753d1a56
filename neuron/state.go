package neuron

import (
	"bytes"
	"encoding"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"math"
	"math/rand/v2"

	"snn/sim"
)

// The populations and sources save their state for checkpoints (sim.Stateful): exactly
// the values that determine the future (float64 bits included), from which the queues of
// crossings are rebuilt. The queues' order is a
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

// The neuron populations' states are flat little-endian arrays, faster to write than
// gob for large populations: a header (t0, base, count), then per neuron its fields.
const (
	expNeuronBytes   = 8 * 8
	deltaNeuronBytes = 8 * 4
)

func appendF(b []byte, xs ...float64) []byte {
	for _, x := range xs {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

func appendI(b []byte, xs ...int64) []byte {
	for _, x := range xs {
		b = binary.LittleEndian.AppendUint64(b, uint64(x))
	}
	return b
}

// reader reads the flat arrays back.
type reader struct {
	b   []byte
	err bool
}

func (r *reader) u64() uint64 {
	if len(r.b) < 8 {
		r.err = true
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}
func (r *reader) f() float64 { return math.Float64frombits(r.u64()) }
func (r *reader) i() int64   { return int64(r.u64()) }

func boolI(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// MarshalState implements sim.Stateful.
func (l *LIFExp) MarshalState() ([]byte, error) {
	b := make([]byte, 0, 24+len(l.s)*expNeuronBytes)
	b = appendI(b, int64(l.t0), l.h.base, int64(len(l.s)))
	for i := range l.s {
		s := &l.s[i]
		b = appendF(b, s.am, s.be, s.bi, s.giEnd, s.wEnd, l.h.keyOf(int32(i)))
		b = appendI(b, int64(s.refEnd), boolI(s.exact))
	}
	return b, nil
}

// UnmarshalState implements sim.Stateful.
func (l *LIFExp) UnmarshalState(b []byte) error {
	r := &reader{b: b}
	t0, base, n := r.i(), r.i(), r.i()
	if r.err || n != int64(len(l.s)) || len(r.b) != len(l.s)*expNeuronBytes {
		return fmt.Errorf("neuron: not the state of this population of %d neurons", len(l.s))
	}
	st := make([]expState, len(l.s))
	keys := make([]float64, len(l.s))
	for i := range st {
		s := &st[i]
		s.am, s.be, s.bi, s.giEnd, s.wEnd, keys[i] = r.f(), r.f(), r.f(), r.f(), r.f(), r.f()
		s.refEnd, s.exact = sim.Time(r.i()), r.i() != 0
		if !finite(s.am, s.be, s.bi, s.giEnd) || math.IsNaN(s.wEnd) || math.IsNaN(keys[i]) || keys[i] < 0 || s.refEnd < 0 {
			return fmt.Errorf("neuron: state of neuron %d is not a valid state", i)
		}
	}
	l.t0 = sim.Time(t0)
	copy(l.s, st)
	l.h = newCalendar(len(l.s), l.h.width)
	l.h.base = base
	for i, k := range keys {
		l.h.set(int32(i), k)
	}
	return nil
}

// MarshalState implements sim.Stateful.
func (l *LIFDelta) MarshalState() ([]byte, error) {
	b := make([]byte, 0, 16+len(l.s)*deltaNeuronBytes)
	b = appendI(b, int64(l.t0), int64(len(l.s)))
	for i := range l.s {
		s := &l.s[i]
		b = appendF(b, s.a, l.h.key(int32(i)))
		b = appendI(b, int64(s.refEnd), boolI(s.exact))
	}
	return b, nil
}

// UnmarshalState implements sim.Stateful.
func (l *LIFDelta) UnmarshalState(b []byte) error {
	r := &reader{b: b}
	t0, n := r.i(), r.i()
	if r.err || n != int64(len(l.s)) || len(r.b) != len(l.s)*deltaNeuronBytes {
		return fmt.Errorf("neuron: not the state of this population of %d neurons", len(l.s))
	}
	st := make([]deltaState, len(l.s))
	keys := make([]float64, len(l.s))
	for i := range st {
		s := &st[i]
		s.a, keys[i] = r.f(), r.f()
		s.refEnd, s.exact = sim.Time(r.i()), r.i() != 0
		if !finite(s.a) || math.IsNaN(keys[i]) || s.refEnd < 0 {
			return fmt.Errorf("neuron: state of neuron %d is not a valid state", i)
		}
	}
	l.t0 = sim.Time(t0)
	copy(l.s, st)
	l.h = newCrossings(len(l.s))
	l.nextI = -1
	for i, k := range keys {
		l.h.set(int32(i), k)
	}
	return nil
}

type poissonState struct {
	Seg int
	Src []byte
	// Ahead are the emissions drawn in advance and not yet made (see Poisson): their
	// units and gaps (ns).
	AheadUnits []int32
	AheadNs    []float64
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
	st := poissonState{Seg: p.seg, Src: src}
	for k := p.k; k < p.m; k++ {
		st.AheadUnits = append(st.AheadUnits, int32(p.ahead.units[k]))
		st.AheadNs = append(st.AheadNs, p.ahead.ns[k])
	}
	return encode(&st)
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
	n := len(st.AheadUnits)
	if n != len(st.AheadNs) || n > 0 && (p.ahead == nil || n > aheadN || st.Seg+1 < len(p.segs)) {
		return fmt.Errorf("neuron: Poisson state with %d emissions drawn ahead (and %d gaps), not those of this source", n, len(st.AheadNs))
	}
	for k := range n {
		if u, ns := st.AheadUnits[k], st.AheadNs[k]; u < 0 || int(u) >= p.n || !(ns >= 0) {
			return fmt.Errorf("neuron: Poisson state with unit %d and gap %v ns drawn ahead, not those of a source of %d units", u, ns, p.n)
		}
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
	p.k, p.m = 0, n
	for k := range n {
		p.ahead.units[k], p.ahead.ns[k] = uint64(st.AheadUnits[k]), st.AheadNs[k]
	}
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

// CheckState reports the first neuron whose state is not finite (NaN or infinite).
func (l *LIFExp) CheckState() error {
	for i := range l.s {
		if s := &l.s[i]; !finite(s.am, s.be, s.bi) {
			return fmt.Errorf("neuron %d has a non-finite state (am %v, be %v, bi %v)", i, s.am, s.be, s.bi)
		}
	}
	return nil
}

// CheckState reports the first neuron whose state is not finite (NaN or infinite).
func (l *LIFDelta) CheckState() error {
	for i := range l.s {
		if !finite(l.s[i].a) {
			return fmt.Errorf("neuron %d has a non-finite potential (scaled %v)", i, l.s[i].a)
		}
	}
	return nil
}
