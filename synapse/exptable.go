package synapse

import (
	"math"

	"snn/sim"
)

// expTable gives e^{n/tau} (tau may be negative, for a decay) for n nanoseconds (0 <= n < 2^40, about 18 minutes) as the
// product of five table entries, one per byte of n: a few multiplications instead of an
// exp, within about 5 ulp of the exponential (each entry is rounded once and the four
// products once each). Entries past the float64 range are +Inf; they stand for spans no
// trace is kept over (the traces are rescaled every few hundred time constants).
type expTable [5][256]float64

func newExpTable(tauMs float64) *expTable {
	// Past 2^40 ns the product would need a sixth byte; such spans never occur (see at).
	var e expTable
	for k := range e {
		for b := range e[k] {
			e[k][b] = math.Exp(float64(uint64(b)<<(8*k)) / (tauMs * 1e6))
		}
	}
	return &e
}

// at returns e^{n/tau}.
func (e *expTable) at(n sim.Time) float64 {
	u := uint64(n)
	x := e[0][u&255] * e[1][u>>8&255] * e[2][u>>16&255] * e[3][u>>24&255]
	if u>>32 != 0 { // (below, the fifth factor is e[4][0] = 1, by which a product is exact)
		x *= e[4][u>>32&255]
		if u>>40 != 0 {
			x = inf
		}
	}
	return x
}

var inf = math.Inf(1)
