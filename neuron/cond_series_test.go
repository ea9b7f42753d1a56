package neuron

import (
	"math"
	"math/rand/v2"
	"testing"
)

// This file checks condProp, the series propagator of LIFCond, against a reference
// written independently of it: the integrating-factor solution of the free equation,
//
//	V(t) = V0 e^{-A(t)} + int_0^t e^{-(A(t) - A(s))} b(s) ds,
//	A(t) = t/tau_m + ke (1 - e^{-t/tau_e}) + ki (1 - e^{-t/tau_i}),   ke = ge0 tau_e/tau_m, ki = gi0 tau_i/tau_m,
//	b(s) = (EL + Bias + ge(s) EE + gi(s) EI)/tau_m,
//
// (the closed form of A is exact; only the integral is numerical), with the integral
// taken by composite 8-point Gauss-Legendre quadrature on panels a quarter of the
// fastest time scale wide, where its error is below 1e-20 relative, and compensated
// summation. Its own error is rounding: a few 1e-16 relative to the values summed, so
// about 1e-14 mV.

// gaussLegendre returns the nodes and weights of the n-point Gauss-Legendre rule on
// [-1, 1], by Newton's method on the Legendre polynomial P_n (three-term recurrence).
func gaussLegendre(n int) (x, w []float64) {
	x, w = make([]float64, n), make([]float64, n)
	for i := range n {
		z := math.Cos(math.Pi * (float64(i) + 0.75) / (float64(n) + 0.5))
		var dp float64
		for range 100 {
			p0, p1 := 1.0, z
			for k := 2; k <= n; k++ {
				p0, p1 = p1, ((2*float64(k)-1)*z*p1-(float64(k)-1)*p0)/float64(k)
			}
			dp = float64(n) * (z*p1 - p0) / (z*z - 1)
			dz := p1 / dp
			z -= dz
			if math.Abs(dz) < 1e-17 {
				break
			}
		}
		x[i], w[i] = z, 2/((1-z*z)*dp*dp)
	}
	return x, w
}

var glX, glW = gaussLegendre(8)

// condQuad returns the reference V(t) (mV) from v0, ge0, gi0 with no input.
func condQuad(p Params, c CondParams, v0, ge0, gi0, t float64) float64 {
	ke, ki := ge0*p.TauE/p.TauM, gi0*p.TauI/p.TauM
	eTe, eTi := math.Exp(-t/p.TauE), math.Exp(-t/p.TauI)
	// A(t) - A(s), with the differences of exponentials e^{-s/tau} - e^{-t/tau} taken as
	// e^{-t/tau} expm1((t-s)/tau) so that they keep their digits for s near t (and as
	// they are far from it, where e^{-t/tau} may underflow).
	diff := func(s, tau, eT float64) float64 {
		if x := (t - s) / tau; x < 1 {
			return eT * math.Expm1(x)
		}
		return math.Exp(-s/tau) - eT
	}
	dA := func(s float64) float64 {
		return (t-s)/p.TauM + ke*diff(s, p.TauE, eTe) + ki*diff(s, p.TauI, eTi)
	}
	b := func(s float64) float64 {
		return (p.VInf() + ge0*math.Exp(-s/p.TauE)*c.EE + gi0*math.Exp(-s/p.TauI)*c.EI) / p.TauM
	}
	rho := math.Max((1+ge0+gi0)/p.TauM, math.Max(1/p.TauE, 1/p.TauI))
	width := math.Min(0.1, 0.25/rho)
	s0 := math.Max(0, t-60*p.TauM) // e^{-(A(t)-A(s))} <= e^{-(t-s)/tau_m} < 1e-26 before
	n := int(math.Ceil((t - s0) / width))
	sum, comp := v0*math.Exp(-dA(0)), 0.0
	add := func(x float64) { // Kahan-Babuska summation
		y := sum + x
		if math.Abs(sum) >= math.Abs(x) {
			comp += (sum - y) + x
		} else {
			comp += (x - y) + sum
		}
		sum = y
	}
	for k := range n {
		a := s0 + (t-s0)*float64(k)/float64(n)
		z := s0 + (t-s0)*float64(k+1)/float64(n)
		h := 0.5 * (z - a)
		for q := range glX {
			s := a + h*(1+glX[q])
			add(h * glW[q] * math.Exp(-dA(s)) * b(s))
		}
	}
	return sum + comp
}

