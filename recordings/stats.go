package recordings

// Spike-train statistics computed by streaming accumulators, as in Elephant
// (elephant.statistics, elephant.spike_train_correlation, elephant.spike_train_dissimilarity).
//
// An Analyzer is fed every spike of a recording once, in event order, and keeps per neuron a
// fixed-size accumulator (one 64-byte cache line), per PSTH bin a count and per sampled pair a
// cross sum: its memory depends on the number of neurons, PSTH bins and pairs, never on the
// number of spikes. The one exception is the few trains named for the distances, which are
// kept whole (Victor-Purpura needs every spike of both trains).
//
//	neurons []statsNeuron    one per neuron, global index = first index of its population + node
//	  spikes, lastNs          mean rate; ISI = this spike - lastNs
//	  isiMean, isiM2          Welford (1962) running mean and sum of squared deviations of ISIs
//	  bin, binSpikes          count in the count bin of the latest spike of the recording
//	  s1, s2                  Σ c_b and Σ c_b² over the closed count bins b (exact integers)
//	pairs []statsPair        sampled pairs (a < b), sorted by a; pairStart[a] indexes them (CSR)
//	  cross                   Σ_b c_a,b c_b,b over the closed count bins
//	touched []int32          neurons with a spike in the current count bin; when a spike opens a
//	                          later bin they are closed: O(spikes + their pairs) work, no allocation
//	psth []int64             population-major spike counts per PSTH bin
//
// Variances and covariances come from the exact integer sums, e.g. for B bins
// var = (B s2 - s1²) / B², evaluated in 128-bit integer arithmetic before the one rounding to
// float64, so no cancellation however long the recording.

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// AnalyzePopulation names a population of a recording and its number of neurons.
type AnalyzePopulation struct {
	Name string
	Size int
}

// TrainRef names one neuron's spike train: Pop indexes AnalyzeConfig.Populations, Node is the
// neuron's index within that population.
type TrainRef struct {
	Pop  int32
	Node int32
}

// TrainPair names two spike trains to compare with the van Rossum and Victor-Purpura distances.
type TrainPair struct {
	A, B TrainRef
}

// AnalyzeConfig says what a recording holds and which statistics to compute.
type AnalyzeConfig struct {
	// Populations lists the recording's populations in the order of the pop index given to
	// Analyzer.Add; names must be distinct and sizes at least 1.
	Populations []AnalyzePopulation
	// DurationNs is the length of the recording in ns: spikes lie in [0, DurationNs] and mean
	// rates are spikes / (neurons × duration).
	DurationNs int64
	// CountBinNs is the width in ns of the bins whose spike counts give the Fano factor and the
	// correlations. There are DurationNs / CountBinNs bins (rounded down): like Elephant's
	// BinnedSpikeTrain, spikes after the last whole bin are left out of these two statistics.
	CountBinNs int64
	// PSTHBinNs is the width in ns of the PSTH bins; DurationNs / PSTHBinNs bins (rounded down).
	PSTHBinNs int64
	// Pairs is the number of distinct neuron pairs sampled for the mean correlation, within each
	// population and, separately, from all neurons for the overall entry; every pair when a
	// population has fewer. 0 computes no correlation.
	Pairs int
	// Seed seeds the PCG streams that sample the pairs (stream p+1 for population p, 0 for the
	// overall pairs): the same seed and populations give the same pairs.
	Seed uint64
	// Distances lists the pairs of trains to compare; their spikes are kept in memory.
	Distances []TrainPair
	// VanRossumTauMs is the time constant in ms of the van Rossum kernel (finite, > 0; needed
	// only with Distances).
	VanRossumTauMs float64
	// VictorPurpuraQPerMs is the Victor-Purpura cost per ms of spike shift (finite, >= 0;
	// needed only with Distances).
	VictorPurpuraQPerMs float64
}

