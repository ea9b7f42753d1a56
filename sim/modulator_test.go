package sim_test

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"snn/neuron"
	"snn/sim"
	"snn/synapse"
)

// level is a volume whose concentration only accumulates (no decay): enough to see the
// engine's ordering and checkpointing of jumps.
type level struct {
	n   float64
	log *[]string
}

func (l *level) Jump(t sim.Time, a float64) {
	l.n += a
	*l.log = append(*l.log, fmt.Sprintf("jump %v %g", t, a))
}

func (l *level) MarshalState() ([]byte, error) {
	return binary.LittleEndian.AppendUint64(nil, math.Float64bits(l.n)), nil
}

func (l *level) UnmarshalState(b []byte) error {
	if len(b) != 8 {
		return fmt.Errorf("bad level state")
	}
	l.n = math.Float64frombits(binary.LittleEndian.Uint64(b))
	return nil
}

// listener logs the Modulate calls and the deliveries of a projection it wraps.
type listener struct {
	*synapse.Projection
	log *[]string
}

func (l listener) Modulate(v int32, t sim.Time) {
	*l.log = append(*l.log, fmt.Sprintf("modulate %d %v", v, t))
}

func (l listener) Deliver(t sim.Time, pre, off int32, spike sim.SpikeFunc) (int, int32, sim.Time) {
	*l.log = append(*l.log, fmt.Sprintf("deliver %v", t))
	return l.Projection.Deliver(t, pre, off, spike)
}

func rewardNet(t *testing.T, log *[]string) (*sim.Engine, *level) {
	e := sim.NewEngine()
	gen, _ := neuron.NewGenerator(1, []neuron.Spike{{T: 10 * sim.Millisecond}, {T: 30 * sim.Millisecond}})
	cell, _ := neuron.NewLIFDelta(neuron.Params{TauM: 20, EL: -70, VTh: -50, VReset: -70}, []float64{-70})
	gs, gc := e.AddSource("in", gen), e.AddNeurons("cell", cell)
	p, err := synapse.Build(1, cell, synapse.Config{Rule: synapse.Rule{Kind: synapse.OneToOne}, Weight: sim.Fixed(1), Delay: sim.Fixed(5)}, synapse.Streams{})
	if err != nil {
		t.Fatal(err)
	}
	l := listener{p, log}
	e.Connect(gs, gc, l)
	v := &level{log: log}
	vi := e.AddVolume("dopamine", v)
	e.Listen(vi, l)
	return e, v
}

// TestRewardsOrder: jumps come in time order, after the deliveries of their tick and in
// the order they were scheduled among themselves; listeners catch up before each jump; a
// jump cannot be scheduled in the past; pending jumps and the volume's state survive a
// checkpoint.
func TestRewardsOrder(t *testing.T) {
	var log []string
	e, v := rewardNet(t, &log)
	for _, r := range []struct {
		t sim.Time
		a float64
	}{{35 * sim.Millisecond, 2}, {15 * sim.Millisecond, 0.5}, {35 * sim.Millisecond, -1}, {50 * sim.Millisecond, 4}} {
		if err := e.Reward(0, r.t, r.a); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Reward(1, sim.Millisecond, 1); err == nil {
		t.Error("a reward for a missing volume accepted")
	}
	e.Run(40 * sim.Millisecond)
	if err := e.Reward(0, 39*sim.Millisecond, 1); err == nil {
		t.Error("a reward in the past accepted")
	}
	want := []string{"deliver 15 ms", "modulate 0 15 ms", "jump 15 ms 0.5", "deliver 35 ms", "modulate 0 35 ms", "jump 35 ms 2", "modulate 0 35 ms", "jump 35 ms -1"}
	if fmt.Sprint(log) != fmt.Sprint(want) || v.n != 1.5 || e.Stats().Rewards != 3 || e.Pending() != 1 {
		t.Fatalf("log %v, level %v, stats %+v, pending %d", log, v.n, e.Stats(), e.Pending())
	}
	b, err := e.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	var log2 []string
	e2, v2 := rewardNet(t, &log2)
	if err := e2.UnmarshalState(b); err != nil {
		t.Fatal(err)
	}
	e2.Run(60 * sim.Millisecond)
	if v2.n != 5.5 || fmt.Sprint(log2) != "[modulate 0 50 ms jump 50 ms 4]" {
		t.Errorf("after restore: level %v, log %v", v2.n, log2)
	}
}
