package neuron

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"snn/sim"
)

// Statistical tolerances in this file are 5 standard errors: for a fixed seed a test
// either passes or fails for ever, and a correct source fails a 5-sigma check with
// probability under 1e-6 per seed; a wrong rate, a biased unit choice or a non-Poisson
// interval law shifts the statistic by many standard errors at these sample sizes.
const sigmas = 5

// drain emits every spike of src before until and returns times and units.
func drain(src sim.Source, until sim.Time) (ts []sim.Time, us []int32) {
	for t := src.Start(); t < until; {
		u, next := src.Emit(t)
		if next < t {
			panic("source went back in time")
		}
		ts, us = append(ts, t), append(us, u)
		t = next
	}
	return ts, us
}

func newPoisson(t *testing.T, n int, segs []RateSegment, seed uint64) *Poisson {
	t.Helper()
	p, err := NewPoisson(n, segs, rand.NewPCG(seed, 99))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPoissonRate: n units at rate r for T seconds give a Poisson count of mean n r T
// (standard deviation sqrt(n r T)), and each unit a binomial share of it, mean N/n,
// variance N (1/n)(1 - 1/n).
func TestPoissonRate(t *testing.T) {
	const n, rate = 10, 20.0 // Hz
	T := 500 * sim.Second
	ts, us := drain(newPoisson(t, n, []RateSegment{{0, rate}}, 1), T)
	mean := n * rate * T.Seconds()
	if d := float64(len(ts)) - mean; math.Abs(d) > sigmas*math.Sqrt(mean) {
		t.Errorf("%d spikes, expected %v +- %v", len(ts), mean, math.Sqrt(mean))
	}
	count := make([]float64, n)
	for _, u := range us {
		count[u]++
	}
	N := float64(len(ts))
	sd := math.Sqrt(N * (1.0 / n) * (1 - 1.0/n))
	for u, c := range count {
		if math.Abs(c-N/n) > sigmas*sd {
			t.Errorf("unit %d has %v of %v spikes, expected %v +- %v", u, c, N, N/n, sd)
		}
	}
	t.Logf("%d spikes (expected %v), per-unit counts %v", len(ts), mean, count)
}

// TestPoissonIntervals: the intervals of one unit of a superposed source are
// exponential, so their coefficient of variation is 1, and counts in windows are
// Poisson, so the Fano factor (variance/mean) is 1.
//   - CV: for n exponential intervals the delta method gives Var(CV^2) = 4/n (fourth
//     moment 9 mu^4, third 2 mu^3), so SE(CV) = 1/sqrt(n).
//   - Fano: for K windows of Poisson counts of mean m, Var(sample variance) =
//     (m + 2 m^2)/K, so SE(F) = sqrt((1/m + 2)/K).
//
// Rounding spike times to 1 ns changes intervals of ~20 ms by 1e-7 relative: negligible.
func TestPoissonIntervals(t *testing.T) {
	const n, rate = 3, 50.0
	T := 2000 * sim.Second
	ts, us := drain(newPoisson(t, n, []RateSegment{{0, rate}}, 2), T)
	var isi []float64
	win := make([]float64, int(T/sim.Second))
	last := sim.Time(-1)
	for k, u := range us {
		if u != 0 {
			continue
		}
		win[ts[k]/sim.Second]++
		if last >= 0 {
			isi = append(isi, (ts[k] - last).Ms())
		}
		last = ts[k]
	}
	m, sd := meanSD(isi)
	cv := sd / m
	if se := 1 / math.Sqrt(float64(len(isi))); math.Abs(cv-1) > sigmas*se {
		t.Errorf("CV of %d intervals = %.4f, expected 1 +- %.4f", len(isi), cv, se)
	}
	if d := m - 1000/rate; math.Abs(d) > sigmas*m/math.Sqrt(float64(len(isi))) {
		t.Errorf("mean interval %.4f ms, expected %v", m, 1000/rate)
	}
	wm, wsd := meanSD(win)
	fano := wsd * wsd / wm
	if se := math.Sqrt((1/wm + 2) / float64(len(win))); math.Abs(fano-1) > sigmas*se {
		t.Errorf("Fano factor over %d windows = %.4f, expected 1 +- %.4f", len(win), fano, se)
	}
	t.Logf("unit 0: %d intervals, mean %.4f ms, CV %.4f; Fano factor (1 s windows) %.4f", len(isi), m, cv, fano)
}

func meanSD(x []float64) (mean, sd float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		sd += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(sd / float64(len(x)-1))
}

// TestPoissonSchedule: a piecewise-constant rate, with a silent segment in the middle and
// at the end. Each segment's count is Poisson with mean n r (segment length); a rate-0
// segment has no spike at all, and after a final rate-0 segment the source is done.
func TestPoissonSchedule(t *testing.T) {
	const n = 100
	segs := []RateSegment{
		{0, 10},
		{2 * sim.Second, 0},
		{5 * sim.Second, 100},
		{6*sim.Second + 1, 30}, // odd boundary tick
		{9 * sim.Second, 0},
	}
	src := newPoisson(t, n, segs, 3)
	ts, _ := drain(src, sim.Never)
	if len(ts) == 0 {
		t.Fatal("no spikes")
	}
	if last := ts[len(ts)-1]; last >= 9*sim.Second {
		t.Fatalf("spike at %v, after the final silent segment began", last)
	}
	for k, s := range segs {
		end := sim.Never
		if k+1 < len(segs) {
			end = segs[k+1].From
		}
		lo, _ := slices.BinarySearch(ts, s.From)
		hi, _ := slices.BinarySearch(ts, end)
		got := float64(hi - lo)
		if s.Rate == 0 {
			if got != 0 {
				t.Errorf("segment %d (rate 0): %v spikes", k, got)
			}
			continue
		}
		mean := n * s.Rate * (end - s.From).Seconds()
		if math.Abs(got-mean) > sigmas*math.Sqrt(mean) {
			t.Errorf("segment %d (%v Hz from %v): %v spikes, expected %v +- %v", k, s.Rate, s.From, got, mean, math.Sqrt(mean))
		}
	}
	// A schedule that is silent from the start never fires.
	if got := newPoisson(t, 5, []RateSegment{{0, 0}}, 4).Start(); got != sim.Never {
		t.Errorf("silent source starts at %v", got)
	}
}

// TestPoissonRateChangeMemoryless: at a rate change the pending draw restarts at the
// boundary with the new rate (exact because exponential intervals are memoryless), so
// the wait from the boundary to the first spike is exponential with the new rate,
// whatever the old rate was. Over many seeds:
//   - slow (0.5 Hz) to fast (1 kHz) at 1 s: mean wait 1 ms, SE 1 ms/sqrt(seeds); a source
//     that kept its old draw would wait ~2 s;
//   - fast (1 kHz) to slow (1 Hz) at 10 ms: the probability of a spike in the following
//     second is 1 - 1/e, binomial SE; a source that drew the crossing interval at the old
//     rate would almost always fire right after the boundary.
func TestPoissonRateChangeMemoryless(t *testing.T) {
	const seeds = 4000
	var wait float64
	within := 0
	for s := range uint64(seeds) {
		src := newPoisson(t, 1, []RateSegment{{0, 0.5}, {sim.Second, 1000}}, 1000+s)
		ts, _ := drain(src, 2*sim.Second)
		i, _ := slices.BinarySearch(ts, sim.Second)
		wait += (ts[i] - sim.Second).Ms()

		src = newPoisson(t, 1, []RateSegment{{0, 1000}, {10 * sim.Millisecond, 1}}, 9000+s)
		ts, _ = drain(src, 2*sim.Second)
		i, _ = slices.BinarySearch(ts, 10*sim.Millisecond)
		if i < len(ts) && ts[i] < 1010*sim.Millisecond {
			within++
		}
	}
	wait /= seeds
	if se := 1 / math.Sqrt(seeds); math.Abs(wait-1) > sigmas*se {
		t.Errorf("mean wait after the rise to 1 kHz = %.4f ms, expected 1 +- %.4f", wait, se)
	}
	p := 1 - math.Exp(-1)
	frac := float64(within) / seeds
	if se := math.Sqrt(p * (1 - p) / seeds); math.Abs(frac-p) > sigmas*se {
		t.Errorf("after the fall to 1 Hz, %.4f of seeds fire within 1 s, expected %.4f +- %.4f", frac, p, se)
	}
	t.Logf("mean wait after rise %.4f ms (expected 1); P(spike within 1 s after fall) %.4f (expected %.4f)", wait, frac, p)
}

// TestPoissonDeterminism: a source is a pure function of its schedule and stream.
func TestPoissonDeterminism(t *testing.T) {
	segs := []RateSegment{{0, 40}, {sim.Second, 5}}
	a1, u1 := drain(newPoisson(t, 7, segs, 11), 3*sim.Second)
	a2, u2 := drain(newPoisson(t, 7, segs, 11), 3*sim.Second)
	if !slices.Equal(a1, a2) || !slices.Equal(u1, u2) {
		t.Errorf("two sources with the same seed differ")
	}
	b, _ := drain(newPoisson(t, 7, segs, 12), 3*sim.Second)
	if slices.Equal(a1, b) {
		t.Errorf("sources with seeds 11 and 12 give the same spikes")
	}
}

// hiddenPCG is a *rand.PCG whose type a Poisson source does not see: it then draws one
// emission at a time through a rand.Rand, the reference for the draws made ahead.
type hiddenPCG struct{ p *rand.PCG }

func (h hiddenPCG) Uint64() uint64                 { return h.p.Uint64() }
func (h hiddenPCG) MarshalBinary() ([]byte, error) { return h.p.MarshalBinary() }
func (h hiddenPCG) UnmarshalBinary(b []byte) error { return h.p.UnmarshalBinary(b) }

// TestPoissonDrawsAhead: a source on a *rand.PCG, which draws its last segment's
// emissions aheadN at a time, emits exactly the spikes of one drawing them one at a time
// from the same stream, through rate changes and a silent end, and so does a source
// restored from a checkpoint taken in the middle of a batch.
func TestPoissonDrawsAhead(t *testing.T) {
	for _, segs := range [][]RateSegment{
		{{0, 50}},
		{{0, 40}, {sim.Second, 5}, {2 * sim.Second, 300}},
		{{0, 80}, {sim.Second, 0}},
	} {
		ref, err := NewPoisson(9, segs, hiddenPCG{rand.NewPCG(5, 6)})
		if err != nil {
			t.Fatal(err)
		}
		want, wantU := drain(ref, 4*sim.Second)
		p, err := NewPoisson(9, segs, rand.NewPCG(5, 6))
		if err != nil {
			t.Fatal(err)
		}
		if p.ahead == nil {
			t.Fatal("a source on a *rand.PCG does not draw ahead")
		}
		got, gotU := drain(p, 4*sim.Second)
		if !slices.Equal(got, want) || !slices.Equal(gotU, wantU) {
			t.Fatalf("schedule %v: %d spikes drawn ahead differ from the %d drawn one at a time", segs, len(got), len(want))
		}
		// A checkpoint in the middle of a batch: the restored source goes on as the
		// original.
		a, _ := NewPoisson(9, segs, rand.NewPCG(5, 6))
		b, _ := NewPoisson(9, segs, rand.NewPCG(7, 8))
		var ts []sim.Time
		var us []int32
		tm := a.Start()
		for k := 0; tm < 4*sim.Second; k++ {
			src := a
			if k >= len(want)/2+aheadN/3 {
				src = b
			}
			if k == len(want)/2+aheadN/3 {
				st, err := a.MarshalState()
				if err != nil {
					t.Fatal(err)
				}
				if err := b.UnmarshalState(st); err != nil {
					t.Fatal(err)
				}
			}
			u, next := src.Emit(tm)
			ts, us = append(ts, tm), append(us, u)
			tm = next
		}
		if !slices.Equal(ts, want) || !slices.Equal(us, wantU) {
			t.Fatalf("schedule %v: a source restored from a checkpoint does not go on as the original", segs)
		}
	}
}

// TestRoundHalfUp: roundHalfUp is math.Round on non-negative floats: at halves and their
// neighbours, on random gaps of the sizes a source draws, and beyond 2^52.
func TestRoundHalfUp(t *testing.T) {
	xs := []float64{0, 0.5, 1.5, 2.5, 0.49999999999999994, math.Nextafter(0.5, 1), 1 << 52, 1<<52 + 1, 1 << 60, math.Inf(1), math.SmallestNonzeroFloat64}
	for k := range 1000 {
		h := float64(k) + 0.5
		xs = append(xs, h, math.Nextafter(h, 0), math.Nextafter(h, 1e300))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		xs = append(xs, r.ExpFloat64()*1e5, r.Float64()*1e12)
	}
	for _, x := range xs {
		if got, want := roundHalfUp(x), math.Round(x); got != want {
			t.Fatalf("roundHalfUp(%v) = %v, math.Round %v", x, got, want)
		}
	}
}

func TestPoissonErrors(t *testing.T) {
	r := rand.NewPCG(1, 1)
	for _, c := range []struct {
		n    int
		segs []RateSegment
	}{
		{0, []RateSegment{{0, 1}}},
		{1, nil},
		{1, []RateSegment{{1, 1}}},
		{1, []RateSegment{{0, 1}, {0, 2}}},
		{1, []RateSegment{{0, 1}, {5, 2}, {3, 1}}},
		{1, []RateSegment{{0, -1}}},
		{1, []RateSegment{{0, math.NaN()}}},
		{1, []RateSegment{{0, math.Inf(1)}}},
	} {
		if _, err := NewPoisson(c.n, c.segs, r); err == nil {
			t.Errorf("NewPoisson(%d, %v) accepted", c.n, c.segs)
		}
	}
}

// TestGenerator: the listed spikes come out sorted by (time, unit), duplicates kept,
// through Start/Emit and through an engine; the caller's list is not modified.
func TestGenerator(t *testing.T) {
	list := []Spike{{5, 2}, {1, 1}, {5, 0}, {3, 2}, {1, 0}, {5, 0}, {0, 1}}
	orig := slices.Clone(list)
	want := []Spike{{0, 1}, {1, 0}, {1, 1}, {3, 2}, {5, 0}, {5, 0}, {5, 2}}
	g, err := NewGenerator(3, list)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(list, orig) {
		t.Errorf("NewGenerator modified its argument: %v", list)
	}
	ts, us := drain(g, sim.Never)
	var got []Spike
	for k := range ts {
		got = append(got, Spike{ts[k], us[k]})
	}
	if !slices.Equal(got, want) {
		t.Errorf("emitted %v, want %v", got, want)
	}

	g, _ = NewGenerator(3, list)
	e := sim.NewEngine()
	log := &spikeLog{group: e.AddSource("gen", g)}
	e.Observe(log)
	e.Run(sim.Never - 1)
	got = got[:0]
	for k := range log.t {
		got = append(got, Spike{log.t[k], log.unit[k]})
	}
	if !slices.Equal(got, want) {
		t.Errorf("engine observed %v, want %v", got, want)
	}

	if g, _ := NewGenerator(1, nil); g.Start() != sim.Never {
		t.Errorf("empty generator starts at %v", g.Start())
	}
	for _, c := range []struct {
		n int
		s []Spike
	}{{0, nil}, {2, []Spike{{1, 2}}}, {2, []Spike{{1, -1}}}, {2, []Spike{{-1, 0}}}} {
		if _, err := NewGenerator(c.n, c.s); err == nil {
			t.Errorf("NewGenerator(%d, %v) accepted", c.n, c.s)
		}
	}
}
