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
// potentiation term, per postsynaptic neuron), decayed lazily; the recent spikes of each
// postsynaptic neuron; and per synapse the number of its post neuron's spikes it has
// seen. Depression happens at the arrival, walking the row. So does potentiation, lazily:
// a post spike only records itself (its time folded into the factor
// e^{-(t_post - t0)/tau+} (A2+ + A3+ o2)) in its neuron's history, and the next arrival
// of each presynaptic neuron applies to each synapse the post spikes it has not seen,
// oldest first, before depressing, so every synapse sees the same sequence of changes,
// clipped at each step, as if potentiation had happened at the post spikes (as in NEST,
// Morrison et al. 2007). A row walk is sequential in memory, where a walk of the synapses
// onto a post neuron would touch the weights at random. A history holds histCap spikes;
// when a neuron fires again with its history full, its older half is applied to the
// synapses that have not seen it through a column index, and all histories are applied
// that way when the trace reference time moves (every 300 of the shortest time
// constant). The weights a reader sees (Weight, Synapse) include the changes still
// pending.
//
// Memory: 4 (target) + 8 (weight) + 8 (column index) + 4 (spikes seen) = 24 bytes per
// synapse, plus 8 or 16 per presynaptic neuron and 8 (16 with o2) + 8 histCap per
// postsynaptic neuron.
//
// The projection's delay must be one constant: with per-synapse delays the arrivals of
// one presynaptic spike differ per synapse, and the traces would be per synapse.
type Plastic struct {
	*Projection
	rule     plasticity.Triplet
	reset    bool // traces reset to 1 (nearest, pre-centred) instead of adding 1
	centred  bool // pre-centred: a pre spike pairs with the first post spike after it
	additive bool
	addUp    bool // additive and not pre-centred: pending's loop is written out in Deliver
	// Traces are kept scaled to the reference time t0 (ms), like the neurons' state: the
	// pre trace of neuron i at t is r1[i] e^{-(t - t0)/tau+}, so evaluating all the
	// traces of a batch at one time costs one exp for the batch, not one per synapse.
	t0  float64
	t0t sim.Time // t0 in ticks
	// Tables of e^{n/tau+}, e^{-n/tau+}, e^{n/tau-}, e^{-n/tau-} for n ns after t0: the
	// scaled traces multiply factors of both signs for one time, and factors from tables
	// built from the same arguments keep their product at 1 to a few ulp.
	upP, downP, upM, downM *expTable
	rebaseAt               float64   // t0 + traceRebase times the shortest time constant
	r1, r2                 []float64 // per presynaptic neuron; r2 nil without A3-
	o1, o2                 []float64 // per postsynaptic neuron; o2 nil without A3+
	heads                  []history // per postsynaptic neuron
	ents                   []float64 // histCap per postsynaptic neuron: the factors of its latest spikes
	seen                   []uint32  // per synapse: how many spikes of its post neuron it has seen
	colPtr                 []int64
	colSyn                 []uint32
	colPre                 []uint32
}

// histCap is the number of post spikes a history holds (a power of 2).
const histCap = 16

// history is a ring of the latest spikes of one postsynaptic neuron, entries
// [start, start+n) of its histCap entries (modulo histCap): the factors of its spikes
// c-n+1 to c, where c counts its spikes (modulo 2^31).
type history struct {
	c        uint32
	start, n uint8
}

