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

// This file checks LIFCond against a brute-force reference written independently of its
// series, bounds and root finder, in the manner of reference_test.go: the equations
//
//	tau_m dV/dt = (EL - V) + Bias + ge (EE - V) + gi (EI - V),   ge, gi decaying exponentially
//
// are advanced on a 1 us grid by the classical fourth-order Runge-Kutta method, the
// conductances at the stage times taken from their exponentials; threshold is tested at
// every grid point, and a crossing found in a step is located inside it by bisection on
// a Runge-Kutta step of the partial length.
//
// Tolerances:
//   - Accuracy of the reference. One RK4 step of length dt errs by about
//     (rho dt)^5/120 D with rho <= 2/ms the fastest rate and D ~ 100 mV: 3e-15 mV at
//     1 us, plus rounding of V (~1e-14 mV); errors are damped over the membrane's
//     effective time constant (at least 0.5 ms, 500 steps), so V is off by at most
//     ~1e-11 mV, which at the slowest crossings here (slope > 0.01 mV/ms) is a time
//     error below 1e-6 ms: up to a nanosecond only in the rare worst case, 1e-3 ns
//     typically. The model's V is off by ~1e-13 mV (TestCondFreeEvolution).
//   - Spike count. The grid misses a crossing only if V rises above threshold and falls
//     back within one step: V_max - VTh < |V”| dt^2/8, ~1e-6 mV. On random trains this
//     does not happen, and the counts must agree exactly.
//   - Spike time. The reference brackets the crossing to 1e-13 ms and rounds up to the
//     tick; the model's crossing is at most rootTol = 0.01 ns late and is rounded up too:
//     the ticks differ by at most 1 ns. As in reference_test.go the reference shadows the
//     model (resets at the model's tick) so that every spike is compared with the exact
//     solution of the same history; an unshadowed run must give the same count.
type condRef struct {
	p Params
	c CondParams
}

func (m condRef) run(v0 float64, in []input, until sim.Time, shadow []sim.Time) (out []sim.Time, maxDiff sim.Time, err error) {
	p, c := m.p, m.c
	vInf := p.VInf()
	f := func(v, ge, gi float64) float64 { return ((vInf - v) + ge*(c.EE-v) + gi*(c.EI-v)) / p.TauM }
	// rk4 advances (v, ge, gi) by h ms; de and di are e^{-h/(2 tau)} and e^{-h/tau}.
	type decays struct{ e2, e1, i2, i1 float64 }
	dec := func(h float64) decays {
		return decays{math.Exp(-h / 2 / p.TauE), math.Exp(-h / p.TauE), math.Exp(-h / 2 / p.TauI), math.Exp(-h / p.TauI)}
	}
	rk4 := func(v, ge, gi, h float64, d decays) (float64, float64, float64) {
		geh, gih := ge*d.e2, gi*d.i2
		ge1, gi1 := ge*d.e1, gi*d.i1
		k1 := f(v, ge, gi)
		k2 := f(v+h/2*k1, geh, gih)
		k3 := f(v+h/2*k2, geh, gih)
		k4 := f(v+h*k3, ge1, gi1)
		return v + h/6*(k1+2*k2+2*k3+k4), ge1, gi1
	}
	dtMs := refDt.Ms()
	full := dec(dtMs)
	var (
		t         sim.Time
		v, ge, gi          = v0, 0.0, 0.0
		refEnd    sim.Time = -1
		k         int
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
		h := (T - t).Ms()
		ge, gi = ge*math.Exp(-h/p.TauE), gi*math.Exp(-h/p.TauI)
		t = T
		v = p.VReset
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
		d := full
		if stop-t != refDt {
			d = dec(h)
		}
		if t < refEnd {
			ge, gi = ge*d.e1, gi*d.i1
		} else {
			v1, ge1, gi1 := rk4(v, ge, gi, h, d)
			if v1 >= p.VTh {
				a, b := 0.0, h
				for b-a > 1e-13 {
					m := 0.5 * (a + b)
					if vm, _, _ := rk4(v, ge, gi, m, dec(m)); vm >= p.VTh {
						b = m
					} else {
						a = m
					}
				}
				if err := spikeAt(t + sim.CeilMs(b)); err != nil {
					return out, maxDiff, err
				}
				continue
			}
			v, ge, gi = v1, ge1, gi1
		}
		t = stop
		if t == refEnd {
			v = p.VReset
		}
		for ; k < len(in) && in[k].t == t; k++ {
			if in[k].rec == Excitatory {
				ge += in[k].w
			} else {
				gi += in[k].w
			}
		}
	}
	if shadow != nil && len(out) != len(shadow) {
		return out, maxDiff, fmt.Errorf("model has %d spikes, reference %d", len(shadow), len(out))
	}
	return out, maxDiff, nil
}

