package neuron

import (
	"snn/sim"
)

// input is one synaptic input to a single test neuron: weight w (mV) on receptor rec at t.
type input struct {
	t   sim.Time
	w   float64
	rec int
}

// target is what a test projection delivers to: LIFDelta or LIFExp.
type target interface {
	sim.Neurons
	Deliver(t sim.Time, receptor int, targets []uint32, weights []float64, w float64, spike sim.SpikeFunc)
}

// inputProj routes generator unit k, which fires once at in[k].t, to neuron post[k] of
// the target with weight in[k].w on receptor in[k].rec and no delay. It is written here,
// not taken from package synapse, so that these tests exercise only sim and neuron.
type inputProj struct {
	to   target
	in   []input
	post []uint32
}

func (p *inputProj) First(int32) (sim.Time, bool) { return 0, true }

func (p *inputProj) Deliver(t sim.Time, pre, _ int32, spike sim.SpikeFunc) (int, int32, sim.Time) {
	x := p.in[pre]
	p.to.Deliver(t, x.rec, p.post[pre:pre+1], nil, x.w, spike)
	return 1, -1, 0
}

// spikeLog records the spikes of one group.
type spikeLog struct {
	group int32
	t     []sim.Time
	unit  []int32
}

func (l *spikeLog) Spike(t sim.Time, g, u int32) {
	if g == l.group {
		l.t = append(l.t, t)
		l.unit = append(l.unit, u)
	}
}

// runInputs drives neuron 0 of pop with the inputs through a real sim.Engine (a
// Generator source and inputProj) until the given time and returns its spike times.
func runInputs(pop target, in []input, until sim.Time) []sim.Time {
	e := sim.NewEngine()
	g := e.AddNeurons("pop", pop)
	log := &spikeLog{group: g}
	e.Observe(log)
	if len(in) > 0 {
		sp := make([]Spike, len(in))
		for k, x := range in {
			sp[k] = Spike{T: x.t, Unit: int32(k)}
		}
		gen, err := NewGenerator(len(in), sp)
		if err != nil {
			panic(err)
		}
		s := e.AddSource("in", gen)
		e.Connect(s, g, &inputProj{to: pop, in: in, post: make([]uint32, len(in))})
	}
	e.Run(until)
	return log.t
}
