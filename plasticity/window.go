package plasticity

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
)

// WindowPoint is one point of an STDP window: the weight change after a pairing protocol
// at one time difference dt = t_post - t_pre and one pairing frequency.
type WindowPoint struct {
	FrequencyHz float64 `json:"frequency_hz" parquet:"frequency_hz"`
	DtMs        float64 `json:"dt_ms" parquet:"dt_ms"`
	DW          float64 `json:"dw" parquet:"dw"`
}

// WindowFit holds exponentials fitted to the two branches of a window:
// dW = AmpPlus e^{-dt/TauPlus} for dt > 0 and -AmpMinus e^{dt/TauMinus} for dt < 0.
type WindowFit struct {
	AmpPlus     float64 `json:"a_plus"`
	TauPlusMs   float64 `json:"tau_plus_ms"`
	AmpMinus    float64 `json:"a_minus"`
	TauMinusMs  float64 `json:"tau_minus_ms"`
	PointsPlus  int     `json:"points_plus"`
	PointsMinus int     `json:"points_minus"`
}

// FitWindow fits each branch by least squares on ln |dW| against dt (gonum/stat
// LinearRegression), using the points of the branch's sign with |dW| > 0. Amplitudes are
// those of the whole protocol (divide by the number of pairings for one pairing).
func FitWindow(points []WindowPoint) (WindowFit, error) {
	var f WindowFit
	var xp, yp, xm, ym []float64
	for _, p := range points {
		switch {
		case p.DtMs > 0 && p.DW > 0:
			xp, yp = append(xp, p.DtMs), append(yp, math.Log(p.DW))
		case p.DtMs < 0 && p.DW < 0:
			xm, ym = append(xm, p.DtMs), append(ym, math.Log(-p.DW))
		}
	}
	if len(xp) < 2 || len(xm) < 2 {
		return f, fmt.Errorf("plasticity: a window fit needs two points on each branch, got %d (LTP) and %d (LTD)", len(xp), len(xm))
	}
	a, b := stat.LinearRegression(xp, yp, nil, false) // ln dW = a + b dt
	f.AmpPlus, f.TauPlusMs, f.PointsPlus = math.Exp(a), -1/b, len(xp)
	a, b = stat.LinearRegression(xm, ym, nil, false) // ln -dW = a + b dt, b = 1/tau-
	f.AmpMinus, f.TauMinusMs, f.PointsMinus = math.Exp(a), 1/b, len(xm)
	return f, nil
}