// Report holds the statistics of a recording (Analyzer.Result). It marshals to JSON.
type Report struct {
	DurationS  float64 `json:"duration_s"`
	CountBinMs float64 `json:"count_bin_ms"`
	CountBins  int64   `json:"count_bins"`
	PSTHBinMs  float64 `json:"psth_bin_ms"`
	// Populations maps a population's name to its statistics.
	Populations map[string]PopulationStats `json:"populations"`
	// Overall treats every neuron of every population as one population.
	Overall             PopulationStats  `json:"overall"`
	VanRossumTauMs      float64          `json:"van_rossum_tau_ms,omitempty"`
	VictorPurpuraQPerMs float64          `json:"victor_purpura_q_per_ms,omitempty"`
	Distances           []DistanceResult `json:"distances,omitempty"`
}

// PopulationStats holds the statistics of one population (or of all neurons). A statistic
// defined for no neuron or pair is nil and left out of the JSON.
type PopulationStats struct {
	Neurons int   `json:"neurons"`
	Spikes  int64 `json:"spikes"`
	// MeanRateHz is spikes / (neurons × duration).
	MeanRateHz float64 `json:"mean_rate_hz"`
	// CVISI is the mean over neurons with at least two ISIs of std/mean of their ISIs, the
	// population standard deviation (Elephant's cv, scipy.stats.variation); CVNeurons counts them.
	CVISI     *float64 `json:"cv_isi,omitempty"`
	CVNeurons int      `json:"cv_neurons"`
	// FanoFactor is the mean over neurons of var/mean of their spike counts in the count bins
	// (population variance, as Elephant's fanofactor). A neuron with no spike in the bins has
	// 0/0, undefined (Elephant gives NaN): it is left out, and FanoNeurons counts the others.
	FanoFactor  *float64 `json:"fano_factor,omitempty"`
	FanoNeurons int      `json:"fano_neurons"`
	// Correlation is the mean over the sampled pairs of the Pearson correlation of the two
	// neurons' spike counts in the count bins. A pair in which a neuron's counts do not vary
	// (a silent neuron, say) has no correlation (Elephant gives NaN) and is left out:
	// CorrelationPairs counts the pairs used, SampledPairs those drawn.
	Correlation      *float64 `json:"correlation,omitempty"`
	CorrelationPairs int      `json:"correlation_pairs"`
	SampledPairs     int      `json:"sampled_pairs"`
	// PSTHHz is the population rate per PSTH bin: spikes in the bin / (neurons × bin width).
	PSTHHz []float64 `json:"psth_hz"`
}

// TrainName names a spike train in a Report.
type TrainName struct {
	Population string `json:"population"`
	Neuron     int32  `json:"neuron"`
}

// DistanceResult holds the distances between two spike trains.
type DistanceResult struct {
	A       TrainName `json:"a"`
	B       TrainName `json:"b"`
	SpikesA int       `json:"spikes_a"`
	SpikesB int       `json:"spikes_b"`
	// VanRossum is VanRossum(a, b, tau): 1 for one spike against none.
	VanRossum float64 `json:"van_rossum"`
	// VictorPurpura is VictorPurpura(a, b, q), in units of one insertion or deletion.
	VictorPurpura float64 `json:"victor_purpura"`
}

// statsNeuron is one neuron's accumulator; its 8 words fill one cache line, all touched by a spike.
type statsNeuron struct {
	spikes    int64   // spikes so far
	lastNs    int64   // time of the latest spike, ns
	isiMean   float64 // running mean of the ISIs, ns
	isiM2     float64 // running sum of squared deviations of the ISIs from their mean, ns²
	bin       int64   // count bin of binSpikes; -1 before the first spike in a bin
	binSpikes int64   // spikes in count bin `bin`
	s1        int64   // Σ counts over closed count bins
	s2        uint64  // Σ counts² over closed count bins
}

// statsPair is one sampled pair, a < b as global neuron indices.
type statsPair struct {
	a, b  int32
	group int32  // population index, or len(Populations) for the overall pairs
	cross uint64 // Σ over closed count bins of the product of the two counts
}

