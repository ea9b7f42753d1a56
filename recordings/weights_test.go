package recordings

import (
	"math"
	"testing"
)

// TestWeightSummary: a hand-checkable snapshot (weights 1..100) and a second projection
// and time, in the dataset's order.
func TestWeightSummary(t *testing.T) {
	w := NewWeightSummary()
	for k := 1; k <= 100; k++ {
		w.Add(WeightRow{TimeNs: 0, Projection: "a", Weight: float64(101 - k)})
	}
	w.Add(WeightRow{TimeNs: 0, Projection: "b", Weight: 2})
	w.Add(WeightRow{TimeNs: 5e6, Projection: "a", Weight: 3})
	w.Done()
	a := w.Projections["a"]
	if len(a) != 2 || len(w.Projections["b"]) != 1 {
		t.Fatalf("%+v", w.Projections)
	}
	s := a[0]
	// Mean 50.5; population variance (n^2-1)/12 = 833.25; empirical quantiles (gonum's
	// Empirical: the smallest value with cumulative fraction >= p): 5, 50, 95.
	if s.Synapses != 100 || s.Mean != 50.5 || math.Abs(s.SD-math.Sqrt(833.25)) > 1e-12 ||
		s.Min != 1 || s.Max != 100 || s.P05 != 5 || s.Median != 50 || s.P95 != 95 || !s.finite() {
		t.Errorf("snapshot %+v", s)
	}
	if a[1].TimeMs != 5 || a[1].Mean != 3 || len(w.Last("a")) != 1 {
		t.Errorf("second snapshot %+v, last %v", a[1], w.Last("a"))
	}
}

// finite reports whether every summary value is a number.
func (s WeightSnapshot) finite() bool {
	for _, v := range []float64{s.Mean, s.SD, s.Min, s.Max, s.Median} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
