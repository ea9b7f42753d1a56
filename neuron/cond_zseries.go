package neuron

import (
	"math"

	"snn/sim"
)

// condZ advances the state (V, ge, gi) of one LIFCond neuron without input when the
// slower synaptic time constant tau_s is an integer multiple q <= condZPMax of the faster
// one (exactly, in float64: COBA's 10 = 2 x 5, Song-Abbott's 5 = 1 x 5), by a power
// series in
//
//	z = 1 - u,   u = e^{-s/tau_s},
//
// s the time since the start of the step. The conductances are then polynomials in z,
// ge(s) = ge u^a and gi(s) = gi u^c with {a, c} = {1, q}, and with mu = tau_s/tau_m
// (any positive real) V's equation becomes
//
//	(1 - z) dV/dz = mu (F(z) - P(z) V),
//	P(z) = 1 + ge (1-z)^a + gi (1-z)^c,   F(z) = V_inf + ge EE (1-z)^a + gi EI (1-z)^c,
//
// a linear equation with polynomial coefficients of degree p = q. Its only finite
// singular point is z = 1 (s = infinity), so V is analytic for |z| < 1, and the
// coefficients of W = V - V(0) = sum w_k z^k follow from a recurrence of fixed length,
// O(p) per term rather than the O(k) convolution of the Taylor series in s (condProp):
//
//	(k+1) w_{k+1} = k w_k + mu rho_k - mu sum_{j=0}^{min(p,k)} pi_j w_{k-j},   w_0 = 0,
//
// with pi_j and rho_j the coefficients of P and of R = F - P V(0) (rho_j = 0 for j > p).
// The terms are summed scaled, t_k = w_k z^k. Between inputs 0.07 ms apart (Song-Abbott,
// tau_s = 5 ms: z = 0.013) a step takes 8 terms; 1 ms apart with the conductance of a
// COBA network (tau_s = 10 ms, G ~ 20), about 13.
//
// Truncation bound (rigorous). For k > p the recurrence is homogeneous, so with
// A = mu pi_0 = mu (1 + ge + gi), mu S = mu sum_{j>=1} |pi_j| and
// M_k = max_{0<=j<=p} |w_{k-j}|,
//
//	|w_{k+1}| <= rho_k M_k,   rho_k = (|k - A| + mu S)/(k+1).
//
// For k >= K >= p+1, rho_k <= rhoHat = max(1, rho_K) (rho_k falls for k < A and tends
// to 1 monotonically beyond), so M_k <= rhoHat^{k-K} M_K and, when rhoHat z < 1, the
// terms left out after K sum to at most
//
//	M_K z^{K+1} rhoHat/(1 - rhoHat z),   M_K z^{K+1} = z max_j |t_{K-j}| z^j.
//
// A piece stops at the first K where this is at most condEps D, D = max(|V_inf - V(0)|,
// |EE - V(0)|, |EI - V(0)|), as for condProp: 1e-13 mV for D = 100 mV. (series1 fixes K
// beforehand from the same bound; see there.) The bound is evaluated on the computed
// terms, whose relative rounding errors are a few k ulps, so it holds up to that factor.
//
// Rounding. A piece covers z <= condZCap and A z <= condZYCap: the first keeps the
// geometric rate at or below 1/2; the second keeps the terms, which start out like the
// binomial coefficients of (1 - z)^A with alternating signs, summing in absolute value
// to at most about e^{A z} D <= 8 D, so that rounding stays within a few 1e-16 of that.
// A longer interval is split into pieces, the conductances at each piece's end taken
// from their closed form (ge u^a); the interval's final conductances are the closed form
// over all of it. Once the conductances are negligible (ge tau_e + gi tau_i <=
// condEps tau_m) the rest is the closed-form leak, as for condProp. So one step errs by
// at most condEps D of truncation plus about 1e-15 D of rounding: ~1e-13 mV.
//
// Decay by ticks. An interval of n ticks (the neuron's update times are ticks) takes
// u = e^{-n/tau_s} from four tables of e^{-i 256^j/tau_s}, i < 256 (8 KB), as a product
// of four entries: no exp per input, and within (10 + n/tau_s) 2^-53 of the exponential
// (math.Exp beyond 2^32 ns, about 4 s). Since z = 1 - u and the conductances' decays
// u^a, u^c come from the same u, an error in u is a shift of the step's end by that much
// times tau_s, a few 1e-16 ms: the state stays on the exact trajectory.
type condZ struct {
	// The fields of the hot path first, in two cache lines.
	p                int     // degree of P and F in z, q; 0 when condZ does not apply
	a, c             int     // ge decays as u^a, gi as u^c
	mu               float64 // tau_s/tau_m
	vInf, eE, eI     float64
	lo, hi           float64 // min(EI, V_inf), max(EE, V_inf): D = max(hi - V, V - lo)
	tolHalf          float64 // condEps (hi - lo)/2 <= condEps D
	tauE, tauI, negl float64 // ms; negl = condEps tau_m
	rt               float64 // 1/tau_s per tick (1/ns)
	r                float64 // 1/tau_s, 1/ms
	rm               float64 // 1/tau_m, 1/ms
	// be[j], bi[j]: coefficients of z^j in (1-z)^a and (1-z)^c, (-1)^j C(a, j).
	be, bi [condZPMax + 1]float64
	// dec[j][i] = e^{-i 256^j/tau_s}, i 256^j ticks.
	dec [4][256]float64
}

