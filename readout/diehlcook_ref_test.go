package readout

import (
	"math"
	"testing"

	"snn/sim"
)

// dcRef is an independent, clock-driven reference of one presentation of the Diehl & Cook
// network: every neuron steps together by RK4 with substeps of at most 1 us (V from its
// equation, the conductances from their exponentials), inputs at their exact times, a
// crossing located by bisection on the substep in which some neuron first reaches its
// threshold (to 1e-7 ms), traces kept as times of the last spikes. It shares no code
// with the kernel beyond the parameters.
type dcRef struct {
	p            DCParams
	ev, ie, ii   []float64 // exc V, ge, gi
	iv, ige, igi []float64 // inh
	eRef, iRef   []float64 // refractory until (ms)
	theta        []float64
	w            []float64
	lastPre      []float64 // ms, -Inf before any
	lastPost     []float64
	preTimes     [][]float64 // every input spike, for the paper's summed trace
	spikes       []DCSpike
}

func newDCRef(d *DiehlCook) *dcRef {
	n, m := len(d.e), d.p.Inputs
	r := &dcRef{p: d.p, ev: make([]float64, n), ie: make([]float64, n), ii: make([]float64, n),
		iv: make([]float64, n), ige: make([]float64, n), igi: make([]float64, n),
		eRef: make([]float64, n), iRef: make([]float64, n), theta: make([]float64, n),
		w: append([]float64(nil), d.w...), lastPre: make([]float64, m), lastPost: make([]float64, n),
		preTimes: make([][]float64, m)}
	for j := range n {
		r.ev[j], r.iv[j] = d.e[j].v, d.i[j].v
		r.theta[j] = d.e[j].theta
		r.eRef[j], r.iRef[j] = math.Inf(-1), math.Inf(-1)
		r.lastPost[j] = math.Inf(-1)
	}
	for i := range m {
		r.lastPre[i] = math.Inf(-1)
	}
	return r
}

// deriv returns dV/dt of a neuron.
func dcDeriv(tauM, vInf, eE, eI, v, ge, gi float64) float64 {
	return ((vInf - v) + ge*(eE-v) + gi*(eI-v)) / tauM
}

// stepAll advances every neuron by h ms (h <= 1 us) from time t, returning the new states
// without storing them.
func (r *dcRef) stepAll(t, h float64) (ev, ie, ii, iv, ige, igi []float64) {
	n := len(r.ev)
	ev, ie, ii = make([]float64, n), make([]float64, n), make([]float64, n)
	iv, ige, igi = make([]float64, n), make([]float64, n), make([]float64, n)
	pe, pi := r.p.Exc, r.p.Inh
	step := func(tauM, vInf, eE, eI, tE, tI, v, ge, gi float64, frozen bool) (float64, float64, float64) {
		e2, e1 := math.Exp(-h/2/tE), math.Exp(-h/tE)
		i2, i1 := math.Exp(-h/2/tI), math.Exp(-h/tI)
		if !frozen {
			k1 := dcDeriv(tauM, vInf, eE, eI, v, ge, gi)
			k2 := dcDeriv(tauM, vInf, eE, eI, v+h/2*k1, ge*e2, gi*i2)
			k3 := dcDeriv(tauM, vInf, eE, eI, v+h/2*k2, ge*e2, gi*i2)
			k4 := dcDeriv(tauM, vInf, eE, eI, v+h*k3, ge*e1, gi*i1)
			v += h / 6 * (k1 + 2*k2 + 2*k3 + k4)
		}
		return v, ge * e1, gi * i1
	}
	for j := range n {
		// A refractory period ends on a substep boundary (stepTo splits there).
		ev[j], ie[j], ii[j] = step(pe.TauM, pe.EL, r.p.ExcRev.EE, r.p.ExcRev.EI, pe.TauE, pe.TauI, r.ev[j], r.ie[j], r.ii[j], t < r.eRef[j])
		iv[j], ige[j], igi[j] = step(pi.TauM, pi.EL, r.p.InhRev.EE, r.p.InhRev.EI, pi.TauE, pi.TauI, r.iv[j], r.ige[j], r.igi[j], t < r.iRef[j])
	}
	return
}

