package sim_test

import (
	"math/rand/v2"
	"testing"

	"snn/sim"
)

// TestDraws checks that sim.UnitExpDraws returns, batch after batch, exactly the pairs
// that drawing one pair at a time through a rand.Rand returns, and leaves the generator
// where those draws leave it, both stepping the PCG itself and through the rand.Rand
// alone. Among the 10^6 exponential draws per n about 1.2 % take the ziggurat's wedge or
// tail, so every layer of the generated tables is compared; n = 2^63 + 1 rejects half of
// Uint64N's multiplications, so its loop is exercised too.
func TestDraws(t *testing.T) {
	for _, direct := range []bool{true, false} {
		for _, n := range []uint64{1000, 1 << 10, 3, 1<<63 + 1} {
			testDraws(t, direct, n)
		}
	}
}

func testDraws(t *testing.T, direct bool, n uint64) {
	a, b := rand.NewPCG(1, 2), rand.NewPCG(1, 2)
	ra, rb := rand.New(a), rand.New(b)
	pcg := a
	if !direct {
		pcg = nil
	}
	units, exps := make([]uint64, 1000), make([]float64, 1000)
	for batch := range 1000 {
		sim.UnitExpDraws(ra, pcg, n, units, exps)
		for k := range units {
			if u := rb.Uint64N(n); units[k] != u {
				t.Fatalf("direct %v, n %d, batch %d, pair %d: unit %d, one at a time %d", direct, n, batch, k, units[k], u)
			}
			if e := rb.ExpFloat64(); exps[k] != e {
				t.Fatalf("direct %v, n %d, batch %d, pair %d: exponential %v, one at a time %v", direct, n, batch, k, exps[k], e)
			}
		}
	}
	if a.Uint64() != b.Uint64() {
		t.Fatalf("direct %v, n %d: the generators' states differ after UnitExpDraws", direct, n)
	}
}
