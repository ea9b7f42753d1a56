package synapse_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"snn/sim"
	"snn/synapse"
)

// TestFixedProbabilityCount checks the number of synapses against its Binomial(m, p)
// law, m the number of candidate pairs (n(n-1) for a recurrent projection without
// autapses). Tolerance: 5 standard deviations sqrt(m p (1-p)) plus 1 for the continuity
// correction; every case has m p >= 100, where the normal approximation of the binomial
// holds, so a correct builder fails a case with probability about 6e-7.
func TestFixedProbabilityCount(t *testing.T) {
	for _, tc := range []struct {
		npre, npost int
		p           float64
		recurrent   bool
		noAutapse   bool
	}{
		{1000, 1000, 1e-4, false, false},
		{1000, 1000, 0.02, false, false},
		{1000, 1000, 0.5, false, false},
		{1000, 1000, 0.1, true, true},
		{1000, 1000, 0.1, true, false},
		{1000, 1000, 0.1, false, true}, // not recurrent: the policy has nothing to remove
		{300, 2000, 0.9, false, false},
		{2000, 30, 0.3, false, false},
	} {
		name := fmt.Sprintf("%dx%d/p=%g/recurrent=%v/noautapse=%v", tc.npre, tc.npost, tc.p, tc.recurrent, tc.noAutapse)
		t.Run(name, func(t *testing.T) {
			rule := synapse.Rule{Kind: synapse.FixedProbability, P: tc.p, NoAutapse: tc.noAutapse}
			p := build(t, tc.npre, tc.npost, constCfg(rule, tc.recurrent), streams(11, name))
			m := float64(tc.npre) * float64(tc.npost)
			if tc.recurrent && tc.noAutapse {
				m -= float64(tc.npre)
			}
			mean, sd := m*tc.p, math.Sqrt(m*tc.p*(1-tc.p))
			if got := float64(p.Len()); math.Abs(got-mean) > 5*sd+1 {
				t.Errorf("%d synapses, want %.0f ± %.0f (5 sd)", p.Len(), mean, 5*sd+1)
			}
			if e := synapse.Expected(rule, tc.npre, tc.npost, tc.recurrent); e != mean {
				t.Errorf("Expected = %v, want %v", e, mean)
			}
			checkRowsStrictlyIncreasing(t, rowsOf(p))
		})
	}
}

// checkRowsStrictlyIncreasing: with a constant delay a row is sorted by target, and
// fixed_probability never makes a multapse, so targets strictly increase.
func checkRowsStrictlyIncreasing(t *testing.T, rows [][]syn) {
	t.Helper()
	for i, r := range rows {
		for k := 1; k < len(r); k++ {
			if r[k].post <= r[k-1].post {
				t.Fatalf("row %d: target %d after %d", i, r[k].post, r[k-1].post)
			}
		}
	}
}

// TestFixedProbabilityInDegreeVariance checks that rows are drawn independently of each
// other: a post's in-degree is then Binomial(npre, p), so the sample variance s² of the
// npost in-degrees estimates σ² = npre p (1-p). For independent draws
// Var(s²/σ²) = 2/(n-1) + κ/n (n = npost, κ = (1-6pq)/(npre pq) the binomial's excess
// kurtosis); the tolerance is 5 of those standard deviations (0.16 here). Rows that
// reused one random sequence would give s² near npre² p(1-p), rows that avoided each
// other's targets a far smaller one. The out-degrees (row lengths) are checked likewise.
func TestFixedProbabilityInDegreeVariance(t *testing.T) {
	const n, q = 2000, 0.05
	rule := synapse.Rule{Kind: synapse.FixedProbability, P: q}
	rows := rowsOf(build(t, n, n, constCfg(rule, false), streams(3, "variance")))
	out := make([]int, n)
	for i, r := range rows {
		out[i] = len(r)
	}
	sigma2 := n * q * (1 - q)
	kappa := (1 - 6*q*(1-q)) / sigma2
	tol := 5 * math.Sqrt(2.0/(n-1)+kappa/n)
	for name, deg := range map[string][]int{"in": inDegrees(rows, n), "out": out} {
		mean, s2 := meanVar(deg)
		// The mean of n degrees has sd sqrt(σ²/n); 5 of them.
		if math.Abs(mean-n*q) > 5*math.Sqrt(sigma2/n) {
			t.Errorf("%s-degree mean %.3f, want %.3f", name, mean, n*q)
		}
		if r := s2 / sigma2; math.Abs(r-1) > tol {
			t.Errorf("%s-degree variance %.2f = %.3f × binomial %.2f, want within 1 ± %.3f", name, s2, r, sigma2, tol)
		}
	}
}

