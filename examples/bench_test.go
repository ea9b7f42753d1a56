package examples_test

import (
	"runtime"
	"strings"
	"testing"

	"snn/examples"
	"snn/sim"
	"snn/sim/spec"
)

// benchNetwork runs an example for 10 s of simulated time per iteration and reports
// synaptic events per wall second. Network construction (about 15 ms) is inside the loop.
func benchNetwork(b *testing.B, name string) {
	b.ReportAllocs()
	var events uint64
	for b.Loop() {
		net := build(b, name, 1, 10*sim.Second)
		net.Engine.Run(net.Duration)
		events += net.Engine.Stats().SynapticEvents
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "syn-events/s")
}

func BenchmarkCUBA(b *testing.B)   { benchNetwork(b, "cuba") }
func BenchmarkCUBADV(b *testing.B) { benchNetwork(b, "cubadv") }

// TestSteadyStateAllocations checks the hot path does not allocate: after a warm-up
// second (queue and heaps at their working size), simulating two more seconds of each
// benchmark network, millions of synaptic events, allocates (almost) nothing. The bound
// of 64 allows for the queue's backing array growing to a new peak a few times.
func TestSteadyStateAllocations(t *testing.T) {
	for _, name := range []string{"cuba", "cubadv"} {
		net := build(t, name, 1, 3*sim.Second)
		net.Engine.Run(sim.Second)
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		net.Engine.Run(3 * sim.Second)
		runtime.ReadMemStats(&m1)
		allocs := m1.Mallocs - m0.Mallocs
		ev := net.Engine.Stats().SynapticEvents
		t.Logf("%s: %d allocations over %d synaptic events in total", name, allocs, ev)
		if allocs > 64 {
			t.Errorf("%s: %d allocations in 2 s of steady state", name, allocs)
		}
	}
}

// BenchmarkCUBASTDP is cuba with pair STDP on every excitatory synapse (onto both
// populations; all-to-all, additive, w in [0, 3.24 mV], A+ 0.01 mV, A- 0.0105 mV,
// tau 20 ms), 10 s simulated, to compare with BenchmarkCUBA.
func BenchmarkCUBASTDP(b *testing.B) {
	src, _ := examples.Get("cuba")
	text := strings.ReplaceAll(string(src), "weight = \"1.62 mV\"\ndelay = \"0 ms\"\n",
		"weight = \"1.62 mV\"\ndelay = \"0 ms\"\nstdp = { a_plus = \"0.01 mV\", a_minus = \"0.0105 mV\", tau_plus = \"20 ms\", tau_minus = \"20 ms\", w_max = \"3.24 mV\" }\n")
	if strings.Count(text, "stdp =") != 2 {
		b.Fatal("the cuba spec changed: no excitatory projection found")
	}
	s, err := spec.Decode("cuba-stdp", []byte(text))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var events uint64
	seed := uint64(1)
	for b.Loop() {
		net, err := spec.Build(s, spec.Options{Seed: &seed, Duration: 10 * sim.Second})
		if err != nil {
			b.Fatal(err)
		}
		net.Engine.Run(net.Duration)
		events += net.Engine.Stats().SynapticEvents
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "syn-events/s")
}

// BenchmarkSong2000Brian is the song2000-brian example (one conductance-based neuron, 1000
// Poisson inputs at 15 Hz through additive STDP), 100 s simulated, without recording.
func BenchmarkSong2000Brian(b *testing.B) {
	src, _ := examples.Get("song2000-brian")
	s, err := spec.Decode("song2000-brian", src)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var events uint64
	for b.Loop() {
		net, err := spec.Build(s, spec.Options{})
		if err != nil {
			b.Fatal(err)
		}
		net.Engine.Run(net.Duration)
		events += net.Engine.Stats().SynapticEvents
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "syn-events/s")
}

// BenchmarkIzhikevich2007 is 100 s of the distal reward experiment (1000 voltage-jump
// neurons, 64k synapses under dopamine-modulated STDP, noise, a triggered reward), without
// recording: multiply by 36 for the hour the example runs.
func BenchmarkIzhikevich2007(b *testing.B) {
	src, _ := examples.Get("izhikevich2007")
	s, err := spec.Decode("izhikevich2007", src)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var events uint64
	for b.Loop() {
		net, err := spec.Build(s, spec.Options{Duration: 100 * sim.Second})
		if err != nil {
			b.Fatal(err)
		}
		net.Engine.Run(net.Duration)
		events += net.Engine.Stats().SynapticEvents
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "syn-events/s")
}
