package sim

import "fmt"

// SpikeFunc is how a population reports that its neuron fired at time t. The engine gives
// each population its own SpikeFunc; it records the spike and schedules its deliveries.
type SpikeFunc func(neuron int32, t Time)

// Neurons is a population whose neurons fire by their own dynamics.
//
// A population keeps, for every neuron, a lower bound on the time of its next threshold
// crossing (Never if it cannot cross without further input), and reports the smallest.
// The engine calls Step when that time is the earliest event of the whole network; Step
// then either fires the neuron or replaces the bound by a tighter one. Synaptic input
// reaches a population through the projections that target it, not through the engine.
type Neurons interface {
	Size() int
	// Next returns the earliest pending bound or crossing of the population, or Never.
	// Ties between neurons of one population are broken by the lower neuron index.
	Next() Time
	// Step handles the population's pending event at t, which equals Next().
	Step(t Time, spike SpikeFunc)
}

// Source is a population of input units (Poisson processes, spike generators) whose
// spikes are drawn or listed, not integrated. A source has at most one pending emission,
// kept in the engine's queue as a KindSource event.
type Source interface {
	Size() int
	// Start returns the time of the first emission, or Never.
	Start() Time
	// Emit is called at the pending emission time t. It returns the unit that spikes and
	// the time of the following emission (at or after t), or Never.
	Emit(t Time) (unit int32, next Time)
}

// Projection delivers the spikes of one population to another. Each presynaptic row is
// sorted by delay, and the synapses of a row that share a delay form a delay group,
// delivered as one batch by one queue entry.
type Projection interface {
	// First returns the delay of the first delay group of pre's row; ok is false when
	// pre has no synapse in this projection.
	First(pre int32) (delay Time, ok bool)
	// Deliver delivers the delay group at offset off of pre's row at time t, calling
	// spike for every target neuron the input makes fire at once. It returns the number
	// of synapses delivered and the offset and delay (from the presynaptic spike) of the
	// next group of the row, or next < 0 when the row is done.
	Deliver(t Time, pre, off int32, spike SpikeFunc) (n int, next int32, delay Time)
}

// OneDelay is a Projection that may have all its rows one delay group, none empty, of
// the same delay: then OneDelay returns that delay and true, and First(pre) is (delay,
// true) for every pre. A source's deliveries through it are scheduled without asking
// First.
type OneDelay interface {
	OneDelay() (delay Time, ok bool)
}

// PostListener is a projection that acts on its target's spikes (plasticity: a post spike
// potentiates the synapses onto the neuron). The engine calls it when a target neuron
// fires, before the spike's own deliveries are scheduled.
type PostListener interface {
	PostSpike(post int32, t Time)
}

// Observer sees every spike of every population (neurons and sources) in event order.
type Observer interface {
	Spike(t Time, group int32, unit int32)
}

// Watcher is an Observer that sees the spikes of some populations only: the engine asks
// Watches once per population (when either is added) and calls Spike for the spikes of
// those it watches. A recorder that only counts the spikes of large inputs reads
// Engine.Spikes instead of taking a call per spike.
type Watcher interface {
	Observer
	Watches(group int32) bool
}

// Stats counts what an engine has done so far.
type Stats struct {
	Spikes         uint64 // spikes of neuron populations
	SourceSpikes   uint64 // spikes of input sources
	SynapticEvents uint64 // synapses delivered (one per synapse per presynaptic spike)
	Deliveries     uint64 // delivery batches (queue entries of KindDeliver)
	Steps          uint64 // population steps (crossings fired and bounds refined)
	Rewards        uint64 // modulator jumps made
}

type group struct {
	dyn     int // index in Engine.dyn, or -1 for sources
	name    string
	size    int
	neurons Neurons
	source  Source
	src     int // index in Engine.srcs (sources only)
	out     []int32
	post    []PostListener // projections into this population that listen to its spikes
	spike   SpikeFunc
	obs     []Observer // the observers that watch it, in the order added
	spikes  uint64     // spikes made by this engine (see Spikes); a source's are in its route
}

type projection struct {
	p        Projection
	from, to int32
}

// route is what emit needs of a source, gathered in one place: the source, its
// population, and, when it has exactly one projection out, that projection and its
// target (p is nil otherwise).
type route struct {
	src    Source
	g      int32
	obs    []Observer // the source's group's
	spikes uint64     // spikes made by this engine (see Spikes)
	k      int32      // the projection's index
	p      Projection
	d      Time // the projection's delay, when one (see OneDelay)
	one    bool
	to     Neurons
	dyn    int // the target's index in Engine.next
	spike  SpikeFunc
}

