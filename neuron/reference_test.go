package neuron

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"snn/sim"
)

// This file checks both LIF models against a brute-force reference written independently
// of the models' scaled coefficients, bounds and root finder: the membrane equation is
// advanced on a fine time grid with the plain one-step exact propagator (Rotter &
// Diesmann 1999), threshold is tested at every grid point, and a crossing found in a
// step is located inside that step by bisection on the step's closed form.
//
// Tolerances, derived once for both models:
//   - Spike count. The grid misses a crossing only if the potential rises above
//     threshold and falls back within one step (refDt = 1 us). Near a maximum
//     V = Vmax - |V2| s^2/2 (V2 the second derivative), so that needs
//     Vmax - VTh < |V2| refDt^2 / 8, about 1e-7 mV for |V2| ~ 1 mV/ms^2: on random
//     inputs this does not happen, and the counts must agree exactly.
//   - Spike time. The reference brackets the crossing to 1e-13 ms and rounds up to the
//     tick, as the engine does. The model's crossing is at most rootTol = 1e-8 ms (0.01 ns)
//     late and is rounded up to the tick too, so the two ticks differ by at most 1 ns
//     (floating-point error in either closed form is ~1e-14 mV, ~1e-12 mV when tau_syn
//     is near tau_m and the terms cancel, i.e. at most ~1e-4 ns for slopes above
//     0.01 mV/ms, far below a tick).
//   - History. After a 1 ns difference in a spike time the two runs reset 1 ns apart,
//     and a later crossing with a small slope can amplify that (0.1 mV/ms slope: ~50x).
//     So the reference shadows the model: it checks each spike against its own, then
//     resets at the model's tick. Each spike is thus compared with the exact solution
//     of the same history, which is what the 1 ns bound is about. The unshadowed
//     comparison is also run and must give the same spike count.
const (
	refDt    = sim.Microsecond
	refTolNs = 1
)

// refModel is the fine-grid reference of one neuron.
type refModel struct {
	p        Params
	currents bool // LIFExp (currents) or LIFDelta (jumps)
}