// firstCross returns which neuron (exc: j, inh: n+j) first reaches threshold in the
// states, or -1.
func (r *dcRef) crossed(ev, iv []float64, t float64) int {
	n := len(r.ev)
	for j := range n {
		if t >= r.eRef[j] && ev[j] >= r.p.Exc.VTh-r.p.ThetaOffset+r.theta[j] {
			return j
		}
	}
	for j := range n {
		if t >= r.iRef[j] && iv[j] >= r.p.Inh.VTh {
			return n + j
		}
	}
	return -1
}

// run integrates from t to end (ms), firing at crossings; returns at end.
func (r *dcRef) run(t, end, t0 float64, learn bool) {
	n := len(r.ev)
	for t < end {
		h := math.Min(1e-3, end-t)
		// Split at a refractory period's end.
		for j := range n {
			if r.eRef[j] > t && r.eRef[j] < t+h {
				h = r.eRef[j] - t
			}
			if r.iRef[j] > t && r.iRef[j] < t+h {
				h = r.iRef[j] - t
			}
		}
		ev, ie, ii, iv, ige, igi := r.stepAll(t, h)
		if r.crossed(ev, iv, t+h) < 0 {
			r.ev, r.ie, r.ii, r.iv, r.ige, r.igi = ev, ie, ii, iv, ige, igi
			t += h
			continue
		}
		lo, hi := 0.0, h
		for hi-lo > 1e-8 {
			m := (lo + hi) / 2
			ev, _, _, iv, _, _ := r.stepAll(t, m)
			if r.crossed(ev, iv, t+m) >= 0 {
				hi = m
			} else {
				lo = m
			}
		}
		// The spike is at the first tick (1 ns) at or after the crossing, as in the
		// simulator: the neuron that crossed first fires there.
		ev, _, _, iv, _, _ = r.stepAll(t, hi)
		k := r.crossed(ev, iv, t+hi)
		tf := math.Ceil((t+hi)*1e6-1e-4) / 1e6
		ev, ie, ii, iv, ige, igi = r.stepAll(t, tf-t)
		r.ev, r.ie, r.ii, r.iv, r.ige, r.igi = ev, ie, ii, iv, ige, igi
		t = tf
		r.fire(k, t, t0, learn)
	}
}

func (r *dcRef) fire(k int, t, t0 float64, learn bool) {
	n := len(r.ev)
	if k >= n {
		j := k - n
		r.iv[j], r.iRef[j] = r.p.Inh.VReset, t+r.p.Inh.TRef.Ms()
		for m := range n {
			if m != j {
				r.ii[m] += r.p.WInhExc
			}
		}
		return
	}
	r.ev[k], r.eRef[k] = r.p.Exc.VReset, t+r.p.Exc.TRef.Ms()
	r.spikes = append(r.spikes, DCSpike{T: sim.FromMs(t - t0), Neuron: int32(k)})
	if learn {
		r.theta[k] += r.p.ThetaPlus
		post2 := math.Exp(-(t - r.lastPost[k]) / r.p.TauPost2)
		for i := range r.lastPre {
			w := &r.w[i*n+k]
			if r.p.Rule == DCPaperRule {
				// the paper's equation 3, its trace summed over every input spike
				x := 0.0
				for _, tp := range r.preTimes[i] {
					x += math.Exp(-(t - tp) / r.p.TauPre)
				}
				*w = math.Min(r.p.WMax, math.Max(0, *w+r.p.NuPost*(x-r.p.XTar)*math.Pow(math.Max(0, r.p.WMax-*w), r.p.Mu)))
				continue
			}
			x := math.Exp(-(t - r.lastPre[i]) / r.p.TauPre)
			*w = math.Min(r.p.WMax, math.Max(0, *w+r.p.NuPost*x*post2))
		}
		r.lastPost[k] = t
	}
	r.ige[k] += r.p.WExcInh
}

