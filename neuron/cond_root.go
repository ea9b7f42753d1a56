package neuron

import "math"

// condPoint is the state of a LIFCond neuron s ms after the start of a crossing search.
type condPoint struct{ s, v, ge, gi float64 }

// at returns the state at s >= a.s, advanced from a.
func (l *LIFCond) at(a *condPoint, s float64) condPoint {
	v, ge, gi := l.pr.advance(a.v, a.ge, a.gi, s-a.s)
	return condPoint{s, v, ge, gi}
}

// drive returns tau_m dV/dt at a (mV).
func (l *LIFCond) drive(a *condPoint) float64 {
	return (l.pr.vInf - a.v) + a.ge*(l.c.EE-a.v) + a.gi*(l.c.EI-a.v)
}

// excluded reports whether V stays below threshold on [a.s, b.s], given V(a.s) < VTh and
// no input in between. On the interval ge <= ge(a) and gi >= gi(b), so V is below the
// comparison trajectory from max(V(a), EI) with those constants (see LIFCond), which is
// monotone: it suffices that it is below threshold at b. The comparison exceeds V by
// O(w^2) on an interval of width w (its drive exceeds V's by O(w) throughout), so
// narrow intervals close to a tangency are excluded too.
func (l *LIFCond) excluded(a, b *condPoint) bool {
	n := l.n0 + a.ge*l.nE + b.gi*l.nI
	if n <= 0 {
		return true
	}
	g1 := 1 + a.ge + b.gi
	gap := l.p.VTh - math.Max(a.v, l.c.EI)
	// W(w) < VTh  <=>  N < (N + g1 gap) e^{-g1 w/tau_m}
	return n < (n+g1*gap)*math.Exp(-g1*(b.s-a.s)*l.pr.rm)
}

// increasing reports whether V is proven to increase on [a.s, b.s]. V stays in the hull
// H of V(a), V_inf, EE and EI (the drive points toward each), so with D the width of H
// and g = ge(a) + gi(a) >= ge + gi on the interval, |tau_m dV/dt| <= (1+g) D and
// |tau_m d2V/dt2| = |-(1+g) dV/dt - ge (EE - V)/tau_e - gi (EI - V)/tau_i|
// <= [(1+g)^2/tau_m + ge(a)/tau_e + gi(a)/tau_i] D =: M. Then
// tau_m dV/dt >= (tau_m V'(a) + tau_m V'(b) - M w)/2 on the interval.
func (l *LIFCond) increasing(a, b *condPoint) bool {
	lo := math.Min(math.Min(a.v, l.pr.vInf), math.Min(l.c.EE, l.c.EI))
	hi := math.Max(math.Max(a.v, l.pr.vInf), math.Max(l.c.EE, l.c.EI))
	g1 := 1 + a.ge + a.gi
	m := (hi - lo) * (g1*g1*l.pr.rm + a.ge*l.pr.re + a.gi*l.pr.ri)
	return l.drive(a)+l.drive(b) > m*(b.s-a.s)
}

// firstRoot returns the smallest s in [lo, hi] with V(s) >= VTh, s ms after the state o
// (o.s = 0), given V < VTh on [0, lo] and no input, or false if there is none. As
// expSum.firstRoot: intervals are examined left to right by bisection, discarded only
// when excluded proves V below threshold on them, until one is proven to hold a single
// crossing (V rises through VTh and is increasing), which refine locates to rootTol. An
// interval narrower than 1 ns that cannot be excluded counts as a crossing: a potential
// that comes within about |d2V/dt2| (1 ns)^2 of threshold may fire, one that crosses it
// always does.
func (l *LIFCond) firstRoot(o *condPoint, lo, hi float64) (float64, bool) {
	type iv struct{ a, b condPoint }
	var stack [96]iv
	a := l.at(o, lo)
	if a.v >= l.p.VTh {
		return lo, true
	}
	stack[0] = iv{a, l.at(&a, hi)}
	n := 1
	vTh := l.p.VTh
	for n > 0 {
		n--
		a, b := stack[n].a, stack[n].b
		if l.excluded(&a, &b) {
			continue
		}
		if b.v >= vTh && l.increasing(&a, &b) {
			return l.refine(&a, &b), true
		}
		if b.s-a.s <= rootWidth || n >= len(stack)-1 {
			return b.s, true
		}
		m := l.at(&a, 0.5*(a.s+b.s))
		if m.v >= vTh {
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

// refine finds the crossing of V, increasing on [a.s, b.s] with V(a) < VTh <= V(b), by
// safeguarded Newton steps from b (newtonBracket) and returns the upper end of a bracket
// narrower than rootTol. Every point is advanced from a, the bracket's original left end.
func (l *LIFCond) refine(a, b *condPoint) float64 {
	vTh := l.p.VTh
	return newtonBracket(a.s, b.s, b.s, b.v-vTh, l.drive(b)*l.pr.rm, func(y float64) (float64, float64) {
		p := l.at(a, y)
		return p.v - vTh, l.drive(&p) * l.pr.rm
	})
}