// Engine is the deterministic event loop: it owns the clock and the queue and moves
// spikes between populations through projections. It performs no IO. A run is a pure
// function of the populations, projections and sources it is given and of the order in
// which they were added.
type Engine struct {
	now    Time
	groups []group
	dyn    []int32 // indices of the neuron populations, in the order added
	next   []Time  // cached Next() of each neuron population, refreshed when touched
	// Sources' pending emissions are kept here, not in the queue: one event per source
	// (T Never when it has none), in the order the sources were added, and the index of
	// the earliest. A source's next emission is known when it emits, so the queue sees
	// only deliveries.
	srcs   []int32
	srcEv  []Event
	srcMin int
	srcOut []route // what emit needs of each source, in the order of srcs
	// Neuromodulator volumes and their pending jumps, sorted (see Reward).
	vols    []volume
	rewards []Reward
	robs    []RewardObserver
	extra   []namedState
	projs   []projection
	q       *queue
	seq     uint64
	obs     []Observer
	stats   Stats
}

// NewEngine returns an engine at time 0 with no populations.
func NewEngine() *Engine { return &Engine{q: newQueue(), srcMin: -1} }

// Now returns the engine's clock: the time up to which Run has advanced.
func (e *Engine) Now() Time { return e.now }

// Stats returns the counters of the run so far.
func (e *Engine) Stats() Stats { return e.stats }

// Pending returns the number of queued events.
func (e *Engine) Pending() int {
	n := e.q.len()
	for _, ev := range e.srcEv {
		if ev.T != Never {
			n++
		}
	}
	return n + len(e.rewards)
}

// Group returns the name and size of population g.
func (e *Engine) Group(g int32) (name string, size int) {
	return e.groups[g].name, e.groups[g].size
}

// Groups returns the number of populations, neurons and sources alike.
func (e *Engine) Groups() int { return len(e.groups) }

// IsSource reports whether population g is an input source.
func (e *Engine) IsSource(g int32) bool { return e.groups[g].source != nil }

// AddNeurons adds a neuron population and returns its index.
func (e *Engine) AddNeurons(name string, n Neurons) int32 {
	g := int32(len(e.groups))
	e.groups = append(e.groups, group{dyn: len(e.dyn), name: name, size: n.Size(), neurons: n, obs: e.watching(g)})
	e.groups[g].spike = func(i int32, t Time) { e.fire(g, i, t) }
	e.dyn = append(e.dyn, g)
	e.next = append(e.next, Never)
	return g
}

// AddSource adds an input source and schedules its first emission.
func (e *Engine) AddSource(name string, s Source) int32 {
	g := int32(len(e.groups))
	e.groups = append(e.groups, group{dyn: -1, name: name, size: s.Size(), source: s, src: len(e.srcs), obs: e.watching(g)})
	e.srcs = append(e.srcs, g)
	e.srcEv = append(e.srcEv, Event{T: Never, Kind: KindSource, Ref: g})
	e.srcOut = append(e.srcOut, route{src: s, g: g, obs: e.groups[g].obs})
	if t := s.Start(); t != Never {
		e.schedule(Event{T: t, Kind: KindSource, Ref: g, Seq: e.seq})
		e.seq++
	}
	return g
}

// Restart replaces source g's pending emission by one at next (sim.Never for none): a
// source whose rates a program changed (neuron.RateCode) draws its next emission anew,
// and the engine must be told. next must not be before the clock.
func (e *Engine) Restart(g int32, next Time) error {
	switch {
	case g < 0 || int(g) >= len(e.groups) || e.groups[g].source == nil:
		return fmt.Errorf("sim: population %d is not a source", g)
	case next < e.now:
		return fmt.Errorf("sim: restarting source %q at %v, before the clock %v", e.groups[g].name, next, e.now)
	}
	ev := Event{T: Never, Kind: KindSource, Ref: g}
	if next != Never {
		ev.T, ev.Seq = next, e.seq
		e.seq++
	}
	e.schedule(ev)
	return nil
}

// schedule sets a source's pending emission and finds the earliest source again.
func (e *Engine) schedule(ev Event) {
	e.srcEv[e.groups[ev.Ref].src] = ev
	if len(e.srcEv) == 1 {
		e.srcMin = 0
		if ev.T == Never {
			e.srcMin = -1
		}
		return
	}
	e.findSource()
}

// findSource sets srcMin to the source with the earliest pending emission (the first
// added among equals), or -1 when none has one.
func (e *Engine) findSource() {
	e.srcMin = -1
	bt := Never
	for k := range e.srcEv {
		if t := e.srcEv[k].T; t < bt {
			bt, e.srcMin = t, k
		}
	}
}

