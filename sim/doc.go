// Package sim is the kernel of snn: simulated time, the total order of events, the event
// queue, the engine loop and the random streams. It performs no IO and imports no sibling
// package; populations, projections and sources plug in through small interfaces.
//
// # Time
//
// Time is an int64 count of nanoseconds. Models compute in float64 milliseconds between
// events; Ms, FromMs, CeilMs and FloorMs are the only conversions. Threshold crossings
// found between events are rounded up to the next nanosecond, so spike times are exact to
// 1 ns, and because the clock is an integer no error accumulates over hours of simulated
// time.
//
// # Order
//
// Events are totally ordered (contract 2 of the design):
//
//	time, then kind (Fire < Source < Deliver < Modulate), then Ref, Pre, Off, then Seq
//
// Fire events are threshold crossings; they live in the neuron populations' own indexed
// heaps, not in the queue, and the engine compares the earliest crossing of every
// population with the queue's head at each step. At equal times a crossing goes first,
// and among populations the one added first. Within a population, crossings are ordered
// by their exact (sub-nanosecond) times, then by neuron index. Queue entries carry a
// unique push counter Seq, so Compare never returns 0 for two entries and the heap never
// decides a tie.
//
// # Engine
//
// The engine is a deterministic state machine:
//
//	loop: take the earliest of (population crossings, sources' next emissions, queue
//	      head, pending modulator jumps) before `until`
//	      crossing  -> Step: fire the neuron (spike -> observers, one Deliver entry per
//	                   outgoing projection and delay group) or tighten its bound
//	      Source    -> the source emits one unit's spike and schedules its next emission
//	      Deliver   -> the projection hands one delay group of one presynaptic spike to
//	                   the target population as one batch; the next group is re-queued
//	      Modulate  -> a volume's modulated projections catch up to t, then it jumps
//
// Sources' next emissions are kept in a small array, not the queue, and an event pushed
// when a one-event slot in front of the heap is free waits there; a source's delivery
// with no delay that is certain to be next is made at once, and the emission after it
// is taken without going round the loop when it is certainly next. None of this changes
// the order above. Observers that are Watchers see only the populations they watch;
// Spikes counts every population's spikes. Rewards (Engine.Reward) are jumps of neuromodulator volumes, scheduled at
// any time, even by an observer during Run; they wait in a sorted list of their own.
//
// so the queue holds one entry per presynaptic spike and delay group, never one per
// synapse. Run(until) processes exactly the events before until and leaves the rest
// pending: Run(a); Run(b) equals Run(b) for a < b, spike for spike. Nothing in a run
// depends on wall-clock time, map order or a global random generator.
//
// # Randomness
//
// Stream(seed, purpose) returns a PCG generator (math/rand/v2) seeded by the run's seed
// and a hash of the purpose ("connect/exc->inh", "init/exc", "poisson/noise"), so every
// population, projection and source has its own stream and a run is a pure function of
// its spec and seed. UnitExpDraws makes a Poisson source's draws for many spikes in one
// loop, the same numbers in the same order as a rand.Rand one at a time; from a PCG it
// steps the generator itself, with the exponential ziggurat's tables built from
// Marsaglia & Tsang's recurrence (draws.go).
//
// # Queue
//
// The queue is github.com/emirpasic/gods/v2's binary-heap priority queue, generic over
// Event (no boxing, so a push does not allocate once the queue has grown), ordered by
// Compare.
package sim
