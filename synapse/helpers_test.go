package synapse_test

import (
	"slices"
	"testing"

	"snn/sim"
	"snn/synapse"
)

// batch is one call of Target.Deliver, with its slices copied.
type batch struct {
	t        sim.Time
	receptor int
	targets  []uint32
	weights  []float64 // nil when the projection's weight is constant
	w        float64
}

// recorder is a fake Target that records every batch it is given.
type recorder struct {
	n       int
	batches []batch
}

func (r *recorder) Size() int { return r.n }

func (r *recorder) Deliver(t sim.Time, receptor int, targets []uint32, weights []float64, w float64, _ sim.SpikeFunc) {
	r.batches = append(r.batches, batch{t, receptor, slices.Clone(targets), slices.Clone(weights), w})
}

// streams returns the three streams of a projection called name, as sim/spec derives them.
func streams(seed uint64, name string) synapse.Streams {
	return synapse.Streams{
		Connect: sim.Stream(seed, "connect/"+name),
		Weight:  sim.Stream(seed, "weight/"+name),
		Delay:   sim.Stream(seed, "delay/"+name),
	}
}

// syn is one synapse as the public accessors report it.
type syn struct {
	post int
	w    float64
	d    sim.Time
}

// rowsOf reads every row of p through Synapse and RowLen.
func rowsOf(p *synapse.Projection) [][]syn {
	rows := make([][]syn, p.Pre())
	for i := range rows {
		for k := range p.RowLen(i) {
			post, w, d := p.Synapse(i, k)
			rows[i] = append(rows[i], syn{post, w, d})
		}
	}
	return rows
}

// build builds a projection or fails the test.
func build(t testing.TB, npre, npost int, c synapse.Config, rs synapse.Streams) *synapse.Projection {
	t.Helper()
	p, err := synapse.Build(npre, &recorder{n: npost}, c, rs)
	if err != nil {
		t.Fatalf("Build(%d, %d, %+v): %v", npre, npost, c.Rule, err)
	}
	if p.Pre() != npre {
		t.Fatalf("Pre() = %d, want %d", p.Pre(), npre)
	}
	return p
}

// inDegrees counts the synapses onto each of npost neurons.
func inDegrees(rows [][]syn, npost int) []int {
	deg := make([]int, npost)
	for _, r := range rows {
		for _, s := range r {
			deg[s.post]++
		}
	}
	return deg
}

// constCfg is a projection with constant weight 1 and delay 1 ms.
func constCfg(r synapse.Rule, recurrent bool) synapse.Config {
	return synapse.Config{Rule: r, Weight: sim.Fixed(1), Delay: sim.Fixed(1), Recurrent: recurrent}
}
