package neuron

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"snn/sim"
)

var condCOBA = struct {
	p Params
	c CondParams
}{Params{TauM: 20, EL: -60, VTh: -50, VReset: -60, TRef: 5 * sim.Millisecond, TauE: 5, TauI: 10}, CondParams{EE: 0, EI: -80}}

// TestLIFCondRateUnderConstantInput: without synaptic input LIFCond is a LIF neuron with
// a bias; from VReset it fires periodically with period T = t_ref + tau_m
// ln((V_inf - VReset)/(V_inf - VTh)) (as TestRateUnderConstantInput, whose tolerance
// derivation applies: each interval is T rounded up to the tick, within 1e-3 ns of
// rounding of the closed form).
func TestLIFCondRateUnderConstantInput(t *testing.T) {
	for _, p := range []Params{
		{TauM: 20, EL: -65, VTh: -50, VReset: -65, TRef: 2 * sim.Millisecond, Bias: 20},
		{TauM: 10, EL: -70, VTh: -54, VReset: -60, Bias: 16.5},
		{TauM: 5, EL: 0, VTh: 1, VReset: 0, TRef: sim.Millisecond, Bias: 1.0001},
	} {
		p.TauE, p.TauI = 5, 10
		pop, err := NewLIFCond(p, CondParams{EE: 0, EI: -80}, []float64{p.VReset})
		if err != nil {
			t.Fatal(err)
		}
		L := p.TauM * math.Log((p.VInf()-p.VReset)/(p.VInf()-p.VTh))
		T := (p.TRef.Ms() + L) * 1e6 // ns
		got := runInputs(pop, nil, 5*sim.Second)
		if len(got) < 2 {
			t.Fatalf("%+v: %d spikes", p, len(got))
		}
		const slack = 1e-3
		if d := float64(got[0]) - L*1e6; d < -slack || d > 1+slack {
			t.Errorf("%+v: first spike at %d ns, closed form %.3f ns", p, got[0], L*1e6)
		}
		for k := 1; k < len(got); k++ {
			if d := float64(got[k]-got[k-1]) - T; d < -slack || d > 1+slack {
				t.Fatalf("%+v: interval %d is %d ns, closed form %.3f ns", p, k, got[k]-got[k-1], T)
			}
		}
	}
}

// TestLIFCondSubthreshold: a neuron that cannot fire (its equilibrium is below
// threshold) is not stepped again once its bound says so; and below EI (a reset or start
// below EI is allowed) inhibition depolarizes: of two neurons far below EI the one that
// receives inhibition is the higher a millisecond later.
func TestLIFCondSubthreshold(t *testing.T) {
	p, c := condCOBA.p, condCOBA.c
	pop, err := NewLIFCond(p, c, []float64{-200, -200})
	if err != nil {
		t.Fatal(err)
	}
	nop := func(int32, sim.Time) { t.Fatal("unexpected spike") }
	steps := 0
	for pop.Next() <= 10*sim.Millisecond {
		pop.Step(pop.Next(), nop)
		steps++
	}
	if pop.Next() != sim.Never || steps != 2 {
		t.Errorf("neurons at rest: %d steps, next %v", steps, pop.Next())
	}
	t0 := 10 * sim.Millisecond
	pop.Deliver(t0, Inhibitory, []uint32{0}, nil, 20, nop)
	vi, v := pop.V(0, t0+sim.Millisecond), pop.V(1, t0+sim.Millisecond)
	if !(vi < c.EI && vi > v) {
		t.Errorf("below EI, inhibition must depolarize: V %v with inhibition, %v without", vi, v)
	}
}

// TestLIFCondParamsRefused: parameters the model cannot simulate are refused with an
// error that names the parameter.
func TestLIFCondParamsRefused(t *testing.T) {
	ok, okC := condCOBA.p, condCOBA.c
	if _, err := NewLIFCond(ok, okC, []float64{-60}); err != nil {
		t.Fatalf("valid parameters refused: %v", err)
	}
	same := ok
	same.TauE, same.TauI = ok.TauM, ok.TauM
	if _, err := NewLIFCond(same, okC, []float64{-60}); err != nil {
		t.Errorf("tau_e = tau_i = tau_m refused: %v", err)
	}
	for _, c := range []struct {
		name, want string
		f          func(p *Params, c *CondParams)
	}{
		{"tau_m = 0", "tau_m", func(p *Params, c *CondParams) { p.TauM = 0 }},
		{"v_reset = v_th", "v_reset", func(p *Params, c *CondParams) { p.VReset = p.VTh }},
		{"t_ref negative", "t_ref", func(p *Params, c *CondParams) { p.TRef = -1 }},
		{"tau_e = 0", "tau_e", func(p *Params, c *CondParams) { p.TauE = 0 }},
		{"tau_i NaN", "tau_i", func(p *Params, c *CondParams) { p.TauI = math.NaN() }},
		{"tau_i infinite", "tau_i", func(p *Params, c *CondParams) { p.TauI = math.Inf(1) }},
		{"e_e NaN", "e_e", func(p *Params, c *CondParams) { c.EE = math.NaN() }},
		{"e_i infinite", "e_i", func(p *Params, c *CondParams) { c.EI = math.Inf(-1) }},
		{"e_i = e_e", "e_i", func(p *Params, c *CondParams) { c.EI = c.EE }},
		{"e_i above v_th", "e_i", func(p *Params, c *CondParams) { c.EI = p.VTh + 1 }},
		{"bias NaN", "bias", func(p *Params, c *CondParams) { p.Bias = math.NaN() }},
	} {
		p, cp := ok, okC
		c.f(&p, &cp)
		_, err := NewLIFCond(p, cp, []float64{-60})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one naming %s", c.name, err, c.want)
		}
	}
	if _, err := NewLIFCond(ok, okC, []float64{math.Inf(1)}); err == nil {
		t.Error("an infinite initial potential was accepted")
	}
}

