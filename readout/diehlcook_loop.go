package readout

import (
	"math"

	"snn/neuron"
	"snn/sim"
)

// present runs one presentation of the rates in d.rates from d.now: Present with input,
// then Rest without. Every neuron is advanced to every event that reaches it, exactly
// (neuron.CondCell), so that at the end all states are at the presentation's end.
func (d *DiehlCook) present(learn bool) {
	t0 := d.now
	d.rebase(t0)
	d.draw(t0)
	d.spikes = d.spikes[:0]
	clear(d.counts)
	end := t0 + d.p.Present + d.p.Rest
	k := 0
	next := func() sim.Time {
		if k < len(d.in) {
			return d.in[k].t
		}
		return end
	}
	h := next()
	for j := range d.e {
		d.keyExc(&d.e[j], h)
		d.keyInh(&d.i[j])
	}
	for {
		tIn := next()
		je, te := minKey(d.e)
		ji, ti := minKey(d.i)
		t := min(tIn, te, ti)
		if t >= end {
			break
		}
		switch {
		case te == t:
			d.excEvent(je, t, learn, tIn)
		case ti == t:
			d.inhEvent(ji, t, tIn)
		default:
			k++
			d.input(k-1, learn, next())
		}
	}
	for j := range d.e {
		d.e[j].advance(d.exc, end)
		d.i[j].advance(d.inh, end)
	}
	if learn {
		// theta decays while the network learns (it is fixed in the paper's test mode),
		// held within a presentation and decayed at its end over all of it.
		ft := math.Exp(-(end - t0).Ms() / d.p.TauTheta)
		for j := range d.e {
			d.e[j].theta *= ft
		}
	}
	d.now = end
	d.Presentations++
	d.InputSpikes += int64(len(d.in))
}

// minKey returns the neuron with the earliest key (the lowest index among equals).
func minKey(cs []dcCell) (int, sim.Time) {
	jm, km := -1, dcNever
	for j := range cs {
		if cs[j].key < km {
			jm, km = j, cs[j].key
		}
	}
	return jm, km
}

// keyExc sets an excitatory neuron's key: its refractory period's end, or its first
// crossing before h (the next input, when every neuron is looked at again), or never.
func (d *DiehlCook) keyExc(c *dcCell, h sim.Time) {
	if c.wake {
		c.key = c.refEnd
		return
	}
	c.key = dcNever
	if s, ok := d.exc.Crossing(c.v, c.ge, c.gi, d.p.Exc.VTh-d.p.ThetaOffset+c.theta, (h - c.t).Ms()); ok {
		c.key = c.t + sim.CeilMs(s)
	}
}

// keyInh sets an inhibitory neuron's key: its refractory period's end or its next
// crossing, however far (its only input, its partner's spikes, sets the key again).
func (d *DiehlCook) keyInh(c *dcCell) {
	if c.wake {
		c.key = c.refEnd
		return
	}
	c.key = dcNever
	if s, ok := d.inh.NextCrossing(c.v, c.ge, c.gi, d.p.Inh.VTh); ok {
		c.key = c.t + sim.CeilMs(s)
	}
}

// advance brings a neuron to t with its kind's propagator: while refractory only its
// conductances decay (V is held at VReset).
func (c *dcCell) advance(cell *neuron.CondCell, t sim.Time) {
	if c.wake {
		fe, fi := cell.Decay(t - c.t)
		c.ge *= fe
		c.gi *= fi
	} else {
		c.v, c.ge, c.gi = cell.Advance(c.v, c.ge, c.gi, t-c.t)
	}
	c.t = t
}

