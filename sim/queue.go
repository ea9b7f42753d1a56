package sim

import (
	"math"
	"slices"

	"github.com/emirpasic/gods/v2/queues/priorityqueue"
)

// queue is the engine's event queue: a binary heap from gods ordered by Compare.
//
// The events themselves live in a slab owned by the queue; the gods heap (v2, generic,
// so nothing is boxed) orders 4-byte slab indices, which makes its swaps cheap. Freed
// slots are reused, so a run in steady state allocates nothing.
//
// The heap's backing array list shrinks to a new array whenever it falls to a quarter of
// its capacity, and grows again by allocating: a queue whose size swings (it empties
// between bursts of spikes) would allocate at every swing. The queue therefore keeps
// padding entries, later than every event, at least twice as many as the real events it
// holds: the list holds at most 1.5 pad entries, so its capacity stays below 3 pad + 2
// (it doubles when full) and it never falls to a quarter of it. The padding costs about
// one level of heap depth.
//
// In front of the heap sits one slot: a push goes there when it is free, and the slot's
// event is compared with the heap's head when the first event is asked for. An event
// pushed and popped next (a spike's delivery with no delay, the common case in
// feedforward networks) then never enters the heap. The slot is a container like the
// heap: the order of events is Compare's whichever holds them.
type queue struct {
	pq     *priorityqueue.Queue[int32]
	slab   []Event
	free   []int32
	real   int // queued events in the heap, padding excluded
	pad    int // padding entries
	slot   Event
	inSlot bool
}

// padKind marks padding entries. They sit at distinct times just before Never, later
// than any event, so comparisons among them are decided by the time alone.
const padKind Kind = math.MaxUint8

func newQueue() *queue {
	q := &queue{}
	q.pq = priorityqueue.NewWith(func(a, b int32) int {
		ea, eb := &q.slab[a], &q.slab[b]
		switch { // the time decides almost every comparison
		case ea.T < eb.T:
			return -1
		case ea.T > eb.T:
			return 1
		}
		return Compare(*ea, *eb)
	})
	return q
}

func (q *queue) alloc(e Event) int32 {
	if n := len(q.free); n > 0 {
		k := q.free[n-1]
		q.free = q.free[:n-1]
		q.slab[k] = e
		return k
	}
	q.slab = append(q.slab, e)
	return int32(len(q.slab) - 1)
}

// push adds e. Cost O(log n).
func (q *queue) push(e Event) { q.pushSeq(e) }

// pushSeq adds e as it is, sequence number included (restoring a checkpoint).
func (q *queue) pushSeq(e Event) {
	if !q.inSlot {
		q.slot, q.inSlot = e, true
		return
	}
	q.pq.Enqueue(q.alloc(e))
	q.real++
	if 2*q.real > q.pad {
		for target := 2*q.real + 2; q.pad < target; q.pad++ {
			q.pq.Enqueue(q.alloc(Event{T: Never - Time(q.pad), Kind: padKind, Seq: uint64(q.pad)}))
		}
	}
}

// heapHead returns the heap's first event.
func (q *queue) heapHead() (Event, bool) {
	if q.real == 0 {
		return Event{}, false // padding only
	}
	k, ok := q.pq.Peek()
	if !ok || q.slab[k].Kind == padKind {
		return Event{}, false
	}
	return q.slab[k], true
}

// first returns the time of the first event, or Never when there is none.
func (q *queue) first() Time {
	t := Never
	if q.inSlot {
		t = q.slot.T
	}
	if q.real > 0 {
		if k, _ := q.pq.Peek(); q.slab[k].T < t {
			t = q.slab[k].T
		}
	}
	return t
}

// head is first, without a call when the heap holds no event.
func (q *queue) head() Time {
	if q.real == 0 {
		if q.inSlot {
			return q.slot.T
		}
		return Never
	}
	return q.first()
}

// after reports whether every queued event is later than t: first() > t, without a call
// when the heap holds none.
func (q *queue) after(t Time) bool {
	if q.real == 0 {
		return !q.inSlot || q.slot.T > t
	}
	return q.first() > t
}

// pop removes and returns the first event. Cost O(log n), O(1) from the slot.
func (q *queue) pop() (Event, bool) {
	h, ok := q.heapHead()
	if q.inSlot && (!ok || q.slot.T < h.T || q.slot.T == h.T && Compare(q.slot, h) < 0) {
		q.inSlot = false
		return q.slot, true
	}
	if !ok {
		return Event{}, false
	}
	k, _ := q.pq.Dequeue()
	q.free = append(q.free, k)
	q.real--
	return h, true
}

// events returns the queued events in their order (for a checkpoint).
func (q *queue) events() []Event {
	var evs []Event
	if q.inSlot {
		evs = append(evs, q.slot)
	}
	for _, k := range q.pq.Values() {
		if q.slab[k].Kind != padKind {
			evs = append(evs, q.slab[k])
		}
	}
	slices.SortFunc(evs, Compare)
	return evs
}

// len returns the number of queued events.
func (q *queue) len() int {
	if q.inSlot {
		return q.real + 1
	}
	return q.real
}