// condCases are the parameter sets of the tests: COBA (Brette et al. 2007), Song-Abbott
// (Song, Miller & Abbott 2000), equal synaptic time constants, and tau_e = tau_m.
var condCases = []struct {
	name string
	p    Params
	c    CondParams
}{
	{"coba", Params{TauM: 20, EL: -60, VTh: -50, VReset: -60, TauE: 5, TauI: 10}, CondParams{EE: 0, EI: -80}},
	{"song", Params{TauM: 20, EL: -74, VTh: -54, VReset: -60, TauE: 5, TauI: 5}, CondParams{EE: 0, EI: -70}},
	{"song10", Params{TauM: 10, EL: -70, VTh: -54, VReset: -60, TauE: 5, TauI: 5}, CondParams{EE: 0, EI: -70}},
	{"tau_e=tau_m", Params{TauM: 20, EL: -65, VTh: -50, VReset: -65, Bias: 3, TauE: 20, TauI: 3}, CondParams{EE: 0, EI: -75}},
	{"fast", Params{TauM: 30, EL: -65, VTh: -50, VReset: -70, TauE: 0.5, TauI: 2}, CondParams{EE: 10, EI: -90}},
}

// condProps returns the propagators to test on parameters (p, c): the Taylor series
// (condProp without its z-series) and, when it applies, the z-series.
func condProps(p Params, c CondParams) (names []string, prs []condProp) {
	taylor := newCondProp(p, c)
	taylor.z, taylor.tab = condZ{}, condTable()
	names, prs = []string{"taylor"}, []condProp{taylor}
	if z := newCondProp(p, c); z.z.p > 0 {
		names, prs = append(names, "z"), append(prs, z)
	}
	return names, prs
}

// TestCondFreeEvolution: V after intervals from 0.1 us to 1 s, from random states (V
// from below EI to above threshold, gi up to ~7 inhibitory steps of 6.7), against
// condQuad, and the conductances against their exponentials; for the Taylor series and,
// where the time constants allow it, the z-series.
//
// Tolerances. The model's error is its truncation, at most condEps D per series step
// (D <= 130 mV here: ~1e-13 mV), plus rounding of a few ulps of the terms per step, and
// the errors of earlier steps are damped, not amplified; the reference's is ~1e-14 mV.
// Allow 2e-12 mV. Conductances: a single Taylor step is off by condEps relative plus
// rounding, a z-series step by the rounding of e^{-h/tau_s} and its power; a longer
// interval ends with the closed form e^{-h/tau}, whose argument is rounded (relative
// 2^-52 of h/tau, which amplifies to that in the value) in the model and in the test
// differently: allow 1e-14 + 1e-15 h/tau relative.
func TestCondFreeEvolution(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, cs := range condCases {
		names, prs := condProps(cs.p, cs.c)
		worst, worstG := make([]float64, len(prs)), make([]float64, len(prs))
		for range 40 {
			v0 := cs.c.EI - 15 + (cs.p.VTh+10-(cs.c.EI-15))*r.Float64()
			ge0 := 3 * r.ExpFloat64()
			gi0 := 6.7 * float64(r.IntN(8)) * r.Float64()
			if r.IntN(4) == 0 {
				ge0 = 0
			}
			h := math.Pow(10, -4+7*r.Float64()) // 0.1 us to 1 s
			want := condQuad(cs.p, cs.c, v0, ge0, gi0, h)
			for k := range prs {
				v, ge, gi := prs[k].advance(v0, ge0, gi0, h)
				d := math.Abs(v - want)
				worst[k] = math.Max(worst[k], d)
				if d > 2e-12 {
					t.Errorf("%s, %s: V(%g ms) from (%v, %v, %v) = %.17g, reference %.17g (diff %.3g mV)", cs.name, names[k], h, v0, ge0, gi0, v, want, d)
				}
				for _, g := range [][3]float64{{ge, ge0, cs.p.TauE}, {gi, gi0, cs.p.TauI}} {
					if want := g[1] * math.Exp(-h/g[2]); want > 1e-300 {
						d := math.Abs(g[0]/want - 1)
						worstG[k] = math.Max(worstG[k], d)
						if d > 1e-14+1e-15*h/g[2] {
							t.Errorf("%s, %s: conductance after %g ms: %v, closed form %v", cs.name, names[k], h, g[0], want)
						}
					}
				}
			}
		}
		for k := range prs {
			t.Logf("%s, %s: max |V - reference| %.2g mV, max relative conductance error %.2g", cs.name, names[k], worst[k], worstG[k])
		}
	}
}