func meanVar(x []int) (mean, s2 float64) {
	for _, v := range x {
		mean += float64(v)
	}
	mean /= float64(len(x))
	for _, v := range x {
		s2 += (float64(v) - mean) * (float64(v) - mean)
	}
	return mean, s2 / float64(len(x)-1)
}

// TestFixedProbabilityPairs draws a small recurrent projection without autapses R times
// from independent streams and checks every pair separately: the diagonal is never
// chosen, and the counts c of the other m = n(n-1) pairs are each Binomial(R, p), so
// X = Σ (c - Rp)² / (Rp(1-p)) has mean m and variance m (2 + (1-6pq)/(Rpq)) ≈ 2m
// (tolerance 5 sd). An off-by-one at either end of a row or at the skipped diagonal
// shifts whole columns and inflates X by orders of magnitude.
//
// Independence of neighbouring candidates (the geometric skips) is checked by the
// number N11 of adjacent candidate pairs (j, j+1) of a row both chosen: under
// independence E N11 = M p², and Var N11 = M p²(1-p²) + 2 L (p³ - p⁴), with M adjacent
// pairs and L pairs of overlapping adjacent pairs; tolerance 5 sd.
func TestFixedProbabilityPairs(t *testing.T) {
	const n, q, reps = 30, 0.3, 2000
	rule := synapse.Rule{Kind: synapse.FixedProbability, P: q, NoAutapse: true}
	count := make([][]int, n)
	for i := range count {
		count[i] = make([]int, n)
	}
	n11 := 0
	for r := range reps {
		rows := rowsOf(build(t, n, n, constCfg(rule, true), streams(5, fmt.Sprint("pairs/", r))))
		for i, row := range rows {
			chosen := make([]bool, n)
			for _, s := range row {
				count[i][s.post]++
				chosen[s.post] = true
			}
			// candidates of row i in order: every j except i
			var cand []bool
			for j := range n {
				if j != i {
					cand = append(cand, chosen[j])
				}
			}
			for j := 1; j < len(cand); j++ {
				if cand[j] && cand[j-1] {
					n11++
				}
			}
		}
	}
	m := float64(n * (n - 1))
	x := 0.0
	for i := range n {
		if count[i][i] != 0 {
			t.Errorf("autapse %d->%d drawn %d times, autapses are disabled", i, i, count[i][i])
		}
		for j := range n {
			if i != j {
				d := float64(count[i][j]) - reps*q
				x += d * d / (reps * q * (1 - q))
			}
		}
	}
	sd := math.Sqrt(m * (2 + (1-6*q*(1-q))/(reps*q*(1-q))))
	if math.Abs(x-m) > 5*sd {
		t.Errorf("pair chi-square %.1f, want %.0f ± %.1f (5 sd)", x, m, 5*sd)
	}
	M := float64(reps * n * (n - 2))
	L := float64(reps * n * (n - 3))
	mean := M * q * q
	sd11 := math.Sqrt(M*q*q*(1-q*q) + 2*L*(q*q*q-q*q*q*q))
	if math.Abs(float64(n11)-mean) > 5*sd11 {
		t.Errorf("adjacent pairs both chosen %d times, want %.0f ± %.0f (5 sd)", n11, mean, 5*sd11)
	}
}