// used marks in seen, under the pre-centred interaction, a synapse whose pre spike has
// been paired with a post spike already; counts are kept below it.
const (
	used    = 1 << 31
	cntMask = used - 1
)

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
	p.ownWeights(r.WMin, r.WMax)
	npre, npost := p.Pre(), p.target.Size()
	q := &Plastic{Projection: p, rule: r,
		reset: r.Interaction != plasticity.AllToAll, centred: r.Interaction == plasticity.PreCentred, additive: r.Mu == 0,
		addUp: r.Mu == 0 && r.Interaction != plasticity.PreCentred, r1: make([]float64, npre), o1: make([]float64, npost),
		heads: make([]history, npost), ents: make([]float64, npost*histCap),
		seen: make([]uint32, len(p.post))}
	if r.A3Minus != 0 {
		q.r2 = make([]float64, npre)
	}
	if r.A3Plus != 0 {
		q.o2 = make([]float64, npost)
	}
	q.rebaseAt = traceRebase * q.minTau()
	q.upP, q.downP = newExpTable(r.TauPlus), newExpTable(-r.TauPlus)
	q.upM, q.downM = newExpTable(r.TauMinus), newExpTable(-r.TauMinus)
	q.colPtr, q.colSyn, q.colPre = columns(p)
	return q, nil
}

// Rule returns the rule the projection runs, in triplet form.
func (q *Plastic) Rule() plasticity.Triplet { return q.rule }

// Weight returns the weight of synapse k of pre's row, pending changes included.
func (q *Plastic) Weight(pre, k int) float64 {
	s := q.row[pre] + int64(k)
	return q.pending(q.weight[s], q.post[s], q.seen[s], q.r1[pre])
}

// Synapse returns target, weight (pending changes included) and delay of synapse k of
// pre's row.
func (q *Plastic) Synapse(pre, k int) (post int, weight float64, delay sim.Time) {
	post, _, delay = q.Projection.Synapse(pre, k)
	return post, q.Weight(pre, k), delay
}

// pending returns w, the weight of a synapse onto post that has seen seen of its spikes
// and whose pre trace is x (scaled), after the potentiation by the spikes it has not
// seen, oldest first. Under the pre-centred interaction only the first post spike after
// the pre spike counts (seen then carries the used mark once it has).
func (q *Plastic) pending(w float64, post uint32, seen uint32, x float64) float64 {
	h := &q.heads[post]
	p := int((h.c - seen) & cntMask)
	if p == 0 || x == 0 {
		return w
	}
	es := q.ents[int(post)*histCap : int(post+1)*histCap]
	first := int(h.start) + int(h.n) - p
	if q.centred {
		if seen&used != 0 {
			return w
		}
		return q.up(w, x*es[first&(histCap-1)])
	}
	end := int(h.start) + int(h.n)
	if q.additive {
		for r := first; r < end; r++ {
			w = addClip(w, x*es[r&(histCap-1)], q.rule.WMax)
		}
		return w
	}
	for r := first; r < end; r++ {
		w = q.rule.Raise(w, x*es[r&(histCap-1)])
	}
	return w
}

// addClip returns w + d capped at hi: additive potentiation (d >= 0, w <= hi).
func addClip(w, d, hi float64) float64 {
	if w += d; w > hi {
		return hi
	}
	return w
}

// up is the rule's potentiation by d >= 0, the additive case written out.
func (q *Plastic) up(w, d float64) float64 {
	if q.additive {
		if w += d; w > q.rule.WMax {
			w = q.rule.WMax
		}
		return w
	}
	return q.rule.Raise(w, d)
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
	q.t0, q.t0t = tm, sim.FromMs(tm)
	q.rebaseAt = tm + traceRebase*q.minTau()
}

// flush applies every history to the synapses that have not seen it and empties it.
func (q *Plastic) flush() {
	for j := range q.heads {
		if q.heads[j].n > 0 {
			q.evict(int32(j), int(q.heads[j].n))
		}
	}
}