// TestCondStepsAccumulate: a 200 ms interval advanced in 20000 random steps (the
// 15 kHz workload's gaps, without input) against condQuad over the whole interval, for
// both series. Each step contributes at most ~1e-13 mV of truncation and rounding,
// damped with the membrane's e^{-t (1+g)/tau_m}: over the ~1/(1-e^{-dt/tau}) ~ 300 steps
// that still count, ~3e-11 mV at worst, far less as the errors do not all have one sign.
// Allow 1e-11 mV.
func TestCondStepsAccumulate(t *testing.T) {
	for _, cs := range condCases {
		names, prs := condProps(cs.p, cs.c)
		for k, pr := range prs {
			r := rand.New(rand.NewPCG(13, 14))
			v0, ge0, gi0 := -58.0, 1.5, 4.0
			v, ge, gi := v0, ge0, gi0
			total := 0.0
			for total < 200 {
				h := math.Min(r.ExpFloat64()/15, 200-total)
				v, ge, gi = pr.advance(v, ge, gi, h)
				total += h
			}
			want := condQuad(cs.p, cs.c, v0, ge0, gi0, total)
			if d := math.Abs(v - want); d > 1e-11 {
				t.Errorf("%s, %s: after 200 ms in small steps V = %.17g, reference %.17g (diff %.3g mV)", cs.name, names[k], v, want, d)
			} else {
				t.Logf("%s, %s: |V - reference| %.2g mV after 200 ms in ~3000 steps", cs.name, names[k], d)
			}
		}
	}
}

// TestCondTable checks the step table against the bound it encodes, evaluated
// independently in exact terms for moderate lambda: the tail of exp(lambda (e^x - 1))
// after K terms at x = y/lambda, from the Stirling numbers S(k, j) (recurrence
// S(k, j) = j S(k-1, j) + S(k-1, j-1)) and B_k(lambda) = sum_j S(k, j) lambda^j.
func TestCondTable(t *testing.T) {
	tab := condTable()
	const kk = 80
	var S [kk + 1][kk + 1]float64
	S[0][0] = 1
	for k := 1; k <= kk; k++ {
		for j := 1; j <= k; j++ {
			S[k][j] = float64(j)*S[k-1][j] + S[k-1][j-1]
		}
	}
	for _, b := range []int{0, 20, 40, 48, 50, 56, 64, 80, 100} {
		lam := condLam(b)
		if got := condBucket(lam); got != b {
			t.Errorf("bucket of lambda_%d = %v is %d", b, lam, got)
		}
		if got := condBucket(math.Nextafter(lam, 0)); got != b-1 && b > 0 {
			t.Errorf("bucket just below lambda_%d is %d", b, got)
		}
		for K := 2; K <= condKMax; K += 3 {
			y := tab[b][K]
			x := y / lam
			tail := 0.0
			term := 1.0 // x^k/k!
			for k := 1; k <= kk; k++ {
				term *= x / float64(k)
				if k <= K {
					continue
				}
				bk := 0.0
				for j := k; j >= 1; j-- {
					bk = bk*lam + S[k][j]
				}
				tail += bk * lam * term
			}
			if tail > condEps*(1+1e-9) {
				t.Errorf("lambda %v, K %d: y %v leaves a tail of %.3g > %g", lam, K, y, tail, condEps)
			}
			if x > condXCap*(1+1e-12) || y > condYCap {
				t.Errorf("lambda %v, K %d: y %v beyond the caps", lam, K, y)
			}
		}
	}
	// The bound grows with K.
	for b := range tab {
		for K := 2; K <= condKMax; K++ {
			if tab[b][K] < tab[b][K-1] {
				t.Fatalf("bucket %d: y bound falls from K %d to %d", b, K-1, K)
			}
		}
	}
}