// run returns the reference spike times of one neuron starting at v0 with the given
// inputs (sorted by time, ties in list order) until the end. If shadow is not nil, the
// k-th reference spike must lie within refTolNs of shadow[k] and the reset then happens
// at shadow[k]; the first violation is returned as an error.
func (m refModel) run(v0 float64, in []input, until sim.Time, shadow []sim.Time) (out []sim.Time, maxDiff sim.Time, err error) {
	p := m.p
	vInf := p.VInf()
	th, ur := p.VTh-vInf, p.VReset-vInf
	ke, ki := 0.0, 0.0
	if m.currents {
		ke, ki = p.TauE/(p.TauE-p.TauM), p.TauI/(p.TauI-p.TauM)
	}
	// u(s) from state (u, ie, ii) after s ms, the exact solution of
	// tau_m u' = -u + ie + ii, tau_e ie' = -ie, tau_i ii' = -ii.
	//
	// The differences e^{-s/tau_syn} - e^{-s/tau_m} are computed as
	// e^{-s/tau_m} expm1(s (1/tau_m - 1/tau_syn)): subtracting the two exponentials would
	// lose their common digits, and with tau_syn near tau_m (k ~ 200) that rounding error,
	// repeated identically at every grid step, biases u by ~1e-12 mV x tau_m/refDt ~ 1e-7 mV,
	// which is a few ns of spike time at shallow crossings.
	type decays struct{ em, ee, ei, de, di float64 }
	decay := func(s float64) (d decays) {
		d.em = math.Exp(-s / p.TauM)
		if m.currents {
			d.ee, d.ei = math.Exp(-s/p.TauE), math.Exp(-s/p.TauI)
			d.de = d.em * math.Expm1(s*(p.TauE-p.TauM)/(p.TauM*p.TauE))
			d.di = d.em * math.Expm1(s*(p.TauI-p.TauM)/(p.TauM*p.TauI))
		}
		return d
	}
	dtMs := refDt.Ms()
	step := decay(dtMs) // the propagator of a whole grid step, computed once
	prop := func(u, ie, ii, s float64) (float64, float64, float64) {
		d := step
		if s != dtMs {
			d = decay(s)
		}
		return u*d.em + ke*ie*d.de + ki*ii*d.di, ie * d.ee, ii * d.ei
	}
	var (
		t         sim.Time
		u, ie, ii          = v0 - vInf, 0.0, 0.0
		refEnd    sim.Time = -1
		k         int      // next input
	)
	spikeAt := func(T sim.Time) error {
		if shadow != nil {
			n := len(out)
			if n >= len(shadow) {
				return fmt.Errorf("reference spike %d at %v, model has only %d spikes", n, T, len(shadow))
			}
			d := abs(shadow[n] - T)
			if d > refTolNs {
				return fmt.Errorf("spike %d: model %d ns, reference %d ns (difference %d ns)", n, shadow[n], T, shadow[n]-T)
			}
			maxDiff = max(maxDiff, d)
			T = shadow[n]
		}
		out = append(out, T)
		_, ie, ii = prop(0, ie, ii, (T - t).Ms())
		t = T
		u = ur
		refEnd = T + p.TRef
		return nil
	}
	if v0 >= p.VTh {
		if err := spikeAt(0); err != nil {
			return out, maxDiff, err
		}
	}
	for t < until {
		stop := (t/refDt + 1) * refDt
		if k < len(in) && in[k].t < stop {
			stop = in[k].t
		}
		if refEnd > t && refEnd < stop {
			stop = refEnd
		}
		stop = min(stop, until)
		h := (stop - t).Ms()
		if t < refEnd {
			_, ie, ii = prop(0, ie, ii, h)
		} else {
			u1, ie1, ii1 := prop(u, ie, ii, h)
			if u1 >= th {
				// Bisection on the closed form of this step: u(a) < th <= u(b).
				a, b := 0.0, h
				for b-a > 1e-13 {
					c := 0.5 * (a + b)
					if uc, _, _ := prop(u, ie, ii, c); uc >= th {
						b = c
					} else {
						a = c
					}
				}
				if err := spikeAt(t + sim.CeilMs(b)); err != nil {
					return out, maxDiff, err
				}
				continue
			}
			u, ie, ii = u1, ie1, ii1
		}
		t = stop
		for ; k < len(in) && in[k].t == t; k++ {
			x := in[k]
			switch {
			case m.currents && x.rec == Excitatory:
				ie += x.w
			case m.currents:
				ii += x.w
			case t >= refEnd: // LIFDelta discards input during the refractory period
				u += x.w
				if u >= th {
					if err := spikeAt(t); err != nil {
						return out, maxDiff, err
					}
				}
			}
		}
	}
	if shadow != nil && len(out) != len(shadow) {
		return out, maxDiff, fmt.Errorf("model has %d spikes, reference %d", len(shadow), len(out))
	}
	return out, maxDiff, nil
}

// randomTrain draws a train of excitatory and inhibitory inputs with Poisson timing (ns
// ticks) and random weights, strong enough that the neuron fires repeatedly.
func randomTrain(r *rand.Rand, until sim.Time, rateE, rateI, wE, wI float64) []input {
	var in []input
	for _, c := range []struct {
		rate, w float64
		rec     int
	}{{rateE, wE, Excitatory}, {rateI, wI, Inhibitory}} {
		for t := 0.0; ; {
			t += r.ExpFloat64() / c.rate
			T := sim.FromMs(t)
			if T >= until {
				break
			}
			in = append(in, input{t: T, w: c.w * (0.5 + r.Float64()), rec: c.rec})
		}
	}
	slices.SortStableFunc(in, func(a, b input) int { return cmp.Compare(a.t, b.t) })
	return in
}

