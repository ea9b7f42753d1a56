package readout

import (
	"math"
	"testing"

	"snn/sim"
)

// dcClockRef is an independent, plainly written reference of the clock-driven kernel's
// documented scheme (Brian's order within a step, forward Euler, input delays, STDP at
// the synapse): dense arrays, a list of pending arrivals, and spike histories searched
// from the start instead of rings and scaled traces. It replays the input spikes the
// kernel drew.
type dcClockRef struct {
	p                   DCParams
	ev, ege, egi, theta []float64
	iv, ige, igi        []float64
	eRef, iRef          []int64 // last refractory step (inclusive)
	w                   []float64
	delay               []int // per synapse, in steps
	pending             map[int64][]dcArrival
	preHist             [][]int64 // emission steps of each input
	postHist            [][]int64 // spike steps of each excitatory neuron
	spikes              []DCSpike
}

type dcArrival struct {
	j int
	w float64
}

func newDCClockRef(d *DiehlCook) *dcClockRef {
	n, m := len(d.e), d.p.Inputs
	r := &dcClockRef{p: d.p, ev: make([]float64, n), ege: make([]float64, n), egi: make([]float64, n),
		theta: make([]float64, n), iv: make([]float64, n), ige: make([]float64, n), igi: make([]float64, n),
		eRef: make([]int64, n), iRef: make([]int64, n), w: append([]float64(nil), d.w...),
		delay: make([]int, m*n), pending: map[int64][]dcArrival{},
		preHist: make([][]int64, m), postHist: make([][]int64, n)}
	for j := range n {
		r.ev[j], r.iv[j], r.theta[j] = d.e[j].v, d.i[j].v, d.e[j].theta
		r.eRef[j], r.iRef[j] = math.MinInt64/2, math.MinInt64/2
	}
	if d.dl != nil {
		for k, dd := range d.dl.d {
			r.delay[k] = int(dd)
		}
	}
	return r
}

// present replays one presentation starting at absolute step s0 with the given input
// spikes (times absolute).
func (r *dcClockRef) present(in []dcInput, s0 int64, learn bool) {
	p := r.p
	n := len(r.ev)
	h := p.Dt.Ms()
	steps := int64((p.Present + p.Rest) / p.Dt)
	m := int64(p.MaxDelay / p.Dt)
	emitted := map[int64][]int{} // step -> inputs
	for _, sp := range in {
		q := int64(sp.t / p.Dt)
		emitted[q] = append(emitted[q], int(sp.in))
	}
	r.spikes = r.spikes[:0]
	trace := func(hist []int64, upTo int64, strict bool, tau float64, at int64) float64 {
		for k := len(hist) - 1; k >= 0; k-- {
			if hist[k] < upTo || !strict && hist[k] == upTo {
				return math.Exp(-float64(at-hist[k]) * h / tau)
			}
		}
		return 0
	}
	for q := s0; q < s0+steps; q++ {
		var se, si []int
		for j := 0; j < n; j++ {
			v := r.ev[j]
			r.ev[j] = v + h/p.Exc.TauM*((p.Exc.EL-v)+r.ege[j]*(p.ExcRev.EE-v)+r.egi[j]*(p.ExcRev.EI-v))
			r.ege[j] *= 1 - h/p.Exc.TauE
			r.egi[j] *= 1 - h/p.Exc.TauI
			if r.ev[j] > p.Exc.VTh-p.ThetaOffset+r.theta[j] && q > r.eRef[j] {
				se = append(se, j)
			}
		}
		for j := 0; j < n; j++ {
			v := r.iv[j]
			r.iv[j] = v + h/p.Inh.TauM*((p.Inh.EL-v)+r.ige[j]*(p.InhRev.EE-v)+r.igi[j]*(p.InhRev.EI-v))
			r.ige[j] *= 1 - h/p.Inh.TauE
			r.igi[j] *= 1 - h/p.Inh.TauI
			if r.iv[j] > p.Inh.VTh && q > r.iRef[j] {
				si = append(si, j)
			}
		}
		for _, i := range emitted[q] {
			for j := 0; j < n; j++ {
				a := q + int64(r.delay[i*n+j])
				r.pending[a] = append(r.pending[a], dcArrival{j, r.w[i*n+j]})
			}
			r.preHist[i] = append(r.preHist[i], q)
		}
		for _, a := range r.pending[q] {
			r.ege[a.j] += a.w
		}
		delete(r.pending, q)
		for _, j := range se {
			r.ige[j] += p.WExcInh
		}
		for _, j := range si {
			for k := 0; k < n; k++ {
				if k != j {
					r.egi[k] += p.WInhExc
				}
			}
		}
		if learn && p.Rule == DCCodeRule {
			// depression of the spikes emitted m-1 steps ago, by the post trace at their
			// arrival before that step's post spikes
			e := q - max(m-1, 0)
			for _, i := range emitted[e] {
				for j := 0; j < n; j++ {
					a := e + int64(r.delay[i*n+j])
					post1 := trace(r.postHist[j], a, true, p.TauPost1, a)
					k := i*n + j
					r.w[k] = min(p.WMax, max(0, r.w[k]-p.NuPre*post1))
				}
			}
		}
		if learn {
			for _, j := range se {
				post2 := trace(r.postHist[j], q, true, p.TauPost2, q)
				for i := range r.preHist {
					b := q - int64(r.delay[i*n+j])
					k := i*n + j
					if p.Rule == DCPaperRule {
						x := 0.0
						for _, e := range r.preHist[i] {
							if e <= b {
								x += math.Exp(-float64(b-e) * h / p.TauPre)
							}
						}
						r.w[k] = min(p.WMax, max(0, r.w[k]+p.NuPost*(x-p.XTar)*math.Pow(max(0, p.WMax-r.w[k]), p.Mu)))
						continue
					}
					pre := trace(r.preHist[i], b, false, p.TauPre, b)
					r.w[k] = min(p.WMax, max(0, r.w[k]+p.NuPost*pre*post2))
				}
				r.postHist[j] = append(r.postHist[j], q)
			}
		}
		for _, j := range se {
			r.eRef[j] = q + int64(p.Exc.TRef/p.Dt)
			if learn {
				r.theta[j] += p.ThetaPlus
			}
			if q < s0+int64(p.Present/p.Dt) {
				r.spikes = append(r.spikes, DCSpike{T: sim.Time(q-s0) * p.Dt, Neuron: int32(j)})
			}
		}
		for _, j := range si {
			r.iRef[j] = q + int64(p.Inh.TRef/p.Dt)
		}
		for j := 0; j < n; j++ {
			if q <= r.eRef[j] {
				r.ev[j] = p.Exc.VReset
			}
			if q <= r.iRef[j] {
				r.iv[j] = p.Inh.VReset
			}
		}
	}
	if learn {
		f := math.Exp(-float64(steps) * h / p.TauTheta)
		for j := range r.theta {
			r.theta[j] *= f
		}
	}
}

