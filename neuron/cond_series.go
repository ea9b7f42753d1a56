package neuron

import (
	"math"
	"sync"

	"snn/sim"
)

// condProp advances the state (V, ge, gi) of one LIFCond neuron without input. When
// tau_e and tau_i are in an integer ratio it hands over to condZ (cond_zseries.go), whose
// series needs a fraction of the work; otherwise, for any positive time constants:
//
//	tau_m dV/dt = (V_inf - V) + ge (EE - V) + gi (EI - V),   V_inf = EL + Bias
//	ge(s) = ge e^{-s/tau_e},   gi(s) = gi e^{-s/tau_i}
//
// by its Taylor series in the step length h, with a rigorous bound on what the truncated
// terms can add.
//
// Series. With u = V - V(0), E_k = ge (-h/tau_e)^k/k!, I_k = gi (-h/tau_i)^k/k!,
// C_k = E_k + I_k, dE = EE - V(0), dI = EI - V(0) and p = h/tau_m, the scaled Taylor
// coefficients U_k = u_k h^k (so that V(h) = V(0) + sum U_k) follow from the equation
// term by term:
//
//	U_1     = p [(V_inf - V(0)) + ge dE + gi dI]
//	U_{k+1} = p/(k+1) [E_k dE + I_k dI - (1 + C_0) U_k - sum_{j=1}^{k-1} C_j U_{k-j}]
//
// and the conductances are the truncated series of their exponentials, sum_{j<=K} E_j.
//
// Bound. Let r = max(1/tau_e, 1/tau_i), G = ge + gi and D = max(|V_inf - V(0)|,
// |EE - V(0)|, |EI - V(0)|). Coefficient by coefficient the forcing of u is dominated by
// (1+G) D e^{rs} and its rate 1 + ge(s) + gi(s) by (1+G) e^{rs}, so u is dominated by the
// solution of tau_m U' = (1+G) e^{rs} (D + U), U(0) = 0, which is
// D (exp(lambda (e^{rs} - 1)) - 1) with lambda = (1+G)/(r tau_m). The coefficients of
// exp(lambda (e^x - 1)) are B_k(lambda)/k!, B_k the Touchard polynomials, so cutting
// the series after K terms leaves
//
//	|V(h) - V_K(h)| <= D sum_{k>K} B_k(lambda) (rh)^k/k!
//	               = D sum_{k>K} [B_k(lambda)/lambda^k] y^k/k!,   y = lambda r h = (1+G) h/tau_m,
//
// and each conductance a relative error of at most sum_{j>K} (rh)^j/j!. B_k(lambda) grows
// and B_k(lambda)/lambda^k falls with lambda, so one table serves every population:
// for lambda_b = 2^{-12 + b/4} (b = 0..112, up to 2^16) and each K <= condKMax it holds
// the largest y for which both tails are below condEps when evaluated at lambda_b (the
// sums are taken to k = condKTail and the rest bounded geometrically with
// B_{k+1} <= (lambda + k) B_k, from B_{k+1}(x) = x (B_k(x) + B_k'(x))). A step looks
// up lambda's bucket (lambda_b <= lambda), takes the smallest K whose y bound covers
// (1+G) h/tau_m (for lambda below the table, y = lambda_min r h) and, if none does,
// advances by the longest piece that the largest K covers and repeats. The table also
// caps y at condYCap and rh at condXCap: there the terms of the series sum in absolute
// value to at most a few times D, so rounding stays at a few ulps of D.
//
// Error. Each series step is off by at most condEps D (D of that step, about 100 mV at
// most for physiological parameters: 1e-13 mV) plus rounding of a few 1e-16 D; the
// conductances by a relative condEps. Errors made in earlier steps are carried with
// the factor e^{-int (1+g)/tau_m}, so they shrink, never grow. Once the conductances
// are negligible, ge tau_e + gi tau_i <= condEps tau_m, the rest of the interval is
// the closed-form leak (its neglect moves V by at most condEps times the width of the
// hull of V, EL + Bias, EE and EI), and with no conductance at all it is exact. An
// interval split into pieces ends with the conductances' closed form.
type condProp struct {
	// z is the z-series propagator (cond_zseries.go), used instead of the Taylor series
	// when z.p > 0, that is when tau_e and tau_i are in an integer ratio.
	z          condZ
	rm, re, ri float64 // 1/tau_m, 1/tau_e, 1/tau_i (1/ms)
	vInf       float64 // EL + Bias
	eE, eI     float64
	tauE, tauI float64 // ms, for the negligibility test
	negl       float64 // condEps tau_m
	lamUnit    float64 // lambda / (1+G) = 1/(r tau_m)
	rLam0      float64 // lambda_min r
	tab        *[condLamN][condKMax + 1]float64
}

