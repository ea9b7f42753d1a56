package sim

import "github.com/emirpasic/gods/v2/queues/priorityqueue"

// queue is the engine's event queue: a binary heap from gods ordered by Compare.
//
// gods/v2 is generic, so an Event is stored by value without boxing and a push does not
// allocate once the backing slice has grown to the run's working size (the v1 API stores
// interface{} values and allocates on every push).
type queue struct {
	pq *priorityqueue.Queue[Event]
}

func newQueue() *queue {
	return &queue{pq: priorityqueue.NewWith[Event](Compare)}
}

// push adds e. Cost O(log n).
func (q *queue) push(e Event) { q.pq.Enqueue(e) }

// peek returns the first event in the total order without removing it.
func (q *queue) peek() (Event, bool) { return q.pq.Peek() }

// pop removes and returns the first event. Cost O(log n).
func (q *queue) pop() (Event, bool) { return q.pq.Dequeue() }

// len returns the number of queued events.
func (q *queue) len() int { return q.pq.Size() }

// values returns the queued events in no particular order.
func (q *queue) values() []Event { return q.pq.Values() }