// TestLIFAgainstFineGrid: see the comment at the top of the file.
func TestLIFAgainstFineGrid(t *testing.T) {
	const trains = 50
	until := 1 * sim.Second
	for _, currents := range []bool{true, false} {
		name := map[bool]string{true: "LIFExp", false: "LIFDelta"}[currents]
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			var maxShadow, maxFree sim.Time
			total, inputs, refractory, fewest := 0, 0, 0, math.MaxInt
			for n := range trains {
				p := Params{TauM: 10 + 20*r.Float64(), EL: -65, VTh: -50, VReset: -65 + 10*r.Float64(),
					TRef: sim.FromMs(4 * r.Float64()), Bias: 20 * r.Float64(),
					TauE: 2 + 6*r.Float64(), TauI: 5 + 10*r.Float64()}
				switch n % 5 {
				case 2:
					// tau_m/tau_e and tau_m/tau_i small integers, as in the CUBA benchmark
					// (20/5, 20/10): LIFExp then decays the currents by powers of e^{-s/tau_m}.
					p.TauE, p.TauI = p.TauM/float64(2+r.IntN(7)), p.TauM/float64(2+r.IntN(3))
				case 4:
					// tau_i within 1 % of tau_m: large, nearly cancelling coefficients.
					p.TauI = p.TauM * (1 + 0.02*(r.Float64()-0.5))
				}
				var in []input
				if currents {
					// An input of w adds w tau_syn mV ms to the integral of the current. With
					// 8-15 mV ms per excitatory input at 2-5 kHz and 3-10 per inhibitory one
					// at 0.3-1 kHz, the mean drive Bias + wE tauE rateE - |wI| tauI rateI is
					// 6 to 95 mV, against 15 mV from rest to threshold: some trains fire
					// regularly, some on fluctuations.
					in = randomTrain(r, until, 2+3*r.Float64(), 0.3+0.7*r.Float64(), (8+7*r.Float64())/p.TauE, -(3+7*r.Float64())/p.TauI)
				} else {
					in = randomTrain(r, until, 2+3*r.Float64(), 0.3+0.7*r.Float64(), 0.5+1.5*r.Float64(), -0.5-1.5*r.Float64())
				}
				v0 := p.EL + 10*r.Float64()
				got := runInputs(newPop(t, currents, p, v0), in, until)
				ref := refModel{p: p, currents: currents}
				_, d, err := ref.run(v0, in, until, got)
				if err != nil {
					t.Errorf("train %d (%+v): %v", n, p, err)
					continue
				}
				maxShadow = max(maxShadow, d)
				free, _, _ := ref.run(v0, in, until, nil)
				if len(free) != len(got) {
					t.Errorf("train %d: model %d spikes, independent reference %d", n, len(got), len(free))
					continue
				}
				for k := range got {
					maxFree = max(maxFree, abs(got[k]-free[k]))
				}
				total += len(got)
				fewest = min(fewest, len(got))
				inputs += len(in)
				for _, x := range in {
					i, ok := slices.BinarySearch(got, x.t)
					if ok {
						i++ // a spike at the input's tick comes first
					}
					if i > 0 && x.t < got[i-1]+p.TRef {
						refractory++
					}
				}
			}
			t.Logf("%d trains, %d inputs (%d during refractoriness), %d spikes (at least %d per train); max |difference| %d ns shadowed, %d ns independent",
				trains, inputs, refractory, total, fewest, maxShadow, maxFree)
			// The draw must make every neuron fire repeatedly and put many inputs into
			// refractory periods, or the comparison says little.
			if fewest < 3 || refractory < 1000 {
				t.Errorf("weak coverage: %d spikes in the quietest train, %d inputs during refractoriness", fewest, refractory)
			}
		})
	}
}

func abs(t sim.Time) sim.Time {
	if t < 0 {
		return -t
	}
	return t
}

