package synapse

import (
	"encoding/binary"
	"fmt"
	"math"

	"snn/plasticity"
	"snn/sim"
)

// Plastic is a projection whose weights change by spike-timing-dependent plasticity: pair
// STDP (plasticity.Pair, every interaction) or the triplet rule (plasticity.Triplet).
//
// Timing: delays are axonal, so a presynaptic spike at t reaches its synapses at t + d,
// and that arrival is the pre spike the rule sees; a postsynaptic spike counts at its own
// time (no back-propagation delay): dt = t_post - (t_pre + d). At equal times the order
// of events decides. Crossings come first (sim.KindFire), so a post spike fired by a
// crossing at the arrival time pairs as post before pre: dt = 0 depresses. A post spike
// caused at once by the arriving input itself (a voltage jump over threshold) comes after
// the arrival that caused it: dt = 0 potentiates.
//
// State: the weights (per synapse); traces per neuron (r1, and r2 when the rule has a
// triplet depression term, per presynaptic neuron; o1, and o2 when it has a triplet
// potentiation term, per postsynaptic neuron), decayed lazily; and the recent spikes of
// each postsynaptic neuron. Depression happens at the arrival, walking the row. So does
// potentiation, lazily: a post spike only records itself (its time folded into the factor
// e^{-(t_post - t0)/tau+} (A2+ + A3+ o2)) in its neuron's history, and the next arrival
// of each presynaptic neuron applies the post spikes its synapses have not seen, oldest
// first, before depressing, so every synapse sees the same sequence of changes, clipped
// at each step, as if potentiation had happened at the post spikes (as in NEST, Morrison
// et al. 2007). A row walk is sequential in memory, where a walk of the synapses onto a
// post neuron would touch the weights at random. A history holds histCap spikes; when a
// neuron fires again with its history full, its oldest spike is applied to the synapses
// that have not seen it through a column index, and all histories are applied that way
// when the trace reference time moves (every 300 of the shortest time constant). The
// weights a reader sees (Weight, Synapse, Row) include the changes still pending.
//
// Memory: 4 (target) + 8 (weight) + 8 (column index) = 20 bytes per synapse, plus 24 per
// presynaptic neuron and about 160 per postsynaptic neuron.
//
// The projection's delay must be one constant: with per-synapse delays the arrivals of
// one presynaptic spike differ per synapse, and the traces would be per synapse.
type Plastic struct {
	*Projection
	rule     plasticity.Triplet
	reset    bool // traces reset to 1 (nearest, pre-centred) instead of adding 1
	centred  bool // pre-centred: a pre spike pairs with the first post spike after it
	additive bool
	// Traces are kept scaled to the reference time t0 (ms), like the neurons' state: the
	// pre trace of neuron i at t is r1[i] e^{-(t - t0)/tau+}, so evaluating all the
	// traces of a batch at one time costs one exp for the batch, not one per synapse.
	t0       float64
	rebaseAt float64   // t0 + traceRebase times the shortest time constant
	sameTau  bool      // tau+ = tau-: one exp serves both decays
	r1, r2   []float64 // per presynaptic neuron; r2 nil without A3-
	o1, o2   []float64 // per postsynaptic neuron; o2 nil without A3+
	seen     []uint64  // per presynaptic neuron: post spikes counted at its last arrival
	heads    []history // per postsynaptic neuron
	ents     []entry   // histCap per postsynaptic neuron
	count    uint64    // post spikes so far
	colPtr   []int64
	colSyn   []uint32
	colPre   []uint32
}

// histCap is the number of post spikes a history holds (a power of 2).
const histCap = 16

// history is a ring of the latest spikes of one postsynaptic neuron, entries
// [start, start+n) of its histCap entries (modulo histCap); the spikes before them, up
// to number prev, have been applied everywhere.
type history struct {
	last, prev uint64  // the numbers of its latest spike and of the last one removed (0: none)
	before     uint64  // the number of the spike before the latest (prev if none in the ring)
	lastG      float64 // the latest spike's factor, kept here: usually the only one pending
	start, n   uint8
}

// entry is one post spike: its number (counted over the projection's targets) and its
// potentiation factor e^{-(t - t0)/tau+} (A2+ + A3+ o2(t-)).
type entry struct {
	seq uint64
	g   float64
}

// traceRebase is how far (in the shorter trace time constant) t0 may fall behind.
const traceRebase = 300

