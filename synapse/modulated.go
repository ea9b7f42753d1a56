package synapse

import (
	"encoding/binary"
	"fmt"
	"math"

	"snn/plasticity"
	"snn/sim"
)

// Volume is a neuromodulator concentration shared by the projections it modulates
// (sim.Volume, sim.Stateful): n(t) = N e^{-(t - T)/tau_n} between jumps, and a jump of
// amount at t adds amount to n(t).
type Volume struct {
	TauN float64 // ms
	v    plasticity.Volume
}

// NewVolume returns an empty volume whose concentration decays with tauN (ms).
func NewVolume(tauN float64) (*Volume, error) {
	if !(tauN > 0) || math.IsInf(tauN, 0) {
		return nil, fmt.Errorf("synapse: a volume's tau = %v ms must be positive and finite", tauN)
	}
	return &Volume{TauN: tauN}, nil
}

// At returns the concentration at t (not before the last jump).
func (v *Volume) At(t sim.Time) float64 { return v.v.N * math.Exp(-(t.Ms()-v.v.T)/v.TauN) }

// Jump implements sim.Volume.
func (v *Volume) Jump(t sim.Time, amount float64) {
	v.v.N = v.At(t) + amount
	v.v.T = t.Ms()
}

// MarshalState implements sim.Stateful.
func (v *Volume) MarshalState() ([]byte, error) {
	b := binary.LittleEndian.AppendUint64(nil, math.Float64bits(v.v.N))
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v.v.T)), nil
}

// UnmarshalState implements sim.Stateful.
func (v *Volume) UnmarshalState(b []byte) error {
	if len(b) != 16 {
		return fmt.Errorf("synapse: not the state of a volume")
	}
	n, t := math.Float64frombits(binary.LittleEndian.Uint64(b)), math.Float64frombits(binary.LittleEndian.Uint64(b[8:]))
	if math.IsNaN(n) || math.IsInf(n, 0) || math.IsNaN(t) || math.IsInf(t, 0) {
		return fmt.Errorf("synapse: a volume's state is not finite")
	}
	v.v.N, v.v.T = n, t
	return nil
}

// ModPlastic is a projection whose weights learn by three-factor STDP
// (plasticity.Modulated; NEST's stdp_dopamine_synapse): pair STDP writes into an
// eligibility trace c per synapse, and w' = c (n - b) with n the concentration of a
// volume. Timing is as in Plastic: delays axonal, a pre spike counts when it arrives.
//
// Work: a synapse is brought up to date (w integrated exactly, c decayed) only at its
// own events: the arrival of its pre spikes (walking the row, where its eligibility is
// also depressed), the spikes of its post neuron (walking the synapses onto it, where its
// eligibility is potentiated), and the volume's jumps and the periodic rescaling of the
// reference time (walking all synapses; both are rare). The weight is clipped to
// [wmin, wmax] at each of these update points, as NEST clips at its own.
//
// State kept scaled to the reference time t0 (ms), so that an update costs no exp per
// synapse: with tau_s = tau_c tau_n/(tau_c + tau_n),
//
//	c(t) = cs e^{-(t - t0)/tau_c}          per synapse
//	n(t) = ns e^{-(t - t0)/tau_n}          per projection, between jumps
//	es = e^{-(ta - t0)/tau_s}, ec = e^{-(ta - t0)/tau_c}   per synapse, ta its last update
//
// so that from ta to tb, w gains cs (ns tau_s (es - e^{-(tb - t0)/tau_s}) - b tau_c (ec -
// e^{-(tb - t0)/tau_c})): the factors at tb are shared by a whole walk.
//
// Memory per synapse: 4 (target) + 8 (weight) + 8 (eligibility) + 8 or 16 (update time,
// two with a baseline) + 8 (column index) = 36 or 44 bytes.
type ModPlastic struct {
	*Projection
	rule   plasticity.Modulated
	vol    *Volume
	volIdx int32
	reset  bool
	tauS   float64
	t0     float64
	rebAt  float64
	ns     float64 // scaled concentration
	// jumped: the volume has jumped since ns was read (Modulate comes before the jump).
	jumped bool
	cs     []float64 // per synapse
	es, ec []float64 // per synapse; ec nil without a baseline
	x, y   []float64 // pre and post traces, scaled by tau+ and tau-
	colPtr []int64
	colSyn []uint32
	colPre []uint32
}

