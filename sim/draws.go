package sim

import "math/rand/v2"

// UnitExpDraws makes len(units) pairs of draws from r, as a source of n units draws, for
// each of its spikes, the unit that fires and the exponential gap to its next spike:
// units[k] = r.Uint64N(n), then exps[k] = r.ExpFloat64(). They are the numbers that
// drawing pair by pair as the spikes come would give, in the same order; drawn together
// in one loop, whose iterations overlap instead of waiting on the engine's. n > 0; exps
// is at least as long as units.
func UnitExpDraws(r *rand.Rand, n uint64, units []uint64, exps []float64) {
	exps = exps[:len(units)]
	for k := range units {
		units[k] = r.Uint64N(n)
		exps[k] = r.ExpFloat64()
	}
}
