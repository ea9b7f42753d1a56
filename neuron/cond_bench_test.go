package neuron

import (
	"math/rand/v2"
	"testing"

	"snn/sim"
)

// BenchmarkLIFCondInput: one neuron receiving the superposition of 1000 Poisson inputs at
// 15 Hz (15 kHz, mean gap 0.067 ms), as in Song, Miller & Abbott 2000: per input the
// neuron is advanced to the input's time, its conductance jumps, its crossing bound is
// updated, and any due Step (bound refinement, crossing search, spike) is done. One op
// is one input, so ns/op is the cost per input, all included.
//
//   - model=song: excitatory only, weights uniform in [0, 0.01], tau_m 20, EL -74,
//     VTh -54, VReset -60, EE 0, tau_e 5: the neuron fires at ~20 Hz.
//   - model=song10: the song2000-brian example's neuron (Brian2's STDP.py): tau_m 10,
//     the rest as song.
//   - model=song+inh: weights up to 0.018, and 20 % of the inputs inhibitory (EI -70,
//     up to 0.1): ~10 Hz.
//   - model=coba: COBA parameters (tau_e 5, tau_i 10, EI -80, t_ref 5 ms), weights up
//     to 0.1, 10 % of the inputs inhibitory up to 1.
//   - model=lifexp: LIFExp on a comparable drive (currents up to 0.85 mV, 20 % inhibitory up to -0.3), for
//     comparison.
func BenchmarkLIFCondInput(b *testing.B) {
	song := Params{TauM: 20, EL: -74, VTh: -54, VReset: -60, TauE: 5, TauI: 5}
	for _, c := range []struct {
		name     string
		p        Params
		c        CondParams
		wE, wI   float64
		inhShare float64
		exp      bool
	}{
		{"model=song", song, CondParams{EE: 0, EI: -70}, 0.01, 0, 0, false},
		{"model=song10", Params{TauM: 10, EL: -74, VTh: -54, VReset: -60, TauE: 5, TauI: 5}, CondParams{EE: 0, EI: -74}, 0.01, 0, 0, false},
		{"model=song+inh", song, CondParams{EE: 0, EI: -70}, 0.018, 0.1, 0.2, false},
		{"model=coba", condCOBA.p, condCOBA.c, 0.1, 1, 0.1, false},
		{"model=lifexp", Params{TauM: 20, EL: -74, VTh: -54, VReset: -60, TauE: 5, TauI: 10}, CondParams{}, 0.85, -0.3, 0.2, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			const n = 1 << 16
			r := rand.New(rand.NewPCG(41, 42))
			gaps := make([]sim.Time, n)
			ws := make([]float64, n)
			recs := make([]int, n)
			for k := range gaps {
				gaps[k] = sim.FromMs(r.ExpFloat64() / 15)
				recs[k], ws[k] = Excitatory, c.wE*r.Float64()
				if r.Float64() < c.inhShare {
					recs[k], ws[k] = Inhibitory, c.wI*r.Float64()
				}
			}
			var pop target
			var err error
			if c.exp {
				pop, err = NewLIFExp(c.p, []float64{c.p.VReset})
			} else {
				pop, err = NewLIFCond(c.p, c.c, []float64{c.p.VReset})
			}
			if err != nil {
				b.Fatal(err)
			}
			spikes, steps := 0, 0
			spike := func(int32, sim.Time) { spikes++ }
			tg := []uint32{0}
			var t sim.Time
			k := 0
			b.ReportAllocs()
			for b.Loop() {
				t += gaps[k&(n-1)]
				for pop.Next() <= t {
					pop.Step(pop.Next(), spike)
					steps++
				}
				pop.Deliver(t, recs[k&(n-1)], tg, nil, ws[k&(n-1)], spike)
				k++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(k), "ns/input")
			b.ReportMetric(float64(steps)/float64(k), "steps/input")
			b.ReportMetric(float64(spikes)/t.Seconds(), "Hz")
		})
	}
}

// BenchmarkLIFCondPopulation: 4000 COBA neurons (tau_e 5, tau_i 10, EI -80, t_ref 5 ms),
// each receiving about 1 input per ms in batches of 80 targets (as from one presynaptic
// spike in a 2 % connected network), 20 % of the batches inhibitory (6.7), the rest
// excitatory (0.6), weights varied by +-50 %: the network regime, where the gaps are
// long (~1 ms) and the total conductance large (~15), so z-series steps take ~13 terms
// and some intervals two pieces. ns/input is the cost per synaptic input, all included.
func BenchmarkLIFCondPopulation(b *testing.B) {
	const n = 4000
	p, c := condCOBA.p, condCOBA.c
	r := rand.New(rand.NewPCG(51, 52))
	v0 := make([]float64, n)
	for i := range v0 {
		v0[i] = p.EL + 10*r.Float64()
	}
	pop, err := NewLIFCond(p, c, v0)
	if err != nil {
		b.Fatal(err)
	}
	// batches of 80 targets; 4000 neurons x 1 input/ms = 50 batches per ms.
	const nb = 1 << 12
	tg := make([][]uint32, nb)
	ws := make([][]float64, nb)
	rec := make([]int, nb)
	for k := range tg {
		tg[k] = make([]uint32, 80)
		ws[k] = make([]float64, 80)
		rec[k] = Excitatory
		w := 0.6
		if r.IntN(5) == 0 {
			rec[k], w = Inhibitory, 6.7
		}
		for j := range tg[k] {
			tg[k][j] = uint32(r.IntN(n))
			ws[k][j] = w * (0.5 + r.Float64())
		}
	}
	spikes, steps := 0, 0
	spike := func(int32, sim.Time) { spikes++ }
	var t sim.Time
	k := 0
	b.ReportAllocs()
	for b.Loop() {
		t += sim.FromMs(r.ExpFloat64() / 50)
		for pop.Next() <= t {
			pop.Step(pop.Next(), spike)
			steps++
		}
		pop.Deliver(t, rec[k&(nb-1)], tg[k&(nb-1)], ws[k&(nb-1)], 0, spike)
		k++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(k*80), "ns/input")
	b.ReportMetric(float64(spikes)/t.Seconds()/n, "Hz")
	b.ReportMetric(float64(steps)/float64(k*80), "steps/input")
}