// TestDiehlCookClock checks the clock-driven kernel against the plain reference over
// learning presentations, with and without input delays: the same spikes at the same
// steps, and weights, potentials and thresholds equal up to the rounding of sums taken in
// another order (the kernel keeps traces as scaled exponentials: 1e-12 relative).
func TestDiehlCookClock(t *testing.T) {
	dir, err := MNISTDir()
	if err != nil {
		t.Skip(err)
	}
	train, _, err := LoadMNISTN(dir, 6, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		delay sim.Time
		rule  DCRule
	}{{0, DCCodeRule}, {10 * sim.Millisecond, DCCodeRule}, {0, DCPaperRule}, {10 * sim.Millisecond, DCPaperRule}} {
		delay := c.delay
		p := DefaultDC(12)
		p.Rule = c.rule
		p.Dt = 500 * sim.Microsecond
		p.MaxDelay = delay
		p.MinSpikes = 0 // one presentation per call, so the reference replays each
		p.Intensity = 4 // spikes enough to learn from in six presentations
		p.Seed = 7
		d, err := NewDiehlCook(p)
		if err != nil {
			t.Fatal(err)
		}
		ref := newDCClockRef(d)
		total := 0
		for img := range 6 {
			d.normalise()
			copy(ref.w, d.w)
			s0 := int64(d.now / p.Dt)
			r, err := d.Present(train.Row(img), true)
			if err != nil {
				t.Fatal(err)
			}
			ref.present(d.in, s0, true)
			if len(r.Spikes) != len(ref.spikes) {
				t.Fatalf("delay %v, image %d: kernel %d spikes, reference %d", delay, img, len(r.Spikes), len(ref.spikes))
			}
			for k, s := range r.Spikes {
				if s != ref.spikes[k] {
					t.Fatalf("delay %v, image %d, spike %d: kernel %+v, reference %+v", delay, img, k, s, ref.spikes[k])
				}
			}
			total += len(r.Spikes)
			for k, w := range d.w {
				if math.Abs(w-ref.w[k]) > 1e-12*max(1, math.Abs(w)) {
					t.Fatalf("delay %v, image %d: weight %d kernel %.15g, reference %.15g", delay, img, k, w, ref.w[k])
				}
			}
			for j := range d.e {
				if math.Abs(d.e[j].v-ref.ev[j]) > 1e-9 || math.Abs(d.i[j].v-ref.iv[j]) > 1e-9 || math.Abs(d.e[j].theta-ref.theta[j]) > 1e-12 {
					t.Fatalf("delay %v, image %d, neuron %d: V %v/%v inh V %v/%v theta %v/%v (kernel/reference)", delay, img, j,
						d.e[j].v, ref.ev[j], d.i[j].v, ref.iv[j], d.e[j].theta, ref.theta[j])
				}
			}
		}
		d.Close()
		// The comparison must have something to compare: spikes that learn.
		if total < 20 {
			t.Fatalf("delay %v: only %d spikes in six presentations", delay, total)
		}
		t.Logf("delay %v, %v rule: %d spikes in six presentations, identical", delay, c.rule, total)
	}
}