// Connect adds a projection from population from to neuron population to and returns its
// index. The projection must already target to's neurons; the engine only routes spikes.
func (e *Engine) Connect(from, to int32, p Projection) int32 {
	if e.groups[to].neurons == nil {
		panic(fmt.Sprintf("sim: projection target %q is not a neuron population", e.groups[to].name))
	}
	k := int32(len(e.projs))
	e.projs = append(e.projs, projection{p: p, from: from, to: to})
	e.groups[from].out = append(e.groups[from].out, k)
	if gf := &e.groups[from]; gf.source != nil {
		r := &e.srcOut[gf.src]
		r.k, r.p, r.to, r.dyn, r.spike, r.d, r.one = 0, nil, nil, 0, nil, 0, false
		if len(gf.out) == 1 {
			gt := &e.groups[to]
			r.k, r.p, r.to, r.dyn, r.spike = k, p, gt.neurons, gt.dyn, gt.spike
			if o, ok := p.(OneDelay); ok {
				r.d, r.one = o.OneDelay()
			}
		}
	}
	if l, ok := p.(PostListener); ok {
		e.groups[to].post = append(e.groups[to].post, l)
	}
	return k
}

// Observe adds an observer of spikes (of the populations it watches, if a Watcher).
func (e *Engine) Observe(o Observer) {
	e.obs = append(e.obs, o)
	for g := range e.groups {
		gr := &e.groups[g]
		if watches(o, int32(g)) {
			gr.obs = append(gr.obs, o)
			if gr.source != nil {
				e.srcOut[gr.src].obs = gr.obs
			}
		}
	}
}

func watches(o Observer, g int32) bool {
	w, ok := o.(Watcher)
	return !ok || w.Watches(g)
}

// watching returns the observers that watch population g.
func (e *Engine) watching(g int32) []Observer {
	var obs []Observer
	for _, o := range e.obs {
		if watches(o, g) {
			obs = append(obs, o)
		}
	}
	return obs
}

// Spikes returns the number of spikes population g has made in this engine: since it
// was built, not counting those before a restored checkpoint (Stats does).
func (e *Engine) Spikes(g int32) uint64 {
	if gr := &e.groups[g]; gr.source != nil {
		return e.srcOut[gr.src].spikes
	}
	return e.groups[g].spikes
}

func (e *Engine) push(ev Event) {
	ev.Seq = e.seq
	e.seq++
	e.q.push(ev)
}

// fire records a spike of neuron i of population g at t and schedules its deliveries.
func (e *Engine) fire(g, i int32, t Time) {
	e.stats.Spikes++
	gr := &e.groups[g]
	gr.spikes++
	for _, o := range gr.obs {
		o.Spike(t, g, i)
	}
	for _, l := range e.groups[g].post {
		l.PostSpike(i, t)
	}
	for _, k := range e.groups[g].out {
		if d, ok := e.projs[k].p.First(i); ok {
			e.push(Event{T: t + d, Origin: t, Kind: KindDeliver, Ref: k, Pre: i})
		}
	}
}

// emit makes the pending emission, at t, of the earliest source: the source draws its
// unit and its next emission, and the spike is recorded and its deliveries scheduled.
//
// Run calls emit only when every population's next crossing is later than t (crossings
// come first at equal times), so a delivery with no delay is certain to be the next event
// when the source has one projection out and no emission or queued event is due at t:
// it is then made at once instead of passing through the queue. The loop would take it
// next, so the order of events is the same. (Sources have no post listeners: projections
// target neuron populations.)
func (e *Engine) emit(t Time) {
	si := e.srcMin
	r := &e.srcOut[si]
	unit, next := r.src.Emit(t)
	if next < t {
		panic(fmt.Sprintf("sim: source %q schedules %v, before %v", e.groups[r.g].name, next, t))
	}
	// schedule, field by field: the pending event of the source is srcEv[si] (the same
	// Kind and Ref), and a whole Event built and copied here would be read back before
	// its partial stores retire.
	sv := &e.srcEv[si]
	if next != Never {
		sv.T, sv.Seq = next, e.seq
		e.seq++
	} else {
		sv.T, sv.Seq = Never, 0
	}
	if len(e.srcEv) > 1 {
		e.findSource()
	} else if next == Never {
		e.srcMin = -1
	}
	e.stats.SourceSpikes++
	r.spikes++
	for _, o := range r.obs {
		o.Spike(t, r.g, unit)
	}
	if r.p == nil {
		for _, k := range e.groups[r.g].out {
			if d, ok := e.projs[k].p.First(unit); ok {
				e.push(Event{T: t + d, Origin: t, Kind: KindDeliver, Ref: k, Pre: unit})
			}
		}
		return
	}
	d := r.d
	if !r.one {
		var ok bool
		if d, ok = r.p.First(unit); !ok {
			return
		}
	}
	if d != 0 || !directDeliveries || !e.q.after(t) || e.srcMin >= 0 && e.srcEv[e.srcMin].T <= t {
		e.push(Event{T: t + d, Origin: t, Kind: KindDeliver, Ref: r.k, Pre: unit})
		return
	}
	e.seq++ // as if queued
	n, off, d := r.p.Deliver(t, unit, 0, r.spike)
	e.next[r.dyn] = r.to.Next()
	e.stats.SynapticEvents += uint64(n)
	e.stats.Deliveries++
	if off >= 0 {
		e.push(Event{T: t + d, Origin: t, Kind: KindDeliver, Ref: r.k, Pre: unit, Off: off})
	}
}