// TestFixedProbabilityEdges: p = 0 gives no synapse, p = 1 every candidate, exactly as
// all_to_all does, with and without the diagonal.
func TestFixedProbabilityEdges(t *testing.T) {
	for _, tc := range []struct {
		npre, npost         int
		recurrent, noAutaps bool
	}{{7, 9, false, false}, {8, 8, true, false}, {8, 8, true, true}, {8, 8, false, true}, {1, 1, true, true}} {
		t.Run(fmt.Sprintf("%+v", tc), func(t *testing.T) {
			zero := build(t, tc.npre, tc.npost, constCfg(synapse.Rule{Kind: synapse.FixedProbability, P: 0, NoAutapse: tc.noAutaps}, tc.recurrent), streams(1, "p0"))
			if zero.Len() != 0 {
				t.Errorf("p = 0 made %d synapses", zero.Len())
			}
			for i := range tc.npre {
				if _, ok := zero.First(int32(i)); ok {
					t.Errorf("p = 0: First(%d) reports a delay group", i)
				}
			}
			one := rowsOf(build(t, tc.npre, tc.npost, constCfg(synapse.Rule{Kind: synapse.FixedProbability, P: 1, NoAutapse: tc.noAutaps}, tc.recurrent), streams(1, "p1")))
			all := rowsOf(build(t, tc.npre, tc.npost, constCfg(synapse.Rule{Kind: synapse.AllToAll, NoAutapse: tc.noAutaps}, tc.recurrent), streams(1, "all")))
			if fmt.Sprint(one) != fmt.Sprint(all) {
				t.Errorf("p = 1 gave %v, all_to_all %v", one, all)
			}
		})
	}
}

// TestAllToAllAndOneToOne compares the rows with the structure written out by hand.
func TestAllToAllAndOneToOne(t *testing.T) {
	want := func(npre, npost int, keep func(i, j int) bool) [][]syn {
		rows := make([][]syn, npre)
		for i := range npre {
			for j := range npost {
				if keep(i, j) {
					rows[i] = append(rows[i], syn{j, 1, sim.Millisecond})
				}
			}
		}
		return rows
	}
	all := func(i, j int) bool { return true }
	offDiag := func(i, j int) bool { return i != j }
	diag := func(i, j int) bool { return i == j }
	for _, tc := range []struct {
		name        string
		rule        synapse.Rule
		recurrent   bool
		npre, npost int
		keep        func(i, j int) bool
	}{
		{"all_to_all", synapse.Rule{Kind: synapse.AllToAll}, false, 5, 7, all},
		{"all_to_all recurrent", synapse.Rule{Kind: synapse.AllToAll}, true, 6, 6, all},
		{"all_to_all recurrent no autapse", synapse.Rule{Kind: synapse.AllToAll, NoAutapse: true}, true, 6, 6, offDiag},
		{"all_to_all between populations ignores no autapse", synapse.Rule{Kind: synapse.AllToAll, NoAutapse: true}, false, 6, 6, all},
		{"all_to_all one neuron no autapse", synapse.Rule{Kind: synapse.AllToAll, NoAutapse: true}, true, 1, 1, offDiag},
		{"one_to_one", synapse.Rule{Kind: synapse.OneToOne}, false, 9, 9, diag},
		{"one_to_one recurrent", synapse.Rule{Kind: synapse.OneToOne}, true, 4, 4, diag},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := build(t, tc.npre, tc.npost, constCfg(tc.rule, tc.recurrent), streams(1, tc.name))
			got, w := rowsOf(p), want(tc.npre, tc.npost, tc.keep)
			if fmt.Sprint(got) != fmt.Sprint(w) {
				t.Errorf("rows %v, want %v", got, w)
			}
			if e := synapse.Expected(tc.rule, tc.npre, tc.npost, tc.recurrent); int(e) != p.Len() {
				t.Errorf("Expected = %v, built %d", e, p.Len())
			}
		})
	}
}

