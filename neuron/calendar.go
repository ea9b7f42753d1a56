package neuron

import "math"

// calendar is a bucket queue of neurons keyed by time (ms): the structure LIFExp keeps its
// bounds and crossings in. Almost every key lies within a few membrane time constants of
// the present, where a ring of narrow buckets gives O(1) insertion, removal and key
// change; keys beyond the ring's span wait in an overflow heap and move into the ring as
// time advances. Ties are broken by the lower neuron index, as in the heap, so the order
// is total.
//
//	ring: [b0][b1]...[bn-1]   slot = absolute bucket floor(key/width) mod n
//	       |   each bucket an intrusive doubly linked list through next/prev
//	base:  absolute bucket of the present; every stored key is at or after it
//
// The minimum is cached; finding it after the minimum leaves scans the buckets from the
// present, usually a few.
type calendar struct {
	width      float64 // ms per bucket
	inv        float64 // 1/width
	head       []int32 // per ring slot, first neuron or -1
	count      []int32 // per ring slot, neurons in it
	next, prev []int32
	key        []float64
	where      []int32 // ring slot, or inOverflow, or absent
	base       int64   // absolute bucket of the present
	over       crossings
	minI       int32 // cached minimum, valid when minOK
	minK       float64
	minOK      bool
}

const (
	absent     = -1
	inOverflow = -2
	// ringSlots is the number of buckets: with buckets of 1/500 of the fastest time
	// constant the ring spans 16 of them, beyond which keys are rare.
	ringSlots = 8192
	// maxBucket bounds the scan of one bucket; further neurons go to the heap.
	maxBucket = 16
)

func newCalendar(n int, width float64) calendar {
	c := calendar{width: width, inv: 1 / width, head: make([]int32, ringSlots), count: make([]int32, ringSlots),
		next: make([]int32, n), prev: make([]int32, n), key: make([]float64, n),
		where: make([]int32, n), over: newCrossings(n)}
	for s := range c.head {
		c.head[s] = -1
	}
	for i := range c.where {
		c.where[i] = absent
		c.key[i] = never
	}
	return c
}

func (c *calendar) bucket(k float64) int64 { return int64(math.Floor(k * c.inv)) }

// advance moves the present to time t (ms); keys set from now on are at or after t.
func (c *calendar) advance(t float64) {
	b := c.bucket(t)
	if b <= c.base {
		return
	}
	c.base = b
	// Keys now within the ring's span may leave the overflow heap (those of a crowded
	// bucket go back to it).
	for {
		i, k := c.over.top()
		if i < 0 || c.bucket(k) >= c.base+ringSlots {
			break
		}
		s := c.bucket(k)
		if s < c.base {
			s = c.base
		}
		if c.count[s&(ringSlots-1)] >= maxBucket {
			break
		}
		c.over.set(i, never)
		c.where[i] = absent
		c.link(i, k)
	}
}

// link puts neuron i, absent, in the ring or the overflow heap with key k.
func (c *calendar) link(i int32, k float64) {
	c.key[i] = k
	if k == never {
		return
	}
	b := c.bucket(k)
	if b < c.base {
		b = c.base // a key in the present bucket's past cannot occur; keep it findable
	}
	s := int32(b & (ringSlots - 1))
	// Beyond the ring, or in a crowded bucket (synchronous activity), the heap keeps the
	// order at O(log n) instead of a long scan.
	if b >= c.base+ringSlots || c.count[s] >= maxBucket {
		c.where[i] = inOverflow
		c.over.set(i, k)
		return
	}
	c.count[s]++
	h := c.head[s]
	c.next[i], c.prev[i] = h, -1
	if h >= 0 {
		c.prev[h] = i
	}
	c.head[s] = i
	c.where[i] = s
}

func (c *calendar) unlink(i int32) {
	switch s := c.where[i]; s {
	case absent:
	case inOverflow:
		c.over.set(i, never)
	default:
		c.count[s]--
		n, p := c.next[i], c.prev[i]
		if p >= 0 {
			c.next[p] = n
		} else {
			c.head[s] = n
		}
		if n >= 0 {
			c.prev[n] = p
		}
	}
	c.where[i] = absent
}

// keyOf returns neuron i's key (+Inf when not stored).
func (c *calendar) keyOf(i int32) float64 { return c.key[i] }

// set gives neuron i the key k (+Inf removes it).
func (c *calendar) set(i int32, k float64) {
	c.unlink(i)
	c.link(i, k)
	switch {
	case !c.minOK:
	case i == c.minI:
		c.minOK = false
	case k < c.minK || (k == c.minK && i < c.minI):
		c.minI, c.minK = i, k
	}
}

// lower sets neuron i's key to k if k is earlier.
func (c *calendar) lower(i int32, k float64) {
	if k < c.key[i] {
		c.set(i, k)
	}
}

// top returns the neuron with the smallest key and the key, or (-1, +Inf).
func (c *calendar) top() (int32, float64) {
	if c.minOK {
		return c.minI, c.minK
	}
	bi, bk := int32(-1), never
	for b := c.base; b < c.base+ringSlots; b++ {
		s := b & (ringSlots - 1)
		for i := c.head[s]; i >= 0; i = c.next[i] {
			if k := c.key[i]; k < bk || (k == bk && i < bi) {
				bi, bk = i, k
			}
		}
		if bi >= 0 {
			break
		}
	}
	if i, k := c.over.top(); i >= 0 && (k < bk || (k == bk && i < bi)) {
		bi, bk = i, k
	}
	c.minI, c.minK, c.minOK = bi, bk, true
	return bi, bk
}
