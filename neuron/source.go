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
//
// Each emission draws its unit, then the gap to the next emission, exponential of mean
// 1/(n r) rounded to the nanosecond. In the last rate segment (for a constant rate, from
// the start) the gaps no longer depend on where a segment ends, so a source drawing from
// a source draws the (unit, gap) pairs of the next aheadN emissions in one go: the
// same numbers from the same stream in the same order, in a loop whose iterations
// overlap instead of waiting on each other in the engine's. A checkpoint keeps the pairs
// drawn and not yet used.
type Poisson struct {
	n    int
	segs []RateSegment
	src  rand.Source
	rng  *rand.Rand
	pcg  *rand.PCG // src when it is a PCG (drawn from directly, the same numbers as rng's)
	seg  int
	// ahead.units[k:m] and ahead.ns[k:m] are the draws made in advance, in the last
	// segment: the units of the next emissions and the gaps (ns, as rounded, before the
	// test against the end of time) to the ones after them.
	k, m  int
	ahead *drawsAhead
}

// aheadN is the number of emissions a Poisson source draws in advance.
const aheadN = 128

// drawsAhead holds the draws of the next aheadN emissions (2 KB).
type drawsAhead struct {
	units [aheadN]uint64
	ns    [aheadN]float64
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
	p := &Poisson{n: n, segs: segs, src: src, rng: rand.New(src), ahead: new(drawsAhead)}
	p.pcg, _ = src.(*rand.PCG)
	return p, nil
}

// Size returns the number of units.
func (p *Poisson) Size() int { return p.n }

// Start returns the first emission time.
func (p *Poisson) Start() sim.Time { return p.draw(0) }

// Emit picks the unit that fires at t and draws the next emission.
func (p *Poisson) Emit(t sim.Time) (int32, sim.Time) {
	if p.k == p.m {
		if p.seg+1 < len(p.segs) || !(p.segs[p.seg].Rate > 0) {
			u := p.unit()
			return u, p.draw(t)
		}
		p.drawAhead()
	}
	k := p.k
	p.k++
	u, ns := int32(p.ahead.units[k]), p.ahead.ns[k]
	// draw's test in the last segment, whose end is never.
	if ns < float64(sim.Never-t) {
		return u, t + sim.Time(ns)
	}
	return u, sim.Never
}

// drawAhead makes the draws of the next aheadN emissions in the last segment, whose
// rate is positive: those of rng.IntN and of draw (rng.ExpFloat64 scaled and rounded).
func (p *Poisson) drawAhead() {
	a := p.ahead
	sim.UnitExpDraws(p.rng, p.pcg, uint64(p.n), a.units[:], a.ns[:])
	total := float64(p.n) * p.segs[p.seg].Rate
	for k, e := range a.ns {
		a.ns[k] = roundHalfUp(e / total * 1e9)
	}
	p.k, p.m = 0, aheadN
}

// roundHalfUp is math.Round for x >= 0 (halves up, away from zero), in fewer
// operations: x - t is exact for t = trunc(x) (the fraction of x, or 0 from 2^52 on,
// where every float is an integer), and so is t + 1 below 2^53.
func roundHalfUp(x float64) float64 {
	t := math.Trunc(x)
	if x-t >= 0.5 {
		t++
	}
	return t
}

// unit draws a unit, as rng.IntN(n).
func (p *Poisson) unit() int32 {
	return int32(p.rng.IntN(p.n))
}

// exp draws an exponential variate of rate 1, as rng.ExpFloat64.
func (p *Poisson) exp() float64 {
	return p.rng.ExpFloat64()
}

// draw returns the first emission after from, moving through rate segments as needed.
func (p *Poisson) draw(from sim.Time) sim.Time {
	for {
		end := sim.Never
		if p.seg+1 < len(p.segs) {
			end = p.segs[p.seg+1].From
		}
		if total := float64(p.n) * p.segs[p.seg].Rate; total > 0 {
			ns := math.Round(p.exp() / total * 1e9)
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
