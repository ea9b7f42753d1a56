package neuron

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCalendarMatchesBruteForce drives the calendar with random operations in the way
// LIFExp does (time advancing, keys at or after the present, key changes up and down,
// removals, crowded buckets, keys beyond the ring) and checks after every operation that
// top() is the minimum by (key, index) over a plain array of keys.
func TestCalendarMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const n = 300
	for trial := range 20 {
		width := 0.01 * float64(1+trial%3)
		c := newCalendar(n, width)
		ref := make([]float64, n)
		for i := range ref {
			ref[i] = never
		}
		now := 0.0
		for op := range 20000 {
			switch x := r.IntN(10); {
			case x == 0:
				now += r.ExpFloat64() * 0.05 // advance, never past the minimum
				if _, k := refMin(ref); now > k {
					now = k
				}
				c.advance(now)
			default:
				i := int32(r.IntN(n))
				var k float64
				switch y := r.IntN(10); {
				case y == 0:
					k = never
				case y == 1:
					k = now // a crowd in the present bucket
				case y == 2:
					k = now + width*float64(ringSlots)*(1+r.Float64()) // beyond the ring
				case y == 3:
					k = math.Floor(now/width)*width + width*0.5 // same bucket as others
				default:
					k = now + r.ExpFloat64()*2
				}
				if x == 1 {
					c.lower(i, k)
					ref[i] = math.Min(ref[i], k)
				} else {
					c.set(i, k)
					ref[i] = k
				}
			}
			wi, wk := refMin(ref)
			gi, gk := c.top()
			if gi != wi || gk != wk {
				t.Fatalf("trial %d op %d: top = (%d, %v), want (%d, %v)", trial, op, gi, gk, wi, wk)
			}
			if op%97 == 0 {
				for i := range ref {
					if c.keyOf(int32(i)) != ref[i] {
						t.Fatalf("key of %d = %v, want %v", i, c.keyOf(int32(i)), ref[i])
					}
				}
			}
		}
	}
}

func refMin(ref []float64) (int32, float64) {
	bi, bk := int32(-1), never
	for i, k := range ref {
		if k < bk {
			bi, bk = int32(i), k
		}
	}
	return bi, bk
}
