package readout

import (
	"math"
	"slices"

	"snn/sim"
)

// The clock-driven mode (DCParams.Dt > 0) steps the network as the paper's published code
// did in Brian 1: forward Euler on a grid of Dt, input spikes drawn per step (and, with
// MaxDelay, delayed per synapse; see diehlcook_delay.go). Within one step, in Brian's
// order:
//
//  1. groups: every neuron's (V, ge, gi) takes one Euler step from its values at the
//     step's start; a neuron whose V is then above its threshold spikes, unless it is
//     refractory; each input spikes with probability rate*Dt;
//  2. connections: the input spikes add their weights (as they were before this step's
//     learning) to ge, excitatory spikes add WExcInh to their partner's ge, inhibitory
//     spikes add WInhExc to gi of every excitatory neuron but the partner; then learning,
//     the input spikes' depression and pre traces first, then the excitatory spikes'
//     potentiation and post traces;
//  3. resets: V of the step's spikers to VReset (and theta += ThetaPlus), and V of every
//     neuron within int(TRef/Dt)+1 steps of its spike, that step included, held there.
//
// The traces decay exactly on the grid (Brian integrated those linear equations exactly).
//
// One thing is not Brian 1's: its refractoriness only held V, and a held neuron whose
// Euler step crossed the threshold spiked all the same. An inhibitory neuron, held at
// -45 mV with its partner's ge of 10.4 halving every step, then fires two or three times
// per excitatory spike (V -28.8, -34.1, -39.9 mV after its first three steps), tripling
// the lateral inhibition; replicated, the network of 100 neurons ran away after about
// 2200 training images, when 18 neurons crossed within one millisecond and their
// inhibition (gi over 400, where Euler's step of V oscillates and grows) drove every
// neuron over its threshold at every step. Here a refractory neuron does not spike, as in
// Brian 2 (and the Brian 2 ports of the code).

// presentClock runs one presentation, Present with input then Rest without, in
// clock-driven steps of Dt from d.now.
func (d *DiehlCook) presentClock(learn bool) {
	p := &d.p
	t0 := d.now
	d.rebase(t0)
	d.drawClock(t0)
	d.spikes = d.spikes[:0]
	clear(d.counts)
	dt := p.Dt
	steps := int((p.Present + p.Rest) / dt)
	on := t0 + p.Present
	ex, ix := &d.euler[0], &d.euler[1]
	refE, refI := dt*sim.Time(int(p.Exc.TRef/dt)), dt*sim.Time(int(p.Inh.TRef/dt))
	vthE := p.Exc.VTh - p.ThetaOffset
	wmax := p.WMax
	k, kd := 0, 0
	s0 := int64(t0 / dt)
	for s := 0; s < steps; s++ {
		t := t0 + sim.Time(s)*dt
		q := s0 + int64(s)
		// 1. groups.
		d.se, d.si = d.se[:0], d.si[:0]
		for j := range d.e {
			c := &d.e[j]
			c.v, c.ge, c.gi = ex.step(c.v, c.ge, c.gi)
			if c.v > vthE+c.theta && t > c.refEnd {
				d.se = append(d.se, int32(j))
			}
		}
		for j := range d.i {
			c := &d.i[j]
			c.v, c.ge, c.gi = ix.step(c.v, c.ge, c.gi)
			if c.v > p.Inh.VTh && t > c.refEnd {
				d.si = append(d.si, int32(j))
			}
		}
		// 2. connections, then learning.
		first := k
		for ; k < len(d.in) && d.in[k].t == t; k++ {
		}
		if d.dl != nil {
			d.deliverDelayed(first, k, q)
		} else {
			for _, sp := range d.in[first:k] {
				for j, w := range d.row(int(sp.in)) {
					d.e[j].ge += w
				}
			}
		}
		for _, j := range d.se {
			d.i[j].ge += p.WExcInh
		}
		for _, j := range d.si {
			for m := range d.e {
				if m != int(j) {
					d.e[m].gi += p.WInhExc
				}
			}
		}
		if learn {
			sm := (t - t0).Ms()
			if d.dl != nil {
				if p.Rule == DCCodeRule {
					kd = d.depressDelayed(kd, q, t0)
				}
			} else if k > first {
				dep := p.NuPre * math.Exp(-sm/p.TauPost1)
				x := math.Exp(sm / p.TauPre)
				for _, sp := range d.in[first:k] {
					if p.Rule == DCCodeRule {
						row := d.row(int(sp.in))
						for j, w := range row {
							row[j] = min(wmax, max(0, w-dep*d.e[j].p1))
						}
					}
					d.setPre(int(sp.in), x)
				}
			}
			for _, j := range d.se {
				if d.dl != nil {
					d.potentiateDelayed(int(j), q, t0)
				} else {
					d.potentiate(int(j), sm)
				}
			}
		}
		// 3. resets and refractory clamps.
		for _, j := range d.se {
			c := &d.e[j]
			c.refEnd = t + refE
			if learn {
				c.theta += p.ThetaPlus
			}
			if t < on {
				d.counts[j]++
				d.spikes = append(d.spikes, DCSpike{T: t - t0, Neuron: j})
			}
			d.OutputSpikes++
		}
		for _, j := range d.si {
			d.i[j].refEnd = t + refI
		}
		for j := range d.e {
			if c := &d.e[j]; t <= c.refEnd {
				c.v = p.Exc.VReset
			}
			if c := &d.i[j]; t <= c.refEnd {
				c.v = p.Inh.VReset
			}
		}
	}
	end := t0 + sim.Time(steps)*dt
	for j := range d.e {
		d.e[j].t, d.i[j].t = end, end
	}
	if learn {
		ft := math.Exp(-(end - t0).Ms() / p.TauTheta)
		for j := range d.e {
			d.e[j].theta *= ft
		}
	}
	d.now = end
	d.Presentations++
	d.InputSpikes += int64(len(d.in))
}

