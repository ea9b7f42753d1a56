package readout

import (
	"runtime"
	"sync/atomic"
	"time"

	"snn/neuron"
	"snn/sim"
)

// The work on every excitatory neuron at an input or an inhibitory spike is shared among
// workers, each with its own range of neurons and its own propagator (a CondCell keeps
// the threshold of its last search). The neurons do not interact within one such event,
// so the result does not depend on the number of workers: the keys are merged in index
// order afterwards. The workers meet at each event through two atomic counters, spinning:
// a job costs a few microseconds, a wake-up through the scheduler as much again. Between
// presentations the helpers are parked on a channel.

const (
	jobInput = iota
	jobInhibit
	jobPark
)

// dcJob is the event the workers are working on.
type dcJob struct {
	kind    int
	t, h    sim.Time
	in      int
	skip    int
	depress bool // an input spike's depression (dep times each neuron's post trace)
	dep     float64
}

// dcTeam holds the helpers: worker w > 0 owns neurons lo[w]..lo[w+1]-1; the caller's
// goroutine is worker 0.
type dcTeam struct {
	lo    []int
	cells []*neuron.CondCell
	wake  []chan struct{}
	gen   atomic.Int64
	ack   []atomic.Int64
	live  bool

	// The team is not always faster: on a machine busy with other work a helper may be
	// descheduled while the others wait. So Present measures its wall time per input
	// spike with and without the helpers (solo) and keeps the faster, trying the other
	// way every dcExplore calls. The results do not depend on it.
	solo  bool
	cost  [2]float64 // ns per input spike: [0] solo, [1] team; 0 until measured
	calls int
}

// dcSpins is how many times a waiting worker polls before it yields its thread (a
// poll is a few ns; a job a few us).
const dcSpins = 1 << 14

// dcExplore: every this many calls Present tries the way it did not choose.
const dcExplore = 25

// choose decides whether this call works solo.
func (tm *dcTeam) choose() {
	if len(tm.cells) == 1 {
		tm.solo = true
		return
	}
	tm.calls++
	teamBetter := tm.cost[1] == 0 || tm.cost[0] == 0 && tm.calls < dcExplore || (tm.cost[0] != 0 && tm.cost[1] <= tm.cost[0])
	tm.solo = !teamBetter
	if tm.calls%dcExplore == 0 {
		tm.solo = !tm.solo
	}
}

// measure records the cost of a call that worked through inputs input spikes.
func (tm *dcTeam) measure(elapsed time.Duration, inputs int64) {
	if len(tm.cells) == 1 || inputs == 0 {
		return
	}
	k := 1
	if tm.solo {
		k = 0
	}
	c := float64(elapsed.Nanoseconds()) / float64(inputs)
	if tm.cost[k] == 0 {
		tm.cost[k] = c
	} else {
		tm.cost[k] += 0.3 * (c - tm.cost[k])
	}
}

// workers returns how many workers a network of n neurons uses: one per processor, up
// to one per 48 neurons (below that the meeting costs more than it saves).
func dcWorkers(n, procs int) int {
	return max(1, min(procs, n/48))
}

// startTeam makes the team for the network's neurons and propagators.
func (d *DiehlCook) startTeam(workers int) error {
	n := len(d.e)
	tm := &dcTeam{lo: make([]int, workers+1), cells: make([]*neuron.CondCell, workers),
		wake: make([]chan struct{}, workers), ack: make([]atomic.Int64, workers)}
	for w := range workers {
		tm.lo[w] = w * n / workers
		c, err := neuron.NewCondCell(d.p.Exc, d.p.ExcRev)
		if err != nil {
			return err
		}
		tm.cells[w] = c
	}
	tm.lo[workers] = n
	for w := 1; w < workers; w++ {
		tm.wake[w] = make(chan struct{})
		go d.worker(tm, w)
	}
	d.team = tm
	return nil
}

// worker is helper w's loop: parked until a presentation starts, then spinning on jobs
// until told to park.
func (d *DiehlCook) worker(tm *dcTeam, w int) {
	seen := tm.gen.Load()
	for range tm.wake[w] {
		for {
			g := seen
			for spins := 0; ; spins++ {
				if g = tm.gen.Load(); g != seen {
					break
				}
				if spins > dcSpins {
					runtime.Gosched()
				}
			}
			seen = g
			if d.job.kind == jobPark {
				tm.ack[w].Store(g)
				break
			}
			d.doJob(tm.cells[w], tm.lo[w], tm.lo[w+1])
			tm.ack[w].Store(g)
		}
	}
}

func (d *DiehlCook) doJob(cell *neuron.CondCell, lo, hi int) {
	switch d.job.kind {
	case jobInput:
		d.inputRange(cell, lo, hi)
	case jobInhibit:
		d.inhibitRange(cell, lo, hi)
	}
}

// run does d.job on every neuron, sharing it among the team.
func (d *DiehlCook) run() {
	tm := d.team
	if tm.solo {
		d.doJob(tm.cells[0], 0, len(d.e))
		return
	}
	g := tm.gen.Add(1)
	d.doJob(tm.cells[0], tm.lo[0], tm.lo[1])
	for w := 1; w < len(tm.cells); w++ {
		for spins := 0; tm.ack[w].Load() != g; spins++ {
			if spins > dcSpins {
				runtime.Gosched()
			}
		}
	}
}

// resume wakes the helpers for a presentation; park sends them back to sleep.
func (d *DiehlCook) resume() {
	tm := d.team
	if tm.live || tm.solo {
		return
	}
	for w := 1; w < len(tm.cells); w++ {
		tm.wake[w] <- struct{}{}
	}
	tm.live = true
}

func (d *DiehlCook) park() {
	tm := d.team
	if !tm.live {
		return
	}
	d.job = dcJob{kind: jobPark}
	g := tm.gen.Add(1)
	for w := 1; w < len(tm.cells); w++ {
		for tm.ack[w].Load() != g {
			runtime.Gosched()
		}
	}
	tm.live = false
}

// Close stops the network's helper goroutines; the network must not be used after.
func (d *DiehlCook) Close() {
	if d.team == nil {
		return
	}
	d.park()
	for w := 1; w < len(d.team.cells); w++ {
		close(d.team.wake[w])
	}
	d.team = nil
}