const (
	// condZPMax is the largest ratio tau_s/tau_f the z-series handles.
	condZPMax = 4
	// condZKMax is the most terms of a piece; a piece that has not converged by then
	// is retried with a quarter of its z, up to condZRetries times (a guard: with the
	// caps below a piece converges within about 80 terms).
	condZKMax    = 200
	condZRetries = 8
	// condZCap and condZYCap cap z and mu (1 + ge + gi) z per piece.
	condZCap  = 0.5
	condZYCap = 2.0
)

// condZInv[k] = 1/k.
var condZInv [condZKMax + 2]float64

func init() {
	for k := 1; k < len(condZInv); k++ {
		condZInv[k] = 1 / float64(k)
	}
}

// newCondZ returns the z-series propagator, or one with p = 0 when the time constants
// are not in an integer ratio up to condZPMax (exactly, in float64).
func newCondZ(p Params, c CondParams) condZ {
	ts, tf := math.Max(p.TauE, p.TauI), math.Min(p.TauE, p.TauI)
	q := math.Round(ts / tf)
	if !(q >= 1 && q <= condZPMax && q*tf == ts) {
		return condZ{}
	}
	z := condZ{p: int(q), a: 1, c: 1, r: 1 / ts, rm: 1 / p.TauM, mu: ts / p.TauM,
		vInf: p.VInf(), eE: c.EE, eI: c.EI, tauE: p.TauE, tauI: p.TauI, negl: condEps * p.TauM}
	if p.TauE < ts {
		z.a = z.p
	} else if p.TauI < ts {
		z.c = z.p
	}
	z.lo, z.hi = math.Min(c.EI, z.vInf), math.Max(c.EE, z.vInf)
	z.tolHalf = condEps * (z.hi - z.lo) / 2
	for j := 0; j <= z.p; j++ {
		z.be[j], z.bi[j] = binomSigned(z.a, j), binomSigned(z.c, j)
	}
	z.rt = z.r * 1e-6 // Time.Ms is ticks * 1e-6
	for j := range z.dec {
		for i := range z.dec[j] {
			z.dec[j][i] = math.Exp(-float64(uint64(i)<<(8*j)) * z.rt)
		}
	}
	return z
}

// binomSigned returns (-1)^j C(n, j), 0 for j > n.
func binomSigned(n, j int) float64 {
	if j > n {
		return 0
	}
	b := 1.0
	for i := 1; i <= j; i++ {
		b = b * float64(n-i+1) / float64(i)
	}
	if j%2 == 1 {
		b = -b
	}
	return b
}

// decay returns u = e^{-n/tau_s} for n >= 0 ticks.
func (c *condZ) decay(n sim.Time) float64 {
	if uint64(n) < 1<<32 {
		return c.decay32(n)
	}
	return math.Exp(-float64(n) * c.rt)
}

