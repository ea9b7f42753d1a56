package readout

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"snn/neuron"
	"snn/sim"
)

// DCParams are the parameters of the Diehl & Cook 2015 network (DefaultDC gives the
// paper's). Potentials in mV, time constants in ms, conductances in units of the leak
// conductance (the paper's dimensionless ge, gi).
type DCParams struct {
	Neurons int // N excitatory neurons, and as many inhibitory ones
	Inputs  int // Poisson inputs, one per pixel (784)

	Exc, Inh       neuron.Params     // VTh of Exc is the threshold before adaptation
	ExcRev, InhRev neuron.CondParams // reversal potentials
	ThetaPlus      float64           // mV added to an excitatory neuron's theta per spike
	TauTheta       float64           // ms, the decay of theta toward 0 while learning
	// ThetaOffset is theta's starting value, taken off again in the threshold
	// VTh + theta - ThetaOffset (the paper's code: theta starts at 20 mV, the threshold is
	// -52 mV + theta - 20 mV). As theta decays toward 0, not toward ThetaOffset, the
	// threshold of a neuron that fires little drifts down, by up to ThetaOffset over
	// training (e^{-1} of it in 1e7 ms): a slow counterweight to the rise with every spike.
	ThetaOffset float64
	WExcInh     float64 // excitatory neuron -> its inhibitory partner
	WInhExc     float64 // inhibitory neuron -> every other excitatory neuron

	// Rule is the input synapses' learning rule: the published code's (DCCodeRule, the
	// default) or that of the paper's text (DCPaperRule, with XTar and Mu).
	Rule DCRule
	XTar float64 // DCPaperRule: the pre trace's target at a post spike
	Mu   float64 // DCPaperRule: the weight dependence's exponent

	WInit    float64 // initial input weights uniform in [0.01, 1.01) WInit
	Norm     float64 // each excitatory neuron's input weights sum to Norm before each image
	WMax     float64 // STDP bound
	NuPre    float64 // depression per input spike, times the post trace
	NuPost   float64 // potentiation per output spike, times pre and second post trace
	TauPre   float64 // ms
	TauPost1 float64 // ms
	TauPost2 float64 // ms

	Present, Rest sim.Time // one image's presentation and the rest after it
	// Rate is the input rate per unit of pixel intensity (pixel/255) and of Intensity:
	// the paper's pixel/8 Hz per intensity step, 255/8 Hz, at Intensity 2 pixel/4 Hz.
	Rate      float64
	Intensity float64 // the first presentation's intensity
	MinSpikes int     // an image is presented again, one intensity step higher, below this
	MaxRepeat int     // and at most this many times more
	Seed      uint64
	// Workers share the work on the neurons at each event; 0 chooses one per processor
	// (GOMAXPROCS), up to one per 48 neurons. The results do not depend on it.
	Workers int
	// Dt, when positive, replaces the exact event-driven kernel by the paper's own
	// scheme: Brian 1's forward Euler steps of Dt with input spikes on that grid and its
	// refractoriness (see the package documentation). The published code used 0.5 ms.
	// Present and Rest must be multiples of Dt, and Dt shorter than every conductance
	// time constant. The clock-driven kernel runs on one goroutine (Workers is ignored).
	Dt sim.Time
	// MaxDelay gives the input synapses of the clock-driven mode delays uniform in
	// [0, MaxDelay) on the grid, as the published code's 0-10 ms (0: none). It must be a
	// multiple of Dt below 32 Dt, and no longer than Rest.
	MaxDelay sim.Time
}

// DCRule selects the learning rule of the Diehl & Cook network's input synapses.
type DCRule int

const (
	// DCCodeRule is the rule of the published code: a nearest-spike pre trace (set to 1
	// at an input spike), depression by NuPre times the first post trace at each input
	// spike, potentiation by NuPost times the pre trace times the second post trace
	// (before the spike) at each post spike.
	DCCodeRule DCRule = iota
	// DCPaperRule is the rule of the paper's text (its equation 3, "power-law weight
	// dependence"): at each post spike dw = NuPost (x_pre - XTar) (WMax - w)^Mu, where the
	// pre trace x_pre grows by 1 at each input spike and decays with TauPre; nothing
	// happens at input spikes. Inputs quiet at the post spike are depressed.
	DCPaperRule
)

