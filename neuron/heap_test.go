package neuron

import (
	"math"
	"math/rand/v2"
	"testing"
)

// verify checks the invariants of the indexed heap (as container/heap's test does after
// every operation): every entry is not before its parent in the (key, neuron) order,
// pos[] points at each stored neuron's slot and is -1 for the others, no stored key is
// +Inf, and the keys equal the shadow copy want (+Inf for absent neurons).
func verify(t *testing.T, h *crossings, want []float64, op string) {
	t.Helper()
	for j, x := range h.heap {
		if j > 0 {
			if p := h.heap[(j-1)/4]; x.less(p) {
				t.Fatalf("after %s: heap[%d] = %+v before its parent %+v", op, j, x, p)
			}
		}
		if h.pos[x.i] != int32(j) {
			t.Fatalf("after %s: pos[%d] = %d, but it is at %d", op, x.i, h.pos[x.i], j)
		}
		if x.k == never {
			t.Fatalf("after %s: neuron %d stored with key +Inf", op, x.i)
		}
	}
	n := 0
	for i, p := range h.pos {
		if p >= 0 {
			n++
			if int(p) >= len(h.heap) || h.heap[p].i != int32(i) {
				t.Fatalf("after %s: pos[%d] = %d is stale", op, i, p)
			}
		}
		if got := h.key(int32(i)); got != want[i] {
			t.Fatalf("after %s: key(%d) = %v, want %v", op, i, got, want[i])
		}
	}
	if n != len(h.heap) {
		t.Fatalf("after %s: %d neurons have a slot, heap holds %d", op, n, len(h.heap))
	}
	// top is the smallest (key, neuron) of the shadow copy.
	bi, bk := int32(-1), never
	for i, k := range want {
		if k < bk {
			bi, bk = int32(i), k
		}
	}
	if i, k := h.top(); i != bi || k != bk {
		t.Fatalf("after %s: top() = (%d, %v), want (%d, %v)", op, i, k, bi, bk)
	}
}

// TestCrossingsRandom applies random sets (insert, move up or down, remove), lowers and
// scales to heaps of several sizes and checks the invariants after each. Keys are drawn
// from a small set so that ties, broken by neuron index, are frequent.
func TestCrossingsRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{1, 2, 3, 4, 5, 6, 17, 100} {
		h := newCrossings(n)
		want := make([]float64, n)
		for i := range want {
			want[i] = never
		}
		verify(t, &h, want, "newCrossings")
		key := func() float64 {
			switch r.IntN(5) {
			case 0:
				return never
			case 1:
				return float64(r.IntN(4)) // ties
			}
			return 100 * r.Float64()
		}
		for range 4000 {
			i := int32(r.IntN(n))
			switch r.IntN(10) {
			case 0:
				k := key()
				h.lower(i, k)
				want[i] = math.Min(want[i], k)
				verify(t, &h, want, "lower")
			case 1:
				f := 0.5 + r.Float64()
				h.scale(f)
				for j := range want {
					want[j] *= f // +Inf stays +Inf
				}
				verify(t, &h, want, "scale")
			default:
				k := key()
				h.set(i, k)
				want[i] = k
				verify(t, &h, want, "set")
			}
		}
		// Drain in order: repeatedly remove the top; the sequence is sorted by (key, i).
		prev := entry{math.Inf(-1), -1}
		for {
			i, k := h.top()
			if i < 0 {
				break
			}
			if e := (entry{k, i}); e.less(prev) {
				t.Fatalf("n=%d: drained %+v after %+v", n, e, prev)
			}
			prev = entry{k, i}
			h.set(i, never)
			want[i] = never
			verify(t, &h, want, "drain")
		}
	}
}

// TestCrossingsTies: equal keys come out by neuron index whatever the insertion order.
func TestCrossingsTies(t *testing.T) {
	h := newCrossings(6)
	for _, i := range []int32{5, 2, 4, 0, 3, 1} {
		h.set(i, 1)
	}
	for want := int32(0); want < 6; want++ {
		i, k := h.top()
		if i != want || k != 1 {
			t.Fatalf("top = (%d, %v), want (%d, 1)", i, k, want)
		}
		h.set(i, never)
	}
	if i, k := h.top(); i != -1 || k != never {
		t.Fatalf("empty heap: top = (%d, %v)", i, k)
	}
}
