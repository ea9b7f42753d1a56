package recordings

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// statsSpike is one spike of a test recording.
type statsSpike struct {
	t         int64 // ns
	pop, node int32
}

// statsRenewal appends the spikes in [0, durNs) of n independent neurons of population pop,
// each a Poisson process of rate rateHz with dead time deadNs after every spike (deadNs = 0:
// plain Poisson): ISI = deadNs + Exp(mean 1/rateHz - deadNs), so the rate is rateHz.
func statsRenewal(dst []statsSpike, rng *rand.Rand, pop int32, n int, rateHz float64, deadNs, durNs int64) []statsSpike {
	meanExpNs := 1e9/rateHz - float64(deadNs)
	for node := range n {
		t := int64(rng.ExpFloat64() * meanExpNs)
		for t < durNs {
			dst = append(dst, statsSpike{t, pop, int32(node)})
			t += deadNs + int64(math.Round(rng.ExpFloat64()*meanExpNs))
		}
	}
	return dst
}

// statsSync appends the spikes of n neurons of population pop that all fire together, at the
// times of one Poisson process of rate rateHz in [0, durNs).
func statsSync(dst []statsSpike, rng *rand.Rand, pop int32, n int, rateHz float64, durNs int64) []statsSpike {
	for t := int64(rng.ExpFloat64() * 1e9 / rateHz); t < durNs; t += int64(math.Round(rng.ExpFloat64() * 1e9 / rateHz)) {
		for node := range n {
			dst = append(dst, statsSpike{t, pop, int32(node)})
		}
	}
	return dst
}

// statsSort puts spikes in event order.
func statsSort(sp []statsSpike) {
	slices.SortStableFunc(sp, func(x, y statsSpike) int { return cmp.Compare(x.t, y.t) })
}

func statsFeed(t *testing.T, a *Analyzer, sp []statsSpike) {
	t.Helper()
	for _, s := range sp {
		if err := a.Add(s.t, s.pop, s.node); err != nil {
			t.Fatal(err)
		}
	}
}

func statsNear(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol) {
		t.Errorf("%s = %.10g; want %.10g ± %.3g (off by %.3g)", what, got, want, tol, got-want)
	}
}

func statsVal(t *testing.T, what string, p *float64) float64 {
	t.Helper()
	if p == nil {
		t.Fatalf("%s is absent; want a value", what)
	}
	return *p
}

