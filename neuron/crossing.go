package neuron

import "math"

// expSum is g(s) = c0 + sum_k c[k] e^{-r[k] s} for s >= 0 with rates r[k] > 0: the
// distance of a LIF neuron with exponential synaptic currents from its threshold, s ms
// after the time the coefficients were taken.
//
// Every term is monotone in s, which gives rigorous bounds on any interval [a, b]: the
// sup of g is at most c0 + sum over positive c of c e^{-r a} + sum over negative c of
// c e^{-r b}, and the inf of g' is at least the analogous sum. Because g is smooth, the
// sup is also at most max(g(a), g(b)) + (b-a)^2/8 sup(-d2g/ds2), with the second
// derivative bounded termwise the same way. firstRoot uses them to discard intervals
// without a crossing and to prove a crossing unique before refining it.
type expSum struct {
	c0   float64
	c, r [3]float64
	// pow[k] > 0 says r[k] = pow[k] r[0], so e^{-r[k] s} is e^{-r[0] s} to that power
	// (see LIFExp.decays); 0 computes it with exp.
	pow [3]int
}

// point is an abscissa with its three exponentials, so bounds reuse them.
type point struct {
	s float64
	e [3]float64
}

func (f *expSum) point(s float64) point {
	p := point{s: s}
	p.e[0] = math.Exp(-f.r[0] * s)
	for k := 1; k < 3; k++ {
		if f.pow[k] > 0 {
			p.e[k] = pow(p.e[0], f.pow[k])
		} else {
			p.e[k] = math.Exp(-f.r[k] * s)
		}
	}
	return p
}

func (f *expSum) value(p *point) float64 {
	return f.c0 + f.c[0]*p.e[0] + f.c[1]*p.e[1] + f.c[2]*p.e[2]
}

func (f *expSum) slope(p *point) float64 {
	return -(f.r[0]*f.c[0]*p.e[0] + f.r[1]*f.c[1]*p.e[1] + f.r[2]*f.c[2]*p.e[2])
}

// sup is an upper bound of g on [a, b]: the smaller of the termwise bound and the
// curvature bound max(g(a), g(b)) + (b-a)^2/8 sup(-d2g/ds2), which stays tight on narrow
// intervals when large terms cancel (tau_syn close to tau_m), where the termwise bound
// exceeds g by about sum |r c| (b-a).
func (f *expSum) sup(a, b *point) float64 {
	u := f.c0
	m := 0.0 // upper bound of -d2g/ds2 on [a, b], termwise
	for k, c := range f.c {
		if c > 0 {
			u += c * a.e[k]
			m -= f.r[k] * f.r[k] * c * b.e[k]
		} else {
			u += c * b.e[k]
			m -= f.r[k] * f.r[k] * c * a.e[k]
		}
	}
	if u < 0 {
		return u
	}
	w := b.s - a.s
	return math.Min(u, math.Max(f.value(a), f.value(b))+w*w/8*math.Max(m, 0))
}

// slopeInf is a lower bound of g' on [a, b].
func (f *expSum) slopeInf(a, b *point) float64 {
	d := 0.0
	for k, c := range f.c {
		if c > 0 {
			d -= f.r[k] * c * a.e[k] // negative and rising toward 0: smallest at a
		} else {
			d -= f.r[k] * c * b.e[k] // positive and falling: smallest at b
		}
	}
	return d
}

// never reports whether g < 0 for every s >= 0.
func (f *expSum) never() bool {
	u := f.c0
	for _, c := range f.c {
		if c > 0 {
			u += c
		}
	}
	return u < 0
}

const (
	// rootWidth is the interval width (ms) below which isolation stops: 1 ns, the tick.
	rootWidth = 1e-6
	// rootTol is the accuracy (ms) to which an isolated crossing is refined: 0.01 ns,
	// so rounding up to the tick places the spike within 1 ns after the true crossing.
	rootTol = 1e-8
)

// firstRoot returns the smallest s in [lo, hi] with g(s) >= 0, given g < 0 on [0, lo],
// or false if there is none. It misses no crossing: an interval is discarded only when the upper bound
// of g on it is negative. Intervals are examined left to right by bisection until one is
// shown to hold a single crossing (g rises through zero and g' > 0 throughout), which is
// then refined by Newton steps kept inside the bracket. An interval narrower than 1 ns
// whose bound does not exclude a crossing counts as one: a potential that comes within
// about |d2g/ds2| x (1 ns)^2 of threshold may fire, one that crosses it always does.
func (f *expSum) firstRoot(lo, hi float64) (float64, bool) {
	type iv struct{ a, b point }
	var stack [96]iv
	n := 0
	stack[n] = iv{f.point(lo), f.point(hi)}
	n++
	for n > 0 {
		n--
		a, b := stack[n].a, stack[n].b
		if f.sup(&a, &b) < 0 {
			continue
		}
		gb := f.value(&b)
		if gb >= 0 && f.slopeInf(&a, &b) > 0 {
			return f.refine(a.s, b.s, gb, &b), true
		}
		if b.s-a.s <= rootWidth || n >= len(stack)-1 {
			return b.s, true
		}
		m := f.point(0.5 * (a.s + b.s))
		if f.value(&m) >= 0 {
			stack[n] = iv{a, m}
			n++
			continue
		}
		stack[n] = iv{m, b}
		stack[n+1] = iv{a, m}
		n += 2
	}
	return 0, false
}

// refine finds the crossing of an increasing g in [a, b] with g(a) < 0 <= g(b) = gb by
// safeguarded Newton steps from b (newtonBracket).
func (f *expSum) refine(a, b, gb float64, pb *point) float64 {
	return newtonBracket(a, b, b, gb, f.slope(pb), func(y float64) (float64, float64) {
		p := f.point(y)
		return f.value(&p), f.slope(&p)
	})
}

// newtonBracket finds the crossing of an increasing g in [a, b] with g(a) < 0 <= g(b), by
// Newton steps from x (where g = gx and g' = dx), falling back to bisection whenever a
// step leaves the bracket, and returns an upper end of a bracket narrower than rootTol.
// eval returns g and g' at a point.
func newtonBracket(a, b, x, gx, dx float64, eval func(float64) (float64, float64)) float64 {
	for range 200 {
		if b-a <= rootTol {
			return b
		}
		y := x - gx/dx
		if !(y > a && y < b) {
			y = 0.5 * (a + b)
		}
		x = y
		gx, dx = eval(y)
		if gx >= 0 {
			if b-y <= rootTol*0.5 && gx == 0 {
				return y
			}
			b = y
		} else {
			a = y
		}
		// A Newton step that barely moves means the root is within that step.
		if math.Abs(gx/dx) < rootTol*0.1 {
			if gx >= 0 {
				return x
			}
			return math.Min(x+rootTol*0.1, b)
		}
	}
	return b
}