// TestLIFCondAgainstFineGrid runs one neuron on random Poisson trains of excitatory and
// inhibitory conductance steps with COBA-like, Song-Abbott-like and random parameters
// through a sim.Engine and compares its spikes with condRef's (see the top of the file).
func TestLIFCondAgainstFineGrid(t *testing.T) {
	type setup struct {
		name   string
		p      Params
		c      CondParams
		trains int
		// Poisson rates (1/ms) and mean weights of the excitatory and inhibitory inputs;
		// each weight is drawn uniformly from [0.5, 1.5] times the mean, or from [0, 2]
		// times it when uniform is set (Song et al.'s uniform weights).
		rateE, wE, rateI, wI float64
		uniform              bool
	}
	until := 1 * sim.Second
	trains := 6
	if testing.Short() {
		trains = 2
	}
	setups := []setup{
		// COBA (Brette et al. 2007): 0.6 and 6.7 steps; 0.5 kHz of excitation against
		// 20-30 Hz of inhibition puts the mean equilibrium near threshold.
		{"coba", Params{TauM: 20, EL: -60, VTh: -50, VReset: -60, TRef: 5 * sim.Millisecond, TauE: 5, TauI: 10},
			CondParams{EE: 0, EI: -80}, trains, 0.5, 0.6, 0.025, 6.7, false},
		// Song, Miller & Abbott 2000: 1000 excitatory inputs at 15 Hz with weights up to
		// 0.015, 200 inhibitory at 10 Hz with 0.05; no refractory period.
		{"song", Params{TauM: 20, EL: -74, VTh: -54, VReset: -60, TauE: 5, TauI: 5},
			CondParams{EE: 0, EI: -70}, trains, 15, 0.0075, 2, 0.05, true},
		{"song10", Params{TauM: 10, EL: -70, VTh: -54, VReset: -60, TauE: 5, TauI: 5},
			CondParams{EE: 0, EI: -70}, trains, 15, 0.0075, 2, 0.05, true},
	}
	r := rand.New(rand.NewPCG(21, 22))
	for n := range trains {
		// Random parameters, with tau_e = tau_m in one of them, a reset below EI in
		// another, and in a third EE below threshold (shunting excitation; the bias fires
		// the neuron).
		p := Params{TauM: 10 + 20*r.Float64(), EL: -70 + 10*r.Float64(), VTh: -50, TRef: sim.FromMs(3 * r.Float64()),
			Bias: 5 * r.Float64(), TauE: 1 + 6*r.Float64(), TauI: 3 + 10*r.Float64()}
		c := CondParams{EE: 10 * r.Float64(), EI: -85 + 15*r.Float64()}
		p.VReset = p.EL - 5 + 10*r.Float64()
		switch n {
		case 0:
			p.TauE = p.TauM
		case 1:
			p.VReset = c.EI - 5
		}
		su := setup{fmt.Sprintf("random%d", n), p, c, 1,
			0.5 + 2*r.Float64(), 0.3 + 0.5*r.Float64(), 0.05 + 0.1*r.Float64(), 1 + 3*r.Float64(), false}
		if n == 2 {
			su.c.EE, su.p.Bias, su.rateE, su.rateI = p.VTh-3, 40, 0.2, 0.02
		}
		setups = append(setups, su)
	}
	for _, su := range setups {
		t.Run(su.name, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(23, uint64(len(su.name))))
			var maxShadow, maxFree sim.Time
			total, inputs, fewest := 0, 0, math.MaxInt
			for n := range su.trains {
				in := randomCondTrain(r, until, su.rateE, su.wE, su.rateI, su.wI, su.uniform)
				v0 := su.p.EL + 10*r.Float64()
				pop, err := NewLIFCond(su.p, su.c, []float64{v0})
				if err != nil {
					t.Fatal(err)
				}
				got := runInputs(pop, in, until)
				ref := condRef{su.p, su.c}
				_, d, err := ref.run(v0, in, until, got)
				if err != nil {
					t.Errorf("train %d: %v", n, err)
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
			}
			t.Logf("%d trains, %d inputs, %d spikes (at least %d per train); max |difference| %d ns shadowed, %d ns independent",
				su.trains, inputs, total, fewest, maxShadow, maxFree)
			if fewest < 3 {
				t.Errorf("weak coverage: %d spikes in the quietest train", fewest)
			}
		})
	}
}

// randomCondTrain draws Poisson trains of excitatory and inhibitory conductance steps.
func randomCondTrain(r *rand.Rand, until sim.Time, rateE, wE, rateI, wI float64, uniform bool) []input {
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
			w := c.w * (0.5 + r.Float64())
			if uniform {
				w = c.w * 2 * r.Float64()
			}
			in = append(in, input{t: T, w: w, rec: c.rec})
		}
	}
	slices.SortStableFunc(in, func(a, b input) int { return cmp.Compare(a.t, b.t) })
	return in
}