// NewModPlastic makes p learn under rule, gated by volume v (index vi in the engine).
// Register it with the engine as the volume's listener (Engine.Listen).
func NewModPlastic(p *Projection, rule plasticity.Modulated, v *Volume, vi int32) (*ModPlastic, error) {
	if err := rule.Check(); err != nil {
		return nil, err
	}
	if rule.Interaction == plasticity.PreCentred {
		return nil, fmt.Errorf("synapse: the presynaptic-centred interaction is not available for modulated STDP; use all_to_all or nearest")
	}
	if p.delay != nil {
		return nil, fmt.Errorf("synapse: modulated STDP needs one delay for the whole projection")
	}
	if v.TauN != rule.TauN {
		return nil, fmt.Errorf("synapse: the rule's tau_n = %v ms is not its volume's %v ms", rule.TauN, v.TauN)
	}
	p.ownWeights(rule.WMin, rule.WMax)
	n := len(p.post)
	q := &ModPlastic{Projection: p, rule: rule, vol: v, volIdx: vi, reset: rule.Interaction != plasticity.AllToAll,
		tauS: rule.TauC * rule.TauN / (rule.TauC + rule.TauN),
		cs:   make([]float64, n), es: make([]float64, n), x: make([]float64, p.Pre()), y: make([]float64, p.target.Size())}
	if rule.B != 0 {
		q.ec = make([]float64, n)
	}
	for k := range q.es {
		q.es[k] = 1
	}
	for k := range q.ec {
		q.ec[k] = 1
	}
	q.colPtr, q.colSyn, q.colPre = columns(p)
	q.rebAt = traceRebase * q.minTau()
	return q, nil
}

// ownWeights gives p a weight per synapse (a plastic projection changes them one by
// one), clipped to [lo, hi].
func (p *Projection) ownWeights(lo, hi float64) {
	if p.weight == nil {
		p.weight = make([]float64, len(p.post))
		for k := range p.weight {
			p.weight[k] = p.w
		}
	}
	for k, w := range p.weight {
		p.weight[k] = min(hi, max(lo, w))
	}
}

// columns returns the column index of p: for post neuron j, entries colPtr[j] to
// colPtr[j+1] give each synapse onto j and its presynaptic neuron.
func columns(p *Projection) (colPtr []int64, colSyn, colPre []uint32) {
	npost := p.target.Size()
	colPtr, colSyn, colPre = make([]int64, npost+1), make([]uint32, len(p.post)), make([]uint32, len(p.post))
	for _, j := range p.post {
		colPtr[j+1]++
	}
	for j := range npost {
		colPtr[j+1] += colPtr[j]
	}
	next := make([]int64, npost)
	copy(next, colPtr[:npost])
	for i := range p.Pre() {
		for k := p.row[i]; k < p.row[i+1]; k++ {
			j := p.post[k]
			colSyn[next[j]], colPre[next[j]] = uint32(k), uint32(i)
			next[j]++
		}
	}
	return colPtr, colSyn, colPre
}

func (q *ModPlastic) minTau() float64 {
	return min(q.rule.TauPlus, q.rule.TauMinus, q.tauS)
}

// Rule returns the projection's rule.
func (q *ModPlastic) Rule() plasticity.Modulated { return q.rule }

// Volume returns the index of the volume gating the projection.
func (q *ModPlastic) Volume() int32 { return q.volIdx }

// at holds the shared factors of an update to time tm.
type at struct {
	es, ec float64 // e^{-(tm - t0)/tau_s}, e^{-(tm - t0)/tau_c}
	nt, bt float64 // ns tau_s, b tau_c
}

func (q *ModPlastic) factors(tm float64) at {
	a := at{es: math.Exp(-(tm - q.t0) / q.tauS), nt: q.ns * q.tauS}
	if q.ec != nil {
		a.ec, a.bt = math.Exp(-(tm-q.t0)/q.rule.TauC), q.rule.B*q.rule.TauC
	}
	return a
}

