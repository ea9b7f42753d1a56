package neuron

import (
	"math"
	"testing"

	"snn/sim"
)

// TestHourLongRunStaysExact simulates one hour of a bias-driven neuron of each model,
// through hundreds of rescalings of the scaled coefficients (one every 300 fastest time
// constants, about every 0.9 s here) and past 3.6e12 ns on the clock. Every interval
// must still be the closed-form period T = t_ref + tau_m ln((V_inf - VReset)/(V_inf -
// VTh)) to within the 1 ns tick (as in TestRateUnderConstantInput, whose tolerance
// derivation applies), in the last minute as in the first: no drift, no overflow.
func TestHourLongRunStaysExact(t *testing.T) {
	if testing.Short() {
		t.Skip("an hour of simulated time")
	}
	p := Params{TauM: 20, EL: -65, VTh: -50, VReset: -65, TRef: 2 * sim.Millisecond, Bias: 20, TauE: 3, TauI: 7}
	L := p.TauM * math.Log((p.VInf()-p.VReset)/(p.VInf()-p.VTh))
	T := (p.TRef.Ms() + L) * 1e6 // ns
	const run = 3600 * sim.Second
	for _, m := range models {
		got := runInputs(newPop(t, m.currents, p, p.VReset), nil, run)
		if want := math.Floor((float64(run)-L*1e6)/T) + 1; len(got) != int(want) {
			t.Fatalf("%s: %d spikes in an hour, closed form %v", m.name, len(got), want)
		}
		const slack = 1e-3 // ns, rounding of the closed form (see TestRateUnderConstantInput)
		for k := 1; k < len(got); k++ {
			if d := float64(got[k]-got[k-1]) - T; d < -slack || d > 1+slack {
				t.Fatalf("%s: interval %d (at %v) is %d ns, closed form %.3f ns", m.name, k, got[k], got[k]-got[k-1], T)
			}
		}
		// The last spike is where the first one and the count put it: each interval
		// is T plus a rounding up of less than 1 ns, so the accumulated excess is
		// below the number of intervals, in ns.
		n := float64(len(got) - 1)
		if excess := float64(got[len(got)-1]-got[0]) - n*T; excess < -slack || excess > n+slack {
			t.Errorf("%s: last spike %.3f ns away from first + n T", m.name, excess)
		}
		t.Logf("%s: %d spikes in 1 h, last at %v", m.name, len(got), got[len(got)-1])
	}
}
