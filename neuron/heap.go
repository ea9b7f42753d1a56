package neuron

import "math"

// never is the key of a neuron that cannot cross threshold without further input.
var never = math.Inf(1)

// crossings is an indexed 4-ary min-heap of neurons keyed by a float64 that increases
// with the time of their next threshold crossing (or of a lower bound on it): the time
// itself in ms for LIFExp, a monotone function of it for LIFDelta, so that the hot path
// needs no logarithm. Ties are broken by the lower neuron index, so the order is total
// and independent of the heap's history.
//
// Layout: heap holds (key, neuron) pairs in heap order, so comparisons read contiguous
// memory; pos[i] is neuron i's slot in heap, or -1 when its key is +Inf and it is not
// stored. Four children per node halve the depth of a binary heap. set is O(log n); top
// is O(1). No operation allocates.
type crossings struct {
	heap []entry
	pos  []int32
}

type entry struct {
	k float64
	i int32
}

func (a entry) less(b entry) bool { return a.k < b.k || (a.k == b.k && a.i < b.i) }

func newCrossings(n int) crossings {
	h := crossings{heap: make([]entry, 0, n), pos: make([]int32, n)}
	for i := range h.pos {
		h.pos[i] = -1
	}
	return h
}

// key returns neuron i's key (+Inf when not stored).
func (h *crossings) key(i int32) float64 {
	if p := h.pos[i]; p >= 0 {
		return h.heap[p].k
	}
	return never
}

// top returns the neuron with the smallest key and the key, or (-1, +Inf).
func (h *crossings) top() (int32, float64) {
	if len(h.heap) == 0 {
		return -1, never
	}
	return h.heap[0].i, h.heap[0].k
}

// set gives neuron i the key k, inserting, moving or (for +Inf) removing it.
func (h *crossings) set(i int32, k float64) {
	p := h.pos[i]
	switch {
	case p < 0:
		if k == never {
			return
		}
		h.heap = append(h.heap, entry{k, i})
		h.up(len(h.heap) - 1)
	case k == never:
		last := len(h.heap) - 1
		moved := h.heap[last]
		h.heap = h.heap[:last]
		h.pos[i] = -1
		if int(p) < last {
			h.heap[p] = moved
			h.down(int(p))
			h.up(int(h.pos[moved.i]))
		}
	default:
		old := h.heap[p].k
		h.heap[p].k = k
		if k < old {
			h.up(int(p))
		} else if k > old {
			h.down(int(p))
		}
	}
}

// lower sets neuron i's key to k if k is earlier than its current key: on the hot path of
// excitatory input, a sift-up that usually stops at once.
func (h *crossings) lower(i int32, k float64) {
	if k < h.key(i) {
		h.set(i, k)
	}
}

// scale multiplies every key by f > 0, which keeps their order.
func (h *crossings) scale(f float64) {
	for j := range h.heap {
		h.heap[j].k *= f
	}
}

func (h *crossings) up(j int) {
	x := h.heap[j]
	for j > 0 {
		p := (j - 1) / 4
		y := h.heap[p]
		if !x.less(y) {
			break
		}
		h.heap[j] = y
		h.pos[y.i] = int32(j)
		j = p
	}
	h.heap[j] = x
	h.pos[x.i] = int32(j)
}

func (h *crossings) down(j int) {
	n := len(h.heap)
	x := h.heap[j]
	for {
		c := 4*j + 1
		if c >= n {
			break
		}
		ch := h.heap[c:min(c+4, n)]
		m, mk, mi := 0, ch[0].k, ch[0].i
		for q := 1; q < len(ch); q++ {
			if e := ch[q]; e.k < mk || (e.k == mk && e.i < mi) {
				m, mk, mi = q, e.k, e.i
			}
		}
		if !(mk < x.k || (mk == x.k && mi < x.i)) {
			break
		}
		h.heap[j] = ch[m]
		h.pos[mi] = int32(j)
		j = c + m
	}
	h.heap[j] = x
	h.pos[x.i] = int32(j)
}