// evict applies the m oldest entries of post's history to the synapses that have not
// seen them and removes them: one walk of the synapses onto post, each synapse read and
// written once however many of those spikes it takes.
func (q *Plastic) evict(post int32, m int) {
	h := &q.heads[post]
	es := q.ents[int(post)*histCap : int(post+1)*histCap]
	oldest := (h.c - uint32(h.n) + 1) & cntMask // the number of es[start]
	newest := (oldest + uint32(m) - 1) & cntMask
	for e := q.colPtr[post]; e < q.colPtr[post+1]; e++ {
		k := q.colSyn[e]
		seen := q.seen[k]
		behind := int((newest - seen) & cntMask) // evicted spikes it has not seen
		if behind == 0 || behind > m {
			continue // it has seen them all (its count is at or past newest)
		}
		if x := q.r1[q.colPre[e]]; x != 0 && seen&used == 0 {
			w, s0 := q.weight[k], int(h.start)+m-min(behind, m)
			if q.centred {
				w = q.up(w, x*es[s0&(histCap-1)])
				seen |= used
			} else {
				for r := s0; r < int(h.start)+m; r++ {
					w = q.up(w, x*es[r&(histCap-1)])
				}
			}
			q.weight[k] = w
		}
		q.seen[k] = newest | seen&used
	}
	h.start = uint8((int(h.start) + m) & (histCap - 1))
	h.n -= uint8(m)
}

// bump records a spike at scale f = e^{(t - t0)/tau} in a scaled trace: +1 (all-to-all)
// or a reset to 1.
func bump(v *float64, f float64, reset bool) {
	if reset {
		*v = f
	} else {
		*v += f
	}
}

// Deliver applies to every synapse of pre's row the post spikes it has not seen
// (potentiation), then depresses it by the post traces (the pre spike arrives at t),
// records the arrival in pre's traces and transmits with the new weights. The row is one
// delay group (the projection has one delay), handed to the target as one batch.
func (q *Plastic) Deliver(t sim.Time, pre, off int32, spike sim.SpikeFunc) (int, int32, sim.Time) {
	tm := t.Ms()
	if tm >= q.rebaseAt {
		q.rebase(tm)
	}
	n := t - q.t0t
	up, dm := q.upP.at(n), q.downM.at(n) // e^{(t - t0)/tau+}, e^{-(t - t0)/tau-}
	amp := q.rule.A2Minus
	if q.r2 != nil {
		amp += q.rule.A3Minus * q.r2[pre] * math.Exp(-(tm-q.t0)/q.rule.TauX)
	}
	dm *= amp
	s, e := q.row[pre], q.row[pre+1]
	post, weight, seen := q.Projection.post[:e], q.weight[:e], q.seen[:e]
	x1 := q.r1[pre]
	for k := s; k < e; k++ {
		j, w := post[k], weight[k]
		h := &q.heads[j]
		if sk := seen[k]; sk != h.c {
			if q.addUp {
				// pending, additive and not pre-centred, written out.
				if p := int((h.c - sk) & cntMask); x1 != 0 {
					base, end := int(j)*histCap, int(h.start)+int(h.n)
					for r := end - p; r < end; r++ {
						w = addClip(w, x1*q.ents[base+r&(histCap-1)], q.rule.WMax)
					}
				}
			} else {
				w = q.pending(w, j, sk, x1)
			}
			seen[k] = h.c
		}
		if y := q.o1[j]; y != 0 {
			if q.additive {
				if w -= y * dm; w < q.rule.WMin {
					w = q.rule.WMin
				}
			} else {
				w = q.rule.Lower(w, y*dm)
			}
		}
		weight[k] = w
	}
	bump(&q.r1[pre], up, q.reset)
	if q.r2 != nil {
		bump(&q.r2[pre], math.Exp((tm-q.t0)/q.rule.TauX), q.reset)
	}
	// Projection.Deliver for the row's one delay group, from off.
	a := s + int64(off)
	if e-a == 1 && q.one != nil {
		q.one.Deliver1(t, q.receptor, post[a], weight[a], spike)
	} else {
		q.target.Deliver(t, q.receptor, post[a:e], weight[a:e], q.w, spike)
	}
	return int(e - a), -1, 0
}