// ParseDCRule reads a rule's name, "code" or "paper".
func ParseDCRule(s string) (DCRule, error) {
	for _, r := range []DCRule{DCCodeRule, DCPaperRule} {
		if s == r.String() {
			return r, nil
		}
	}
	return 0, fmt.Errorf("unknown learning rule %q: want code (the published code's) or paper (the paper's equation 3)", s)
}

// MarshalText writes the rule's name.
func (r DCRule) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads a rule's name.
func (r *DCRule) UnmarshalText(b []byte) error {
	v, err := ParseDCRule(string(b))
	*r = v
	return err
}

func (r DCRule) String() string {
	switch r {
	case DCCodeRule:
		return "code"
	case DCPaperRule:
		return "paper"
	}
	return fmt.Sprintf("DCRule(%d)", int(r))
}

// DefaultDC returns the paper's parameters for n excitatory neurons (Diehl & Cook 2015 and
// their published code; ../shared/REFERENCES.md).
func DefaultDC(n int) DCParams {
	return DCParams{
		Neurons: n, Inputs: 784,
		Exc:       neuron.Params{TauM: 100, EL: -65, VTh: -52, VReset: -65, TRef: 5 * sim.Millisecond, TauE: 1, TauI: 2},
		ExcRev:    neuron.CondParams{EE: 0, EI: -100},
		Inh:       neuron.Params{TauM: 10, EL: -60, VTh: -40, VReset: -45, TRef: 2 * sim.Millisecond, TauE: 1, TauI: 2},
		InhRev:    neuron.CondParams{EE: 0, EI: -85},
		ThetaPlus: 0.05, TauTheta: 1e7, ThetaOffset: 20,
		WExcInh: 10.4, WInhExc: 17,
		WInit: 0.3, Norm: 78, WMax: 1,
		NuPre: 1e-4, NuPost: 1e-2, TauPre: 20, TauPost1: 20, TauPost2: 40,
		XTar: 0.4, Mu: 0.2, // the code's STDP_offset and exp_ee_post, left from the paper's rule
		Present: 350 * sim.Millisecond, Rest: 150 * sim.Millisecond,
		Rate: 255.0 / 8, Intensity: 2, MinSpikes: 5, MaxRepeat: 16,
		Seed: 1,
	}
}

// Check reports the first parameter that the network cannot be built with.
func (p DCParams) Check() error { return p.check() }