// input delivers input spike k to every excitatory neuron and, with learn, depresses the
// weights by the post trace under the code's rule (nearest spike: the trace is 1 at a
// post spike) and records the spike in the input's pre trace; h is the next input's time. The neurons are shared among the
// team's workers.
func (d *DiehlCook) input(k int, learn bool, h sim.Time) {
	t, in := d.in[k].t, int(d.in[k].in)
	// Only the code's rule depresses at input spikes.
	depress := learn && d.p.Rule == DCCodeRule
	d.job = dcJob{kind: jobInput, t: t, in: in, depress: depress, h: h, skip: -1}
	if depress {
		d.job.dep = d.p.NuPre * math.Exp(-(t-d.t0).Ms()/d.p.TauPost1)
	}
	d.run()
	if learn {
		d.setPre(in, math.Exp((t-d.t0).Ms()/d.p.TauPre))
	}
}

// inputRange is input for neurons lo..hi-1, with the worker's propagator.
func (d *DiehlCook) inputRange(cell *neuron.CondCell, lo, hi int) {
	j := &d.job
	t := j.t
	row := d.row(j.in)
	vth := d.p.Exc.VTh - d.p.ThetaOffset
	span := (j.h - t).Ms()
	dep, wmax := j.dep, d.p.WMax
	for k := lo; k < hi; k++ {
		c := &d.e[k]
		w := row[k]
		c.advance(cell, t)
		c.ge += w
		if !c.wake {
			c.key = dcNever
			if s, ok := cell.Crossing(c.v, c.ge, c.gi, vth+c.theta, span); ok {
				c.key = t + sim.CeilMs(s)
			}
		}
		if j.depress {
			row[k] = min(wmax, max(0, w-dep*c.p1))
		}
	}
}

// inhibitRange applies an inhibitory spike at job.t to excitatory neurons lo..hi-1 but
// job.skip, its partner.
func (d *DiehlCook) inhibitRange(cell *neuron.CondCell, lo, hi int) {
	j := &d.job
	t := j.t
	span := (j.h - t).Ms()
	for k := lo; k < hi; k++ {
		if k == j.skip {
			continue
		}
		c := &d.e[k]
		c.advance(cell, t)
		c.gi += d.p.WInhExc
		if c.wake {
			continue
		}
		c.key = dcNever
		if s, ok := cell.Crossing(c.v, c.ge, c.gi, d.p.Exc.VTh-d.p.ThetaOffset+c.theta, span); ok {
			c.key = t + sim.CeilMs(s)
		}
	}
}

// excEvent handles excitatory neuron j's key at t: the end of its refractory period, or
// a spike (threshold adaptation, potentiation of its input weights by the pre traces and
// the second post trace before the spike, its inhibitory partner excited).
func (d *DiehlCook) excEvent(j int, t sim.Time, learn bool, h sim.Time) {
	c := &d.e[j]
	if c.wake {
		c.advance(d.exc, t)
		c.wake = false
		c.v = d.p.Exc.VReset
		d.keyExc(c, h)
		return
	}
	c.advance(d.exc, t)
	c.v = d.p.Exc.VReset
	c.refEnd, c.wake, c.key = t+d.p.Exc.TRef, true, t+d.p.Exc.TRef
	d.counts[j]++
	d.spikes = append(d.spikes, DCSpike{T: t - d.t0, Neuron: int32(j)})
	d.OutputSpikes++
	if learn {
		c.theta += d.p.ThetaPlus
		d.potentiate(j, (t - d.t0).Ms())
	}
	ic := &d.i[j]
	ic.advance(d.inh, t)
	ic.ge += d.p.WExcInh
	d.keyInh(ic)
}

// inhEvent handles inhibitory neuron j's key at t: the end of its refractory period, or
// a spike that inhibits every excitatory neuron but its partner.
func (d *DiehlCook) inhEvent(j int, t sim.Time, h sim.Time) {
	c := &d.i[j]
	c.advance(d.inh, t)
	if c.wake {
		c.wake = false
		c.v = d.p.Inh.VReset
		d.keyInh(c)
		return
	}
	c.v = d.p.Inh.VReset
	c.refEnd, c.wake, c.key = t+d.p.Inh.TRef, true, t+d.p.Inh.TRef
	d.job = dcJob{kind: jobInhibit, t: t, h: h, skip: j}
	d.run()
}