const (
	// condEps is the truncation bound of one series step, relative to D.
	condEps = 1e-15
	// condKMax is the most terms a step uses; longer steps are split.
	condKMax = 20
	// condKTail is how many further coefficients the table sums before bounding the
	// rest by a geometric series.
	condKTail = condKMax + 40
	// The table's lambda buckets: lambda_b = 2^{condLamE0 + b/4}, b = 0 .. condLamN-1.
	condLamE0 = -12
	condLamN  = 4*28 + 1
	// condYCap and condXCap cap (1+G) h/tau_m and h/min(tau_e, tau_i) per step.
	condYCap = 1.0
	condXCap = 0.5
)

var (
	condTabOnce sync.Once
	condTab     [condLamN][condKMax + 1]float64
	// condMant are the mantissa bits of 2^{q/4}, q = 0..3, rounded down: a bucket's
	// lambda_b is exactly 2^e (1 + condMant[q]/2^52), so lambda >= lambda_b is decided by
	// comparing bits.
	condMant [4]uint64
	// condInv[k] = 1/k.
	condInv [condKMax + 2]float64
)

func init() {
	for q := range condMant {
		condMant[q] = uint64((math.Exp2(float64(q)/4) - 1) * (1 << 52))
	}
	for k := 1; k < len(condInv); k++ {
		condInv[k] = 1 / float64(k)
	}
}

// condLam returns bucket b's lambda_b.
func condLam(b int) float64 {
	e := condLamE0 + b/4
	return math.Float64frombits(uint64(e+1023)<<52 | condMant[b%4])
}

// condBucket returns the bucket b with lambda_b <= lam < lambda_{b+1}, below 0 when
// lam < lambda_0 and at most condLamN-1. lam must be positive and normal.
func condBucket(lam float64) int {
	bits := math.Float64bits(lam)
	m := bits & (1<<52 - 1)
	q := 0
	if m >= condMant[1] {
		q = 1
		if m >= condMant[2] {
			q = 2
			if m >= condMant[3] {
				q = 3
			}
		}
	}
	b := 4*(int(bits>>52)-1023-condLamE0) + q
	return min(b, condLamN-1)
}

// condTable fills the table once: for each bucket and K, the largest y whose tails are
// below condEps.
func condTable() *[condLamN][condKMax + 1]float64 {
	condTabOnce.Do(func() {
		for b := range condTab {
			condTab[b] = condRow(condLam(b))
		}
	})
	return &condTab
}

// condRow computes one bucket's bounds: row[K] is the largest y <= min(condYCap,
// lam condXCap) with sum_{k>K} c_k y^k <= condEps and sum_{j>K} x^j/j! <= condEps for
// x = y/lam, where c_k = B_k(lam)/(lam^k k!) are the coefficients of
// E(y) = exp(lam (e^{y/lam} - 1)), from E' = e^{y/lam} E:
// (k+1) c_{k+1} = sum_{j<=k} c_j lam^{j-k}/(k-j)!.
func condRow(lam float64) (row [condKMax + 1]float64) {
	var c, f [condKTail + 1]float64 // c_k, and 1/k!
	f[0], c[0] = 1, 1
	for k := 1; k <= condKTail; k++ {
		f[k] = f[k-1] / float64(k)
	}
	var lp [condKTail + 1]float64 // lam^{-m}/m!
	lp[0] = 1
	for m := 1; m <= condKTail; m++ {
		lp[m] = lp[m-1] / (lam * float64(m))
	}
	for k := 0; k < condKTail; k++ {
		s := 0.0
		for j := 0; j <= k; j++ {
			s += c[j] * lp[k-j]
		}
		c[k+1] = s / float64(k+1)
	}
	ok := func(y float64, K int) bool {
		x := y / lam
		tv, tx := 0.0, 0.0
		py, px := 1.0, 1.0
		for k := 1; k <= condKTail; k++ {
			py *= y
			px *= x
			if k > K {
				tv += c[k] * py
				tx += f[k] * px
			}
		}
		// Beyond condKTail: term ratios at most (y + k x)/(k+1) for the series of V (from
		// B_{k+1} <= (lam + k) B_k) and x/(k+1) for the exponential, both falling toward x
		// or below it when x < 1.
		n := float64(condKTail)
		q := math.Max((y+n*x)/(n+1), x)
		qx := x / (n + 1)
		if q >= 1 {
			return false
		}
		tv += c[condKTail] * py * q / (1 - q)
		tx += f[condKTail] * px * qx / (1 - qx)
		return tv <= condEps && tx <= condEps
	}
	ylim := math.Min(condYCap, lam*condXCap)
	for K := 1; K <= condKMax; K++ {
		if ok(ylim, K) {
			row[K] = ylim
			continue
		}
		lo, hi := 0.0, ylim
		if K > 1 {
			lo = row[K-1] // the bound grows with K
		}
		for range 48 {
			m := 0.5 * (lo + hi)
			if ok(m, K) {
				lo = m
			} else {
				hi = m
			}
		}
		row[K] = lo
	}
	return row
}

