package synapse_test

import (
	"fmt"

	"snn/sim"
	"snn/synapse"
)

// printer is a Target that prints each batch it receives.
type printer struct{ n int }

func (p printer) Size() int { return p.n }

func (p printer) Deliver(t sim.Time, receptor int, targets []uint32, weights []float64, w float64, _ sim.SpikeFunc) {
	fmt.Printf("at %v: targets %v weight %v\n", t, targets, w)
}

// A spike of presynaptic neuron 0 is delivered as one batch per delay group, starting
// with First and following the offsets Deliver returns, as the engine does.
func Example() {
	pairs := [][2]int32{{0, 2}, {0, 0}, {1, 1}, {0, 1}}
	p, err := synapse.Build(2, printer{n: 3}, synapse.Config{
		Rule:   synapse.Rule{Kind: synapse.List, Pairs: pairs},
		Weight: sim.Fixed(0.5), // mV
		Delay:  sim.Fixed(1.5), // ms
	}, synapse.Streams{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Len(), "synapses,", p.Bytes(), "bytes")
	spike := 10 * sim.Millisecond
	d, ok := p.First(0)
	for off := int32(0); ok && off >= 0; {
		_, off, d = p.Deliver(spike+d, 0, off, nil)
	}
	// Output:
	// 4 synapses, 40 bytes
	// at 11500 us: targets [0 1 2] weight 0.5
}