// TestStatsTiny checks every statistic on a recording small enough to compute by hand.
//
//	population a (3 neurons), 40 ms, count bins of 10 ms (4), PSTH bins of 20 ms (2)
//	neuron 0: 1 3 7 ms     ISIs 2 4: CV 1/3    counts 3 0 0 0: var 27/16, mean 3/4, Fano 9/4
//	neuron 1: 11 12 15 ms  ISIs 1 3: CV 1/2    counts 0 3 0 0: Fano 9/4
//	neuron 2: 5 25 ms      one ISI: no CV      counts 1 0 1 0: var 1/4, mean 1/2, Fano 1/2
//	r(0,1) = (0 - 9/16)/(27/16) = -1/3; r(0,2) = (3/4 - 3/8)/sqrt(27/16 · 1/4) = 1/√3; r(1,2) = -1/√3
//	population b (1 neuron) is silent; spikes at 40 ms (the end) count for rates only.
func TestStatsTiny(t *testing.T) {
	const ms = int64(1e6)
	a, err := NewAnalyzer(AnalyzeConfig{
		Populations: []AnalyzePopulation{{"a", 3}, {"b", 1}},
		DurationNs:  40 * ms, CountBinNs: 10 * ms, PSTHBinNs: 20 * ms,
		Pairs: 10, Seed: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	statsFeed(t, a, []statsSpike{
		{1 * ms, 0, 0}, {3 * ms, 0, 0}, {5 * ms, 0, 2}, {7 * ms, 0, 0},
		{11 * ms, 0, 1}, {12 * ms, 0, 1}, {15 * ms, 0, 1}, {25 * ms, 0, 2},
	})
	r := a.Result()
	pa, pb, all := r.Populations["a"], r.Populations["b"], r.Overall
	// Exact rationals evaluated in float64: a few ulps of rounding at most.
	const tol = 1e-12
	statsNear(t, "a rate", pa.MeanRateHz, 8/(3*0.04), tol)
	statsNear(t, "a cv", statsVal(t, "a cv", pa.CVISI), (1.0/3+1.0/2)/2, tol)
	statsNear(t, "a fano", statsVal(t, "a fano", pa.FanoFactor), (2.25+2.25+0.5)/3, tol)
	statsNear(t, "a correlation", statsVal(t, "a correlation", pa.Correlation), -1.0/9, tol)
	if pa.CVNeurons != 2 || pa.FanoNeurons != 3 || pa.CorrelationPairs != 3 || pa.SampledPairs != 3 || pa.Spikes != 8 {
		t.Errorf("a: cv neurons %d, fano neurons %d, pairs %d of %d, spikes %d; want 2, 3, 3 of 3, 8",
			pa.CVNeurons, pa.FanoNeurons, pa.CorrelationPairs, pa.SampledPairs, pa.Spikes)
	}
	if len(pa.PSTHHz) != 2 {
		t.Fatalf("a psth has %d bins; want 2", len(pa.PSTHHz))
	}
	statsNear(t, "a psth[0]", pa.PSTHHz[0], 7/(3*0.02), tol)
	statsNear(t, "a psth[1]", pa.PSTHHz[1], 1/(3*0.02), tol)

	if pb.MeanRateHz != 0 || pb.CVISI != nil || pb.FanoFactor != nil || pb.Correlation != nil || pb.SampledPairs != 0 ||
		!slices.Equal(pb.PSTHHz, []float64{0, 0}) {
		t.Errorf("silent b = %+v; want rate 0, no cv, fano or correlation, no pairs, psth [0 0]", pb)
	}

	// Overall: 4 neurons; the 3 pairs with b's silent neuron have no correlation.
	statsNear(t, "overall rate", all.MeanRateHz, 8/(4*0.04), tol)
	statsNear(t, "overall cv", statsVal(t, "overall cv", all.CVISI), 5.0/12, tol)
	statsNear(t, "overall fano", statsVal(t, "overall fano", all.FanoFactor), 5.0/3, tol)
	statsNear(t, "overall correlation", statsVal(t, "overall correlation", all.Correlation), -1.0/9, tol)
	if all.CorrelationPairs != 3 || all.SampledPairs != 6 {
		t.Errorf("overall pairs %d of %d; want 3 of 6", all.CorrelationPairs, all.SampledPairs)
	}
	statsNear(t, "overall psth[0]", all.PSTHHz[0], 7/(4*0.02), tol)

	// Spikes at the very end count for the rate and the CV, not for the (whole) bins.
	if err := a.Add(40*ms, 0, 2); err != nil {
		t.Fatal(err)
	}
	if err := a.Add(40*ms, 1, 0); err != nil {
		t.Fatal(err)
	}
	r2 := a.Result()
	statsNear(t, "rate with end spikes", r2.Overall.MeanRateHz, 10/(4*0.04), tol)
	// neuron 2 ISIs 20 15: mean 17.5, std 2.5
	statsNear(t, "a cv with end spike", statsVal(t, "a cv", r2.Populations["a"].CVISI), (1.0/3+1.0/2+2.5/17.5)/3, tol)
	statsNear(t, "a fano with end spike", statsVal(t, "a fano", r2.Populations["a"].FanoFactor), 5.0/3, tol)
	if r2.Populations["b"].FanoFactor != nil {
		t.Errorf("b fano = %v; want absent (its only spike is after the last whole bin)", *r2.Populations["b"].FanoFactor)
	}
}

// TestStatsPoisson checks a population of independent Poisson neurons (CV = Fano = 1,
// correlation 0, flat PSTH) and one of identical trains (correlation 1).
func TestStatsPoisson(t *testing.T) {
	const (
		nP, nS = 200, 50
		rateHz = 20.0
		durNs  = int64(50e9)
		binNs  = int64(100e6)
		psthNs = int64(500e6)
		pairs  = 500
	)
	rng := rand.New(rand.NewPCG(1, 2))
	sp := statsRenewal(nil, rng, 0, nP, rateHz, 0, durNs)
	sp = statsSync(sp, rng, 1, nS, rateHz, durNs)
	statsSort(sp)
	a, err := NewAnalyzer(AnalyzeConfig{
		Populations: []AnalyzePopulation{{"poisson", nP}, {"sync", nS}},
		DurationNs:  durNs, CountBinNs: binNs, PSTHBinNs: psthNs, Pairs: pairs, Seed: 7,
	})
	if err != nil {
		t.Fatal(err)
	}
	statsFeed(t, a, sp)
	r := a.Result()
	p := r.Populations["poisson"]
	T := float64(durNs) / 1e9
	B := float64(durNs / binNs)

	// Rate: the count is Poisson(nP rate T), so its standard error is sqrt(count)/(nP T); 5 SE.
	se := math.Sqrt(float64(p.Spikes)) / (nP * T)
	statsNear(t, "poisson rate", p.MeanRateHz, rateHz, 5*se)
	t.Logf("rate %.4f Hz (SE %.4f)", p.MeanRateHz, se)

	// CV: by the delta method, Var(std/mean) ≈ c²/n ((κ-1)/4 - cγ + c²) for n intervals with
	// skewness γ and kurtosis κ; the exponential (c 1, γ 2, κ 9) gives 1/n, so the mean over
	// neurons has SE 1/sqrt(total ISIs). 5 SE, plus 2/n for the O(1/n) bias of the estimator.
	isis := float64(p.Spikes - nP)
	cv := statsVal(t, "poisson cv", p.CVISI)
	statsNear(t, "poisson cv", cv, 1, 5/math.Sqrt(isis)+2*nP/isis)
	t.Logf("cv %.4f (SE %.4f)", cv, 1/math.Sqrt(isis))

	// Fano: the population variance of B counts has mean (B-1)/B σ²; for Poisson counts of mean
	// m, Var(var/mean) ≈ 2/(B-1) + 1/(m B) per neuron; the mean over nP neurons has that over nP. 5 SE.
	m := rateHz * float64(binNs) / 1e9
	seF := math.Sqrt((2/(B-1) + 1/(m*B)) / nP)
	fano := statsVal(t, "poisson fano", p.FanoFactor)
	statsNear(t, "poisson fano", fano, (B-1)/B, 5*seF)
	t.Logf("fano %.4f (SE %.4f)", fano, seF)

	// Correlation of independent trains: each r has SE 1/sqrt(B); the mean of the pairs 1/sqrt(pairs B). 5 SE.
	corr := statsVal(t, "poisson correlation", p.Correlation)
	statsNear(t, "poisson correlation", corr, 0, 5/math.Sqrt(pairs*B))
	t.Logf("correlation %.5f (SE %.5f)", corr, 1/math.Sqrt(pairs*B))
	if p.SampledPairs != pairs || p.CorrelationPairs != pairs {
		t.Errorf("poisson pairs %d used of %d; want %d of %d", p.CorrelationPairs, p.SampledPairs, pairs, pairs)
	}

	// PSTH of a constant rate: bin counts are Poisson(E) with E = nP rate width, so
	// Σ (c-E)²/E is χ² with K degrees of freedom (mean K, SD sqrt(2K)): within 5 SD; and every
	// bin within 5 Poisson SD (P(|z| > 5) ≈ 6e-7 per bin).
	width := float64(psthNs) / 1e9
	E := nP * rateHz * width
	chi2 := 0.0
	for k, hz := range p.PSTHHz {
		c := hz * nP * width
		chi2 += (c - E) * (c - E) / E
		if math.Abs(c-E) > 5*math.Sqrt(E) {
			t.Errorf("psth[%d] = %.3f Hz; want %.3f ± %.3f (5 Poisson SD)", k, hz, rateHz, 5*math.Sqrt(E)/(nP*width))
		}
	}
	K := float64(len(p.PSTHHz))
	statsNear(t, "psth chi²", chi2, K, 5*math.Sqrt(2*K))
	t.Logf("psth chi² %.1f for %g bins", chi2, K)

	// Identical trains: every pair's counts are equal, r = 1 up to rounding.
	s := r.Populations["sync"]
	statsNear(t, "sync correlation", statsVal(t, "sync correlation", s.Correlation), 1, 1e-12)

	// Overall pairs come from all 250 neurons: a fraction f = C(50,2)/C(250,2) of pairs lie in
	// sync (r 1), the rest have r ≈ 0. The sampled fraction has SE sqrt(f(1-f)/pairs); 5 SE
	// plus 5 SE of the independent pairs' noise.
	f := float64(nS*(nS-1)) / float64((nP+nS)*(nP+nS-1))
	o := statsVal(t, "overall correlation", r.Overall.Correlation)
	statsNear(t, "overall correlation", o, f, 5*math.Sqrt(f*(1-f)/pairs)+5/math.Sqrt(pairs*B))
	t.Logf("overall correlation %.4f, expected %.4f", o, f)
}

// TestStatsDeadTime checks CV = 1 - rate·tau_ref for a Poisson process with dead time
// (REFERENCES.md, "Spike-train statistics").
func TestStatsDeadTime(t *testing.T) {
	const (
		n      = 100
		rateHz = 50.0
		deadNs = int64(5e6)
		durNs  = int64(40e9)
	)
	rng := rand.New(rand.NewPCG(3, 4))
	sp := statsRenewal(nil, rng, 0, n, rateHz, deadNs, durNs)
	statsSort(sp)
	a, err := NewAnalyzer(AnalyzeConfig{
		Populations: []AnalyzePopulation{{"dead", n}},
		DurationNs:  durNs, CountBinNs: int64(1e9), PSTHBinNs: int64(1e9),
	})
	if err != nil {
		t.Fatal(err)
	}
	statsFeed(t, a, sp)
	r := a.Result().Overall
	want := 1 - rateHz*float64(deadNs)/1e9 // 0.75
	// ISIs are tau_ref + Exp: skewness 2 and kurtosis 9 as the exponential, c = 0.75, so by
	// the delta method (TestStatsPoisson) Var(ĉ) ≈ c²((9-1)/4 - 2c + c²)/n per neuron; 5 SE
	// of the mean over all ISIs, plus 2/n for the O(1/n) bias.
	isis := float64(r.Spikes - n)
	se := math.Sqrt(want * want * (2 - 2*want + want*want) / isis)
	cv := statsVal(t, "cv", r.CVISI)
	statsNear(t, "dead-time cv", cv, want, 5*se+2*n/isis)
	t.Logf("cv %.4f, want %.4f (SE %.4f), rate %.3f Hz", cv, want, se, r.MeanRateHz)
}

// statsBrute computes the report of spikes naively, from whole per-neuron trains and binned
// counts, with gonum's stat functions, for every pair in each group (cfg.Pairs must cover them).
func statsBrute(cfg AnalyzeConfig, sp []statsSpike) Report {
	pops := len(cfg.Populations)
	type nrn struct {
		group  int
		times  []float64
		counts []float64
	}
	nb := cfg.DurationNs / cfg.CountBinNs
	npsth := cfg.DurationNs / cfg.PSTHBinNs
	var all []*nrn
	byPop := make([][]*nrn, pops)
	for p, pop := range cfg.Populations {
		for range pop.Size {
			x := &nrn{group: p, counts: make([]float64, nb)}
			byPop[p] = append(byPop[p], x)
			all = append(all, x)
		}
	}
	psth := make([][]float64, pops)
	for p := range psth {
		psth[p] = make([]float64, npsth)
	}
	for _, s := range sp {
		x := byPop[s.pop][s.node]
		x.times = append(x.times, float64(s.t))
		if b := s.t / cfg.CountBinNs; b < nb {
			x.counts[b]++
		}
		if k := s.t / cfg.PSTHBinNs; k < npsth {
			psth[s.pop][k]++
		}
	}
	stats := func(ns []*nrn, counts []float64) PopulationStats {
		var cvs, fanos, corrs []float64
		spikes := 0
		for _, x := range ns {
			spikes += len(x.times)
			if len(x.times) >= 3 {
				isi := make([]float64, len(x.times)-1)
				for k := range isi {
					isi[k] = x.times[k+1] - x.times[k]
				}
				mean, std := stat.PopMeanStdDev(isi, nil)
				cvs = append(cvs, std/mean)
			}
			if mean := stat.Mean(x.counts, nil); mean > 0 {
				fanos = append(fanos, stat.PopVariance(x.counts, nil)/mean)
			}
		}
		pairs := 0
		for i := range ns {
			for j := i + 1; j < len(ns); j++ {
				pairs++
				if stat.PopVariance(ns[i].counts, nil) > 0 && stat.PopVariance(ns[j].counts, nil) > 0 {
					corrs = append(corrs, stat.Correlation(ns[i].counts, ns[j].counts, nil))
				}
			}
		}
		width := float64(cfg.PSTHBinNs) / 1e9
		hz := make([]float64, len(counts))
		for k, c := range counts {
			hz[k] = c / (float64(len(ns)) * width)
		}
		return PopulationStats{
			Neurons: len(ns), Spikes: int64(spikes),
			MeanRateHz: float64(spikes) / (float64(len(ns)) * float64(cfg.DurationNs) / 1e9),
			CVISI:      statsMean(cvs), CVNeurons: len(cvs),
			FanoFactor: statsMean(fanos), FanoNeurons: len(fanos),
			Correlation: statsMean(corrs), CorrelationPairs: len(corrs), SampledPairs: pairs,
			PSTHHz: hz,
		}
	}
	r := Report{Populations: map[string]PopulationStats{}}
	total := make([]float64, npsth)
	for p, pop := range cfg.Populations {
		r.Populations[pop.Name] = stats(byPop[p], psth[p])
		for k, c := range psth[p] {
			total[k] += c
		}
	}
	r.Overall = stats(all, total)
	return r
}

// statsSame compares two PopulationStats to within rel (relative to the value, floor 1).
func statsSame(t *testing.T, what string, got, want PopulationStats, rel float64) {
	t.Helper()
	if got.Neurons != want.Neurons || got.Spikes != want.Spikes || got.CVNeurons != want.CVNeurons ||
		got.FanoNeurons != want.FanoNeurons || got.CorrelationPairs != want.CorrelationPairs ||
		got.SampledPairs != want.SampledPairs || len(got.PSTHHz) != len(want.PSTHHz) {
		t.Errorf("%s: got %+v\nwant %+v", what, got, want)
		return
	}
	near := func(name string, g, w float64) {
		statsNear(t, what+" "+name, g, w, rel*max(1, math.Abs(w)))
	}
	opt := func(name string, g, w *float64) {
		if (g == nil) != (w == nil) {
			t.Errorf("%s %s: got %v, want %v", what, name, g, w)
		} else if g != nil {
			near(name, *g, *w)
		}
	}
	near("rate", got.MeanRateHz, want.MeanRateHz)
	opt("cv", got.CVISI, want.CVISI)
	opt("fano", got.FanoFactor, want.FanoFactor)
	opt("correlation", got.Correlation, want.Correlation)
	for k := range got.PSTHHz {
		near("psth", got.PSTHHz[k], want.PSTHHz[k])
	}
}

// TestStatsAgainstBruteForce checks the streaming accumulators against gonum's stat functions
// on whole trains: bursty neurons (counts of several spikes per bin, empty bins, shared bins),
// a count bin that does not divide the duration, spikes at the end, Result called midway.
func TestStatsAgainstBruteForce(t *testing.T) {
	cfg := AnalyzeConfig{
		Populations: []AnalyzePopulation{{"x", 6}, {"y", 9}, {"z", 1}},
		DurationNs:  1_000_000, CountBinNs: 30_000, PSTHBinNs: 70_000,
		Pairs: 1000, // more than C(16, 2): every pair
	}
	rng := rand.New(rand.NewPCG(5, 6))
	var sp []statsSpike
	for p, pop := range cfg.Populations {
		for node := range pop.Size {
			rate := rng.Float64() * 100e-6 // per ns: up to 100 spikes in the 1 ms, a few per 30 µs bin
			if node == 0 {
				continue // one silent neuron per population
			}
			for tt := rng.ExpFloat64() / rate; tt < float64(cfg.DurationNs); tt += rng.ExpFloat64() / rate {
				burst := 1 + rng.IntN(3)
				for range burst {
					sp = append(sp, statsSpike{int64(tt), int32(p), int32(node)})
				}
			}
		}
	}
	sp = append(sp, statsSpike{cfg.DurationNs, 1, 3}, statsSpike{cfg.DurationNs, 0, 1})
	statsSort(sp)
	a, err := NewAnalyzer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Sums of up to ~1e3 terms in another order, and 128-bit sums rounded once: 1e-10 relative
	// is many orders above the rounding (~1e-13) and far below any logic error.
	const rel = 1e-10
	half := len(sp) / 2
	statsFeed(t, a, sp[:half])
	mid := a.Result()
	if again := a.Result(); again.Overall.Spikes != mid.Overall.Spikes || *again.Overall.FanoFactor != *mid.Overall.FanoFactor {
		t.Errorf("a second Result differs from the first: Result must not change the state")
	}
	wantMid := statsBrute(cfg, sp[:half])
	statsSame(t, "midway overall", mid.Overall, wantMid.Overall, rel)
	statsFeed(t, a, sp[half:])
	got, want := a.Result(), statsBrute(cfg, sp)
	for _, pop := range cfg.Populations {
		statsSame(t, pop.Name, got.Populations[pop.Name], want.Populations[pop.Name], rel)
	}
	statsSame(t, "overall", got.Overall, want.Overall, rel)
	t.Logf("%d spikes; overall cv %.4f fano %.4f correlation %.4f over %d pairs", len(sp),
		*got.Overall.CVISI, *got.Overall.FanoFactor, *got.Overall.Correlation, got.Overall.CorrelationPairs)
}

// TestAnalyzerPairSampling checks that sampled pairs are distinct, within their group, as
// many as asked, and fixed by the seed.
func TestAnalyzerPairSampling(t *testing.T) {
	cfg := AnalyzeConfig{
		Populations: []AnalyzePopulation{{"p", 40}, {"q", 3}, {"r", 100}},
		DurationNs:  1e9, CountBinNs: 1e7, PSTHBinNs: 1e8, Pairs: 300, Seed: 11,
	}
	pairsOf := func(seed uint64) []statsPair {
		c := cfg
		c.Seed = seed
		a, err := NewAnalyzer(c)
		if err != nil {
			t.Fatal(err)
		}
		// The CSR index must find each pair under its first neuron.
		for i := range len(a.neurons) {
			for k := a.pairStart[i]; k < a.pairStart[i+1]; k++ {
				if a.pairs[k].a != int32(i) {
					t.Fatalf("pair %d = %+v filed under neuron %d", k, a.pairs[k], i)
				}
			}
		}
		return a.pairs
	}
	ps := pairsOf(11)
	count := map[int32]int{}
	seen := map[[3]int32]bool{}
	first := []int32{0, 40, 43, 143}
	for _, p := range ps {
		count[p.group]++
		key := [3]int32{p.group, p.a, p.b}
		if seen[key] {
			t.Errorf("pair %+v drawn twice", p)
		}
		seen[key] = true
		if !(p.a < p.b) {
			t.Errorf("pair %+v: want a < b", p)
		}
		if g := p.group; g < 3 && (p.a < first[g] || p.b >= first[g+1]) {
			t.Errorf("pair %+v leaves population %d", p, g)
		}
	}
	// want min(300, C(n,2)): p C(40,2) = 780, q C(3,2) = 3, r 4950, overall C(143,2)
	for g, want := range []int{300, 3, 300, 300} {
		if count[int32(g)] != want {
			t.Errorf("group %d: %d pairs; want %d", g, count[int32(g)], want)
		}
	}
	if !slices.Equal(ps, pairsOf(11)) {
		t.Error("the same seed drew different pairs")
	}
	if slices.Equal(ps, pairsOf(12)) {
		t.Error("another seed drew the same pairs")
	}
	for _, tc := range []struct{ t, i, j uint64 }{{0, 0, 1}, {1, 0, 2}, {2, 1, 2}, {3, 0, 3}, {5, 2, 3}, {6, 0, 4}} {
		if i, j := statsPairOf(tc.t); i != tc.i || j != tc.j {
			t.Errorf("statsPairOf(%d) = (%d, %d); want (%d, %d)", tc.t, i, j, tc.i, tc.j)
		}
	}
	// Large indices: the float estimate of j is corrected to the exact pair.
	for _, j := range []uint64{1 << 20, 3_000_000_001, 1<<32 - 1} {
		for _, i := range []uint64{0, j / 2, j - 1} {
			if gi, gj := statsPairOf(j*(j-1)/2 + i); gi != i || gj != j {
				t.Errorf("statsPairOf(pair (%d, %d)) = (%d, %d)", i, j, gi, gj)
			}
		}
	}
}

// TestAnalyzerErrors checks that bad configurations and spikes are reported with what was
// wrong and what was expected.
func TestAnalyzerErrors(t *testing.T) {
	_, err := NewAnalyzer(AnalyzeConfig{
		Populations: []AnalyzePopulation{{"a", 2}, {"a", 0}},
		DurationNs:  100, CountBinNs: 200, PSTHBinNs: 0, Pairs: -1,
		Distances:      []TrainPair{{TrainRef{0, 2}, TrainRef{5, 0}}},
		VanRossumTauMs: 0, VictorPurpuraQPerMs: math.NaN(),
	})
	if err == nil {
		t.Fatal("NewAnalyzer accepted a bad config")
	}
	for _, want := range []string{`name "a" used twice`, "size 0; want at least 1", "count bin 200 ns is longer",
		"PSTH bin 0 ns", "-1 sampled pairs", "neuron 2 of population \"a\"", "population index 5",
		"van Rossum tau 0 ms", "Victor-Purpura q NaN"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("config error lacks %q:\n%v", want, err)
		}
	}

	a, err := NewAnalyzer(AnalyzeConfig{
		Populations: []AnalyzePopulation{{"a", 2}}, DurationNs: 100, CountBinNs: 10, PSTHBinNs: 10,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Add(50, 0, 1); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		t         int64
		pop, node int32
		want      string
	}{
		{40, 0, 0, "comes after one at 50 ns; want event order"},
		{60, 1, 0, "population index 1; want 0 to 0"},
		{60, 0, 2, "neuron 2 of population \"a\"; want 0 to 1"},
		{101, 0, 0, "outside the recording; want 0 to 100 ns"},
	} {
		if err := a.Add(tc.t, tc.pop, tc.node); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Add(%d, %d, %d) = %v; want an error with %q", tc.t, tc.pop, tc.node, err, tc.want)
		}
	}
	if err := a.Err(); err == nil || !strings.Contains(err.Error(), "event order") {
		t.Errorf("Err() = %v; want the first error", err)
	}
	if got := a.Result().Overall.Spikes; got != 1 {
		t.Errorf("%d spikes counted; want 1 (bad spikes are left out)", got)
	}
	if p, ok := a.Population("a"); !ok || p != 0 {
		t.Errorf(`Population("a") = %d, %v; want 0, true`, p, ok)
	}
}

// TestAnalyzerDistances checks that the distances reported are those of the pure functions on
// the trains fed.
func TestAnalyzerDistances(t *testing.T) {
	const ms = int64(1e6)
	a, err := NewAnalyzer(AnalyzeConfig{
		Populations: []AnalyzePopulation{{"a", 2}, {"b", 2}},
		DurationNs:  100 * ms, CountBinNs: 10 * ms, PSTHBinNs: 10 * ms,
		Distances:      []TrainPair{{TrainRef{0, 0}, TrainRef{1, 1}}, {TrainRef{0, 0}, TrainRef{0, 1}}},
		VanRossumTauMs: 5, VictorPurpuraQPerMs: 0.1,
	})
	if err != nil {
		t.Fatal(err)
	}
	statsFeed(t, a, []statsSpike{{10 * ms, 0, 0}, {12 * ms, 1, 1}, {20 * ms, 0, 0}, {24 * ms, 1, 1},
		{30 * ms, 0, 0}, {30 * ms, 1, 1}, {31 * ms, 1, 0}})
	r := a.Result()
	if len(r.Distances) != 2 {
		t.Fatalf("%d distances; want 2", len(r.Distances))
	}
	d := r.Distances[0]
	x, y := []float64{10, 20, 30}, []float64{12, 24, 30}
	if d.A != (TrainName{"a", 0}) || d.B != (TrainName{"b", 1}) || d.SpikesA != 3 || d.SpikesB != 3 ||
		d.VanRossum != VanRossum(x, y, 5) || d.VictorPurpura != VictorPurpura(x, y, 0.1) {
		t.Errorf("distance = %+v; want a/0 vs b/1, 3 spikes each, van Rossum %g, Victor-Purpura %g",
			d, VanRossum(x, y, 5), VictorPurpura(x, y, 0.1))
	}
	// Elephant's docstring example: shifts of 2 and 4 ms at q = 0.1/ms cost 0.6.
	statsNear(t, "Victor-Purpura", d.VictorPurpura, 0.6, 1e-12)
	// Against the silent a/1: D² = Σ_{k,l} e^{-|x_k-x_l|/5} = 3 + 2(2e^{-2} + e^{-4}); deleting 3 spikes costs 3.
	if e := r.Distances[1]; e.SpikesB != 0 || e.VictorPurpura != 3 {
		t.Errorf("against a silent train: %+v; want 0 spikes in b, Victor-Purpura 3", e)
	} else {
		statsNear(t, "van Rossum against silent", e.VanRossum, math.Sqrt(3+2*(2*math.Exp(-2)+math.Exp(-4))), 1e-14)
	}
}

// TestAnalyzerAllocs feeds 10^7 spikes of 1000 neurons (two populations, 1000 sampled pairs,
// count and PSTH bins) and checks that Add allocates nothing at all: memory is set up by
// NewAnalyzer and does not grow with the spikes.
func TestAnalyzerAllocs(t *testing.T) {
	const (
		neurons = 1000
		total   = 10_000_000
		rateHz  = 10.0
	)
	// The spikes need 1000 s ± 0.3 s (SD of a sum of 1e7 exponential gaps of 0.1 ms): 1% more.
	durNs := int64(1.01 * total / (neurons * rateHz) * 1e9)
	a, err := NewAnalyzer(AnalyzeConfig{
		Populations: []AnalyzePopulation{{"exc", 800}, {"inh", 200}},
		DurationNs:  durNs, CountBinNs: 50e6, PSTHBinNs: 10e6, Pairs: 1000, Seed: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 10))
	tt, meanGapNs := 0.0, 1e9/(neurons*rateHz) // superposition of 1000 Poisson trains
	var addErr error
	feed := func() {
		for range total / 2 {
			tt += rng.ExpFloat64() * meanGapNs
			i := rng.IntN(neurons)
			pop, node := int32(0), int32(i)
			if i >= 800 {
				pop, node = 1, int32(i-800)
			}
			if err := a.Add(int64(tt), pop, node); err != nil && addErr == nil {
				addErr = err
			}
		}
	}
	// AllocsPerRun calls feed once to warm up (5e6 spikes), then once measured (5e6 more): the
	// result is the total number of allocations of 5e6 calls of Add, which must be 0.
	allocs := testing.AllocsPerRun(1, feed)
	if addErr != nil {
		t.Fatal(addErr)
	}
	if allocs != 0 {
		t.Errorf("%v allocations while adding %d spikes; want 0", allocs, total/2)
	}
	r := a.Result()
	if r.Overall.Spikes != total {
		t.Errorf("%d spikes; want %d", r.Overall.Spikes, total)
	}
	t.Logf("%d spikes, rate %.3f Hz, cv %.4f, fano %.4f, correlation %.5f", r.Overall.Spikes,
		r.Overall.MeanRateHz, *r.Overall.CVISI, *r.Overall.FanoFactor, *r.Overall.Correlation)
}

func BenchmarkAnalyzerAdd(b *testing.B) {
	for _, pairs := range []int{0, 1000} {
		b.Run("neurons=1000/pairs="+strconv.Itoa(pairs), func(b *testing.B) {
			a, err := NewAnalyzer(AnalyzeConfig{
				Populations: []AnalyzePopulation{{"exc", 1000}},
				DurationNs:  math.MaxInt64 / 2, CountBinNs: 50e6, PSTHBinNs: 1e15, Pairs: pairs, Seed: 1,
			})
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			tt := 0.0
			b.ReportAllocs()
			for b.Loop() {
				tt += rng.ExpFloat64() * 1e5
				a.Add(int64(tt), 0, int32(rng.IntN(1000)))
			}
		})
	}
}

// TestVanRossum checks hand-computed cases in Elephant's normalisation, D² = (2/tau)∫(f_a-f_b)².
func TestVanRossum(t *testing.T) {
	e := math.Exp
	for _, tc := range []struct {
		name string
		a, b []float64
		tau  float64
		want float64
	}{
		{"both empty", nil, nil, 3, 0},
		{"one spike vs empty", []float64{5}, nil, 3, 1}, // Elephant's normalisation
		{"empty vs one spike", nil, []float64{5}, 3, 1},
		{"two coincident vs empty", []float64{5, 5}, nil, 3, 2}, // f = 2 e^{-t/tau}: D² = 4
		{"identical", []float64{1, 2, 7.5}, []float64{1, 2, 7.5}, 3, 0},
		// Single spikes d apart: 1 + 1 - 2 e^{-d/tau}.
		{"d = tau", []float64{0}, []float64{3}, 3, math.Sqrt(2 * (1 - e(-1)))},
		{"d = 2 tau, b first", []float64{6}, []float64{0}, 3, math.Sqrt(2 * (1 - e(-2)))},
		{"far apart", []float64{0}, []float64{1e6}, 1, math.Sqrt2},
		// Two spikes 0, 1 against one at 0: Σaa = 2 + 2e^{-1/τ}, Σbb = 1, Σab = 1 + e^{-1/τ}.
		{"one extra", []float64{0, 1}, []float64{0}, 2, 1},
		// [0, 2] vs [1]: Σaa = 2 + 2e^{-2/τ}, Σbb = 1, Σab = 2e^{-1/τ}.
		{"interleaved", []float64{0, 2}, []float64{1}, 2, math.Sqrt(3 + 2*e(-1) - 4*e(-0.5))},
		{"tau = Inf counts", []float64{1, 2, 3}, []float64{7}, math.Inf(1), 2},
	} {
		got := VanRossum(tc.a, tc.b, tc.tau)
		// closed forms evaluated in float64: a few ulps
		statsNear(t, "VanRossum "+tc.name, got, tc.want, 1e-14)
	}
	// Identical trains give exactly 0: no cancellation in the sum of non-negative terms.
	x := []float64{0.1, 0.3, 0.35, 4, 4, 9.25}
	if d := VanRossum(x, x, 0.7); d != 0 {
		t.Errorf("VanRossum(x, x) = %g; want exactly 0", d)
	}
	// The paper's normalisation (van Rossum 2001) is Elephant's over √2: sqrt(1 - e^{-d/tau}).
	statsNear(t, "VanRossum/√2", VanRossum([]float64{0}, []float64{2}, 4)/math.Sqrt2, math.Sqrt(1-e(-0.5)), 1e-15)

	for _, bad := range []func(){
		func() { VanRossum([]float64{2, 1}, nil, 1) },
		func() { VanRossum(nil, []float64{math.NaN()}, 1) },
		func() { VanRossum(nil, nil, 0) },
		func() { VanRossum(nil, nil, math.NaN()) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(r.(string), "recordings: VanRossum") {
					t.Errorf("panic %v; want one starting with recordings: VanRossum", r)
				}
			}()
			bad()
		}()
	}
}