func newCondProp(p Params, c CondParams) condProp {
	pr := condProp{rm: 1 / p.TauM, re: 1 / p.TauE, ri: 1 / p.TauI, vInf: p.VInf(),
		eE: c.EE, eI: c.EI, tauE: p.TauE, tauI: p.TauI, negl: condEps * p.TauM}
	r := math.Max(pr.re, pr.ri)
	pr.lamUnit = 1 / (r * p.TauM)
	pr.rLam0 = condLam(0) * r
	pr.z = newCondZ(p, c)
	if pr.z.p == 0 {
		pr.tab = condTable() // built on first use, once per process
	}
	return pr
}

// advance returns the state h >= 0 ms later.
func (c *condProp) advance(v, ge, gi, h float64) (float64, float64, float64) {
	if c.z.p > 0 {
		return c.z.advance(v, ge, gi, math.Exp(-h*c.z.r), h)
	}
	return c.advanceTaylor(v, ge, gi, h)
}

// advanceTicks returns the state n >= 0 ticks later: as advance, with the z-series'
// decay taken from its tables (no exp).
func (c *condProp) advanceTicks(v, ge, gi float64, n sim.Time) (float64, float64, float64) {
	if c.z.p > 0 {
		return c.z.advanceTicks(v, ge, gi, n)
	}
	return c.advanceTaylor(v, ge, gi, n.Ms())
}

// decayTicks returns the factors by which ge and gi decay in n >= 0 ticks.
func (c *condProp) decayTicks(n sim.Time) (fe, fi float64) {
	if c.z.p > 0 {
		u := c.z.decay(n)
		return pow(u, c.z.a), pow(u, c.z.c)
	}
	h := n.Ms()
	return math.Exp(-h * c.re), math.Exp(-h * c.ri)
}

// advanceTaylor advances by the Taylor series. An interval that takes more than one
// series step ends with the conductances' closed form, so that their rounding does not
// accumulate over the pieces.
func (c *condProp) advanceTaylor(v, ge, gi, h float64) (float64, float64, float64) {
	ge0, gi0, h0 := ge, gi, h
	pieces := 0
	for h > 0 {
		if ge*c.tauE+gi*c.tauI <= c.negl {
			v, _, _ = c.leak(v, ge, gi, h)
			pieces = 2
			break
		}
		g1 := 1 + ge + gi
		b := condBucket(g1 * c.lamUnit)
		y := g1 * c.rm * h
		if b < 0 {
			b, y = 0, c.rLam0*h
		}
		row := &c.tab[b]
		hs := h
		if y > row[condKMax] {
			hs = h * (row[condKMax] / y)
			y = row[condKMax]
		}
		K := 1
		for y > row[K] {
			K++
		}
		v, ge, gi = c.series(v, ge, gi, hs, K)
		h -= hs
		pieces++
	}
	if pieces > 1 {
		ge, gi = ge0*math.Exp(-h0*c.re), gi0*math.Exp(-h0*c.ri)
	}
	return v, ge, gi
}

// leak is the closed form when the conductances no longer matter.
func (c *condProp) leak(v, ge, gi, h float64) (float64, float64, float64) {
	v = c.vInf + (v-c.vInf)*math.Exp(-h*c.rm)
	if ge != 0 {
		ge *= math.Exp(-h * c.re)
	}
	if gi != 0 {
		gi *= math.Exp(-h * c.ri)
	}
	return v, ge, gi
}

// series sums K terms of the Taylor series (see condProp) over h. The recurrence is
// written so that U_k enters U_{k+1} through one multiply and one subtraction: the
// convolution with the older terms does not wait for it.
func (c *condProp) series(v, ge, gi, h float64, K int) (float64, float64, float64) {
	var C, U [condKMax + 1]float64
	xe, xi := -h*c.re, -h*c.ri
	p := h * c.rm
	dE, dI := c.eE-v, c.eI-v
	c0 := 1 + ge + gi
	u := p * ((c.vInf - v) + ge*dE + gi*dI)
	U[1] = u
	dv := u
	e, i := ge, gi
	se, si := ge, gi
	for k := 1; k < K; k++ {
		e *= xe * condInv[k]
		i *= xi * condInv[k]
		se += e
		si += i
		C[k] = e + i
		s := e*dE + i*dI
		for j := k - 1; j >= 1; j-- {
			s -= C[j] * U[k-j]
		}
		q := p * condInv[k+1]
		u = q*s - (q*c0)*u
		U[k+1] = u
		dv += u
	}
	se += e * xe * condInv[K]
	si += i * xi * condInv[K]
	return v + dv, se, si
}
