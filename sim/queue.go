package sim

import (
	"math"

	"github.com/emirpasic/gods/v2/queues/priorityqueue"
)

// queue is the engine's event queue: a binary heap from gods ordered by Compare.
//
// gods/v2 is generic, so an Event is stored by value without boxing (the v1 API stores
// interface{} values and allocates on every push). Its backing array list, however,
// shrinks to a new array whenever it falls to a quarter of its capacity, and grows again
// by allocating: a queue whose size swings (it empties between bursts of spikes) would
// allocate at every swing. The queue therefore keeps padding entries, later than every
// event, at least twice as many as the most real events it has held: the list then never
// falls to a quarter of its capacity, and a run in steady state allocates nothing. The
// padding costs about one level of heap depth.
type queue struct {
	pq   *priorityqueue.Queue[Event]
	real int // queued events, padding excluded
	pad  int // padding entries
}

// padKind marks padding entries; it sorts after every real kind, at time Never.
const padKind Kind = math.MaxUint8

func newQueue() *queue {
	return &queue{pq: priorityqueue.NewWith[Event](Compare)}
}

// push adds e. Cost O(log n).
func (q *queue) push(e Event) {
	q.pq.Enqueue(e)
	q.real++
	if 2*q.real > q.pad {
		for target := 4 * q.real; q.pad < target; q.pad++ {
			q.pq.Enqueue(Event{T: Never, Kind: padKind, Seq: uint64(q.pad)})
		}
	}
}

// peek returns the first event in the total order without removing it.
func (q *queue) peek() (Event, bool) {
	e, ok := q.pq.Peek()
	return e, ok && e.Kind != padKind
}

// pop removes and returns the first event. Cost O(log n).
func (q *queue) pop() (Event, bool) {
	if _, ok := q.peek(); !ok {
		return Event{}, false
	}
	q.real--
	return q.pq.Dequeue()
}

// len returns the number of queued events.
func (q *queue) len() int { return q.real }