// statsMaxPSTHCells and statsMaxPairs bound the memory a configuration may ask for (1 GiB of
// PSTH counts; 24 B × 2^24 per group of pairs), so a mistyped bin fails with an error, not an
// out-of-memory crash.
const (
	statsMaxPSTHCells = 1 << 27
	statsMaxPairs     = 1 << 24
)

// Analyzer computes spike-train statistics from spikes fed in event order. It is a
// deterministic state machine: the same configuration and spikes give the same Report.
// It is not safe for concurrent use.
type Analyzer struct {
	cfg     AnalyzeConfig
	first   []int32 // first[p] is the global index of population p's neuron 0; len P+1
	byName  map[string]int32
	neurons []statsNeuron
	nCount  int64 // number of whole count bins
	nPSTH   int64 // number of whole PSTH bins
	psth    []int64
	curBin  int64 // count bin of the latest spike inside the count bins; -1 before
	touched []int32
	lastNs  int64
	pairs   []statsPair
	// pairStart[i]..pairStart[i+1] index the pairs whose first neuron is i.
	pairStart []int
	sampled   []int // sampled pairs per group (populations, then overall)
	// watch[i] is the index into trains of neuron i's kept train, or -1; nil without Distances.
	watch  []int32
	trains [][]int64
	err    error
}