// batchProj delivers generator unit k's spike as one batch: weights w[k][j] on receptor
// rec[k] to neurons post[k][j], as a synapse.Projection delivers a delay group.
type batchProj struct {
	to   target
	rec  []int
	post [][]uint32
	w    [][]float64
}

func (p *batchProj) First(int32) (sim.Time, bool) { return 0, true }

func (p *batchProj) Deliver(t sim.Time, pre, _ int32, spike sim.SpikeFunc) (int, int32, sim.Time) {
	p.to.Deliver(t, p.rec[pre], p.post[pre], p.w[pre], 0, spike)
	return len(p.post[pre]), -1, 0
}

// TestPopulationAgainstFineGrid: 16 neurons in one population receive batches (one per
// presynaptic spike, with per-target weights) on a 0.1 ms grid of shared input times,
// so that many neurons are hit at the same tick and their keys compete in the heap or
// calendar. Each neuron's spikes must match the reference run of its own inputs, within
// the same 1 ns as for single neurons (the shadowed comparison above).
func TestPopulationAgainstFineGrid(t *testing.T) {
	const n = 16
	until := 500 * sim.Millisecond
	for _, m := range models {
		t.Run(m.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(5, 6))
			p := Params{TauM: 15, EL: -65, VTh: -50, VReset: -60, TRef: 2 * sim.Millisecond, Bias: 5,
				TauE: 3, TauI: 8}
			v0 := make([]float64, n)
			for i := range v0 {
				v0[i] = p.EL + 10*r.Float64()
			}
			pop, err := newPopErr(m.currents, p, v0)
			if err != nil {
				t.Fatal(err)
			}
			// Each 0.1 ms an excitatory batch hits each neuron with probability 0.4 and an
			// inhibitory one with probability 0.1.
			proj := &batchProj{to: pop}
			var spikes []Spike
			per := make([][]input, n)
			wE, wI := 2.5, -3.0
			if m.currents {
				wE, wI = 10/p.TauE, -10/p.TauI
			}
			for tk := 100 * sim.Microsecond; tk < until; tk += 100 * sim.Microsecond {
				for _, c := range []struct {
					rec  int
					prob float64
					w    float64
				}{{Excitatory, 0.4, wE}, {Inhibitory, 0.1, wI}} {
					var post []uint32
					var ws []float64
					for j := range n {
						if r.Float64() < c.prob {
							w := c.w * (0.5 + r.Float64())
							post, ws = append(post, uint32(j)), append(ws, w)
							per[j] = append(per[j], input{t: tk, w: w, rec: c.rec})
						}
					}
					if len(post) > 0 {
						spikes = append(spikes, Spike{T: tk, Unit: int32(len(proj.rec))})
						proj.rec, proj.post, proj.w = append(proj.rec, c.rec), append(proj.post, post), append(proj.w, ws)
					}
				}
			}
			gen, err := NewGenerator(len(spikes), spikes)
			if err != nil {
				t.Fatal(err)
			}
			e := sim.NewEngine()
			g := e.AddNeurons("pop", pop)
			log := &spikeLog{group: g}
			e.Observe(log)
			e.Connect(e.AddSource("in", gen), g, proj)
			e.Run(until)

			got := make([][]sim.Time, n)
			for k, u := range log.unit {
				got[u] = append(got[u], log.t[k])
			}
			var worst sim.Time
			total := 0
			for j := range n {
				ref := refModel{p: p, currents: m.currents}
				_, d, err := ref.run(v0[j], per[j], until, got[j])
				if err != nil {
					t.Errorf("neuron %d: %v", j, err)
				}
				worst = max(worst, d)
				total += len(got[j])
			}
			if total < 10*n {
				t.Errorf("weak coverage: only %d spikes", total)
			}
			t.Logf("%d neurons, %d batches, %d spikes; max |difference| %d ns", n, len(spikes), total, worst)
		})
	}
}