// advance brings synapse k's weight to the time of a: w += cs (ns tau_s (es - a.es) -
// b tau_c (ec - a.ec)), clipped.
func (q *ModPlastic) advance(k int, a *at) {
	cs := q.cs[k]
	if cs != 0 {
		dw := cs * a.nt * (q.es[k] - a.es)
		if q.ec != nil {
			dw -= cs * a.bt * (q.ec[k] - a.ec)
		}
		if dw != 0 {
			q.weight[k] = min(q.rule.WMax, max(q.rule.WMin, q.weight[k]+dw))
		}
	}
	q.es[k] = a.es
	if q.ec != nil {
		q.ec[k] = a.ec
	}
}

// rebase moves t0 to tm when the scaled values would grow too large: every synapse is
// brought up to tm first. It reports whether it did.
func (q *ModPlastic) rebase(tm float64) bool {
	if tm < q.rebAt {
		return false
	}
	q.sweep(tm)
	fc := math.Exp(-(tm - q.t0) / q.rule.TauC)
	for k := range q.cs {
		q.cs[k] *= fc
		q.es[k] = 1
	}
	for k := range q.ec {
		q.ec[k] = 1
	}
	q.ns *= math.Exp(-(tm - q.t0) / q.rule.TauN)
	fp, fm := math.Exp(-(tm-q.t0)/q.rule.TauPlus), math.Exp(-(tm-q.t0)/q.rule.TauMinus)
	for i := range q.x {
		q.x[i] *= fp
	}
	for j := range q.y {
		q.y[j] *= fm
	}
	q.t0 = tm
	q.rebAt = tm + traceRebase*q.minTau()
	return true
}

// sweep brings every synapse up to tm.
func (q *ModPlastic) sweep(tm float64) {
	a := q.factors(tm)
	for k := range q.cs {
		q.advance(k, &a)
	}
}

// Modulate implements sim.Modulated: before the volume jumps at t, every synapse is
// brought up to t with the concentration so far; the scaled concentration then follows
// the volume's.
func (q *ModPlastic) Modulate(_ int32, t sim.Time) {
	q.syncVolume()
	tm := t.Ms()
	if !q.rebase(tm) {
		q.sweep(tm) // a rebase has swept already
	}
	q.jumped = true
}

// syncVolume reads the volume's concentration after a jump into ns.
func (q *ModPlastic) syncVolume() {
	if !q.jumped {
		return
	}
	q.jumped = false
	q.ns = q.vol.v.N * math.Exp((q.vol.v.T-q.t0)/q.rule.TauN)
}

// Deliver brings every synapse of pre's row up to t, depresses its eligibility by the
// post trace (the pre spike arrives at t), records the arrival in pre's trace and
// transmits with the weights.
func (q *ModPlastic) Deliver(t sim.Time, pre, off int32, spike sim.SpikeFunc) (int, int32, sim.Time) {
	q.syncVolume()
	tm := t.Ms()
	q.rebase(tm)
	a := q.factors(tm)
	// A decrement dc of c at tm is a decrement dc e^{(tm - t0)/tau_c} of cs.
	dm := q.rule.AMinus * math.Exp((tm-q.t0)/q.rule.TauC-(tm-q.t0)/q.rule.TauMinus)
	s, e := q.row[pre], q.row[pre+1]
	for k := s; k < e; k++ {
		q.advance(int(k), &a)
		if y := q.y[q.Projection.post[k]]; y != 0 {
			q.cs[k] -= dm * y
		}
	}
	bump(&q.x[pre], math.Exp((tm-q.t0)/q.rule.TauPlus), q.reset)
	return q.Projection.Deliver(t, pre, off, spike)
}

// PostSpike brings every synapse onto post up to t and potentiates its eligibility by the
// pre trace, then records the spike in post's trace (sim.PostListener).
func (q *ModPlastic) PostSpike(post int32, t sim.Time) {
	q.syncVolume()
	tm := t.Ms()
	q.rebase(tm)
	a := q.factors(tm)
	dp := q.rule.APlus * math.Exp((tm-q.t0)/q.rule.TauC-(tm-q.t0)/q.rule.TauPlus)
	for e := q.colPtr[post]; e < q.colPtr[post+1]; e++ {
		k := int(q.colSyn[e])
		q.advance(k, &a)
		if x := q.x[q.colPre[e]]; x != 0 {
			q.cs[k] += dp * x
		}
	}
	bump(&q.y[post], math.Exp((tm-q.t0)/q.rule.TauMinus), q.reset)
}

