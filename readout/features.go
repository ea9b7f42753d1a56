package readout

import (
	"fmt"
	"math"

	"snn/sim"
)

// Counts is a sim.Observer that counts the spikes of each unit of one population within a
// window [From, To): the feature vector of a presentation (Diehl & Cook 2015 classify by
// the spike counts of a 350 ms presentation).
type Counts struct {
	group    int32
	from, to sim.Time
	n        []float64
}

// NewCounts counts the spikes of population group (of size units) in [from, to).
func NewCounts(group int32, size int, from, to sim.Time) (*Counts, error) {
	if size <= 0 || to <= from {
		return nil, fmt.Errorf("readout: counts need units (got %d) and a window with to > from (got [%v, %v))", size, from, to)
	}
	return &Counts{group: group, from: from, to: to, n: make([]float64, size)}, nil
}

// Window starts a new window [from, to) with every count at 0.
func (c *Counts) Window(from, to sim.Time) {
	c.from, c.to = from, to
	clear(c.n)
}

// Spike implements sim.Observer.
func (c *Counts) Spike(t sim.Time, g, u int32) {
	if g == c.group && t >= c.from && t < c.to {
		c.n[u]++
	}
}

// Values returns the counts (the observer's own slice; copy it to keep it).
func (c *Counts) Values() []float64 { return c.n }

// Traces is a sim.Observer that filters the spike train of each unit of one population
// with an exponential kernel: x_i(t) = sum over its spikes t_k <= t of e^{-(t - t_k)/tau},
// kept lazily (value and time of the last spike) and read at any time.
type Traces struct {
	group int32
	tau   float64 // ms
	v     []float64
	at    []sim.Time
}

// NewTraces filters the spikes of population group (size units) with time constant tau.
func NewTraces(group int32, size int, tau sim.Time) (*Traces, error) {
	if size <= 0 || tau <= 0 {
		return nil, fmt.Errorf("readout: traces need units (got %d) and a positive time constant (got %v)", size, tau)
	}
	return &Traces{group: group, tau: tau.Ms(), v: make([]float64, size), at: make([]sim.Time, size)}, nil
}

// Spike implements sim.Observer.
func (tr *Traces) Spike(t sim.Time, g, u int32) {
	if g != tr.group {
		return
	}
	tr.v[u] = tr.v[u]*math.Exp(-(t-tr.at[u]).Ms()/tr.tau) + 1
	tr.at[u] = t
}

// At writes the traces at t (not before the last spike) into dst, resized, and returns it.
func (tr *Traces) At(t sim.Time, dst []float64) []float64 {
	dst = append(dst[:0], tr.v...)
	for i := range dst {
		if dst[i] != 0 {
			dst[i] *= math.Exp(-(t - tr.at[i]).Ms() / tr.tau)
		}
	}
	return dst
}
