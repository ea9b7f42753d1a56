package sim

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkQueue measures one push and one pop on a queue holding size events, the
// steady state of a run with that many deliveries in flight.
func BenchmarkQueue(b *testing.B) {
	for _, size := range []int{16, 256, 4096} {
		b.Run("size="+itoa(size), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			q := newQueue()
			now := Time(0)
			for k := range size {
				q.push(Event{T: now + Time(r.IntN(1000)), Seq: uint64(k)})
			}
			b.ReportAllocs()
			for b.Loop() {
				e, _ := q.pop()
				q.push(Event{T: e.T + Time(1+r.IntN(1000)), Kind: KindDeliver, Seq: e.Seq})
			}
		})
	}
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
