package neuron_test

import (
	"fmt"

	"snn/neuron"
	"snn/sim"
)

// A COBA neuron (Brette et al. 2007: C 200 pF and g_L 10 nS give tau_m = 20 ms, and a
// 6 nS excitatory step is 0.6 in units of g_L) at rest receives one excitatory input at
// 1 ms. The conductance decays with tau_e = 5 ms and, while it lasts, drives V toward
// EE = 0 mV: V rises by about 5 mV over the next 8 ms, then relaxes back to rest.
func ExampleLIFCond() {
	p := neuron.Params{TauM: 20, EL: -60, VTh: -50, VReset: -60, TRef: 5 * sim.Millisecond, TauE: 5, TauI: 10}
	cell, err := neuron.NewLIFCond(p, neuron.CondParams{EE: 0, EI: -80}, []float64{-60})
	if err != nil {
		panic(err)
	}
	ms := sim.Millisecond
	nop := func(int32, sim.Time) {}
	for cell.Next() <= ms { // the population's first step, as the engine would take it
		cell.Step(cell.Next(), nop)
	}
	cell.Deliver(1*ms, neuron.Excitatory, []uint32{0}, nil, 0.6, nop)
	for _, t := range []sim.Time{1 * ms, 2 * ms, 5 * ms, 10 * ms, 50 * ms} {
		ge, _ := cell.Conductances(0, t)
		fmt.Printf("%2.0f ms: V %8.4f mV, ge %.4f\n", t.Ms(), cell.V(0, t), ge)
	}
	// Output:
	//  1 ms: V -60.0000 mV, ge 0.6000
	//  2 ms: V -58.4313 mV, ge 0.4912
	//  5 ms: V -55.7395 mV, ge 0.2696
	// 10 ms: V -54.6493 mV, ge 0.0992
	// 50 ms: V -59.0286 mV, ge 0.0000
}