func (p *DCParams) check() error {
	switch {
	case p.Neurons < 1:
		return fmt.Errorf("readout: Diehl & Cook network with %d neurons: want at least 1", p.Neurons)
	case p.Inputs < 1:
		return fmt.Errorf("readout: Diehl & Cook network with %d inputs: want at least 1", p.Inputs)
	case !(p.Present > 0) || p.Rest < 0:
		return fmt.Errorf("readout: presentation %v and rest %v: want a positive presentation and no negative rest", p.Present, p.Rest)
	case !(p.Rate > 0) || !(p.Intensity > 0):
		return fmt.Errorf("readout: input rate %v Hz at intensity %v: want both positive", p.Rate, p.Intensity)
	case !(p.WMax > 0) || !(p.Norm > 0) || !(p.WInit >= 0):
		return fmt.Errorf("readout: w_max %v, norm %v, initial scale %v: want w_max, norm positive", p.WMax, p.Norm, p.WInit)
	case p.NuPre < 0 || p.NuPost < 0 || !(p.TauPre > 0 && p.TauPost1 > 0 && p.TauPost2 > 0 && p.TauTheta > 0):
		return fmt.Errorf("readout: learning rates must not be negative and time constants must be positive")
	case p.Workers < 0:
		return fmt.Errorf("readout: %d workers: want 0 (automatic) or more", p.Workers)
	case p.WExcInh < 0 || p.WInhExc < 0 || p.ThetaPlus < 0:
		return fmt.Errorf("readout: conductance steps and theta_plus must not be negative")
	case p.Rule != DCCodeRule && p.Rule != DCPaperRule:
		return fmt.Errorf("readout: learning rule %v: want DCCodeRule or DCPaperRule", p.Rule)
	case p.Rule == DCPaperRule && (p.XTar < 0 || !(p.Mu >= 0)):
		return fmt.Errorf("readout: paper rule with target %v and exponent %v: want neither negative", p.XTar, p.Mu)
	case p.Dt < 0:
		return fmt.Errorf("readout: clock step Dt %v: want 0 (exact, event-driven) or positive", p.Dt)
	case p.Dt > 0 && (p.Present%p.Dt != 0 || p.Rest%p.Dt != 0):
		return fmt.Errorf("readout: clock step Dt %v does not divide the presentation %v and the rest %v", p.Dt, p.Present, p.Rest)
	case p.Dt > 0 && !(p.Dt.Ms() < min(p.Exc.TauE, p.Exc.TauI, p.Inh.TauE, p.Inh.TauI)):
		return fmt.Errorf("readout: clock step Dt %v: want it shorter than every conductance time constant (%v ms is the shortest), or Euler's decay factor 1 - Dt/tau is not positive", p.Dt, min(p.Exc.TauE, p.Exc.TauI, p.Inh.TauE, p.Inh.TauI))
	case p.MaxDelay < 0 || p.MaxDelay > 0 && (p.Dt == 0 || p.MaxDelay%p.Dt != 0 || p.MaxDelay/p.Dt >= dcRing || p.MaxDelay > p.Rest):
		return fmt.Errorf("readout: input delays up to %v: want 0, or a multiple of the clock step Dt %v (which must be set) below %d steps and no longer than the rest %v", p.MaxDelay, p.Dt, dcRing, p.Rest)
	case !(p.Exc.VTh-p.ThetaOffset > p.ExcRev.EI):
		return fmt.Errorf("readout: theta offset %v mV puts the starting threshold at or below the inhibitory reversal %v mV", p.ThetaOffset, p.ExcRev.EI)
	}
	return nil
}

// dcCell is one neuron's state, a cache line: (V, ge, gi) at t, V held at VReset until
// refEnd, the adaptive threshold's theta (excitatory neurons), the scaled post traces
// (p1, p2: e^{(t_last - T0)/tau}, T0 the presentation's start; 0 before any spike) and
// key, the next time the neuron needs the loop: its crossing, or the end of its
// refractory period (wake), or never.
type dcCell struct {
	v, ge, gi float64
	t, refEnd sim.Time
	theta     float64
	p1, p2    float64
	key       sim.Time
	wake      bool
}

const dcNever = sim.Time(math.MaxInt64)

// DiehlCook is the network of Diehl & Cook 2015: Inputs Poisson units, rate-coding the
// pixels of an image, project all-to-all onto N conductance-based LIF neurons with
// adaptive thresholds (input weights learnt by STDP and normalised); each excitatory
// neuron drives one inhibitory neuron, which inhibits every other excitatory neuron. See
// the package documentation for the equations, the event loop and what differs from the
// paper's clock-driven code. A DiehlCook is not safe for concurrent use; Close stops its
// helper goroutines.
type DiehlCook struct {
	p        DCParams
	exc, inh *neuron.CondCell
	e, i     []dcCell
	w        []float64 // w[in*N + j]: input in -> excitatory neuron j
	x        []float64 // scaled pre traces, e^{(t_last - T0)/tau_pre}
	t0       sim.Time  // the current presentation's start (the traces' reference)
	now      sim.Time
	rng      *rand.PCG
	r        *rand.Rand
	in       []dcInput // this presentation's input spikes, sorted
	rates    []float64
	colSum   []float64
	team     *dcTeam
	job      dcJob
	euler    [2]dcEuler // the clock-driven kernel's steps: excitatory, inhibitory
	se, si   []int32    // the clock-driven kernel's spikes of the current step
	dl       *dcDelays  // the clock-driven kernel's input delays, or nil

	// Spikes of the presentation, for callers that replay them.
	spikes []DCSpike
	counts []float64

	// Stats.
	Presentations int64 // every presentation, repeats included
	InputSpikes   int64
	OutputSpikes  int64
}