// TestFixedInDegree: every post receives exactly k synapses; without multapses no pair
// repeats; without autapses no diagonal.
func TestFixedInDegree(t *testing.T) {
	for _, tc := range []struct {
		npre, npost, k int
		recurrent      bool
		noAut, noMult  bool
	}{
		{50, 200, 10, false, false, false},
		{50, 200, 10, false, false, true},
		{40, 40, 39, true, true, true}, // every other neuron exactly once
		{40, 40, 40, true, false, true},
		{40, 40, 25, true, true, false},
		{5, 20, 12, false, false, false}, // k > npre forces multapses
		{7, 3, 0, false, false, true},
	} {
		name := fmt.Sprintf("%+v", tc)
		t.Run(name, func(t *testing.T) {
			rule := synapse.Rule{Kind: synapse.FixedInDegree, K: tc.k, NoAutapse: tc.noAut, NoMultapse: tc.noMult}
			p := build(t, tc.npre, tc.npost, constCfg(rule, tc.recurrent), streams(2, name))
			rows := rowsOf(p)
			for j, d := range inDegrees(rows, tc.npost) {
				if d != tc.k {
					t.Errorf("post %d has in-degree %d, want %d", j, d, tc.k)
				}
			}
			pairs := map[[2]int]int{}
			for i, r := range rows {
				for _, s := range r {
					pairs[[2]int{i, s.post}]++
				}
			}
			multapses := 0
			for pr, c := range pairs {
				if tc.noMult && c > 1 {
					t.Errorf("pair %v drawn %d times, multapses are disabled", pr, c)
				}
				if c > 1 {
					multapses++
				}
				if tc.recurrent && tc.noAut && pr[0] == pr[1] {
					t.Errorf("autapse %v, autapses are disabled", pr)
				}
			}
			if tc.k > tc.npre && multapses == 0 {
				t.Errorf("in-degree %d from %d neurons without a multapse", tc.k, tc.npre)
			}
			if e := synapse.Expected(rule, tc.npre, tc.npost, tc.recurrent); int(e) != p.Len() {
				t.Errorf("Expected = %v, built %d", e, p.Len())
			}
		})
	}
}

// TestFixedInDegreeUniform checks that presynaptic partners are uniform. With multapses
// the npost k draws are multinomial with equal cell probabilities, so the chi-square
// X = Σ (c - E)²/E over npre cells has mean npre-1 and sd sqrt(2(npre-1)). Without
// multapses each post draws a uniform k-subset: a count c is a sum of npost independent
// Bernoulli(k/npre), so Σ (c - E)² / Var c has mean npre and sd about sqrt(2 npre).
// Tolerances 5 sd.
func TestFixedInDegreeUniform(t *testing.T) {
	const npre, npost, k = 60, 5000, 20
	for _, noMult := range []bool{false, true} {
		rule := synapse.Rule{Kind: synapse.FixedInDegree, K: k, NoMultapse: noMult}
		rows := rowsOf(build(t, npre, npost, constCfg(rule, false), streams(9, fmt.Sprint("uniform/", noMult))))
		e := float64(npost*k) / npre
		v, mean := e, float64(npre-1)
		if noMult {
			v, mean = npost*(k/float64(npre))*(1-k/float64(npre)), npre
		}
		x := 0.0
		for _, r := range rows {
			x += (float64(len(r)) - e) * (float64(len(r)) - e) / v
		}
		if sd := math.Sqrt(2 * mean); math.Abs(x-mean) > 5*sd {
			t.Errorf("multapses=%v: chi-square %.1f, want %.0f ± %.1f", !noMult, x, mean, 5*sd)
		}
	}
}

// TestList builds the listed pairs, in any order, as rows sorted by target.
func TestList(t *testing.T) {
	pairs := [][2]int32{{2, 1}, {0, 3}, {2, 0}, {0, 1}, {3, 3}, {0, 3}}
	p := build(t, 4, 5, constCfg(synapse.Rule{Kind: synapse.List, Pairs: pairs}, false), streams(1, "list"))
	want := [][]int{{1, 3, 3}, nil, {0, 1}, {3}}
	rows := rowsOf(p)
	for i, r := range rows {
		var got []int
		for _, s := range r {
			got = append(got, s.post)
		}
		if fmt.Sprint(got) != fmt.Sprint(want[i]) {
			t.Errorf("row %d: targets %v, want %v", i, got, want[i])
		}
	}
	// The listed pairs are not modified.
	if pairs[0] != [2]int32{2, 1} {
		t.Errorf("Build reordered the caller's pairs: %v", pairs)
	}
	empty := build(t, 3, 3, constCfg(synapse.Rule{Kind: synapse.List}, false), streams(1, "empty"))
	if empty.Len() != 0 {
		t.Errorf("empty list made %d synapses", empty.Len())
	}
	// An autapse is allowed unless disabled, and only disabled within one population.
	build(t, 4, 4, constCfg(synapse.Rule{Kind: synapse.List, Pairs: [][2]int32{{1, 1}}}, true), streams(1, "aut"))
	build(t, 4, 4, constCfg(synapse.Rule{Kind: synapse.List, Pairs: [][2]int32{{1, 1}}, NoAutapse: true}, false), streams(1, "aut"))
}