// NewAnalyzer checks cfg and returns an Analyzer with all its memory allocated, so that Add
// never allocates (except to grow the trains kept for Distances). Every problem of cfg is
// reported at once.
func NewAnalyzer(cfg AnalyzeConfig) (*Analyzer, error) {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("recordings: analyze config: "+format, args...))
	}
	if len(cfg.Populations) == 0 {
		bad("no populations; want at least one")
	}
	byName := make(map[string]int32, len(cfg.Populations))
	first := make([]int32, len(cfg.Populations)+1)
	total := int64(0)
	for p, pop := range cfg.Populations {
		if _, dup := byName[pop.Name]; dup {
			bad("population %d: name %q used twice; names must be distinct", p, pop.Name)
		}
		byName[pop.Name] = int32(p)
		if pop.Size < 1 {
			bad("population %q: size %d; want at least 1", pop.Name, pop.Size)
		}
		total += int64(max(pop.Size, 0))
		if total > math.MaxInt32 {
			bad("%d neurons or more in all; at most %d", total, math.MaxInt32)
			total = 0
		}
		first[p+1] = int32(total)
	}
	if cfg.DurationNs <= 0 {
		bad("duration %d ns; want > 0", cfg.DurationNs)
	}
	if cfg.CountBinNs <= 0 {
		bad("count bin %d ns; want > 0", cfg.CountBinNs)
	} else if cfg.DurationNs > 0 && cfg.CountBinNs > cfg.DurationNs {
		bad("count bin %d ns is longer than the recording (%d ns); want at most the duration", cfg.CountBinNs, cfg.DurationNs)
	}
	if cfg.PSTHBinNs <= 0 {
		bad("PSTH bin %d ns; want > 0", cfg.PSTHBinNs)
	} else if cfg.DurationNs > 0 {
		if cfg.PSTHBinNs > cfg.DurationNs {
			bad("PSTH bin %d ns is longer than the recording (%d ns); want at most the duration", cfg.PSTHBinNs, cfg.DurationNs)
		} else if n := cfg.DurationNs / cfg.PSTHBinNs; n > statsMaxPSTHCells/int64(max(len(cfg.Populations), 1)) {
			bad("PSTH bin %d ns gives %d bins for each of %d populations; at most %d in all, choose a wider bin",
				cfg.PSTHBinNs, n, len(cfg.Populations), statsMaxPSTHCells)
		}
	}
	if cfg.Pairs < 0 || cfg.Pairs > statsMaxPairs {
		bad("%d sampled pairs; want 0 to %d", cfg.Pairs, statsMaxPairs)
	}
	for k, d := range cfg.Distances {
		for _, r := range [2]TrainRef{d.A, d.B} {
			if r.Pop < 0 || int(r.Pop) >= len(cfg.Populations) {
				bad("distance %d: population index %d; want 0 to %d", k, r.Pop, len(cfg.Populations)-1)
			} else if size := cfg.Populations[r.Pop].Size; r.Node < 0 || int(r.Node) >= size {
				bad("distance %d: neuron %d of population %q; want 0 to %d", k, r.Node, cfg.Populations[r.Pop].Name, size-1)
			}
		}
	}
	if len(cfg.Distances) > 0 {
		if tau := cfg.VanRossumTauMs; !(tau > 0) || math.IsInf(tau, 1) {
			bad("van Rossum tau %g ms; want a finite time > 0", tau)
		}
		if q := cfg.VictorPurpuraQPerMs; !(q >= 0) || math.IsInf(q, 1) {
			bad("Victor-Purpura q %g per ms; want a finite cost >= 0", q)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	cfg.Populations = slices.Clone(cfg.Populations)
	cfg.Distances = slices.Clone(cfg.Distances)
	a := &Analyzer{
		cfg:     cfg,
		first:   first,
		byName:  byName,
		neurons: make([]statsNeuron, total),
		nCount:  cfg.DurationNs / cfg.CountBinNs,
		nPSTH:   cfg.DurationNs / cfg.PSTHBinNs,
		curBin:  -1,
		touched: make([]int32, 0, total),
		lastNs:  math.MinInt64,
	}
	for i := range a.neurons {
		a.neurons[i].bin = -1
	}
	a.psth = make([]int64, a.nPSTH*int64(len(cfg.Populations)))
	a.samplePairs()
	if len(cfg.Distances) > 0 {
		a.watch = make([]int32, total)
		for i := range a.watch {
			a.watch[i] = -1
		}
		for _, d := range cfg.Distances {
			for _, r := range [2]TrainRef{d.A, d.B} {
				if i := a.first[r.Pop] + r.Node; a.watch[i] < 0 {
					a.watch[i] = int32(len(a.trains))
					a.trains = append(a.trains, nil)
				}
			}
		}
	}
	return a, nil
}

// samplePairs draws cfg.Pairs distinct pairs within each population and among all neurons
// (Floyd's algorithm over the n(n-1)/2 pair indices: k draws for k pairs, each pair equally
// likely), and files them by first neuron.
func (a *Analyzer) samplePairs() {
	pops := len(a.cfg.Populations)
	a.sampled = make([]int, pops+1)
	a.pairStart = make([]int, len(a.neurons)+1)
	if a.cfg.Pairs == 0 {
		return
	}
	for g := 0; g <= pops; g++ {
		base, n := int32(0), uint64(len(a.neurons)) // g == pops: the overall pairs
		stream := uint64(0)
		if g < pops {
			base, n, stream = a.first[g], uint64(a.cfg.Populations[g].Size), uint64(g)+1
		}
		m := n * (n - 1) / 2
		k := min(uint64(a.cfg.Pairs), m)
		idx := make([]uint64, 0, k)
		if k == m {
			for t := range m {
				idx = append(idx, t)
			}
		} else {
			rng := rand.New(rand.NewPCG(a.cfg.Seed, stream))
			seen := make(map[uint64]struct{}, k)
			for j := m - k; j < m; j++ {
				t := rng.Uint64N(j + 1)
				if _, dup := seen[t]; dup {
					t = j
				}
				seen[t] = struct{}{}
				idx = append(idx, t)
			}
			slices.Sort(idx)
		}
		for _, t := range idx {
			i, j := statsPairOf(t)
			a.pairs = append(a.pairs, statsPair{a: base + int32(i), b: base + int32(j), group: int32(g)})
		}
		a.sampled[g] = int(k)
	}
	slices.SortStableFunc(a.pairs, func(x, y statsPair) int { return int(x.a) - int(y.a) })
	for _, p := range a.pairs {
		a.pairStart[p.a+1]++
	}
	for i := 1; i < len(a.pairStart); i++ {
		a.pairStart[i] += a.pairStart[i-1]
	}
}

// statsPairOf returns the pair (i, j), i < j, numbered t = j(j-1)/2 + i.
func statsPairOf(t uint64) (i, j uint64) {
	j = uint64((1 + math.Sqrt(1+8*float64(t))) / 2)
	for j*(j-1)/2 > t {
		j--
	}
	for (j+1)*j/2 <= t {
		j++
	}
	return t - j*(j-1)/2, j
}

// Population returns the index of the population called name, for Add.
func (a *Analyzer) Population(name string) (int32, bool) {
	p, ok := a.byName[name]
	return p, ok
}

// Err returns the first error Add returned, or nil.
func (a *Analyzer) Err() error { return a.err }

// Add feeds one spike: neuron node of population pop fired at tNs (ns). Spikes must come in
// event order, time non-decreasing. A spike out of order or naming no neuron is left out; the
// error is returned and the first one kept for Err. Add does not allocate (but for growing a
// train kept for Distances) and costs O(1) plus, when the spike opens a later count bin, the
// closing of the neurons and pairs active in the previous one.
func (a *Analyzer) Add(tNs int64, pop, node int32) error {
	if pop < 0 || int(pop) >= len(a.cfg.Populations) {
		return a.fail(fmt.Errorf("recordings: spike at %d ns: population index %d; want 0 to %d", tNs, pop, len(a.cfg.Populations)-1))
	}
	if node < 0 || node >= a.first[pop+1]-a.first[pop] {
		return a.fail(fmt.Errorf("recordings: spike at %d ns: neuron %d of population %q; want 0 to %d",
			tNs, node, a.cfg.Populations[pop].Name, a.first[pop+1]-a.first[pop]-1))
	}
	if tNs < a.lastNs {
		return a.fail(fmt.Errorf("recordings: spike at %d ns (population %q, neuron %d) comes after one at %d ns; want event order (time non-decreasing)",
			tNs, a.cfg.Populations[pop].Name, node, a.lastNs))
	}
	if tNs < 0 || tNs > a.cfg.DurationNs {
		return a.fail(fmt.Errorf("recordings: spike at %d ns (population %q, neuron %d) is outside the recording; want 0 to %d ns",
			tNs, a.cfg.Populations[pop].Name, node, a.cfg.DurationNs))
	}
	a.lastNs = tNs
	i := a.first[pop] + node
	n := &a.neurons[i]
	if n.spikes > 0 { // Welford's update with the k-th ISI
		isi := float64(tNs - n.lastNs)
		d := isi - n.isiMean
		n.isiMean += d / float64(n.spikes)
		n.isiM2 += d * (isi - n.isiMean)
	}
	n.spikes++
	n.lastNs = tNs
	if b := tNs / a.cfg.CountBinNs; b < a.nCount {
		if b != a.curBin {
			a.closeBin()
			a.curBin = b
		}
		if n.bin != b {
			n.bin, n.binSpikes = b, 0
			a.touched = append(a.touched, i)
		}
		n.binSpikes++
	}
	if k := tNs / a.cfg.PSTHBinNs; k < a.nPSTH {
		a.psth[int64(pop)*a.nPSTH+k]++
	}
	if a.watch != nil {
		if w := a.watch[i]; w >= 0 {
			a.trains[w] = append(a.trains[w], tNs)
		}
	}
	return nil
}

func (a *Analyzer) fail(err error) error {
	if a.err == nil {
		a.err = err
	}
	return err
}

// closeBin adds the counts of the current count bin to the sums of the neurons and pairs
// active in it. A pair's product is added once, from its first neuron; a partner whose bin
// differs had no spike in this bin, so the product is 0.
func (a *Analyzer) closeBin() {
	for _, i := range a.touched {
		n := &a.neurons[i]
		c := n.binSpikes
		n.s1 += c
		n.s2 += uint64(c) * uint64(c)
		for k := a.pairStart[i]; k < a.pairStart[i+1]; k++ {
			p := &a.pairs[k]
			if m := &a.neurons[p.b]; m.bin == n.bin {
				p.cross += uint64(c) * uint64(m.binSpikes)
			}
		}
	}
	a.touched = a.touched[:0]
}

// pending returns neuron n's count in the count bin still open (0 if none).
func (a *Analyzer) pending(n *statsNeuron) uint64 {
	if a.curBin >= 0 && n.bin == a.curBin {
		return uint64(n.binSpikes)
	}
	return 0
}

// Result returns the statistics of the spikes added so far. It changes nothing, so Add may go
// on; it costs O(neurons + pairs + PSTH bins + the distances' dynamic programming).
func (a *Analyzer) Result() Report {
	pops := len(a.cfg.Populations)
	durS := float64(a.cfg.DurationNs) / 1e9
	binS := float64(a.cfg.PSTHBinNs) / 1e9
	nb := uint64(a.nCount)

	// Per neuron: ISI CV and Fano factor, exact sums including the open bin.
	cvs := make([][]float64, pops+1)   // per group; pops: overall
	fanos := make([][]float64, pops+1) // per group
	spikes := make([]int64, pops+1)
	s1 := make([]uint64, len(a.neurons))
	s2 := make([]uint64, len(a.neurons))
	for p := range pops {
		for i := a.first[p]; i < a.first[p+1]; i++ {
			n := &a.neurons[i]
			spikes[p] += n.spikes
			if n.spikes >= 3 { // at least two ISIs
				cv := math.Sqrt(n.isiM2/float64(n.spikes-1)) / n.isiMean
				cvs[p] = append(cvs[p], cv)
				cvs[pops] = append(cvs[pops], cv)
			}
			c := a.pending(n)
			s1[i], s2[i] = uint64(n.s1)+c, n.s2+c*c
			if s1[i] > 0 { // var/mean = (B s2 - s1²) / (B s1)
				f := statsMulSub(nb, s2[i], s1[i], s1[i]) / (float64(nb) * float64(s1[i]))
				fanos[p] = append(fanos[p], f)
				fanos[pops] = append(fanos[pops], f)
			}
		}
		spikes[pops] += spikes[p]
	}

	// Per pair: r = (B Sxy - Sx Sy) / sqrt((B Sxx - Sx²)(B Syy - Sy²)).
	corrs := make([][]float64, pops+1)
	for k := range a.pairs {
		p := &a.pairs[k]
		x, y := p.a, p.b
		sxy := p.cross + a.pending(&a.neurons[x])*a.pending(&a.neurons[y])
		vx := statsMulSub(nb, s2[x], s1[x], s1[x])
		vy := statsMulSub(nb, s2[y], s1[y], s1[y])
		if vx == 0 || vy == 0 {
			continue
		}
		r := statsMulSub(nb, sxy, s1[x], s1[y]) / math.Sqrt(vx*vy)
		corrs[p.group] = append(corrs[p.group], max(-1, min(1, r)))
	}

	group := func(g int, neurons int, counts func(k int64) int64) PopulationStats {
		s := PopulationStats{
			Neurons:          neurons,
			Spikes:           spikes[g],
			MeanRateHz:       float64(spikes[g]) / (float64(neurons) * durS),
			CVNeurons:        len(cvs[g]),
			FanoNeurons:      len(fanos[g]),
			CorrelationPairs: len(corrs[g]),
			SampledPairs:     a.sampled[g],
			PSTHHz:           make([]float64, a.nPSTH),
		}
		s.CVISI = statsMean(cvs[g])
		s.FanoFactor = statsMean(fanos[g])
		s.Correlation = statsMean(corrs[g])
		for k := range s.PSTHHz {
			s.PSTHHz[k] = float64(counts(int64(k))) / (float64(neurons) * binS)
		}
		return s
	}
	r := Report{
		DurationS:   durS,
		CountBinMs:  float64(a.cfg.CountBinNs) / 1e6,
		CountBins:   a.nCount,
		PSTHBinMs:   float64(a.cfg.PSTHBinNs) / 1e6,
		Populations: make(map[string]PopulationStats, pops),
	}
	for p, pop := range a.cfg.Populations {
		r.Populations[pop.Name] = group(p, pop.Size, func(k int64) int64 { return a.psth[int64(p)*a.nPSTH+k] })
	}
	r.Overall = group(pops, len(a.neurons), func(k int64) int64 {
		sum := int64(0)
		for p := range pops {
			sum += a.psth[int64(p)*a.nPSTH+k]
		}
		return sum
	})

	if len(a.cfg.Distances) > 0 {
		r.VanRossumTauMs = a.cfg.VanRossumTauMs
		r.VictorPurpuraQPerMs = a.cfg.VictorPurpuraQPerMs
		ms := func(ref TrainRef) []float64 {
			ns := a.trains[a.watch[a.first[ref.Pop]+ref.Node]]
			t := make([]float64, len(ns))
			for k, v := range ns {
				t[k] = float64(v) / 1e6
			}
			return t
		}
		name := func(ref TrainRef) TrainName {
			return TrainName{Population: a.cfg.Populations[ref.Pop].Name, Neuron: ref.Node}
		}
		for _, d := range a.cfg.Distances {
			ta, tb := ms(d.A), ms(d.B)
			r.Distances = append(r.Distances, DistanceResult{
				A: name(d.A), B: name(d.B), SpikesA: len(ta), SpikesB: len(tb),
				VanRossum:     VanRossum(ta, tb, a.cfg.VanRossumTauMs),
				VictorPurpura: VictorPurpura(ta, tb, a.cfg.VictorPurpuraQPerMs),
			})
		}
	}
	return r
}

// statsMean returns the mean of x (gonum's stat.Mean), or nil for no values.
func statsMean(x []float64) *float64 {
	if len(x) == 0 {
		return nil
	}
	m := stat.Mean(x, nil)
	return &m
}

// statsMulSub returns a·b - c·d, computed exactly in 128-bit integers and rounded to float64.
func statsMulSub(a, b, c, d uint64) float64 {
	h1, l1 := bits.Mul64(a, b)
	h2, l2 := bits.Mul64(c, d)
	neg := h1 < h2 || (h1 == h2 && l1 < l2)
	if neg {
		h1, l1, h2, l2 = h2, l2, h1, l1
	}
	l, borrow := bits.Sub64(l1, l2, 0)
	h, _ := bits.Sub64(h1, h2, borrow)
	v := float64(h)*0x1p64 + float64(l)
	if neg {
		return -v
	}
	return v
}

// VanRossum returns the van Rossum (2001) distance between the spike trains a and b (spike
// times in ms, sorted ascending) for the causal exponential kernel of time constant tau (ms),
// in Elephant's normalisation, which gives 1 for one spike against an empty train:
//
//	D² = (2/tau) ∫ (f_a(t) - f_b(t))² dt,   f_x(t) = Σ_k exp(-(t - x_k)/tau) for t >= x_k
//	   = Σ_{k,l} e^{-|a_k-a_l|/tau} + Σ_{k,l} e^{-|b_k-b_l|/tau} - 2 Σ_{k,l} e^{-|a_k-b_l|/tau}
//
// (van Rossum's paper divides by tau instead of tau/2: its distance is this one over √2). Two
// single spikes d apart are at sqrt(2 (1 - exp(-|d|/tau))).
//
// The integral is evaluated in closed form in O(len(a)+len(b)): between consecutive spikes of
// the merged trains h = f_a - f_b decays as exp(-t/tau), so D² = Σ_k h_k² (1 - exp(-2Δ_k/tau))
// with h_k the value after the k-th spike and Δ_k the gap to the next (∞ after the last). Every
// term is >= 0, so close trains lose no precision to cancellation and identical ones give 0.
//
// tau = +Inf gives |len(a) - len(b)|, the limit (as Elephant). VanRossum panics if tau is not
// > 0 or a train is unsorted or holds NaN.
func VanRossum(a, b []float64, tau float64) float64 {
	if !(tau > 0) {
		panic(fmt.Sprintf("recordings: VanRossum: tau %g ms; want > 0", tau))
	}
	statsCheckSorted("VanRossum", a)
	statsCheckSorted("VanRossum", b)
	if math.IsInf(tau, 1) {
		return math.Abs(float64(len(a) - len(b)))
	}
	var d2, h, t float64
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var next float64
		var sign float64
		if j >= len(b) || (i < len(a) && a[i] <= b[j]) {
			next, sign = a[i], 1
			i++
		} else {
			next, sign = b[j], -1
			j++
		}
		if i+j > 1 { // close the interval from the previous spike to this one
			d2 += h * h * -math.Expm1(-2*(next-t)/tau)
			h *= math.Exp(-(next - t) / tau)
		}
		h += sign
		t = next
	}
	d2 += h * h // the tail after the last spike
	return math.Sqrt(d2)
}

