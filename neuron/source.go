package neuron

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"snn/sim"
)

// RateSegment is one piece of a piecewise-constant rate: from From on, each unit fires
// as a Poisson process of Rate Hz, until the next segment begins.
type RateSegment struct {
	From sim.Time
	Rate float64 // Hz
}

// Poisson is a population of n independent Poisson spike sources sharing a
// piecewise-constant rate.
//
// n independent Poisson processes of rate r are one Poisson process of rate n r whose
// every spike belongs to a unit chosen uniformly: the source keeps one pending emission,
// not n. At a rate change the memoryless property lets the pending draw restart at the
// boundary with the new rate, which is exact.
type Poisson struct {
	n    int
	segs []RateSegment
	src  rand.Source
	rng  *rand.Rand
	seg  int
}

// NewPoisson returns n sources following the rate schedule segs (the first segment must
// start at 0, starts strictly increasing, rates finite and not negative), drawing from src
// (a *rand.PCG, or any source that marshals its state, for checkpoints).
func NewPoisson(n int, segs []RateSegment, src rand.Source) (*Poisson, error) {
	if n <= 0 {
		return nil, fmt.Errorf("neuron: Poisson source needs at least one unit, got %d", n)
	}
	if len(segs) == 0 || segs[0].From != 0 {
		return nil, fmt.Errorf("neuron: Poisson rate schedule must start at 0")
	}
	for k, s := range segs {
		if k > 0 && s.From <= segs[k-1].From {
			return nil, fmt.Errorf("neuron: Poisson rate segment %d starts at %v, not after %v", k, s.From, segs[k-1].From)
		}
		if !(s.Rate >= 0) || math.IsInf(s.Rate, 0) {
			return nil, fmt.Errorf("neuron: Poisson rate %v Hz in segment %d must be finite and not negative", s.Rate, k)
		}
	}
	return &Poisson{n: n, segs: segs, src: src, rng: rand.New(src)}, nil
}

// Size returns the number of units.
func (p *Poisson) Size() int { return p.n }

// Start returns the first emission time.
func (p *Poisson) Start() sim.Time { return p.draw(0) }

// Emit picks the unit that fires at t and draws the next emission.
func (p *Poisson) Emit(t sim.Time) (int32, sim.Time) {
	u := int32(p.rng.IntN(p.n))
	return u, p.draw(t)
}

// draw returns the first emission after from, moving through rate segments as needed.
func (p *Poisson) draw(from sim.Time) sim.Time {
	for {
		end := sim.Never
		if p.seg+1 < len(p.segs) {
			end = p.segs[p.seg+1].From
		}
		if total := float64(p.n) * p.segs[p.seg].Rate; total > 0 {
			ns := math.Round(p.rng.ExpFloat64() / total * 1e9)
			if ns < float64(end-from) {
				return from + sim.Time(ns)
			}
		}
		if end == sim.Never {
			return sim.Never
		}
		from = end
		p.seg++
	}
}

// Spike is one listed spike of a generator.
type Spike struct {
	T    sim.Time
	Unit int32
}

// Generator is a population of units that fire at listed times.
type Generator struct {
	n      int
	spikes []Spike
	k      int
}

// NewGenerator returns n units firing at the listed times, which it sorts by (time, unit).
func NewGenerator(n int, spikes []Spike) (*Generator, error) {
	if n <= 0 {
		return nil, fmt.Errorf("neuron: spike generator needs at least one unit, got %d", n)
	}
	s := slices.Clone(spikes)
	for _, x := range s {
		if x.Unit < 0 || int(x.Unit) >= n {
			return nil, fmt.Errorf("neuron: spike generator unit %d outside [0, %d)", x.Unit, n)
		}
		if x.T < 0 {
			return nil, fmt.Errorf("neuron: spike generator time %v is negative", x.T)
		}
	}
	slices.SortFunc(s, func(a, b Spike) int {
		if c := cmp.Compare(a.T, b.T); c != 0 {
			return c
		}
		return cmp.Compare(a.Unit, b.Unit)
	})
	return &Generator{n: n, spikes: s}, nil
}

// Size returns the number of units.
func (g *Generator) Size() int { return g.n }

// Start returns the first listed time.
func (g *Generator) Start() sim.Time {
	if len(g.spikes) == 0 {
		return sim.Never
	}
	return g.spikes[0].T
}

// Emit returns the listed spike at t and the time of the next one.
func (g *Generator) Emit(t sim.Time) (int32, sim.Time) {
	u := g.spikes[g.k].Unit
	g.k++
	if g.k == len(g.spikes) {
		return u, sim.Never
	}
	return u, g.spikes[g.k].T
}
