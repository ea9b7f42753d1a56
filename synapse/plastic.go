package synapse

import (
	"encoding/binary"
	"fmt"
	"math"

	"snn/plasticity"
	"snn/sim"
)

// Plastic is a projection whose weights change by pair STDP (plasticity.Pair).
//
// Timing: delays are axonal, so a presynaptic spike at t reaches its synapses at t + d,
// and that arrival is the pre spike the rule sees; a postsynaptic spike counts at its own
// time (no back-propagation delay): dt = t_post - (t_pre + d). At equal times crossings
// come first (sim.KindFire), so a post spike at the arrival time is paired as post before
// pre: dt = 0 depresses.
//
// State: the weights (per synapse), a pre trace per presynaptic neuron and a post trace
// per postsynaptic neuron, decayed lazily; a post spike walks the synapses onto its
// neuron through a column index (pre and synapse per entry, 8 bytes per synapse). So a
// plastic synapse costs 4 (target) + 8 (weight) + 8 (column index) = 20 bytes.
//
// The projection's delay must be one constant (per-synapse delays would need a pre trace
// per synapse), and the presynaptic-centred interaction, whose pre trace is used up per
// synapse, is not offered here yet.
type Plastic struct {
	*Projection
	rule plasticity.Pair
	// Traces are kept scaled to the reference time t0 (ms), like the neurons' state: the
	// pre trace of neuron i at t is pre[i] e^{-(t - t0)/tau+}, so evaluating all the
	// traces of a batch at one time costs one exp for the batch, not one per synapse.
	t0     float64
	pre    []float64
	post   []float64
	colPtr []int64
	colSyn []uint32
	colPre []uint32
}

// traceRebase is how far (in the shorter trace time constant) t0 may fall behind.
const traceRebase = 300

// NewPlastic makes p plastic under rule, starting from p's weights (clipped to the rule's
// bounds).
func NewPlastic(p *Projection, rule plasticity.Pair) (*Plastic, error) {
	if err := rule.Check(); err != nil {
		return nil, err
	}
	if p.delay != nil {
		return nil, fmt.Errorf("synapse: STDP needs one delay for the whole projection")
	}
	if rule.Interaction == plasticity.PreCentred {
		return nil, fmt.Errorf("synapse: the presynaptic-centred interaction is not available on projections yet")
	}
	if p.weight == nil {
		p.weight = make([]float64, len(p.post))
		for k := range p.weight {
			p.weight[k] = p.w
		}
	}
	for k, w := range p.weight {
		p.weight[k] = math.Min(rule.WMax, math.Max(rule.WMin, w))
	}
	npost := p.target.Size()
	q := &Plastic{Projection: p, rule: rule, pre: make([]float64, p.Pre()), post: make([]float64, npost),
		colPtr: make([]int64, npost+1), colSyn: make([]uint32, len(p.post)), colPre: make([]uint32, len(p.post))}
	for _, j := range p.post {
		q.colPtr[j+1]++
	}
	for j := range npost {
		q.colPtr[j+1] += q.colPtr[j]
	}
	next := make([]int64, npost)
	copy(next, q.colPtr[:npost])
	for i := range p.Pre() {
		for k := p.row[i]; k < p.row[i+1]; k++ {
			j := p.post[k]
			q.colSyn[next[j]], q.colPre[next[j]] = uint32(k), uint32(i)
			next[j]++
		}
	}
	return q, nil
}

// Weight returns the weight of synapse k of pre's row.
func (q *Plastic) Weight(pre, k int) float64 { return q.weight[q.row[pre]+int64(k)] }

// rebase moves t0 to tm when the scaled traces would grow too large.
func (q *Plastic) rebase(tm float64) {
	if (tm-q.t0)/math.Min(q.rule.TauPlus, q.rule.TauMinus) < traceRebase {
		return
	}
	fp, fm := math.Exp(-(tm-q.t0)/q.rule.TauPlus), math.Exp(-(tm-q.t0)/q.rule.TauMinus)
	for i := range q.pre {
		q.pre[i] *= fp
	}
	for j := range q.post {
		q.post[j] *= fm
	}
	q.t0 = tm
}