// NewPlastic makes p plastic under rule, starting from p's weights (clipped to the rule's
// bounds).
func NewPlastic(p *Projection, rule plasticity.STDP) (*Plastic, error) {
	if err := rule.Check(); err != nil {
		return nil, err
	}
	r := rule.Triplet()
	if err := r.Check(); err != nil {
		return nil, err
	}
	if p.delay != nil {
		return nil, fmt.Errorf("synapse: STDP needs one delay for the whole projection (per-synapse delays would need traces per synapse)")
	}
	if p.weight == nil {
		p.weight = make([]float64, len(p.post))
		for k := range p.weight {
			p.weight[k] = p.w
		}
	}
	for k, w := range p.weight {
		p.weight[k] = math.Min(r.WMax, math.Max(r.WMin, w))
	}
	npre, npost := p.Pre(), p.target.Size()
	q := &Plastic{Projection: p, rule: r,
		reset: r.Interaction != plasticity.AllToAll, centred: r.Interaction == plasticity.PreCentred, additive: r.Mu == 0,
		r1: make([]float64, npre), o1: make([]float64, npost), seen: make([]uint64, npre), heads: make([]history, npost), ents: make([]entry, npost*histCap),
		colPtr: make([]int64, npost+1), colSyn: make([]uint32, len(p.post)), colPre: make([]uint32, len(p.post))}
	if r.A3Minus != 0 {
		q.r2 = make([]float64, npre)
	}
	if r.A3Plus != 0 {
		q.o2 = make([]float64, npost)
	}
	q.rebaseAt = traceRebase * q.minTau()
	q.sameTau = r.TauPlus == r.TauMinus
	for _, j := range p.post {
		q.colPtr[j+1]++
	}
	for j := range npost {
		q.colPtr[j+1] += q.colPtr[j]
	}
	next := make([]int64, npost)
	copy(next, q.colPtr[:npost])
	for i := range npre {
		for k := p.row[i]; k < p.row[i+1]; k++ {
			j := p.post[k]
			q.colSyn[next[j]], q.colPre[next[j]] = uint32(k), uint32(i)
			next[j]++
		}
	}
	return q, nil
}

// Rule returns the rule the projection runs, in triplet form.
func (q *Plastic) Rule() plasticity.Triplet { return q.rule }

// Weight returns the weight of synapse k of pre's row, pending changes included.
func (q *Plastic) Weight(pre, k int) float64 {
	s := q.row[pre] + int64(k)
	return q.pending(q.weight[s], q.post[s], pre)
}

// Synapse returns target, weight (pending changes included) and delay of synapse k of
// pre's row.
func (q *Plastic) Synapse(pre, k int) (post int, weight float64, delay sim.Time) {
	post, _, delay = q.Projection.Synapse(pre, k)
	return post, q.Weight(pre, k), delay
}

// pending returns w, the weight of a synapse from pre onto post, after the potentiation
// by the spikes of post it has not seen, oldest first. Under the pre-centred interaction
// only the first post spike after pre's last arrival counts.
func (q *Plastic) pending(w float64, post uint32, pre int) float64 {
	h, seen := &q.heads[post], q.seen[pre]
	if h.last <= seen {
		return w
	}
	x := q.r1[pre]
	if h.before <= seen {
		return q.up(w, x*h.lastG)
	}
	es := q.ents[int(post)*histCap : int(post+1)*histCap]
	m, s := int(h.n)-1, int(h.start)
	for m > 0 && es[(s+m-1)&(histCap-1)].seq > seen {
		m--
	}
	// es[s+m] is the oldest spike pre has not seen.
	if q.centred {
		prev := h.prev
		if m > 0 {
			prev = es[(s+m-1)&(histCap-1)].seq
		}
		if prev > seen {
			return w // the first post spike after the arrival was applied when it left the history
		}
		return q.up(w, x*es[(s+m)&(histCap-1)].g)
	}
	for ; m < int(h.n); m++ {
		w = q.up(w, x*es[(s+m)&(histCap-1)].g)
	}
	return w
}

// up and down are the rule's potentiation and depression by d >= 0, the additive case
// written out for the hot loops.
func (q *Plastic) up(w, d float64) float64 {
	if q.additive {
		if w += d; w > q.rule.WMax {
			w = q.rule.WMax
		}
		return w
	}
	return q.rule.Raise(w, d)
}

func (q *Plastic) down(w, d float64) float64 {
	if q.additive {
		if w -= d; w < q.rule.WMin {
			w = q.rule.WMin
		}
		return w
	}
	return q.rule.Lower(w, d)
}

// minTau is the shortest time constant of the traces kept.
func (q *Plastic) minTau() float64 {
	m := math.Min(q.rule.TauPlus, q.rule.TauMinus)
	if q.r2 != nil {
		m = math.Min(m, q.rule.TauX)
	}
	if q.o2 != nil {
		m = math.Min(m, q.rule.TauY)
	}
	return m
}

