package neuron_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"snn/neuron"
	"snn/sim"
)

type unitCounts struct {
	g int32
	n []int
	t []sim.Time
}

func (c *unitCounts) Spike(t sim.Time, g, u int32) {
	if g == c.g {
		c.n[u]++
		c.t = append(c.t, t)
	}
}

// TestRateCode: per-unit rates, changed between runs (two "images" of 40 units, some
// silent), give per-unit counts within 5 standard deviations of the Poisson mean r T in
// each phase, none for silent units; a run saved in the second phase and restored into a
// fresh source continues spike for spike.
func TestRateCode(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const n = 40
	phase := func() []float64 {
		rs := make([]float64, n)
		for i := range rs {
			if r.IntN(4) > 0 {
				rs[i] = 60 * r.Float64()
			}
		}
		return rs
	}
	a, b := phase(), phase()
	T := 100 * sim.Second
	build := func() (*sim.Engine, *neuron.RateCode, int32, *unitCounts) {
		e := sim.NewEngine()
		p, err := neuron.NewRateCode(n, sim.PCG(1, "rates"))
		if err != nil {
			t.Fatal(err)
		}
		g := e.AddSource("img", p)
		c := &unitCounts{g: g, n: make([]int, n)}
		e.Observe(c)
		return e, p, g, c
	}
	e, p, g, c := build()
	if e.Pending() != 0 {
		t.Fatalf("a silent input has %d pending emissions", e.Pending())
	}
	next, err := p.SetRates(0, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Restart(g, next); err != nil {
		t.Fatal(err)
	}
	e.Run(T)
	check := func(rates []float64, counts []int) {
		for i, rt := range rates {
			mean := rt * T.Seconds()
			if d := math.Abs(float64(counts[i]) - mean); d > 5*math.Sqrt(mean)+1e-9 || rt == 0 && counts[i] != 0 {
				t.Errorf("unit %d at %.2f Hz: %d spikes in %v, expected %.1f", i, rt, counts[i], T, mean)
			}
		}
	}
	check(a, c.n)
	first := append([]int(nil), c.n...)
	next, _ = p.SetRates(T, b)
	if err := e.Restart(g, next); err != nil {
		t.Fatal(err)
	}
	e.Run(T + T/2)
	state, err := e.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	mark := len(c.t)
	e.Run(2 * T)
	second := make([]int, n)
	for i := range second {
		second[i] = c.n[i] - first[i]
	}
	check(b, second)

	e2, _, _, c2 := build()
	if err := e2.UnmarshalState(state); err != nil {
		t.Fatal(err)
	}
	e2.Run(2 * T)
	if len(c2.t) != len(c.t)-mark {
		t.Fatalf("restored run: %d spikes, original %d", len(c2.t), len(c.t)-mark)
	}
	for k := range c2.t {
		if c2.t[k] != c.t[mark+k] {
			t.Fatalf("spike %d at %v, original %v", k, c2.t[k], c.t[mark+k])
		}
	}
	// Bad input.
	if _, err := p.SetRates(2*T, a[:3]); err == nil {
		t.Error("3 rates for 40 units accepted")
	}
	bad := append([]float64(nil), a...)
	bad[7] = -1
	if _, err := p.SetRates(2*T, bad); err == nil {
		t.Error("a negative rate accepted")
	}
	if err := e.Restart(g, T); err == nil {
		t.Error("a restart in the past accepted")
	}
	if _, err := neuron.NewRateCode(0, sim.PCG(1, "x")); err == nil {
		t.Error("zero units accepted")
	}
}