// Eligibility returns the eligibility of synapse k of pre's row at t (not before its last
// update).
func (q *ModPlastic) Eligibility(pre, k int, t sim.Time) float64 {
	return q.cs[q.row[pre]+int64(k)] * math.Exp(-(t.Ms()-q.t0)/q.rule.TauC)
}

// Weight returns the weight of synapse k of pre's row as of its last update (every
// synapse is up to date after a volume's jump; WeightAt integrates to a given time).
func (q *ModPlastic) Weight(pre, k int) float64 { return q.weight[q.row[pre]+int64(k)] }

// WeightAt returns the weight synapse k of pre's row would have at t (not before the
// last event), without changing the projection.
func (q *ModPlastic) WeightAt(pre, k int, t sim.Time) float64 {
	q.syncVolume()
	s := int(q.row[pre]) + k
	a := q.factors(t.Ms())
	w, cs := q.weight[s], q.cs[s]
	dw := cs * a.nt * (q.es[s] - a.es)
	if q.ec != nil {
		dw -= cs * a.bt * (q.ec[s] - a.ec)
	}
	return min(q.rule.WMax, max(q.rule.WMin, w+dw))
}

// Bytes returns the memory the projection holds.
func (q *ModPlastic) Bytes() int64 {
	return q.Projection.Bytes() + int64(len(q.colPtr))*8 + int64(len(q.colSyn)+len(q.colPre))*4 +
		int64(len(q.cs)+len(q.es)+len(q.ec)+len(q.x)+len(q.y))*8
}

// SynapseAt returns target, weight at t (see WeightAt) and delay of synapse k of pre's row.
func (q *ModPlastic) SynapseAt(pre, k int, t sim.Time) (post int, weight float64, delay sim.Time) {
	post, _, delay = q.Projection.Synapse(pre, k)
	return post, q.WeightAt(pre, k, t), delay
}

// MarshalState implements sim.Stateful: weights, eligibilities, update times, traces and
// the scaled concentration, little-endian.
func (q *ModPlastic) MarshalState() ([]byte, error) {
	q.syncVolume()
	b := make([]byte, 0, 8*(9+len(q.weight)+len(q.cs)+len(q.es)+len(q.ec)+len(q.x)+len(q.y)))
	put := func(x float64) { b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x)) }
	for _, n := range []int{len(q.weight), len(q.cs), len(q.es), len(q.ec), len(q.x), len(q.y)} {
		put(float64(n))
	}
	put(q.t0)
	put(q.rebAt)
	put(q.ns)
	for _, xs := range [][]float64{q.weight, q.cs, q.es, q.ec, q.x, q.y} {
		for _, x := range xs {
			put(x)
		}
	}
	return b, nil
}

// UnmarshalState implements sim.Stateful.
func (q *ModPlastic) UnmarshalState(b []byte) error {
	want := 8 * (9 + len(q.weight) + len(q.cs) + len(q.es) + len(q.ec) + len(q.x) + len(q.y))
	if len(b) != want {
		return fmt.Errorf("synapse: not the state of this modulated projection (%d bytes, want %d)", len(b), want)
	}
	get := func() float64 {
		x := math.Float64frombits(binary.LittleEndian.Uint64(b))
		b = b[8:]
		return x
	}
	for _, n := range []int{len(q.weight), len(q.cs), len(q.es), len(q.ec), len(q.x), len(q.y)} {
		if get() != float64(n) {
			return fmt.Errorf("synapse: not the state of this modulated projection")
		}
	}
	q.t0, q.rebAt, q.ns = get(), get(), get()
	for k := range q.weight {
		if w := get(); w >= q.rule.WMin && w <= q.rule.WMax {
			q.weight[k] = w
		} else {
			return fmt.Errorf("synapse: weight %v of synapse %d outside [%v, %v]", w, k, q.rule.WMin, q.rule.WMax)
		}
	}
	for _, xs := range [][]float64{q.cs, q.es, q.ec, q.x, q.y} {
		for i := range xs {
			xs[i] = get()
		}
	}
	for _, x := range append([]float64{q.t0, q.rebAt, q.ns}, q.cs...) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("synapse: the state of a modulated projection is not finite")
		}
	}
	q.jumped = false
	return nil
}
