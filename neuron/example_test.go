package neuron_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"snn/neuron"
	"snn/sim"
	"snn/synapse"
)

// printer prints every spike the engine reports.
type printer struct{ e *sim.Engine }

func (p printer) Spike(t sim.Time, g, u int32) {
	name, _ := p.e.Group(g)
	fmt.Printf("%-6s unit %d spikes at %.6f ms\n", name, u, t.Ms())
}

// A LIFDelta neuron driven by a spike generator through a one-to-one projection: each
// input makes V jump by 8 mV after a 1 ms delay. The inputs arriving at 2 and 3 ms reach
// threshold, 15 mV above rest (8 e^{-1/20} + 8 = 15.6 mV), and the neuron fires at 3 ms;
// the one arriving at 4 ms, during the 2 ms refractory period, is discarded; the last
// arrives at 11 ms and has decayed to 8 e^{-9/20} mV above rest at 20 ms.
func ExampleLIFDelta() {
	p := neuron.Params{TauM: 20, EL: -65, VTh: -50, VReset: -65, TRef: 2 * sim.Millisecond}
	cell, err := neuron.NewLIFDelta(p, []float64{-65})
	if err != nil {
		panic(err)
	}
	ms := sim.Millisecond
	gen, err := neuron.NewGenerator(1, []neuron.Spike{{T: 1 * ms}, {T: 2 * ms}, {T: 3 * ms}, {T: 10 * ms}})
	if err != nil {
		panic(err)
	}
	proj, err := synapse.Build(1, cell, synapse.Config{
		Rule:   synapse.Rule{Kind: synapse.OneToOne},
		Weight: sim.Fixed(8), // mV
		Delay:  sim.Fixed(1), // ms
	}, synapse.Streams{})
	if err != nil {
		panic(err)
	}
	e := sim.NewEngine()
	g := e.AddSource("input", gen)
	c := e.AddNeurons("cell", cell)
	e.Connect(g, c, proj)
	e.Observe(printer{e})
	e.Run(20 * ms)
	fmt.Printf("V at 20 ms: %.3f mV\n", cell.V(0, 20*ms))
	// Output:
	// input  unit 0 spikes at 1.000000 ms
	// input  unit 0 spikes at 2.000000 ms
	// input  unit 0 spikes at 3.000000 ms
	// cell   unit 0 spikes at 3.000000 ms
	// input  unit 0 spikes at 10.000000 ms
	// V at 20 ms: -59.899 mV
}

// A LIFExp neuron driven by a constant bias (V relaxes to EL + Bias = -45 mV, above
// threshold) fires regularly with period t_ref + tau_m ln((V_inf - VReset)/(V_inf - VTh)).
func ExampleLIFExp() {
	p := neuron.Params{TauM: 20, EL: -65, VTh: -50, VReset: -65, TRef: 2 * sim.Millisecond,
		Bias: 20, TauE: 5, TauI: 10}
	cell, err := neuron.NewLIFExp(p, []float64{-65})
	if err != nil {
		panic(err)
	}
	e := sim.NewEngine()
	e.AddNeurons("cell", cell)
	e.Observe(printer{e})
	e.Run(100 * sim.Millisecond)
	T := p.TRef.Ms() + p.TauM*math.Log((p.VInf()-p.VReset)/(p.VInf()-p.VTh))
	fmt.Printf("period %.6f ms\n", T)
	// Output:
	// cell   unit 0 spikes at 27.725888 ms
	// cell   unit 0 spikes at 57.451776 ms
	// cell   unit 0 spikes at 87.177664 ms
	// period 29.725887 ms
}

// The postsynaptic potential of LIFExp: an excitatory input of w = 4 mV into a neuron at
// rest peaks at s* = tau_m tau_e/(tau_m - tau_e) ln(tau_m/tau_e) with height
// w tau_e/(tau_e - tau_m) (e^{-s*/tau_e} - e^{-s*/tau_m}).
func ExampleLIFExp_Deliver() {
	p := neuron.Params{TauM: 20, EL: -65, VTh: -50, VReset: -65, TauE: 5, TauI: 10}
	cell, err := neuron.NewLIFExp(p, []float64{-65})
	if err != nil {
		panic(err)
	}
	t0 := 1 * sim.Millisecond
	cell.Deliver(t0, neuron.Excitatory, []uint32{0}, nil, 4, nil)
	peak := p.TauM * p.TauE / (p.TauM - p.TauE) * math.Log(p.TauM/p.TauE)
	for _, s := range []float64{1, peak, 20} {
		ie, _ := cell.Currents(0, t0+sim.FromMs(s))
		fmt.Printf("%.3f ms after the input: V = %.4f mV, Ie = %.4f mV\n", s, cell.V(0, t0+sim.FromMs(s)), ie)
	}
	// Output:
	// 1.000 ms after the input: V = -64.8233 mV, Ie = 3.2749 mV
	// 9.242 ms after the input: V = -64.3700 mV, Ie = 0.6300 mV
	// 20.000 ms after the input: V = -64.5339 mV, Ie = 0.0733 mV
}

// A Poisson source of 100 units at 10 Hz, then silent from 1 s: about 1000 +- 32 spikes,
// none after 1 s. The spikes are a pure function of the stream's seed.
func ExampleNewPoisson() {
	src, err := neuron.NewPoisson(100, []neuron.RateSegment{{From: 0, Rate: 10}, {From: sim.Second, Rate: 0}},
		rand.NewPCG(1, 2))
	if err != nil {
		panic(err)
	}
	n, last := 0, sim.Time(0)
	for t := src.Start(); t != sim.Never; {
		_, next := src.Emit(t)
		n, last = n+1, t
		t = next
	}
	fmt.Println(n, "spikes, the last before 1 s:", last < sim.Second)
	// Output:
	// 1008 spikes, the last before 1 s: true
}