type dcInput struct {
	t  sim.Time
	in int32
}

// dcInputOrder orders input spikes by time, then input.
func dcInputOrder(a, b dcInput) int {
	if a.t != b.t {
		if a.t < b.t {
			return -1
		}
		return 1
	}
	return int(a.in - b.in)
}

// DCSpike is an excitatory spike of a presentation: its time from the presentation's
// start and the neuron.
type DCSpike struct {
	T      sim.Time
	Neuron int32
}

// NewDiehlCook builds the network with weights drawn from p.Seed (stream "dc/init"); the
// input spikes come from stream "dc/input".
func NewDiehlCook(p DCParams) (*DiehlCook, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	exc, err := neuron.NewCondCell(p.Exc, p.ExcRev)
	if err != nil {
		return nil, fmt.Errorf("readout: excitatory neurons: %w", err)
	}
	inh, err := neuron.NewCondCell(p.Inh, p.InhRev)
	if err != nil {
		return nil, fmt.Errorf("readout: inhibitory neurons: %w", err)
	}
	n := p.Neurons
	d := &DiehlCook{p: p, exc: exc, inh: inh,
		e: make([]dcCell, n), i: make([]dcCell, n),
		w: make([]float64, p.Inputs*n), x: make([]float64, p.Inputs),
		rng: sim.PCG(p.Seed, "dc/input"), rates: make([]float64, p.Inputs),
		colSum: make([]float64, n), counts: make([]float64, n)}
	d.r = rand.New(d.rng)
	init := sim.Stream(p.Seed, "dc/init")
	for k := range d.w {
		d.w[k] = (init.Float64() + 0.01) * p.WInit
	}
	for j := range d.e {
		d.e[j] = dcCell{v: p.Exc.EL, key: dcNever, theta: p.ThetaOffset}
		d.i[j] = dcCell{v: p.Inh.EL, key: dcNever}
	}
	if p.Dt > 0 {
		h := p.Dt.Ms()
		mk := func(c neuron.Params, r neuron.CondParams) dcEuler {
			return dcEuler{k: h / c.TauM, el: c.EL, ee: r.EE, ei: r.EI, fe: 1 - h/c.TauE, fi: 1 - h/c.TauI}
		}
		d.euler = [2]dcEuler{mk(p.Exc, p.ExcRev), mk(p.Inh, p.InhRev)}
		if p.MaxDelay > 0 {
			d.dl = newDCDelays(&p)
		}
	}
	workers := p.Workers
	if p.Dt > 0 {
		workers = 1
	}
	if workers == 0 {
		workers = dcWorkers(n, runtime.GOMAXPROCS(0))
	}
	if err := d.startTeam(min(workers, n)); err != nil {
		return nil, err
	}
	return d, nil
}

// row returns input in's weights onto the excitatory neurons, w[in*N : (in+1)*N].
func (d *DiehlCook) row(in int) []float64 {
	n := len(d.e)
	return d.w[in*n : (in+1)*n : (in+1)*n]
}

// Params returns the network's parameters.
func (d *DiehlCook) Params() DCParams { return d.p }

// Weights returns the input weights, w[in*N + j] from input in to neuron j (the network's
// own slice: read, do not keep across presentations).
func (d *DiehlCook) Weights() []float64 { return d.w }

// Theta returns neuron j's theta (mV): its threshold is Exc.VTh + theta - ThetaOffset.
func (d *DiehlCook) Theta(j int) float64 { return d.e[j].theta }

// TraceBytes is the memory STDP needs for learning beyond the weights, counted from the
// arrays: one pre trace per input and two post traces per neuron, 8 bytes each (the
// traces are kept as scaled values, so no times are stored), and with input delays the
// rings of recent spikes and the delays.
func (d *DiehlCook) TraceBytes() int64 {
	b := 8 * int64(len(d.x)+2*len(d.e))
	if dl := d.dl; dl != nil {
		// With input delays, traces are looked up in the past: rings of recent spikes per
		// input and per neuron instead of one value each, and the delays themselves.
		b += int64(dl.bytes())
	}
	return b
}