// advance returns the state h ms later, u = e^{-h/tau_s}.
func (c *condZ) advance(v, ge, gi, u, h float64) (float64, float64, float64) {
	z := 1 - u // exact for u >= 1/2
	if z <= condZCap && c.mu*(1+ge+gi)*z <= condZYCap && ge*c.tauE+gi*c.tauI > c.negl {
		if w, ok := c.series(v, ge, gi, z); ok {
			return w, ge * pow(u, c.a), gi * pow(u, c.c)
		}
	}
	return c.advanceLong(v, ge, gi, u, h)
}

// advanceTicks is advance over n >= 0 ticks, with u from the tables: the hot path.
func (c *condZ) advanceTicks(v, ge, gi float64, n sim.Time) (float64, float64, float64) {
	var u float64
	if uint64(n) < 1<<32 {
		u = c.decay32(n)
	} else {
		u = math.Exp(-float64(n) * c.rt)
	}
	z := 1 - u
	if c.onePiece(ge, gi, z) {
		var w float64
		var ok bool
		switch c.p {
		case 1:
			w, ok = c.series1(v, ge, gi, z)
		case 2:
			w, ok = c.series2(v, ge, gi, z)
		default:
			w, ok = c.seriesN(v, ge, gi, z)
		}
		if ok {
			return w, ge * pow(u, c.a), gi * pow(u, c.c)
		}
	}
	return c.advanceLong(v, ge, gi, u, n.Ms())
}

// decay32 returns u = e^{-n/tau_s} for 0 <= n < 2^32 ticks, from the tables.
func (c *condZ) decay32(n sim.Time) float64 {
	return (c.dec[0][n&255] * c.dec[1][n>>8&255]) * (c.dec[2][n>>16&255] * c.dec[3][n>>24&255])
}

// onePiece reports whether one piece of the series covers z from (ge, gi), whose
// conductances are not negligible.
func (c *condZ) onePiece(ge, gi, z float64) bool {
	return z <= condZCap && c.mu*(1+ge+gi)*z <= condZYCap && ge*c.tauE+gi*c.tauI > c.negl
}

// advanceLong is advance for an interval that takes more than one piece or no series
// at all.
func (c *condZ) advanceLong(v, ge, gi, u, h float64) (float64, float64, float64) {
	geEnd, giEnd := ge*pow(u, c.a), gi*pow(u, c.c)
	z := 1 - u
	done := 1.0 // u over the pieces so far
	for z > 0 {
		if ge*c.tauE+gi*c.tauI <= c.negl {
			if done < 1 {
				h = max(0, h+math.Log(done)/c.r)
			}
			v = c.vInf + (v-c.vInf)*math.Exp(-h*c.rm)
			break
		}
		y := c.mu * (1 + ge + gi)
		zp := z
		if z > condZCap || y*z > condZYCap {
			zp = min(condZCap, condZYCap/y)
		}
		for try := 0; ; try++ {
			w, ok := c.series(v, ge, gi, zp)
			if ok {
				v = w
				break
			}
			if try == condZRetries {
				// Only a state that is not finite gets here.
				return math.NaN(), geEnd, giEnd
			}
			zp *= 0.25
		}
		if zp == z {
			break
		}
		up := 1 - zp
		ge *= pow(up, c.a)
		gi *= pow(up, c.c)
		done *= up
		u /= up
		z = 1 - u
	}
	return v, geEnd, giEnd
}

// series sums the z-series of one piece from (v, ge, gi) at z, or reports that it did
// not converge within condZKMax terms.
func (c *condZ) series(v, ge, gi, z float64) (float64, bool) {
	switch c.p {
	case 1:
		return c.series1(v, ge, gi, z)
	case 2:
		return c.series2(v, ge, gi, z)
	}
	return c.seriesN(v, ge, gi, z)
}

