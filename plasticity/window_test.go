package plasticity

import (
	"math"
	"testing"
)

// TestFitWindow recovers the parameters of an exact exponential window to rounding.
func TestFitWindow(t *testing.T) {
	var pts []WindowPoint
	for dt := -100.0; dt <= 100; dt += 5 {
		dw := 0.6 * math.Exp(-dt/16.8)
		if dt < 0 {
			dw = -0.63 * math.Exp(dt/33.7)
		}
		if dt != 0 {
			pts = append(pts, WindowPoint{DtMs: dt, DW: dw})
		}
	}
	f, err := FitWindow(pts)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range [][2]float64{{f.AmpPlus, 0.6}, {f.TauPlusMs, 16.8}, {f.AmpMinus, 0.63}, {f.TauMinusMs, 33.7}} {
		if math.Abs(c[0]-c[1]) > 1e-9*c[1] {
			t.Errorf("fit %+v", f)
		}
	}
	if _, err := FitWindow(pts[:1]); err == nil {
		t.Error("one point fitted")
	}
}