// Response is what one image evoked: the excitatory spike counts of its last presentation
// (the one with at least MinSpikes spikes, or the last allowed), their spikes, and how
// many presentations it took.
type Response struct {
	Counts    []float64 // per excitatory neuron (the network's own slice)
	Spikes    []DCSpike // the network's own slice
	Presented int
	Intensity float64
}

// Present shows one image (pixel intensities in [0, 1], Inputs of them) for Present,
// then lets the network rest for Rest; below MinSpikes excitatory spikes it presents the
// image again one intensity step higher, up to MaxRepeat times. With learn, the input
// weights are normalised before each presentation and learn by STDP, and thresholds
// adapt; without, weights and thresholds stay fixed (the paper's test mode). The
// network's helper goroutines work only within Present.
func (d *DiehlCook) Present(img []float64, learn bool) (Response, error) {
	if len(img) != d.p.Inputs {
		return Response{}, fmt.Errorf("readout: image of %d pixels for a network of %d inputs", len(img), d.p.Inputs)
	}
	for in, px := range img {
		if !(px >= 0 && px <= 1) {
			return Response{}, fmt.Errorf("readout: pixel %d is %v, want 0 to 1", in, px)
		}
	}
	intensity := d.p.Intensity
	d.team.choose()
	d.resume()
	defer d.park()
	start, inputs := time.Now(), d.InputSpikes
	defer func() { d.team.measure(time.Since(start), d.InputSpikes-inputs) }()
	var k int
	for k = 0; ; k++ {
		if learn {
			d.normalise()
		}
		for in, px := range img {
			d.rates[in] = px * d.p.Rate * intensity
		}
		if d.p.Dt > 0 {
			d.presentClock(learn)
		} else {
			d.present(learn)
		}
		total := 0.0
		for _, c := range d.counts {
			total += c
		}
		if total >= float64(d.p.MinSpikes) || k >= d.p.MaxRepeat {
			break
		}
		intensity++
	}
	return Response{Counts: d.counts, Spikes: d.spikes, Presented: k + 1, Intensity: intensity}, nil
}

// normalise scales each neuron's input weights to sum Norm (a neuron with none keeps
// them).
func (d *DiehlCook) normalise() {
	clear(d.colSum)
	for in := 0; in < d.p.Inputs; in++ {
		for j, w := range d.row(in) {
			d.colSum[j] += w
		}
	}
	for j, s := range d.colSum {
		if s > 0 {
			d.colSum[j] = d.p.Norm / s
		} else {
			d.colSum[j] = 1
		}
	}
	for in := 0; in < d.p.Inputs; in++ {
		row := d.row(in)
		for j := range row {
			row[j] *= d.colSum[j]
		}
	}
}

// draw fills d.in with the presentation's Poisson input spikes in [t0, t0+Present),
// sorted by time, then input.
func (d *DiehlCook) draw(t0 sim.Time) {
	d.in = d.in[:0]
	end := t0 + d.p.Present
	for in, r := range d.rates {
		if r <= 0 {
			continue
		}
		mean := 1e9 / r // ns
		t := float64(t0)
		for {
			t += d.r.ExpFloat64() * mean
			tt := sim.Time(math.Ceil(t))
			if tt >= end {
				break
			}
			d.in = append(d.in, dcInput{tt, int32(in)})
		}
	}
	slices.SortFunc(d.in, dcInputOrder)
}

// rebase moves the traces' reference to t0 (exact: a product per trace).
func (d *DiehlCook) rebase(t0 sim.Time) {
	h := (t0 - d.t0).Ms()
	fp, f1, f2 := math.Exp(-h/d.p.TauPre), math.Exp(-h/d.p.TauPost1), math.Exp(-h/d.p.TauPost2)
	for k := range d.x {
		d.x[k] *= fp
	}
	for j := range d.e {
		c := &d.e[j]
		c.p1 *= f1
		c.p2 *= f2
	}
	if d.dl != nil {
		d.dl.rebase(h, d.p.TauPre, d.p.TauPost1)
	}
	d.t0 = t0
}