// rebase moves t0 to tm when the scaled traces would grow too large. The histories'
// factors are scaled to t0 too: they are applied everywhere and emptied first.
func (q *Plastic) rebase(tm float64) {
	if tm < q.rebaseAt {
		return
	}
	q.flush()
	scale := func(xs []float64, tau float64) {
		f := math.Exp(-(tm - q.t0) / tau)
		for i := range xs {
			xs[i] *= f
		}
	}
	scale(q.r1, q.rule.TauPlus)
	scale(q.r2, q.rule.TauX)
	scale(q.o1, q.rule.TauMinus)
	scale(q.o2, q.rule.TauY)
	q.t0 = tm
	q.rebaseAt = tm + traceRebase*q.minTau()
}

// flush applies every history to the synapses that have not seen it and empties it.
func (q *Plastic) flush() {
	for j := range q.heads {
		h := &q.heads[j]
		if h.n == 0 {
			continue
		}
		for e := q.colPtr[j]; e < q.colPtr[j+1]; e++ {
			k := q.colSyn[e]
			q.weight[k] = q.pending(q.weight[k], uint32(j), int(q.colPre[e]))
		}
		h.prev, h.before, h.start, h.n = h.last, h.last, 0, 0
	}
}

// evict applies the oldest entry of post's history to the synapses that have not seen it
// and removes it. A synapse whose pre trace is 0 (no spike yet) would not change.
func (q *Plastic) evict(post int32) {
	h := &q.heads[post]
	oldest := q.ents[int(post)*histCap+int(h.start)]
	for e := q.colPtr[post]; e < q.colPtr[post+1]; e++ {
		i := q.colPre[e]
		if seen := q.seen[i]; seen < oldest.seq && q.r1[i] != 0 && (!q.centred || h.prev <= seen) {
			k := q.colSyn[e]
			q.weight[k] = q.up(q.weight[k], q.r1[i]*oldest.g)
		}
	}
	h.prev = oldest.seq
	h.start = (h.start + 1) & (histCap - 1)
	h.n--
}

// bump records a spike at scale f = e^{(t - t0)/tau} in a scaled trace: +1 (all-to-all)
// or a reset to 1.
func (q *Plastic) bump(v *float64, f float64) {
	if q.reset {
		*v = f
	} else {
		*v += f
	}
}

// Deliver applies to every synapse of pre's row the post spikes it has not seen
// (potentiation), then depresses it by the post traces (the pre spike arrives at t),
// records the arrival in pre's traces and transmits with the new weights.
func (q *Plastic) Deliver(t sim.Time, pre, off int32, spike sim.SpikeFunc) (int, int32, sim.Time) {
	tm := t.Ms()
	q.rebase(tm)
	x := tm - q.t0
	up := math.Exp(x / q.rule.TauPlus) // the scale of a pre spike now
	var dm float64
	if q.sameTau {
		dm = 1 / up
	} else {
		dm = math.Exp(-x / q.rule.TauMinus)
	}
	amp := q.rule.A2Minus
	if q.r2 != nil {
		amp += q.rule.A3Minus * q.r2[pre] * math.Exp(-x/q.rule.TauX)
	}
	dm *= amp
	seen := q.seen[pre]
	s, e := q.row[pre], q.row[pre+1]
	posts, ws := q.Projection.post[s:e], q.weight[s:e]
	for k, j := range posts {
		w := ws[k]
		if q.heads[j].last > seen {
			w = q.pending(w, j, int(pre))
		}
		if y := q.o1[j]; y != 0 {
			w = q.down(w, y*dm)
		}
		ws[k] = w
	}
	q.seen[pre] = q.count
	q.bump(&q.r1[pre], up)
	if q.r2 != nil {
		q.bump(&q.r2[pre], math.Exp(x/q.rule.TauX))
	}
	return q.Projection.Deliver(t, pre, off, spike)
}

// PostSpike records a spike of post at t in its history and its traces
// (sim.PostListener); the synapses onto post see it at their next arrival.
func (q *Plastic) PostSpike(post int32, t sim.Time) {
	tm := t.Ms()
	q.rebase(tm)
	h := &q.heads[post]
	if h.n == histCap {
		q.evict(post)
	}
	x := tm - q.t0
	amp := q.rule.A2Plus
	if q.o2 != nil {
		amp += q.rule.A3Plus * q.o2[post] * math.Exp(-x/q.rule.TauY)
	}
	q.count++
	g := math.Exp(-x/q.rule.TauPlus) * amp
	q.ents[int(post)*histCap+(int(h.start)+int(h.n))&(histCap-1)] = entry{q.count, g}
	h.n++
	h.before, h.last, h.lastG = h.last, q.count, g
	if h.n == 1 {
		h.before = h.prev
	}
	q.bump(&q.o1[post], math.Exp(x/q.rule.TauMinus))
	if q.o2 != nil {
		q.bump(&q.o2[post], math.Exp(x/q.rule.TauY))
	}
}

