package examples_test

import (
	"slices"
	"testing"

	"snn/sim"
)

// TestStateRestoresExactly saves the engine's state at several points of each example,
// restores it into a network freshly built from the same spec, and checks that the
// restored run's spikes are exactly the uninterrupted run's from that point on: the
// state a checkpoint holds is complete.
func TestStateRestoresExactly(t *testing.T) {
	T := 600 * sim.Millisecond
	for _, name := range []string{"cuba", "cubadv", "demo"} {
		whole := build(t, name, 3, T)
		all := &collector{}
		whole.Engine.Observe(all)
		whole.Engine.Run(T)
		for _, stop := range []sim.Time{0, 1, 123456789, T / 2, T - 1} {
			first := build(t, name, 3, T)
			first.Engine.Run(stop)
			b, err := first.Engine.MarshalState()
			if err != nil {
				t.Fatal(err)
			}
			resumed := build(t, name, 3, T)
			if err := resumed.Engine.UnmarshalState(b); err != nil {
				t.Fatalf("%s at %v: %v", name, stop, err)
			}
			if resumed.Engine.Now() != stop || resumed.Engine.Stats() != first.Engine.Stats() {
				t.Errorf("%s at %v: clock %v, stats %+v, want %+v", name, stop, resumed.Engine.Now(), resumed.Engine.Stats(), first.Engine.Stats())
			}
			tail := &collector{}
			resumed.Engine.Observe(tail)
			resumed.Engine.Run(T)
			k := slices.IndexFunc(all.s, func(s spike) bool { return s.t >= stop })
			if k < 0 {
				k = len(all.s)
			}
			if !slices.Equal(all.s[k:], tail.s) {
				t.Errorf("%s restored at %v: %d spikes after, the whole run %d", name, stop, len(tail.s), len(all.s)-k)
			}
			if resumed.Engine.Stats() != whole.Engine.Stats() {
				t.Errorf("%s restored at %v: stats %+v, whole run %+v", name, stop, resumed.Engine.Stats(), whole.Engine.Stats())
			}
		}
	}
	// Another network's state is refused.
	a := build(t, "cuba", 1, T)
	b, _ := a.Engine.MarshalState()
	if err := build(t, "demo", 1, T).Engine.UnmarshalState(b); err == nil {
		t.Error("demo accepted cuba's state")
	}
}

// FuzzEngineState feeds corrupted checkpoint states to a network: UnmarshalState must
// refuse them or, if it accepts them, leave a network that runs; it must never panic.
func FuzzEngineState(f *testing.F) {
	for _, name := range []string{"cuba", "demo"} {
		net := build(f, name, 1, 20*sim.Millisecond)
		net.Engine.Run(10 * sim.Millisecond)
		b, err := net.Engine.MarshalState()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(name, b)
		f.Add(name, b[:len(b)/2])
	}
	f.Fuzz(func(t *testing.T, name string, b []byte) {
		if name != "cuba" && name != "demo" {
			return
		}
		net := build(t, name, 1, 20*sim.Millisecond)
		if err := net.Engine.UnmarshalState(b); err != nil {
			return
		}
		if net.Engine.Now() < 20*sim.Millisecond {
			net.Engine.Run(20 * sim.Millisecond)
		}
	})
}
