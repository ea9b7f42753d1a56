package synapse

import (
	"math"
	"math/rand/v2"
	"testing"

	"snn/sim"
)

// TestExpTable: the table's product against math.Exp over spans up to 300 time
// constants (where traces are rescaled), within (x + 8) ulp relative for e^x: every
// evaluation of e^x carries the rounding of its argument times x, math.Exp's included,
// plus a few roundings of the products. And what the plastic traces rely on: the factors
// of opposite signs for one span multiply to 1 within 10 ulp (their arguments are the same
// floats, so those roundings cancel).
func TestExpTable(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tau := range []float64{0.5, 16.8, 20, 33.7, 1000} {
		up, down := newExpTable(tau), newExpTable(-tau)
		for range 20000 {
			n := sim.Time(r.Float64() * 300 * tau * 1e6)
			x := float64(n) / (tau * 1e6)
			want := math.Exp(x)
			if got := up.at(n); math.Abs(got-want) > (x+8)*0x1p-52*want {
				t.Fatalf("tau %v, n %d: %v, exp %v", tau, n, got, want)
			}
			if p := up.at(n) * down.at(n); math.Abs(p-1) > 10*0x1p-52 {
				t.Fatalf("tau %v, n %d: e^x e^-x = %v", tau, n, p)
			}
		}
	}
	// Past 2^40 ns no trace is kept: the table says +Inf, both ways.
	up, down := newExpTable(1e6), newExpTable(-1e6)
	for _, n := range []sim.Time{1 << 40, 1<<40 + 12345, 1 << 50} {
		if a, b := up.at(n), down.at(n); !math.IsInf(a, 1) || !math.IsInf(b, 1) {
			t.Errorf("n %d (past 2^40): %v and %v, want +Inf", n, a, b)
		}
	}
}
