package neuron

import (
	"encoding"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"snn/sim"
)

// RateCode is a population of independent Poisson units, each with its own rate, that a
// program can change at any time: a rate-coded input such as an image presented as pixel
// rates (Diehl & Cook 2015), one presentation after another.
//
// As for Poisson, the units together are one Poisson process of the summed rate, and each
// of its spikes belongs to unit i with probability r_i / sum r (found by binary search in
// the cumulative rates). When the rates change at t the pending draw restarts at t with the
// new total, which is exact by the memoryless property. The engine keeps the pending
// emission, so a change must be followed by Engine.Restart with the time SetRates returns.
type RateCode struct {
	rates []float64
	cum   []float64 // cumulative rates, Hz
	src   rand.Source
	rng   *rand.Rand
	from  sim.Time // when the current rates took effect
}

// NewRateCode returns n units, all silent, drawing from src (a *rand.PCG, or any source
// that marshals its state, for checkpoints).
func NewRateCode(n int, src rand.Source) (*RateCode, error) {
	if n <= 0 {
		return nil, fmt.Errorf("neuron: a rate-coded input needs at least one unit, got %d", n)
	}
	return &RateCode{rates: make([]float64, n), cum: make([]float64, n), src: src, rng: rand.New(src)}, nil
}

// Size returns the number of units.
func (p *RateCode) Size() int { return len(p.rates) }

// Rates returns the current rates (Hz); do not modify them.
func (p *RateCode) Rates() []float64 { return p.rates }

// SetRates makes the units fire at rates (Hz, finite, not negative, one per unit) from t
// on and returns the time of the next emission under them (sim.Never when all are 0).
func (p *RateCode) SetRates(t sim.Time, rates []float64) (sim.Time, error) {
	if len(rates) != len(p.rates) {
		return sim.Never, fmt.Errorf("neuron: %d rates for %d units", len(rates), len(p.rates))
	}
	if err := p.set(t, rates); err != nil {
		return sim.Never, err
	}
	return p.draw(t), nil
}

// Start returns the first emission (never, until rates are set).
func (p *RateCode) Start() sim.Time { return p.draw(p.from) }

// Emit picks the unit that fires at t and draws the next emission.
func (p *RateCode) Emit(t sim.Time) (int32, sim.Time) {
	total := p.cum[len(p.cum)-1]
	x := p.rng.Float64() * total
	i := sort.SearchFloat64s(p.cum, x)
	for i < len(p.cum)-1 && (p.cum[i] <= x || p.rates[i] == 0) {
		i++ // x on a boundary, or a silent unit of zero width
	}
	return int32(i), p.draw(t)
}

func (p *RateCode) draw(from sim.Time) sim.Time {
	total := p.cum[len(p.cum)-1]
	if !(total > 0) {
		return sim.Never
	}
	return from + sim.Time(math.Round(p.rng.ExpFloat64()/total*1e9))
}

// MarshalState implements sim.Stateful: the rates, when they took effect and the
// generator.
func (p *RateCode) MarshalState() ([]byte, error) {
	m, ok := p.src.(encoding.BinaryMarshaler)
	if !ok {
		return nil, fmt.Errorf("neuron: the rate-coded input's generator cannot save its state")
	}
	g, err := m.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b := binary.LittleEndian.AppendUint64(nil, uint64(p.from))
	for _, r := range p.rates {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(r))
	}
	return append(b, g...), nil
}

// UnmarshalState implements sim.Stateful.
func (p *RateCode) UnmarshalState(b []byte) error {
	n := 8 * (1 + len(p.rates))
	u, ok := p.src.(encoding.BinaryUnmarshaler)
	if len(b) < n || !ok {
		return fmt.Errorf("neuron: not the state of this rate-coded input")
	}
	rates := make([]float64, len(p.rates))
	for i := range rates {
		rates[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8+8*i:]))
	}
	from := sim.Time(binary.LittleEndian.Uint64(b))
	if err := u.UnmarshalBinary(b[n:]); err != nil {
		return err
	}
	return p.set(from, rates)
}

// set checks and takes the rates from t on, without drawing.
func (p *RateCode) set(t sim.Time, rates []float64) error {
	for i, r := range rates {
		if !(r >= 0) || math.IsInf(r, 0) {
			return fmt.Errorf("neuron: rate %v Hz of unit %d must be finite and not negative", r, i)
		}
	}
	copy(p.rates, rates)
	s := 0.0
	for i, r := range p.rates {
		s += r
		p.cum[i] = s
	}
	p.from = t
	return nil
}
