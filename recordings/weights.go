package recordings

import (
	"sort"

	"gonum.org/v1/gonum/stat"
)

// WeightSnapshot summarises the weights of one projection at one snapshot time.
type WeightSnapshot struct {
	TimeMs   float64 `json:"time_ms"`
	Synapses int     `json:"synapses"`
	Mean     float64 `json:"mean"`
	SD       float64 `json:"sd"` // population standard deviation
	Min      float64 `json:"min"`
	P05      float64 `json:"p05"`
	Median   float64 `json:"median"`
	P95      float64 `json:"p95"`
	Max      float64 `json:"max"`
	// For plastic projections: the fractions of weights within 10 % of the range from
	// either bound, a measure of bimodality (Song, Miller & Abbott 2000).
	NearMin *float64 `json:"near_min,omitempty"`
	NearMax *float64 `json:"near_max,omitempty"`
}

// WeightSummary accumulates the weights dataset snapshot by snapshot: it holds the
// weights of one projection's current snapshot at a time (the simulator held them too),
// never the whole dataset.
type WeightSummary struct {
	Projections map[string][]WeightSnapshot `json:"projections"`
	Units       map[string]string           `json:"units,omitempty"`
	bounds      map[string][2]float64
	// Traces follows the weight over time of projections with at most TraceSynapses
	// synapses (a chosen synapse): their mean at each snapshot.
	Traces  map[string][][2]float64 `json:"-"`
	first   map[string][]float64    // the first snapshot's weights, for plots
	last    map[string][]float64    // the latest snapshot's weights, for plots
	cur     []float64
	curProj string
	curTime int64
}

// NewWeightSummary returns an empty summary.
func NewWeightSummary() *WeightSummary {
	return &WeightSummary{Projections: map[string][]WeightSnapshot{}, Units: map[string]string{}, bounds: map[string][2]float64{},
		first: map[string][]float64{}, last: map[string][]float64{}, Traces: map[string][][2]float64{}, curTime: -1}
}

// TraceSynapses is the largest projection whose weight is followed over time.
const TraceSynapses = 4

// Describe gives a projection's weight unit and, for a plastic one, its bounds (a run's
// manifest has them), so that snapshots count the weights near either bound.
func (w *WeightSummary) Describe(p Projection) {
	w.Units[p.Name] = p.Unit
	if p.WMin != nil && p.WMax != nil && *p.WMax > *p.WMin {
		w.bounds[p.Name] = [2]float64{*p.WMin, *p.WMax}
	}
}

// Add takes the rows in the dataset's order (by snapshot time, then projection).
func (w *WeightSummary) Add(r WeightRow) {
	if r.TimeNs != w.curTime || r.Projection != w.curProj {
		w.flush()
		w.curTime, w.curProj = r.TimeNs, r.Projection
	}
	w.cur = append(w.cur, r.Weight)
}

// flush summarises the snapshot in progress.
func (w *WeightSummary) flush() {
	if len(w.cur) == 0 {
		return
	}
	x := w.cur
	sort.Float64s(x)
	mean, sd := stat.PopMeanStdDev(x, nil)
	q := func(p float64) float64 { return stat.Quantile(p, stat.Empirical, x, nil) }
	s := WeightSnapshot{TimeMs: float64(w.curTime) / 1e6, Synapses: len(x), Mean: mean, SD: sd,
		Min: x[0], P05: q(0.05), Median: q(0.5), P95: q(0.95), Max: x[len(x)-1]}
	if b, ok := w.bounds[w.curProj]; ok {
		tol := 0.1 * (b[1] - b[0])
		lo, hi := 0, 0
		for _, v := range x {
			if v <= b[0]+tol {
				lo++
			}
			if v >= b[1]-tol {
				hi++
			}
		}
		fl, fh := float64(lo)/float64(len(x)), float64(hi)/float64(len(x))
		s.NearMin, s.NearMax = &fl, &fh
	}
	w.Projections[w.curProj] = append(w.Projections[w.curProj], s)
	if len(x) <= TraceSynapses {
		w.Traces[w.curProj] = append(w.Traces[w.curProj], [2]float64{s.TimeMs, mean})
	}
	if _, ok := w.first[w.curProj]; !ok {
		w.first[w.curProj] = append([]float64(nil), x...)
	}
	w.last[w.curProj] = append(w.last[w.curProj][:0], x...)
	w.cur = w.cur[:0]
}

// Done summarises the last snapshot; call it after the last row.
func (w *WeightSummary) Done() { w.flush() }

// First returns the weights of a projection's first snapshot, sorted.
func (w *WeightSummary) First(projection string) []float64 { return w.first[projection] }

// Last returns the weights of a projection's latest snapshot, sorted.
func (w *WeightSummary) Last(projection string) []float64 { return w.last[projection] }