// Bytes returns the memory the projection holds: column index, traces and histories
// included.
func (q *Plastic) Bytes() int64 {
	return q.Projection.Bytes() + int64(len(q.colPtr))*8 + int64(len(q.colSyn)+len(q.colPre))*4 +
		int64(len(q.r1)+len(q.r2)+len(q.o1)+len(q.o2)+len(q.seen))*8 + int64(len(q.heads))*40 + int64(len(q.ents))*16
}

// MarshalState implements sim.Stateful: the weights, traces and histories, little-endian.
func (q *Plastic) MarshalState() ([]byte, error) {
	b := make([]byte, 0, 8*(8+len(q.weight)+len(q.r1)+len(q.r2)+len(q.o1)+len(q.o2)+len(q.seen)+len(q.heads)*5+len(q.ents)*2))
	putU := func(x uint64) { b = binary.LittleEndian.AppendUint64(b, x) }
	put := func(x float64) { putU(math.Float64bits(x)) }
	for _, n := range []int{len(q.weight), len(q.r1), len(q.r2), len(q.o1), len(q.o2), len(q.heads)} {
		putU(uint64(n))
	}
	put(q.t0)
	putU(q.count)
	for _, xs := range [][]float64{q.weight, q.r1, q.r2, q.o1, q.o2} {
		for _, x := range xs {
			put(x)
		}
	}
	for _, s := range q.seen {
		putU(s)
	}
	for _, h := range q.heads {
		putU(h.last)
		putU(h.prev)
		putU(h.before)
		put(h.lastG)
		putU(uint64(h.start) | uint64(h.n)<<8)
	}
	for _, e := range q.ents {
		putU(e.seq)
		put(e.g)
	}
	return b, nil
}

// UnmarshalState implements sim.Stateful.
func (q *Plastic) UnmarshalState(b []byte) error {
	want := 8 * (8 + len(q.weight) + len(q.r1) + len(q.r2) + len(q.o1) + len(q.o2) + len(q.seen) + len(q.heads)*5 + len(q.ents)*2)
	if len(b) != want {
		return fmt.Errorf("synapse: not the state of this plastic projection (%d bytes, want %d)", len(b), want)
	}
	getU := func() uint64 {
		x := binary.LittleEndian.Uint64(b)
		b = b[8:]
		return x
	}
	get := func() float64 { return math.Float64frombits(getU()) }
	for _, n := range []int{len(q.weight), len(q.r1), len(q.r2), len(q.o1), len(q.o2), len(q.heads)} {
		if getU() != uint64(n) {
			return fmt.Errorf("synapse: not the state of this plastic projection")
		}
	}
	if q.t0 = get(); math.IsNaN(q.t0) || math.IsInf(q.t0, 0) {
		return fmt.Errorf("synapse: the trace reference time is not finite")
	}
	q.rebaseAt = q.t0 + traceRebase*q.minTau()
	q.count = getU()
	for k := range q.weight {
		w := get()
		if !(w >= q.rule.WMin && w <= q.rule.WMax) {
			return fmt.Errorf("synapse: weight %v of synapse %d outside [%v, %v]", w, k, q.rule.WMin, q.rule.WMax)
		}
		q.weight[k] = w
	}
	for _, trs := range [][]float64{q.r1, q.r2, q.o1, q.o2} {
		for i := range trs {
			if trs[i] = get(); math.IsNaN(trs[i]) || math.IsInf(trs[i], 0) || trs[i] < 0 {
				return fmt.Errorf("synapse: a trace is not a finite, non-negative number")
			}
		}
	}
	for i := range q.seen {
		if q.seen[i] = getU(); q.seen[i] > q.count {
			return fmt.Errorf("synapse: presynaptic neuron %d has seen more post spikes than there were", i)
		}
	}
	for j := range q.heads {
		h := &q.heads[j]
		h.last, h.prev, h.before, h.lastG = getU(), getU(), getU(), get()
		sn := getU()
		h.start, h.n = uint8(sn), uint8(sn>>8)
		if sn>>16 != 0 || h.start >= histCap || h.n > histCap || h.last > q.count || h.prev > h.last || h.before > h.last ||
			math.IsNaN(h.lastG) || math.IsInf(h.lastG, 0) || h.lastG < 0 {
			return fmt.Errorf("synapse: the spike history of neuron %d is damaged", j)
		}
	}
	for k := range q.ents {
		e := &q.ents[k]
		e.seq = getU()
		if e.g = get(); math.IsNaN(e.g) || math.IsInf(e.g, 0) || e.g < 0 || e.seq > q.count {
			return fmt.Errorf("synapse: the spike history of neuron %d is damaged", k/histCap)
		}
	}
	return nil
}