// potentiate applies excitatory neuron j's spike at sm ms after the presentation's start
// to its input weights (the pre traces times the second post trace before the spike),
// then sets its post traces to 1.
func (d *DiehlCook) potentiate(j int, sm float64) {
	p := &d.p
	c := &d.e[j]
	n, wmax := len(d.e), p.WMax
	if p.Rule == DCPaperRule {
		f := math.Exp(-sm / p.TauPre)
		for in, x := range d.x {
			k := in*n + j
			d.w[k] = d.paperUpdate(d.w[k], x*f)
		}
	} else {
		post2 := c.p2 * math.Exp(-sm/p.TauPost2)
		a := p.NuPost * post2 * math.Exp(-sm/p.TauPre)
		for in, x := range d.x {
			k := in*n + j
			d.w[k] = min(wmax, max(0, d.w[k]+a*x))
		}
	}
	c.p1 = math.Exp(sm / p.TauPost1)
	c.p2 = math.Exp(sm / p.TauPost2)
}

// paperUpdate is DCPaperRule's change of weight w at a post spike with pre trace x,
// clipped to [0, WMax].
func (d *DiehlCook) paperUpdate(w, x float64) float64 {
	p := &d.p
	return min(p.WMax, max(0, w+p.NuPost*(x-p.XTar)*math.Pow(max(0, p.WMax-w), p.Mu)))
}

// setPre records input in's spike, x its scaled trace value e^{(t - T0)/tau_pre}: the
// code's rule sets the trace to it (nearest spike), the paper's adds it.
func (d *DiehlCook) setPre(in int, x float64) {
	if d.p.Rule == DCPaperRule {
		d.x[in] += x
	} else {
		d.x[in] = x
	}
}

// drawClock fills d.in with the presentation's input spikes on the grid: input in spikes
// at each of the steps in [t0, t0+Present) independently with probability rate*Dt, as
// Brian's PoissonGroup does, drawn as geometric gaps between spikes. Sorted by step,
// then input.
func (d *DiehlCook) drawClock(t0 sim.Time) {
	d.in = d.in[:0]
	dt := d.p.Dt
	steps := int64(d.p.Present / dt)
	for in, r := range d.rates {
		pr := r * dt.Seconds()
		if pr <= 0 {
			continue
		}
		if pr >= 1 {
			for s := int64(0); s < steps; s++ {
				d.in = append(d.in, dcInput{t0 + sim.Time(s)*dt, int32(in)})
			}
			continue
		}
		l := math.Log1p(-pr)
		for s := int64(-1); ; {
			// 1 - Float64() is in (0, 1]: a gap of g steps without a spike has
			// probability (1-pr)^g pr.
			g := math.Floor(math.Log(1-d.r.Float64()) / l)
			if g >= float64(steps-s) {
				break
			}
			s += 1 + int64(g)
			if s >= steps {
				break
			}
			d.in = append(d.in, dcInput{t0 + sim.Time(s)*dt, int32(in)})
		}
	}
	slices.SortFunc(d.in, dcInputOrder)
}

// dcEuler is one kind of neuron's forward Euler step of Dt:
// V += Dt/tau_m ((EL - V) + ge (EE - V) + gi (EI - V)), ge *= 1 - Dt/tau_e,
// gi *= 1 - Dt/tau_i, every right-hand side from the values at the step's start.
type dcEuler struct {
	k, el, ee, ei, fe, fi float64
}

func (e *dcEuler) step(v, ge, gi float64) (float64, float64, float64) {
	return v + e.k*((e.el-v)+ge*(e.ee-v)+gi*(e.ei-v)), ge * e.fe, gi * e.fi
}