// VictorPurpura returns the Victor-Purpura (1996) distance D^spike[q] between the spike
// trains a and b (spike times in ms, sorted ascending): the least cost of turning a into b by
// inserting or deleting spikes (cost 1 each) and shifting spikes (cost q|dt|, q per ms). It is
// computed by the dynamic programme
//
//	G[i][j] = min(G[i-1][j] + 1, G[i][j-1] + 1, G[i-1][j-1] + q|a_i - b_j|),  G[i][0] = i, G[0][j] = j
//
// in O(len(a) len(b)) time and O(min(len(a), len(b))) memory. A shift never costs more than 2
// (delete and insert), so spikes further apart than 2/q are never paired. q = 0 gives
// |len(a) - len(b)|; q = +Inf forbids shifts, but pairing coincident spikes still costs 0
// (the limit: Elephant's shortcut for q = inf gives len(a)+len(b) and ignores coincidences).
// VictorPurpura panics if q is negative or NaN or a train is unsorted or holds NaN.
func VictorPurpura(a, b []float64, q float64) float64 {
	if !(q >= 0) {
		panic(fmt.Sprintf("recordings: VictorPurpura: q %g per ms; want >= 0", q))
	}
	statsCheckSorted("VictorPurpura", a)
	statsCheckSorted("VictorPurpura", b)
	if len(b) > len(a) {
		a, b = b, a
	}
	row := make([]float64, len(b)+1) // row[j] = G[i][j]
	for j := range row {
		row[j] = float64(j)
	}
	for i := 1; i <= len(a); i++ {
		diag := row[0] // G[i-1][j-1]
		row[0] = float64(i)
		for j := 1; j <= len(b); j++ {
			shift := 0.0
			if dt := math.Abs(a[i-1] - b[j-1]); dt != 0 {
				shift = q * dt
			}
			g := min(row[j]+1, row[j-1]+1, diag+shift)
			diag, row[j] = row[j], g
		}
	}
	return row[len(b)]
}

func statsCheckSorted(fn string, x []float64) {
	for k, v := range x {
		if math.IsNaN(v) {
			panic(fmt.Sprintf("recordings: %s: spike %d is NaN", fn, k))
		}
		if k > 0 && v < x[k-1] {
			panic(fmt.Sprintf("recordings: %s: spike %d at %g ms comes before spike %d at %g ms; want sorted times", fn, k, v, k-1, x[k-1]))
		}
	}
}
