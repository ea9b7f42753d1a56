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
}

// WeightSummary accumulates the weights dataset snapshot by snapshot: it holds the
// weights of one projection's current snapshot at a time (the simulator held them too),
// never the whole dataset.
type WeightSummary struct {
	Projections map[string][]WeightSnapshot `json:"projections"`
	last        map[string][]float64        // the latest snapshot's weights, for plots
	cur         []float64
	curProj     string
	curTime     int64
}

// NewWeightSummary returns an empty summary.
func NewWeightSummary() *WeightSummary {
	return &WeightSummary{Projections: map[string][]WeightSnapshot{}, last: map[string][]float64{}, curTime: -1}
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
	w.Projections[w.curProj] = append(w.Projections[w.curProj], WeightSnapshot{
		TimeMs: float64(w.curTime) / 1e6, Synapses: len(x), Mean: mean, SD: sd,
		Min: x[0], P05: q(0.05), Median: q(0.5), P95: q(0.95), Max: x[len(x)-1]})
	w.last[w.curProj] = append(w.last[w.curProj][:0], x...)
	w.cur = w.cur[:0]
}

// Done summarises the last snapshot; call it after the last row.
func (w *WeightSummary) Done() { w.flush() }

// Last returns the weights of a projection's latest snapshot, sorted.
func (w *WeightSummary) Last(projection string) []float64 { return w.last[projection] }
