package sim

import "cmp"

// Kind orders events that fall on the same tick. Lower kinds come first.
type Kind uint8

const (
	// KindFire is a neuron's threshold crossing. Crossings are not queue entries: each
	// neuron population keeps them in its own indexed heap, and the engine compares the
	// heaps' tops with the queue's head, giving crossings precedence at equal time. A
	// neuron that reaches threshold at t therefore fires before any input arriving at t
	// can push it back.
	KindFire Kind = iota
	// KindSource is an input source (Poisson, spike generator) emitting a spike.
	KindSource
	// KindDeliver delivers one delay group of one presynaptic spike through one projection.
	KindDeliver
	// KindModulate is a jump of a neuromodulator volume (a reward). Jumps are not queue
	// entries: the engine keeps them in a list of their own, ordered by time and then by
	// the order they were scheduled, and makes them after every other event of their tick.
	KindModulate
)

// Event is an entry of the engine's queue.
//
// The order of events is total and documented (contract 2 of the design): by time T,
// then Kind, then Ref (the projection or source index), then Pre (presynaptic neuron),
// then Off (position in the presynaptic row), then Seq, the engine's push counter, which
// is unique. The heap holding the events never decides a tie.
type Event struct {
	T      Time   // when the event happens
	Origin Time   // for deliveries: the time of the presynaptic spike
	Seq    uint64 // push sequence number, unique within a run
	Ref    int32  // projection index (KindDeliver) or source index (KindSource)
	Pre    int32  // presynaptic neuron (KindDeliver)
	Off    int32  // offset of the delay group within the presynaptic row (KindDeliver)
	Kind   Kind
}

// Compare is the total order of events: negative if a comes before b, positive if after.
// It returns 0 only for events equal in every ordering field, which never happens for two
// entries pushed by one engine because Seq is unique.
func Compare(a, b Event) int {
	if c := cmp.Compare(a.T, b.T); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Ref, b.Ref); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Pre, b.Pre); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Off, b.Off); c != 0 {
		return c
	}
	return cmp.Compare(a.Seq, b.Seq)
}
