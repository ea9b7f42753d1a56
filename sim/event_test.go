package sim

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// randomEvent draws fields from small ranges so that ties on every prefix of the order
// are frequent.
func randomEvent(r *rand.Rand, seq uint64) Event {
	return Event{T: Time(r.IntN(4)), Kind: Kind(r.IntN(3)), Ref: int32(r.IntN(3)),
		Pre: int32(r.IntN(3)), Off: int32(r.IntN(2)), Origin: Time(r.IntN(5)), Seq: seq}
}

// lexLess is the documented order written out plainly, as the reference.
func lexLess(a, b Event) bool {
	ka := []int64{int64(a.T), int64(a.Kind), int64(a.Ref), int64(a.Pre), int64(a.Off), int64(a.Seq)}
	kb := []int64{int64(b.T), int64(b.Kind), int64(b.Ref), int64(b.Pre), int64(b.Off), int64(b.Seq)}
	return slices.Compare(ka, kb) < 0
}

// TestCompareIsTotalOrder checks antisymmetry, transitivity and totality of Compare on
// random triples, and agreement with the lexicographic reference.
func TestCompareIsTotalOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for k := range 20000 {
		a, b, c := randomEvent(r, uint64(k)), randomEvent(r, uint64(k+1)), randomEvent(r, uint64(k+2))
		if got, want := Compare(a, b) < 0, lexLess(a, b); got != want {
			t.Fatalf("Compare(%+v, %+v) < 0 = %v, reference says %v", a, b, got, want)
		}
		if Compare(a, b) != -Compare(b, a) {
			t.Fatalf("not antisymmetric: %+v %+v", a, b)
		}
		if Compare(a, b) == 0 {
			t.Fatalf("distinct Seq compare equal: %+v %+v", a, b)
		}
		if Compare(a, b) < 0 && Compare(b, c) < 0 && Compare(a, c) >= 0 {
			t.Fatalf("not transitive: %+v %+v %+v", a, b, c)
		}
	}
}

// TestQueuePopsInTotalOrder pushes random events and checks the queue returns them in
// exactly the sorted order, whatever the push order.
func TestQueuePopsInTotalOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 50 {
		n := 1 + r.IntN(500)
		evs := make([]Event, n)
		for k := range evs {
			evs[k] = randomEvent(r, uint64(k))
		}
		q := newQueue()
		for _, k := range r.Perm(n) {
			q.push(evs[k])
		}
		slices.SortFunc(evs, Compare)
		for k := range evs {
			got, ok := q.pop()
			if !ok || got != evs[k] {
				t.Fatalf("trial %d: pop %d = %+v, want %+v", trial, k, got, evs[k])
			}
		}
		if _, ok := q.pop(); ok {
			t.Fatal("queue not empty")
		}
	}
}

// FuzzQueueOrder feeds arbitrary event fields to the queue and checks the pops are sorted.
func FuzzQueueOrder(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2})
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		q := newQueue()
		var evs []Event
		for k := 0; k+4 < len(data); k += 5 {
			e := Event{T: Time(data[k] % 8), Kind: Kind(data[k+1] % 3), Ref: int32(data[k+2] % 4),
				Pre: int32(data[k+3] % 4), Off: int32(data[k+4] % 2), Seq: uint64(k)}
			evs = append(evs, e)
			q.push(e)
		}
		slices.SortFunc(evs, Compare)
		for k := range evs {
			if got, _ := q.pop(); got != evs[k] {
				t.Fatalf("pop %d = %+v, want %+v", k, got, evs[k])
			}
		}
	})
}

func TestTimeConversions(t *testing.T) {
	cases := []struct {
		ms          float64
		round, c, f Time
	}{
		{1.5, 1500000, 1500000, 1500000},
		{0.0000004, 0, 1, 0},
		{-0.0000004, 0, 0, -1},
		{3.6e6, 3600 * Second, 3600 * Second, 3600 * Second},
	}
	for _, c := range cases {
		if got := FromMs(c.ms); got != c.round {
			t.Errorf("FromMs(%v) = %d, want %d", c.ms, got, c.round)
		}
		if got := CeilMs(c.ms); got != c.c {
			t.Errorf("CeilMs(%v) = %d, want %d", c.ms, got, c.c)
		}
		if got := FloorMs(c.ms); got != c.f {
			t.Errorf("FloorMs(%v) = %d, want %d", c.ms, got, c.f)
		}
	}
	if CeilMs(1e300) != Never {
		t.Error("CeilMs overflow must give Never")
	}
	for tm, want := range map[Time]string{1500 * Microsecond: "1500 us", 2 * Second: "2 s", 1000001: "1.000001 ms", Never: "never"} {
		if s := tm.String(); s != want {
			t.Errorf("Time(%d).String() = %q, want %q", int64(tm), s, want)
		}
	}
}