// seriesN is series for any p.
func (c *condZ) seriesN(v, ge, gi, z float64) (float64, bool) {
	var pz, rz [condZPMax + 1]float64 // mu pi_j z^j, mu rho_j z^j
	mu := c.mu
	dE, dI := c.eE-v, c.eI-v
	muS := 0.0
	zj := mu
	for j := 0; j <= c.p; j++ {
		pj := ge*c.be[j] + gi*c.bi[j]
		if j > 0 {
			muS += math.Abs(pj)
		}
		pz[j] = pj * zj
		rz[j] = (ge*dE*c.be[j] + gi*dI*c.bi[j]) * zj
		zj *= z
	}
	pz[0] += mu
	rz[0] += mu * (c.vInf - v)
	muS *= mu
	A := pz[0]
	tol := condEps * max(c.hi-v, v-c.lo)
	var tb [8]float64 // t_k at k&7
	sum := 0.0
	for k := 0; k < condZKMax; k++ {
		s := (float64(k) - A) * tb[k&7]
		for j := 1; j <= min(k, c.p); j++ {
			s -= pz[j] * tb[(k-j)&7]
		}
		if k <= c.p {
			s += rz[k]
		}
		K := k + 1
		t := s * (z * condZInv[K])
		tb[K&7] = t
		sum += t
		if K > c.p && z*math.Abs(t) <= tol {
			mz, zj := 0.0, z
			for j := 0; j <= c.p; j++ {
				mz = max(mz, math.Abs(tb[(K-j)&7])*zj)
				zj *= z
			}
			rh := max(1, (math.Abs(float64(K)-A)+muS)*condZInv[K+1])
			if rh*z < 1 && mz*rh <= tol*(1-rh*z) {
				return v + sum, true
			}
		}
	}
	return v, false
}

// series1 is series for p = 1 (tau_e = tau_i): P = (1 + g) - g z, g = ge + gi, and for
// k >= 2 the terms follow t_{k+1} = a_k t_k + b_k t_{k-1}, a_k = (k - A) z/(k+1),
// b_k = mu g z^2/(k+1).
//
// When A <= 2 the number of terms is fixed beforehand, so that no branch waits for
// the terms: for k >= 2, rho_k = (k - A + mu g)/(k+1) = (k - mu)/(k+1) < 1, so every
// |w_k|, k >= 3, is at most M_2 = max(|w_1|, |w_2|) and the terms after K sum to at most
// M_2 z^{K+1}/(1 - z) <= (|t_1| z + |t_2|) z^{K-1}/(1 - z). K = 8 when that is at most
// condEps (hi - lo)/2 <= condEps D (nine inputs in ten of the Song-Abbott workload),
// else K = 12 when that is, else the terms are added until the bound of condZ holds.
// The K terms are summed backward, with no test: S = t_1 + ... + t_{k-1} + e_k t_k +
// b_k e_{k+1} t_{k-1}, e_{k-1} = a_{k-1} e_k + b_k e_{k+1} + 1, from e_K = 1,
// e_{K+1} = 0, as e_k depend on z and g only, not on V.
func (c *condZ) series1(v, ge, gi, z float64) (float64, bool) {
	mu := c.mu
	g := ge + gi
	A := mu * (1 + g)
	muS := mu * g
	f := ge*(c.eE-v) + gi*(c.eI-v)
	tp := z * (mu * ((c.vInf - v) + f))   // t_1
	tk := (0.5 * z) * ((1-A)*tp - mu*f*z) // t_2
	zA, zB := z*A, muS*z*z
	if A <= 2 {
		tol := c.tolHalf * (1 - z)
		z2 := z * z
		z4 := z2 * z2
		m := (math.Abs(tp)*z + math.Abs(tk)) * (z4 * z2 * z)
		if m <= tol {
			// K = 8, unrolled, two steps at a time: from (e_k, e_{k+1}),
			// e_{k-1} = a_{k-1} e_k + b_k e_{k+1} + 1 and
			// e_{k-2} = (a_{k-2} a_{k-1} + b_{k-1}) e_k + a_{k-2} b_k e_{k+1} + a_{k-2} + 1.
			a2, a3, a4 := (2*z-zA)*(1.0/3), (3*z-zA)*(1.0/4), (4*z-zA)*(1.0/5)
			a5, a6, a7 := (5*z-zA)*(1.0/6), (6*z-zA)*(1.0/7), (7*z-zA)*(1.0/8)
			b3, b4, b5, b6, b7 := zB*(1.0/4), zB*(1.0/5), zB*(1.0/6), zB*(1.0/7), zB*(1.0/8)
			e7, e6 := a7+1, (a6*a7+b7)+(a6+1)
			e5, e4 := a5*e6+(b6*e7+1), (a4*a5+b5)*e6+(a4*b6*e7+(a4+1))
			e3, e2 := a3*e4+(b4*e5+1), (a2*a3+b3)*e4+(a2*b4*e5+(a2+1))
			return v + ((1+zB*(1.0/3)*e3)*tp + e2*tk), true
		}
		if m*z4 <= tol {
			// K = 12.
			e, f := 1.0, 0.0
			for k := 11; k >= 2; k-- {
				i := condZInv[k+1]
				e, f = e*(i*(float64(k)*z-zA))+(f+1), e*(i*zB)
			}
			return v + ((1+f)*tp + e*tk), true
		}
	}
	sum := tp + tk
	fz := 2 * z
	tol := condEps * max(c.hi-v, v-c.lo)
	for K := 2; K < condZKMax; K++ {
		if z*math.Abs(tk) <= tol {
			mz := z * max(math.Abs(tk), z*math.Abs(tp))
			rh := max(1, (math.Abs(float64(K)-A)+muS)*condZInv[K+1])
			if rh*z < 1 && mz*rh <= tol*(1-rh*z) {
				return v + sum, true
			}
		}
		t := condZInv[K+1] * ((fz-zA)*tk + zB*tp)
		sum += t
		tp, tk = tk, t
		fz += z
	}
	return v, false
}