// condNet is a network of 16 LIFCond neurons with COBA parameters driven by batches of
// excitatory and inhibitory inputs on a 0.1 ms grid, built identically each time, with
// each neuron's inputs and initial potential for the reference.
type condNet struct {
	e   *sim.Engine
	pop *LIFCond
	log *spikeLog
	per [][]input
	v0  []float64
}

func newCondNet(until sim.Time) condNet {
	const n = 16
	p, c := condCOBA.p, condCOBA.c
	r := rand.New(rand.NewPCG(31, 32))
	v0 := make([]float64, n)
	for i := range v0 {
		v0[i] = p.EL + 10*r.Float64()
	}
	pop, err := NewLIFCond(p, c, v0)
	if err != nil {
		panic(err)
	}
	proj := &batchProj{to: pop}
	per := make([][]input, n)
	var spikes []Spike
	for tk := 100 * sim.Microsecond; tk < until; tk += 100 * sim.Microsecond {
		for _, q := range []struct {
			rec  int
			prob float64
			w    float64
		}{{Excitatory, 0.08, 0.6}, {Inhibitory, 0.004, 6.7}} {
			var post []uint32
			var ws []float64
			for j := range n {
				if r.Float64() < q.prob {
					w := q.w * (0.5 + r.Float64())
					post, ws = append(post, uint32(j)), append(ws, w)
					per[j] = append(per[j], input{t: tk, w: w, rec: q.rec})
				}
			}
			if len(post) > 0 {
				spikes = append(spikes, Spike{T: tk, Unit: int32(len(proj.rec))})
				proj.rec, proj.post, proj.w = append(proj.rec, q.rec), append(proj.post, post), append(proj.w, ws)
			}
		}
	}
	gen, err := NewGenerator(len(spikes), spikes)
	if err != nil {
		panic(err)
	}
	e := sim.NewEngine()
	g := e.AddNeurons("pop", pop)
	log := &spikeLog{group: g}
	e.Observe(log)
	e.Connect(e.AddSource("in", gen), g, proj)
	return condNet{e, pop, log, per, v0}
}

// TestLIFCondStateRoundTrip: a run saved at 137 ms and restored into a freshly built
// network continues bit for bit as the uninterrupted run (same spikes, same state bytes
// at the end), and two runs from scratch are identical (determinism).
func TestLIFCondStateRoundTrip(t *testing.T) {
	const mid, end = 137 * sim.Millisecond, 400 * sim.Millisecond
	na := newCondNet(end)
	a, popA, logA := na.e, na.pop, na.log
	a.Run(mid)
	saved, err := a.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	before := len(logA.t)
	a.Run(end)

	nb := newCondNet(end)
	b, popB, logB := nb.e, nb.pop, nb.log
	if err := b.UnmarshalState(saved); err != nil {
		t.Fatal(err)
	}
	b.Run(end)
	if !slices.Equal(logA.t[before:], logB.t) || !slices.Equal(logA.unit[before:], logB.unit) {
		t.Errorf("resumed run: %d spikes after the checkpoint, uninterrupted %d (or different)", len(logB.t), len(logA.t)-before)
	}
	sa, _ := popA.MarshalState()
	sb, _ := popB.MarshalState()
	if !bytes.Equal(sa, sb) {
		t.Error("resumed run ends in another state")
	}

	nc := newCondNet(end)
	c, popC, logC := nc.e, nc.pop, nc.log
	c.Run(end)
	sc, _ := popC.MarshalState()
	if !slices.Equal(logA.t, logC.t) || !slices.Equal(logA.unit, logC.unit) || !bytes.Equal(sa, sc) {
		t.Error("two runs from scratch differ")
	}
	if len(logA.t) < 50 || before < 10 {
		t.Errorf("weak coverage: %d spikes, %d before the checkpoint", len(logA.t), before)
	}
	for i := range popA.Size() {
		if va, vb := popA.V(i, end), popB.V(i, end); math.Float64bits(va) != math.Float64bits(vb) {
			t.Errorf("neuron %d: V %v resumed, %v uninterrupted", i, vb, va)
		}
	}
	if err := popA.CheckState(); err != nil {
		t.Error(err)
	}
	t.Logf("%d spikes, %d before the checkpoint", len(logA.t), before)

	// Refused: another population's state, a truncated one, a NaN.
	small, _ := NewLIFCond(condCOBA.p, condCOBA.c, []float64{-60})
	if err := small.UnmarshalState(sa); err == nil {
		t.Error("a 1-neuron population accepted a 16-neuron state")
	}
	if err := popB.UnmarshalState(sa[:len(sa)-1]); err == nil {
		t.Error("a truncated state was accepted")
	}
	bad := bytes.Clone(sa)
	copy(bad[8:16], []byte{0, 0, 0, 0, 0, 0, 0xf8, 0x7f}) // neuron 0's v = NaN
	if err := popB.UnmarshalState(bad); err == nil {
		t.Error("a NaN potential was accepted")
	}
}