// spike adds a spike at scale f = e^{(t - t0)/tau} to a scaled trace: +1 (all-to-all) or
// a reset to 1 (nearest).
func (q *Plastic) spike(v *float64, f float64) {
	if q.rule.Interaction == plasticity.AllToAll {
		*v += f
	} else {
		*v = f
	}
}

// Deliver depresses every synapse of pre's row by the post traces (the pre spike arrives
// at t), transmits with the new weights, then records the arrival in pre's trace.
func (q *Plastic) Deliver(t sim.Time, pre, off int32, spike sim.SpikeFunc) (int, int32, sim.Time) {
	tm := t.Ms()
	q.rebase(tm)
	g := math.Exp(-(tm - q.t0) / q.rule.TauMinus)
	s, e := q.row[pre], q.row[pre+1]
	for k := s; k < e; k++ {
		q.weight[k] = q.rule.Down(q.weight[k], q.post[q.Projection.post[k]]*g)
	}
	n, next, d := q.Projection.Deliver(t, pre, off, spike)
	q.spike(&q.pre[pre], math.Exp((tm-q.t0)/q.rule.TauPlus))
	return n, next, d
}

// PostSpike potentiates every synapse onto post by its pre trace, then records the spike
// in post's trace (sim.PostListener).
func (q *Plastic) PostSpike(post int32, t sim.Time) {
	tm := t.Ms()
	q.rebase(tm)
	g := math.Exp(-(tm - q.t0) / q.rule.TauPlus)
	for e := q.colPtr[post]; e < q.colPtr[post+1]; e++ {
		k := q.colSyn[e]
		q.weight[k] = q.rule.Up(q.weight[k], q.pre[q.colPre[e]]*g)
	}
	q.spike(&q.post[post], math.Exp((tm-q.t0)/q.rule.TauMinus))
}

// Bytes returns the memory the projection holds, column index and traces included.
func (q *Plastic) Bytes() int64 {
	return q.Projection.Bytes() + int64(len(q.colPtr))*8 + int64(len(q.colSyn))*8 + int64(len(q.pre)+len(q.post))*8
}

// MarshalState implements sim.Stateful: weights and traces, little-endian.
func (q *Plastic) MarshalState() ([]byte, error) {
	b := make([]byte, 0, 8*(4+len(q.weight)+len(q.pre)+len(q.post)))
	put := func(x float64) { b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x)) }
	put(float64(len(q.weight)))
	put(float64(len(q.pre)))
	put(float64(len(q.post)))
	put(q.t0)
	for _, xs := range [][]float64{q.weight, q.pre, q.post} {
		for _, x := range xs {
			put(x)
		}
	}
	return b, nil
}

// UnmarshalState implements sim.Stateful.
func (q *Plastic) UnmarshalState(b []byte) error {
	want := 8 * (4 + len(q.weight) + len(q.pre) + len(q.post))
	if len(b) != want {
		return fmt.Errorf("synapse: not the state of this plastic projection (%d bytes, want %d)", len(b), want)
	}
	get := func() float64 {
		x := math.Float64frombits(binary.LittleEndian.Uint64(b))
		b = b[8:]
		return x
	}
	if int(get()) != len(q.weight) || int(get()) != len(q.pre) || int(get()) != len(q.post) {
		return fmt.Errorf("synapse: not the state of this plastic projection")
	}
	if q.t0 = get(); math.IsNaN(q.t0) || math.IsInf(q.t0, 0) {
		return fmt.Errorf("synapse: the trace reference time is not finite")
	}
	for k := range q.weight {
		w := get()
		if !(w >= q.rule.WMin && w <= q.rule.WMax) {
			return fmt.Errorf("synapse: weight %v of synapse %d outside [%v, %v]", w, k, q.rule.WMin, q.rule.WMax)
		}
		q.weight[k] = w
	}
	for _, trs := range [][]float64{q.pre, q.post} {
		for i := range trs {
			if trs[i] = get(); math.IsNaN(trs[i]) || math.IsInf(trs[i], 0) || trs[i] < 0 {
				return fmt.Errorf("synapse: a trace is not a finite, non-negative number")
			}
		}
	}
	return nil
}