// statsRandomTrain returns up to maxN sorted spike times, multiples of 1/64 ms in [0, spanMs).
func statsRandomTrain(rng *rand.Rand, maxN int, spanMs float64) []float64 {
	x := make([]float64, rng.IntN(maxN+1))
	for k := range x {
		x[k] = float64(rng.IntN(int(spanMs*64))) / 64
	}
	slices.Sort(x)
	return x
}

// TestVanRossumGrid compares VanRossum with (2/tau)∫(f_a-f_b)² dt by the midpoint rule on a
// grid of step h = 1/1024 ms, and with Elephant's pair-sum form.
func TestVanRossumGrid(t *testing.T) {
	const h = 1.0 / 1024
	rng := rand.New(rand.NewPCG(21, 22))
	for k := range 6 {
		tau := []float64{1, 5, 20}[k%3]
		a, b := statsRandomTrain(rng, 8, 40), statsRandomTrain(rng, 8, 40)
		if k == 0 {
			b = nil
		}
		// Spike times are multiples of 1/64 ms, so they fall on cell edges and (f_a-f_b)² is
		// smooth inside every cell: the composite midpoint rule errs by about
		// (h²/24)∫F'' = (h²/24)(4/tau²)D², relative h²/(6 tau²) <= 1.6e-7 for tau >= 1 ms.
		// The grid stops 20 tau after the last spike: the tail left out is e^{-40} of D².
		end := 40 + 20*tau
		sum := 0.0
		for c := range int(end / h) {
			tm := (float64(c) + 0.5) * h
			f := 0.0
			for _, s := range a {
				if s <= tm {
					f += math.Exp(-(tm - s) / tau)
				}
			}
			for _, s := range b {
				if s <= tm {
					f -= math.Exp(-(tm - s) / tau)
				}
			}
			sum += f * f
		}
		grid := 2 / tau * sum * h
		got := VanRossum(a, b, tau)
		statsNear(t, "VanRossum² vs grid", got*got, grid, 1e-6*max(grid, 1e-3))

		// Elephant's form: Σ over all pairs of e^{-|x-y|/tau}; rounding ~1e-16 per term.
		pairSum := func(x, y []float64) float64 {
			s := 0.0
			for _, u := range x {
				for _, v := range y {
					s += math.Exp(-math.Abs(u-v) / tau)
				}
			}
			return s
		}
		elephant := pairSum(a, a) + pairSum(b, b) - 2*pairSum(a, b)
		statsNear(t, "VanRossum² vs pair sums", got*got, elephant, 1e-12*float64(1+len(a)+len(b))*float64(1+len(a)+len(b)))
		t.Logf("tau %g: %d vs %d spikes: D = %.9f, grid %.9f", tau, len(a), len(b), got, math.Sqrt(grid))
	}
}

