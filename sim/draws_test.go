package sim_test

import (
	"math/rand/v2"
	"testing"

	"snn/sim"
)

// TestDraws checks that sim.UnitExpDraws returns, batch after batch, exactly the pairs
// that drawing one pair at a time from the same stream returns, and leaves the generator
// where those draws leave it; n = 2^63 + 1 rejects half of Uint64N's multiplications,
// so its loop is exercised too.
func TestDraws(t *testing.T) {
	for _, n := range []uint64{1000, 1 << 10, 3, 1<<63 + 1} {
		a, b := rand.NewPCG(1, 2), rand.NewPCG(1, 2)
		ra, rb := rand.New(a), rand.New(b)
		units, exps := make([]uint64, 1000), make([]float64, 1000)
		for batch := range 250 {
			sim.UnitExpDraws(ra, n, units, exps)
			for k := range units {
				if u := rb.Uint64N(n); units[k] != u {
					t.Fatalf("n %d, batch %d, pair %d: unit %d, one at a time %d", n, batch, k, units[k], u)
				}
				if e := rb.ExpFloat64(); exps[k] != e {
					t.Fatalf("n %d, batch %d, pair %d: exponential %v, one at a time %v", n, batch, k, exps[k], e)
				}
			}
		}
		if a.Uint64() != b.Uint64() {
			t.Fatalf("n %d: the generators' states differ after UnitExpDraws", n)
		}
	}
}
