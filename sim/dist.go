package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// DistKind names a distribution of Dist.
type DistKind uint8

const (
	Const   DistKind = iota // the value A
	Uniform                 // uniform on [A, B)
	Normal                  // normal with mean A and standard deviation B, truncated to [Lo, Hi]
)

// Dist is a distribution of a scalar parameter (a weight, a delay, an initial potential),
// in the parameter's base unit.
//
// Normal draws are truncated, not clipped: a draw outside [Lo, Hi] is redrawn, as NEST's
// normal_clipped does, so no mass piles up at the bounds. Use -Inf and +Inf for no bound.
type Dist struct {
	Kind   DistKind
	A, B   float64
	Lo, Hi float64
}

// Fixed returns the distribution that always gives v.
func Fixed(v float64) Dist { return Dist{Kind: Const, A: v} }

// IsConst reports whether every draw gives the same value.
func (d Dist) IsConst() bool {
	return d.Kind == Const || (d.Kind == Uniform && d.A == d.B) || (d.Kind == Normal && d.B == 0)
}

// Bounds returns the smallest interval holding every draw.
func (d Dist) Bounds() (lo, hi float64) {
	switch d.Kind {
	case Uniform:
		return d.A, d.B
	case Normal:
		if d.B == 0 {
			return d.A, d.A
		}
		return d.Lo, d.Hi
	}
	return d.A, d.A
}

// Mean returns the distribution's mean (of the untruncated normal for Normal).
func (d Dist) Mean() float64 {
	if d.Kind == Uniform {
		return 0.5 * (d.A + d.B)
	}
	return d.A
}

// Check reports a distribution that cannot be drawn from.
func (d Dist) Check() error {
	for _, v := range []float64{d.A, d.B, d.Lo, d.Hi} {
		if math.IsNaN(v) {
			return fmt.Errorf("distribution has a NaN parameter")
		}
	}
	switch d.Kind {
	case Const:
		if math.IsInf(d.A, 0) {
			return fmt.Errorf("value %v is not finite", d.A)
		}
	case Uniform:
		if math.IsInf(d.A, 0) || math.IsInf(d.B, 0) || d.B < d.A {
			return fmt.Errorf("uniform bounds [%v, %v] must be finite and ordered", d.A, d.B)
		}
	case Normal:
		if math.IsInf(d.A, 0) || math.IsInf(d.B, 0) || d.B < 0 {
			return fmt.Errorf("normal mean %v and standard deviation %v must be finite, the deviation not negative", d.A, d.B)
		}
		lo, hi := d.Bounds()
		if !(lo < hi) && d.B > 0 {
			return fmt.Errorf("normal truncation bounds [%v, %v] must be ordered", lo, hi)
		}
		// Redrawing must terminate quickly: require the bounds to keep at least a
		// thousandth of the mass, so a draw takes fewer than 1000 tries on average.
		if d.B > 0 {
			cdf := func(x float64) float64 { return 0.5 * math.Erfc(-(x-d.A)/(d.B*math.Sqrt2)) }
			if mass := cdf(hi) - cdf(lo); !(mass >= 1e-3) {
				return fmt.Errorf("normal truncation bounds [%v, %v] keep only %.3g of the mass of mean %v and standard deviation %v; at least 0.001 is needed", lo, hi, mass, d.A, d.B)
			}
		}
	}
	return nil
}

// Draw returns one value.
func (d Dist) Draw(r *rand.Rand) float64 {
	switch d.Kind {
	case Uniform:
		return d.A + (d.B-d.A)*r.Float64()
	case Normal:
		if d.B == 0 {
			return d.A
		}
		lo, hi := d.Bounds()
		for {
			if v := d.A + d.B*r.NormFloat64(); v >= lo && v <= hi {
				return v
			}
		}
	}
	return d.A
}