// TestVictorPurpura checks hand-computed cases.
func TestVictorPurpura(t *testing.T) {
	inf := math.Inf(1)
	for _, tc := range []struct {
		name string
		a, b []float64
		q    float64
		want float64
	}{
		{"both empty", nil, nil, 1, 0},
		{"empty vs three", nil, []float64{1, 2, 3}, 1, 3},
		{"identical", []float64{1, 2, 3}, []float64{1, 2, 3}, 5, 0},
		{"shift q d = 0.5", []float64{0}, []float64{5}, 0.1, 0.5},
		{"shift q d = 3 > 2: delete and insert", []float64{0}, []float64{30}, 0.1, 2},
		{"Elephant's docstring example", []float64{10, 20, 30}, []float64{12, 24, 30}, 0.1, 0.6},
		{"q = 0 counts", []float64{1, 2, 3}, []float64{100}, 0, 2},
		{"q = Inf, one coincidence", []float64{1, 2}, []float64{1, 3}, inf, 2},
		{"parallel shifts, not crossed", []float64{0, 10}, []float64{1, 11}, 0.1, 0.2},
		// Shift 0 -> 1 (0.5) and delete 5 (1) beats shifting 5 -> 1 (2 > 1 + 1).
		{"shift one, delete one", []float64{0, 5}, []float64{1}, 0.5, 1.5},
	} {
		got := VictorPurpura(tc.a, tc.b, tc.q)
		statsNear(t, "VictorPurpura "+tc.name, got, tc.want, 1e-14) // sums of a few terms: ulps
		if back := VictorPurpura(tc.b, tc.a, tc.q); back != got {
			t.Errorf("VictorPurpura %s not symmetric: %g vs %g", tc.name, got, back)
		}
	}
	for _, bad := range []func(){
		func() { VictorPurpura([]float64{2, 1}, nil, 1) },
		func() { VictorPurpura(nil, nil, -1) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(r.(string), "recordings: VictorPurpura") {
					t.Errorf("panic %v; want one starting with recordings: VictorPurpura", r)
				}
			}()
			bad()
		}()
	}
}

// TestVictorPurpuraBruteForce compares the dynamic programme with the least cost over every
// partial matching of a's spikes to b's (crossing ones included, which never win in 1-D):
// len(a) + len(b) - 2|M| + q Σ_M |a_i - b_j|.
func TestVictorPurpuraBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for range 300 {
		a, b := statsRandomTrain(rng, 5, 10), statsRandomTrain(rng, 5, 10)
		q := []float64{0, 0.1, 0.5, 2, 10}[rng.IntN(5)]
		used := make([]bool, len(b))
		var best func(i int, cost float64) float64
		best = func(i int, cost float64) float64 {
			if i == len(a) {
				for j := range b {
					if !used[j] {
						cost++ // insert
					}
				}
				return cost
			}
			m := best(i+1, cost+1) // delete a[i]
			for j := range b {
				if !used[j] {
					used[j] = true
					m = min(m, best(i+1, cost+q*math.Abs(a[i]-b[j])))
					used[j] = false
				}
			}
			return m
		}
		want := best(0, 0)
		// the same few terms summed in another order: rounding of a few ulps of ~10
		statsNear(t, "VictorPurpura vs brute force", VictorPurpura(a, b, q), want, 1e-12)
	}
}
