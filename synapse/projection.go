package synapse

import (
	"unsafe"

	"snn/sim"
)

// Target is a neuron population that receives synaptic input in batches.
type Target interface {
	Size() int
	// Deliver applies weights[k] (or w when weights is nil) on receptor to neuron
	// targets[k] at time t, calling spike for any neuron that fires at once.
	Deliver(t sim.Time, receptor int, targets []uint32, weights []float64, w float64, spike sim.SpikeFunc)
}

// Target1 is a Target that also takes a single input without a batch: Deliver1(t,
// receptor, j, w, spike) does what Deliver(t, receptor, []uint32{j}, nil, w, spike) does.
// Projections hand it the delay groups of one synapse (all of them when each presynaptic
// neuron has one target), sparing the batch's slices.
type Target1 interface {
	Deliver1(t sim.Time, receptor int, j uint32, w float64, spike sim.SpikeFunc)
}

// Projection is a set of static synapses from one population to another, stored as a
// compressed sparse row matrix indexed by presynaptic neuron:
//
//	row:    [r0 r1 r2 ... rN]          synapses of pre i are [row[i], row[i+1])
//	post:   [ t t t | t t | ... ]      target neuron of each synapse (4 bytes)
//	weight: [ w w w | w w | ... ]      per-synapse weight, or nil when all equal w (8 bytes)
//	delay:  [ d d d | d d | ... ]      per-synapse delay in ns, or nil when all equal d (4 bytes)
//
// so a synapse costs 4 to 16 bytes and there is no object per synapse. Within a row,
// synapses are sorted by (delay, target): a run of equal delays is a delay group, which
// the engine delivers as one batch from one queue entry.
type Projection struct {
	target   Target
	one      Target1 // target, when it is a Target1
	receptor int
	row      []int64
	post     []uint32
	weight   []float64
	w        float64
	delay    []uint32
	d        sim.Time
	full     bool // no row is empty
}

// Len returns the number of synapses.
func (p *Projection) Len() int { return len(p.post) }

// Pre returns the number of presynaptic neurons.
func (p *Projection) Pre() int { return len(p.row) - 1 }

// Bytes returns the memory held by the projection's arrays.
func (p *Projection) Bytes() int64 {
	return int64(len(p.row))*int64(unsafe.Sizeof(p.row[0])) + int64(cap(p.post))*4 +
		int64(cap(p.weight))*8 + int64(cap(p.delay))*4
}

// Synapse returns target, weight and delay of synapse k of pre's row.
func (p *Projection) Synapse(pre, k int) (post int, weight float64, delay sim.Time) {
	s := p.row[pre] + int64(k)
	weight, delay = p.w, p.d
	if p.weight != nil {
		weight = p.weight[s]
	}
	if p.delay != nil {
		delay = sim.Time(p.delay[s])
	}
	return int(p.post[s]), weight, delay
}

// RowLen returns the number of synapses of pre.
func (p *Projection) RowLen(pre int) int { return int(p.row[pre+1] - p.row[pre]) }

// First returns the delay of pre's first delay group.
func (p *Projection) First(pre int32) (sim.Time, bool) {
	s, e := p.row[pre], p.row[pre+1]
	if s == e {
		return 0, false
	}
	if p.delay == nil {
		return p.d, true
	}
	return sim.Time(p.delay[s]), true
}

// OneDelay reports whether every row is one delay group, none empty, of delay d
// (sim.OneDelay): the projection has one delay and every presynaptic neuron a synapse.
func (p *Projection) OneDelay() (d sim.Time, ok bool) { return p.d, p.delay == nil && p.full }

// Deliver delivers the delay group starting at offset off of pre's row.
func (p *Projection) Deliver(t sim.Time, pre, off int32, spike sim.SpikeFunc) (int, int32, sim.Time) {
	s, e := p.row[pre], p.row[pre+1]
	a, b := s+int64(off), e
	if p.delay != nil {
		d := p.delay[a]
		for b = a + 1; b < e && p.delay[b] == d; b++ {
		}
	}
	switch {
	case b-a == 1 && p.one != nil:
		w := p.w
		if p.weight != nil {
			w = p.weight[a]
		}
		p.one.Deliver1(t, p.receptor, p.post[a], w, spike)
	case p.weight != nil:
		p.target.Deliver(t, p.receptor, p.post[a:b], p.weight[a:b], p.w, spike)
	default:
		p.target.Deliver(t, p.receptor, p.post[a:b], nil, p.w, spike)
	}
	if b < e {
		return int(b - a), int32(b - s), sim.Time(p.delay[b])
	}
	return int(b - a), -1, 0
}