// PostSpike records a spike of post at t in its history and its traces
// (sim.PostListener); the synapses onto post see it at their next arrival.
func (q *Plastic) PostSpike(post int32, t sim.Time) {
	tm := t.Ms()
	q.rebase(tm)
	h := &q.heads[post]
	if h.n == histCap {
		q.evict(post, histCap/2)
	}
	x := tm - q.t0
	amp := q.rule.A2Plus
	if q.o2 != nil {
		amp += q.rule.A3Plus * q.o2[post] * math.Exp(-x/q.rule.TauY)
	}
	n := t - q.t0t
	q.ents[int(post)*histCap+(int(h.start)+int(h.n))&(histCap-1)] = q.downP.at(n) * amp
	h.n++
	h.c = (h.c + 1) & cntMask
	bump(&q.o1[post], q.upM.at(n), q.reset)
	if q.o2 != nil {
		bump(&q.o2[post], math.Exp(x/q.rule.TauY), q.reset)
	}
}

// Bytes returns the memory the projection holds: column index, counts, traces and
// histories included.
func (q *Plastic) Bytes() int64 {
	return q.Projection.Bytes() + int64(len(q.colPtr))*8 + int64(len(q.colSyn)+len(q.colPre)+len(q.seen))*4 +
		int64(len(q.r1)+len(q.r2)+len(q.o1)+len(q.o2)+len(q.ents))*8 + int64(len(q.heads))*8
}

// MarshalState implements sim.Stateful: the weights, traces, counts and histories,
// little-endian.
func (q *Plastic) MarshalState() ([]byte, error) {
	b := make([]byte, 0, 8*(7+len(q.weight)+len(q.r1)+len(q.r2)+len(q.o1)+len(q.o2)+len(q.ents)+len(q.heads))+4*len(q.seen))
	putU := func(x uint64) { b = binary.LittleEndian.AppendUint64(b, x) }
	put := func(x float64) { putU(math.Float64bits(x)) }
	for _, n := range []int{len(q.weight), len(q.r1), len(q.r2), len(q.o1), len(q.o2), len(q.heads)} {
		putU(uint64(n))
	}
	put(q.t0)
	for _, xs := range [][]float64{q.weight, q.r1, q.r2, q.o1, q.o2, q.ents} {
		for _, x := range xs {
			put(x)
		}
	}
	for _, h := range q.heads {
		putU(uint64(h.c) | uint64(h.start)<<32 | uint64(h.n)<<40)
	}
	for _, c := range q.seen {
		b = binary.LittleEndian.AppendUint32(b, c)
	}
	return b, nil
}

// UnmarshalState implements sim.Stateful.
func (q *Plastic) UnmarshalState(b []byte) error {
	want := 8*(7+len(q.weight)+len(q.r1)+len(q.r2)+len(q.o1)+len(q.o2)+len(q.ents)+len(q.heads)) + 4*len(q.seen)
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
	q.t0t = sim.FromMs(q.t0)
	for k := range q.weight {
		w := get()
		if !(w >= q.rule.WMin && w <= q.rule.WMax) {
			return fmt.Errorf("synapse: weight %v of synapse %d outside [%v, %v]", w, k, q.rule.WMin, q.rule.WMax)
		}
		q.weight[k] = w
	}
	for _, trs := range [][]float64{q.r1, q.r2, q.o1, q.o2, q.ents} {
		for i := range trs {
			if trs[i] = get(); math.IsNaN(trs[i]) || math.IsInf(trs[i], 0) || trs[i] < 0 {
				return fmt.Errorf("synapse: a trace or a spike history is not a finite, non-negative number")
			}
		}
	}
	for j := range q.heads {
		x := getU()
		h := history{c: uint32(x), start: uint8(x >> 32), n: uint8(x >> 40)}
		if x>>48 != 0 || h.c&used != 0 || h.start >= histCap || h.n > histCap {
			return fmt.Errorf("synapse: the spike history of neuron %d is damaged", j)
		}
		q.heads[j] = h
	}
	for k := range q.seen {
		q.seen[k] = binary.LittleEndian.Uint32(b)
		b = b[4:]
		if !q.centred && q.seen[k]&used != 0 {
			return fmt.Errorf("synapse: the count of synapse %d is damaged", k)
		}
	}
	return nil
}