// directDeliveries switches the direct path of emit (tests compare runs without it).
var directDeliveries = true

// deliver processes a delivery event.
func (e *Engine) deliver(ev Event) {
	pr := &e.projs[ev.Ref]
	to := &e.groups[pr.to]
	n, next, d := pr.p.Deliver(ev.T, ev.Pre, ev.Off, to.spike)
	e.next[to.dyn] = to.neurons.Next()
	e.stats.SynapticEvents += uint64(n)
	e.stats.Deliveries++
	if next >= 0 {
		e.push(Event{T: ev.Origin + d, Origin: ev.Origin, Kind: KindDeliver, Ref: ev.Ref, Pre: ev.Pre, Off: next})
	}
}

// Run processes, in the total order of events, every event earlier than until, then sets
// the clock to until. Events at until or later stay pending, so Run(a) followed by Run(b)
// gives exactly the same spikes as Run(b).
//
// Each iteration takes the earliest of the queue's head and the populations' pending
// crossings; at equal times crossings come first (KindFire), and among populations the
// one added first. A population's next time changes only when it steps or receives
// input, so the engine asks only that population again.
func (e *Engine) Run(until Time) {
	if until < e.now {
		panic(fmt.Sprintf("sim: Run(%v) is before the clock %v", until, e.now))
	}
	for k, g := range e.dyn {
		e.next[k] = e.groups[g].neurons.Next()
	}
	for {
		bt, bk := Never, -1
		if len(e.next) == 1 { // the loop below, for one population
			if bt = e.next[0]; bt != Never {
				bk = 0
			}
		} else {
			for k, t := range e.next {
				if t < bt {
					bt, bk = t, k
				}
			}
		}
		qt := e.q.head()
		st := Never
		if e.srcMin >= 0 {
			st = e.srcEv[e.srcMin].T
		}
		rt := Never
		if len(e.rewards) > 0 {
			rt = e.rewards[0].T
			if rt < bt && rt < st && rt < qt {
				// A jump strictly before everything else (at equal times it comes last).
				if rt >= until {
					break
				}
				e.now = rt
				e.modulate()
				continue
			}
		}
		if bt <= qt && bt <= st && bt != Never {
			if bt >= until {
				break
			}
			bg := e.dyn[bk]
			if bt < e.now {
				panic(fmt.Sprintf("sim: population %q steps at %v, before the clock %v", e.groups[bg].name, bt, e.now))
			}
			e.now = bt
			e.stats.Steps++
			g := &e.groups[bg]
			g.neurons.Step(bt, g.spike)
			e.next[bk] = g.neurons.Next()
			continue
		}
		if st <= qt && st != Never {
			// Sources emit before deliveries at equal times (KindSource < KindDeliver).
			if st >= until {
				break
			}
			for {
				e.now = st
				e.emit(st)
				// The next event is most often the next emission: take it at once when
				// the tests above would (it is before until, and no jump, crossing or
				// queued event comes before it), else go round.
				if e.srcMin < 0 {
					break
				}
				st = e.srcEv[e.srcMin].T
				if st >= until || len(e.rewards) > 0 && e.rewards[0].T < st || e.q.head() < st || !e.crossingsAfter(st) {
					break
				}
			}
			continue
		}
		if qt >= until { // Never included
			break
		}
		head, _ := e.q.pop()
		e.now = qt
		if head.Kind == KindDeliver {
			e.deliver(head)
		}
	}
	e.now = until
}

// crossingsAfter reports whether every population's next crossing is later than t.
func (e *Engine) crossingsAfter(t Time) bool {
	for _, nt := range e.next {
		if nt <= t {
			return false
		}
	}
	return true
}

// CheckState asks every population that can (a CheckState() error method) whether its
// state is still finite, and returns the first failure: a guard against numerical faults.
func (e *Engine) CheckState() error {
	for _, g := range e.groups {
		if c, ok := g.neurons.(interface{ CheckState() error }); ok {
			if err := c.CheckState(); err != nil {
				return fmt.Errorf("population %q: %w", g.name, err)
			}
		}
	}
	return nil
}