// series2 is series for p = 2: for k >= 3, t_{k+1} = a_k t_k + b_k t_{k-1} + c_k t_{k-2},
// computed two at a time (t_{k+2} from t_k, t_{k-1}, t_{k-2}), so that each pair waits
// for one product of the last, and the bound of condZ tested after each pair.
func (c *condZ) series2(v, ge, gi, z float64) (float64, bool) {
	mu := c.mu
	dE, dI := c.eE-v, c.eI-v
	p1 := ge*c.be[1] + gi*c.bi[1]
	p2 := ge*c.be[2] + gi*c.bi[2]
	A := mu * (1 + ge + gi)
	muS := mu * (math.Abs(p1) + math.Abs(p2))
	zB1 := -mu * p1 * z * z
	zB2 := -mu * p2 * z * z * z
	r0 := mu * ((c.vInf - v) + ge*dE + gi*dI)
	r1 := mu * (ge*dE*c.be[1] + gi*dI*c.bi[1]) * z
	r2 := mu * (ge*dE*c.be[2] + gi*dI*c.bi[2]) * z * z
	tol := condEps * max(c.hi-v, v-c.lo)
	zA := z * A
	t1 := z * r0
	t2 := (0.5 * z) * ((1-A)*t1 + r1)
	t3 := condZInv[3] * ((2*z-zA)*t2 + zB1*t1 + z*r2)
	sum := t1 + t2 + t3
	tq, tp, tk := t1, t2, t3
	for K := 3; K < condZKMax; K += 2 {
		if z*math.Abs(tk) <= tol {
			mz := z * max(math.Abs(tk), z*max(math.Abs(tp), z*math.Abs(tq)))
			rh := max(1, (math.Abs(float64(K)-A)+muS)*condZInv[K+1])
			if rh*z < 1 && mz*rh <= tol*(1-rh*z) {
				return v + sum, true
			}
		}
		i0, i1 := condZInv[K+1], condZInv[K+2]
		fz := float64(K) * z
		a0, b0, c0 := i0*(fz-zA), i0*zB1, i0*zB2
		a1, b1, c1 := i1*(fz+z-zA), i1*zB1, i1*zB2
		u1 := (b0*tp + c0*tq) + a0*tk
		u2 := (a1*c0*tq + (a1*b0+c1)*tp) + (a1*a0+b1)*tk
		sum += u1 + u2
		tq, tp, tk = tk, u1, u2
	}
	return v, false
}