// TestLIFCondPopulationAgainstFineGrid: the network of newCondNet (batches hitting
// several neurons at one tick, so that their keys compete in the calendar) against
// condRef run on each neuron's own inputs, shadowed (see cond_reference_test.go).
func TestLIFCondPopulationAgainstFineGrid(t *testing.T) {
	const until = 400 * sim.Millisecond
	net := newCondNet(until)
	net.e.Run(until)
	got := make([][]sim.Time, net.pop.Size())
	for k, u := range net.log.unit {
		got[u] = append(got[u], net.log.t[k])
	}
	total := 0
	var worst sim.Time
	for j := range got {
		_, d, err := condRef{condCOBA.p, condCOBA.c}.run(net.v0[j], net.per[j], until, got[j])
		if err != nil {
			t.Errorf("neuron %d: %v", j, err)
		}
		worst = max(worst, d)
		total += len(got[j])
	}
	if total < 5*len(got) {
		t.Errorf("weak coverage: %d spikes", total)
	}
	t.Logf("%d neurons, %d spikes; max |difference| %d ns", len(got), total, worst)
}

// TestLIFCondStepLazy: a COBA neuron held far below threshold by inhibition is stepped
// without advancing its state (stepLazy): its key moves on by at least searchBelow and
// its state stays at the input's time; its potential later is that of an uninterrupted
// advance from there, bit for bit. (As the excitation it had then decays, the upper
// bound of V from it gets loose and Step advances the state again.) A neuron close to
// threshold, whose upper bound reaches it, is advanced.
func TestLIFCondStepLazy(t *testing.T) {
	p, c := condCOBA.p, condCOBA.c
	pop, err := NewLIFCond(p, c, []float64{-55})
	if err != nil {
		t.Fatal(err)
	}
	nop := func(int32, sim.Time) { t.Fatal("unexpected spike") }
	pop.Step(0, nop) // the first step, at time 0
	t0 := sim.Millisecond
	pop.Deliver(t0, Excitatory, []uint32{0}, nil, 3, nop)
	pop.Deliver(t0, Inhibitory, []uint32{0}, nil, 20, nop)
	v0, ge0, gi0 := pop.s[0].v, pop.s[0].ge, pop.s[0].gi
	lazy := 0
	for k := pop.Next(); k < 30*sim.Millisecond; k = pop.Next() {
		pop.Step(k, nop)
		if pop.s[0].t != t0 {
			break
		}
		lazy++
		if next := pop.Next(); next < k+sim.FromMs(searchBelow) {
			t.Fatalf("lazy step %d at %v: next key %v, less than a millisecond on", lazy, k, next)
		}
		want, _, _ := pop.pr.advanceTicks(v0, ge0, gi0, k-t0)
		if got := pop.V(0, k); math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("V at %v: %v, advanced from the input %v", k, got, want)
		}
	}
	if lazy == 0 {
		t.Fatal("no lazy step")
	}

	// Close to threshold the bound of V is no use: the state is advanced.
	near, _ := NewLIFCond(p, c, []float64{-50.5})
	near.Step(0, nop)
	near.Deliver(t0, Excitatory, []uint32{0}, nil, 0.3, func(int32, sim.Time) {})
	k := near.Next()
	near.Step(k, func(int32, sim.Time) {})
	if near.s[0].t != k {
		t.Errorf("close to threshold: stepped at %v without advancing the state (at %v), next key %v", k, near.s[0].t, near.Next())
	}
	t.Logf("%d lazy steps", lazy)
}