// presentation runs the inputs (times in ticks) from t0 to end.
func (r *dcRef) presentation(in []dcInput, t0, end sim.Time, learn bool) {
	r.spikes = r.spikes[:0]
	n := len(r.ev)
	t := t0.Ms()
	for _, x := range in {
		r.run(t, x.t.Ms(), t0.Ms(), learn)
		t = x.t.Ms()
		row := r.w[int(x.in)*n : int(x.in+1)*n]
		for j := range row {
			r.ie[j] += row[j]
			if learn && r.p.Rule == DCCodeRule {
				row[j] = math.Min(r.p.WMax, math.Max(0, row[j]-r.p.NuPre*math.Exp(-(t-r.lastPost[j])/r.p.TauPost1)))
			}
		}
		if learn {
			r.lastPre[x.in] = t
			r.preTimes[x.in] = append(r.preTimes[x.in], t)
		}
	}
	r.run(t, end.Ms(), t0.Ms(), learn)
	// theta decays while learning, held within a presentation and decayed at its end
	// over all of it (the kernel's documented scheme).
	if learn {
		for j := range r.theta {
			r.theta[j] *= math.Exp(-(end - t0).Ms() / r.p.TauTheta)
		}
	}
}

// TestDiehlCookReference runs four presentations of a small network (16 inputs, 5
// neurons, strong weights so that everything fires, with learning) through the kernel
// and through dcRef, and compares the spikes (same neurons in the same order, times
// within one tick: both fire at the first tick at or after the crossing, which the
// reference locates to 0.01 ns with an RK4 error of ~1e-12 mV, so only a crossing within
// about that of a tick may round differently), the weights to 1e-8 (a pairing 1 ns apart
// differs by nu/tau 1 ns, 2.5e-9 here) and the potentials to 1e-4 mV at the end of each
// (a spike 1 ns apart inhibits 1 ns apart: gi 17 pulling at up to 40 mV over tau_m
// moves V by ~1e-5 mV).
func TestDiehlCookReference(t *testing.T) {
	for _, rule := range []DCRule{DCCodeRule, DCPaperRule} {
		t.Run(rule.String(), func(t *testing.T) { testDCReference(t, rule) })
	}
}

func testDCReference(t *testing.T, rule DCRule) {
	p := DefaultDC(5)
	p.Rule = rule
	p.Inputs = 16
	p.WInit, p.WMax, p.NuPost, p.NuPre = 2, 3, 0.05, 0.01
	p.Present, p.Rest = 80*sim.Millisecond, 20*sim.Millisecond
	p.Rate = 200
	p.Workers = 1
	d, err := NewDiehlCook(p)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ref := newDCRef(d)
	img := make([]float64, p.Inputs)
	total := 0
	for pres := range 4 {
		for i := range img {
			img[i] = float64((i*7+pres*3)%16) / 15
			d.rates[i] = img[i] * p.Rate * p.Intensity
		}
		t0 := d.now
		d.present(true)
		// The kernel's traces and thresholds count from the previous presentation's
		// start; the reference's from the spikes themselves.
		ref.presentation(d.in, t0, d.now, true)
		got, want := d.spikes, ref.spikes
		if len(got) != len(want) {
			t.Fatalf("presentation %d: %d spikes, reference %d\nkernel %v\nreference %v", pres, len(got), len(want), got, want)
		}
		for k := range got {
			if got[k].Neuron != want[k].Neuron || math.Abs((got[k].T-want[k].T).Ms()) > 1e-6 {
				t.Fatalf("presentation %d spike %d: neuron %d at %v, reference neuron %d at %v", pres, k, got[k].Neuron, got[k].T, want[k].Neuron, want[k].T)
			}
		}
		total += len(got)
		for k := range d.w {
			if math.Abs(d.w[k]-ref.w[k]) > 1e-8 {
				t.Fatalf("presentation %d: weight %d is %v, reference %v", pres, k, d.w[k], ref.w[k])
			}
		}
		for j := range d.e {
			if math.Abs(d.e[j].v-ref.ev[j]) > 1e-4 || math.Abs(d.i[j].v-ref.iv[j]) > 1e-4 {
				t.Fatalf("presentation %d neuron %d: V %v / %v, reference %v / %v", pres, j, d.e[j].v, d.i[j].v, ref.ev[j], ref.iv[j])
			}
			if math.Abs(d.e[j].theta-ref.theta[j]) > 1e-12 {
				t.Fatalf("theta %v, reference %v", d.e[j].theta, ref.theta[j])
			}
		}
	}
	// Several spikes per neuron and presentation, so that thresholds adapt, traces
	// interact and inhibition acts.
	if total < 30 {
		t.Errorf("only %d spikes in four presentations: the test no longer exercises the network", total)
	}
}
