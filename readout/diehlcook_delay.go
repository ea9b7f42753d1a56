package readout

import (
	"math"

	"snn/sim"
)

// Input delays of the clock-driven mode (DCParams.MaxDelay > 0), as in the paper's code:
// the synapse from input i to neuron j has a delay of d_ij steps, uniform in
// 0..M-1 (M = MaxDelay/Dt: Brian 1's int(delay/dt) of a delay uniform in [0, MaxDelay)).
// A spike of input i at step e reaches neuron j at step e + d_ij with the weight it had
// at e. Learning follows Brian 1's STDP on a connection with delays, which pairs spikes
// at the synapse: the depression of an input spike uses neuron j's first post trace at
// the arrival e + d_ij (before any post spike of that step), and the potentiation of a
// post spike of j at step q uses input i's pre trace at q - d_ij (its last spike at or
// before that step). Brian runs the depression max_delay after the spike from recorded
// traces; so does this kernel, M-1 steps after the spike, from rings of recent spikes.
//
// Each ring keeps an input's or a neuron's last dcRing spikes (step and scaled trace
// value e^{(step*Dt - T0)/tau}, T0 the presentation's start); a spike at most M-1 < dcRing
// steps in the past is looked up, and there is at most one spike per step, so the ring
// always holds the spike sought or shows there was none in reach.

const dcRing = 32

// dcMark is a spike in a ring: its step and its scaled trace value.
type dcMark struct {
	s int64
	v float64
}

// dcDelays is the clock-driven kernel's delay state.
type dcDelays struct {
	m      int       // delays are 0..m-1 steps
	d      []uint8   // d[in*N + j]
	buf    []float64 // buf[slot*N + j]: input arriving at neuron j at the slot's step
	em     []dcMark  // em[in*dcRing + r]: input in's recent spikes
	emN    []uint64  // spikes of each input so far
	post   []dcMark  // post[j*dcRing + r]: neuron j's recent spikes (scaled by tau_post1)
	postN  []uint64
	f      []float64 // per-delay factors, scratch
	pv     []float64 // per neuron: its last spike's scaled trace, scratch
	recent []int32   // neurons that spiked within the delays' reach, scratch
}

func newDCDelays(p *DCParams) *dcDelays {
	m := int(p.MaxDelay / p.Dt)
	n := p.Neurons
	dl := &dcDelays{m: m, d: make([]uint8, p.Inputs*n), buf: make([]float64, m*n),
		em: make([]dcMark, p.Inputs*dcRing), emN: make([]uint64, p.Inputs),
		post: make([]dcMark, n*dcRing), postN: make([]uint64, n), f: make([]float64, m),
		pv: make([]float64, n)}
	r := sim.Stream(p.Seed, "dc/delay")
	for k := range dl.d {
		dl.d[k] = uint8(min(m-1, int(r.Float64()*float64(m))))
	}
	return dl
}

// bytes is the size of the rings, their counts and the delays: what learning keeps
// (TraceBytes) and what a saved state holds beyond the exact kernel's.
func (dl *dcDelays) bytes() int {
	return 16*(len(dl.em)+len(dl.post)) + 8*(len(dl.emN)+len(dl.postN)) + len(dl.d)
}

// deliverDelayed schedules the input spikes d.in[first:last], all at absolute step q,
// records them in their rings, and delivers what arrives at q.
func (d *DiehlCook) deliverDelayed(first, last int, q int64) {
	dl, n, m := d.dl, len(d.e), d.dl.m
	slot := int(q % int64(m))
	t0ms := d.t0.Ms()
	h := d.p.Dt.Ms()
	x := math.Exp((float64(q)*h - t0ms) / d.p.TauPre)
	for _, sp := range d.in[first:last] {
		in := int(sp.in)
		row := d.row(in)
		drow := dl.d[in*n : (in+1)*n : (in+1)*n]
		for j, w := range row {
			s := slot + int(drow[j])
			if s >= m {
				s -= m
			}
			dl.buf[s*n+j] += w
		}
		v := x
		if d.p.Rule == DCPaperRule && dl.emN[in] > 0 {
			// the paper's trace adds up: a mark holds the sum of all spikes so far
			v += dl.em[in*dcRing+int((dl.emN[in]-1)%dcRing)].v
		}
		dl.em[in*dcRing+int(dl.emN[in]%dcRing)] = dcMark{q, v}
		dl.emN[in]++
	}
	cur := dl.buf[slot*n : (slot+1)*n : (slot+1)*n]
	for j, g := range cur {
		d.e[j].ge += g
	}
	clear(cur)
}