// TestBuildErrors lists the configurations Build refuses and what the message says.
func TestBuildErrors(t *testing.T) {
	list := func(noAut, noMult bool, pairs ...[2]int32) synapse.Rule {
		return synapse.Rule{Kind: synapse.List, Pairs: pairs, NoAutapse: noAut, NoMultapse: noMult}
	}
	for _, tc := range []struct {
		name        string
		npre, npost int
		c           synapse.Config
		want        []string
	}{
		{"one_to_one sizes", 3, 4, constCfg(synapse.Rule{Kind: synapse.OneToOne}, false), []string{"one_to_one", "3", "4"}},
		{"one_to_one only autapses", 3, 3, constCfg(synapse.Rule{Kind: synapse.OneToOne, NoAutapse: true}, true), []string{"autapses", "disabled"}},
		{"p negative", 3, 3, constCfg(synapse.Rule{Kind: synapse.FixedProbability, P: -0.1}, false), []string{"-0.1", "outside [0, 1]"}},
		{"p above 1", 3, 3, constCfg(synapse.Rule{Kind: synapse.FixedProbability, P: 1.5}, false), []string{"1.5", "outside [0, 1]"}},
		{"p NaN", 3, 3, constCfg(synapse.Rule{Kind: synapse.FixedProbability, P: math.NaN()}, false), []string{"NaN", "outside [0, 1]"}},
		{"k negative", 3, 3, constCfg(synapse.Rule{Kind: synapse.FixedInDegree, K: -1}, false), []string{"-1", "negative"}},
		{"k too large", 3, 3, constCfg(synapse.Rule{Kind: synapse.FixedInDegree, K: 3, NoAutapse: true, NoMultapse: true}, true), []string{"in-degree 3", "2 distinct"}},
		{"k without partner", 1, 1, constCfg(synapse.Rule{Kind: synapse.FixedInDegree, K: 1, NoAutapse: true}, true), []string{"in-degree 1", "no presynaptic"}},
		{"list pre out of range", 3, 5, constCfg(list(false, false, [2]int32{0, 1}, [2]int32{3, 0}), false), []string{"pair 1", "(3, 0)", "3 x 5"}},
		{"list post out of range", 3, 5, constCfg(list(false, false, [2]int32{0, 5}), false), []string{"pair 0", "(0, 5)", "3 x 5"}},
		{"list negative", 3, 5, constCfg(list(false, false, [2]int32{-1, 2}), false), []string{"(-1, 2)", "outside"}},
		{"list autapse", 3, 3, constCfg(list(true, false, [2]int32{0, 1}, [2]int32{2, 2}), true), []string{"pair 1", "(2, 2)", "autapse", "disabled"}},
		{"list duplicate", 3, 3, constCfg(list(false, true, [2]int32{0, 1}, [2]int32{2, 2}, [2]int32{0, 1}), false), []string{"(0, 1)", "twice", "multapses are disabled"}},
		{"unknown rule", 3, 3, constCfg(synapse.Rule{Kind: 99}, false), []string{"unknown connectivity rule 99"}},
		{"negative delay", 3, 3, synapse.Config{Rule: synapse.Rule{Kind: synapse.AllToAll}, Weight: sim.Fixed(1), Delay: sim.Fixed(-0.5)}, []string{"-0.5 ms", "negative"}},
		{"drawn delay negative", 3, 3, synapse.Config{Rule: synapse.Rule{Kind: synapse.AllToAll}, Weight: sim.Fixed(1), Delay: sim.Dist{Kind: sim.Uniform, A: -2, B: -1}}, []string{"drawn delay", "outside"}},
		{"drawn delay too long", 3, 3, synapse.Config{Rule: synapse.Rule{Kind: synapse.AllToAll}, Weight: sim.Fixed(1), Delay: sim.Dist{Kind: sim.Uniform, A: 4295, B: 4296}}, []string{"drawn delay", "outside"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := synapse.Build(tc.npre, &recorder{n: tc.npost}, tc.c, streams(1, tc.name))
			if err == nil {
				t.Fatalf("built %d synapses, want an error", p.Len())
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestMaxDelayIsUint32 pins MaxDelay to what a uint32 of nanoseconds holds: the largest
// per-synapse delay is accepted and read back exactly.
func TestMaxDelayIsUint32(t *testing.T) {
	if synapse.MaxDelay != sim.Time(1<<32-1) {
		t.Fatalf("MaxDelay = %d ns, want 2^32-1", synapse.MaxDelay)
	}
	maxMs := synapse.MaxDelay.Ms()
	c := synapse.Config{Rule: synapse.Rule{Kind: synapse.AllToAll}, Weight: sim.Fixed(1),
		Delay: sim.Dist{Kind: sim.Uniform, A: maxMs, B: maxMs + 1e-7}} // [MaxDelay, MaxDelay + 0.1 ns): rounds to MaxDelay
	p := build(t, 2, 2, c, streams(1, "max"))
	if _, _, d := p.Synapse(1, 1); d != synapse.MaxDelay {
		t.Errorf("delay %d ns, want %d", d, synapse.MaxDelay)
	}
}

// TestDeterminism: a projection is a pure function of its configuration and streams, and
// the three streams are independent: changing the weight distribution leaves the
// connectivity alone, and changing the delays leaves the connectivity and weights alone.
func TestDeterminism(t *testing.T) {
	rule := synapse.Rule{Kind: synapse.FixedProbability, P: 0.1}
	cfg := func(w, d sim.Dist) synapse.Config { return synapse.Config{Rule: rule, Weight: w, Delay: d} }
	wu := sim.Dist{Kind: sim.Uniform, A: 0, B: 1}
	wn := sim.Dist{Kind: sim.Normal, A: 1, B: 0.3, Lo: 0, Hi: 2}
	a := rowsOf(build(t, 200, 300, cfg(wu, sim.Fixed(1)), streams(42, "x")))
	b := rowsOf(build(t, 200, 300, cfg(wu, sim.Fixed(1)), streams(42, "x")))
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("same seed and name gave different projections")
	}
	if c := rowsOf(build(t, 200, 300, cfg(wu, sim.Fixed(1)), streams(43, "x"))); fmt.Sprint(a) == fmt.Sprint(c) {
		t.Error("seeds 42 and 43 gave the same projection")
	}
	if c := rowsOf(build(t, 200, 300, cfg(wu, sim.Fixed(1)), streams(42, "y"))); fmt.Sprint(a) == fmt.Sprint(c) {
		t.Error("projections x and y gave the same draw")
	}
	c := rowsOf(build(t, 200, 300, cfg(wn, sim.Fixed(2)), streams(42, "x")))
	for i := range a {
		if len(a[i]) != len(c[i]) {
			t.Fatalf("row %d: %d synapses, %d after changing the weight distribution", i, len(a[i]), len(c[i]))
		}
		for k := range a[i] {
			if a[i][k].post != c[i][k].post {
				t.Fatalf("row %d: changing the weights changed the targets", i)
			}
		}
	}
	d := rowsOf(build(t, 200, 300, cfg(wu, sim.Fixed(3)), streams(42, "x")))
	for i := range a {
		for k := range a[i] {
			if a[i][k].post != d[i][k].post || a[i][k].w != d[i][k].w {
				t.Fatalf("row %d: changing the delay changed the targets or weights", i)
			}
		}
	}
}
