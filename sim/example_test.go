package sim_test

import (
	"fmt"

	"snn/neuron"
	"snn/sim"
	"snn/synapse"
)

type printer struct{ e *sim.Engine }

func (p printer) Spike(t sim.Time, g, u int32) {
	name, _ := p.e.Group(g)
	fmt.Printf("%v %s %d\n", t, name, u)
}

// An engine with one spike generator driving two voltage-jump neurons through a
// one-to-one projection with a 1 ms delay: each input of 20 mV lifts a neuron from rest
// (-65 mV) above threshold (-50 mV), so it fires when the input arrives.
func ExampleEngine() {
	e := sim.NewEngine()
	gen, _ := neuron.NewGenerator(2, []neuron.Spike{{T: 5 * sim.Millisecond, Unit: 0}, {T: 7 * sim.Millisecond, Unit: 1}})
	lif, _ := neuron.NewLIFDelta(neuron.Params{TauM: 20, EL: -65, VTh: -50, VReset: -65, TRef: 2 * sim.Millisecond}, []float64{-65, -65})
	g := e.AddSource("gen", gen)
	n := e.AddNeurons("lif", lif)
	proj, _ := synapse.Build(2, lif, synapse.Config{Rule: synapse.Rule{Kind: synapse.OneToOne},
		Weight: sim.Fixed(20), Delay: sim.Fixed(1)}, synapse.Streams{})
	e.Connect(g, n, proj)
	e.Observe(printer{e})
	e.Run(10 * sim.Millisecond)
	fmt.Println(e.Stats().SynapticEvents, "synaptic events")
	// Output:
	// 5 ms gen 0
	// 6 ms lif 0
	// 7 ms gen 1
	// 8 ms lif 1
	// 2 synaptic events
}