// depressDelayed runs the code rule's depression of the input spikes of step q - (M-1),
// from d.in[k:], and returns the index after them.
func (d *DiehlCook) depressDelayed(k int, q int64, t0 sim.Time) int {
	dl, n, p := d.dl, len(d.e), &d.p
	e := q - int64(dl.m-1)
	te := sim.Time(e) * p.Dt
	for k < len(d.in) && d.in[k].t < te {
		k++
	}
	if k == len(d.in) || d.in[k].t != te {
		return k
	}
	h, t0ms := p.Dt.Ms(), t0.Ms()
	for dd := range dl.f {
		dl.f[dd] = p.NuPre * math.Exp(-(float64(e+int64(dd))*h-t0ms)/p.TauPost1)
	}
	// A neuron whose last spike came before step e has that spike's trace at every
	// arrival; only the few that spiked since need their ring searched per synapse.
	dl.recent = dl.recent[:0]
	for j := range dl.pv {
		dl.pv[j] = 0
		if c := dl.postN[j]; c > 0 {
			mk := dl.post[j*dcRing+int((c-1)%dcRing)]
			if mk.s < e {
				dl.pv[j] = mk.v
			} else {
				dl.recent = append(dl.recent, int32(j))
			}
		}
	}
	wmax := p.WMax
	for ; k < len(d.in) && d.in[k].t == te; k++ {
		in := int(d.in[k].in)
		row := d.row(in)
		drow := dl.d[in*n : (in+1)*n : (in+1)*n]
		pv := dl.pv[:n:n]
		for j, w := range row {
			if v := pv[j]; v > 0 {
				row[j] = min(wmax, max(0, w-dl.f[drow[j]]*v))
			}
		}
		for _, j := range dl.recent {
			a := e + int64(drow[j])
			if v := dl.before(dl.post[int(j)*dcRing:(int(j)+1)*dcRing], dl.postN[j], a); v > 0 {
				row[j] = min(wmax, max(0, row[j]-dl.f[drow[j]]*v))
			}
		}
	}
	return k
}

// before returns the scaled value of the last spike in ring r (of cnt spikes so far)
// strictly before step a, or 0 if there is none.
func (dl *dcDelays) before(r []dcMark, cnt uint64, a int64) float64 {
	for i := uint64(0); i < min(cnt, dcRing); i++ {
		mk := r[(cnt-1-i)%dcRing]
		if mk.s < a {
			return mk.v
		}
	}
	return 0
}

// potentiateDelayed applies neuron j's spike at absolute step q: each input weight grows
// by NuPost times the input's pre trace at q - d_ij times the second post trace before
// the spike; then the post traces are set to 1 and the spike is recorded in j's ring.
func (d *DiehlCook) potentiateDelayed(j int, q int64, t0 sim.Time) {
	dl, n, p := d.dl, len(d.e), &d.p
	c := &d.e[j]
	h, t0ms := p.Dt.Ms(), t0.Ms()
	sm := float64(q)*h - t0ms
	post2 := c.p2 * math.Exp(-sm/p.TauPost2)
	paper := p.Rule == DCPaperRule
	for dd := range dl.f {
		dl.f[dd] = math.Exp(-(sm - float64(dd)*h) / p.TauPre)
		if !paper {
			dl.f[dd] *= p.NuPost * post2
		}
	}
	wmax := p.WMax
	for in := 0; in < p.Inputs; in++ {
		cnt := dl.emN[in]
		if paper {
			dd := dl.d[in*n+j]
			x := 0.0
			if cnt > 0 {
				x = dl.before(dl.em[in*dcRing:(in+1)*dcRing], cnt, q-int64(dd)+1) * dl.f[dd]
			}
			k := in*n + j
			d.w[k] = d.paperUpdate(d.w[k], x)
			continue
		}
		if cnt == 0 {
			continue
		}
		dd := dl.d[in*n+j]
		// the last spike at or before q - dd, i.e. before q - dd + 1
		if v := dl.before(dl.em[in*dcRing:(in+1)*dcRing], cnt, q-int64(dd)+1); v > 0 {
			k := in*n + j
			d.w[k] = min(wmax, max(0, d.w[k]+dl.f[dd]*v))
		}
	}
	c.p1 = math.Exp(sm / p.TauPost1)
	c.p2 = math.Exp(sm / p.TauPost2)
	dl.post[j*dcRing+int(dl.postN[j]%dcRing)] = dcMark{q, c.p1}
	dl.postN[j]++
}

// rebase moves the rings' scaled values to a new reference, h ms later.
func (dl *dcDelays) rebase(h, tauPre, tauPost1 float64) {
	fp, f1 := math.Exp(-h/tauPre), math.Exp(-h/tauPost1)
	for k := range dl.em {
		dl.em[k].v *= fp
	}
	for k := range dl.post {
		dl.post[k].v *= f1
	}
}
