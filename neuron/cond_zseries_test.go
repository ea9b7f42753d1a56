package neuron

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"snn/sim"
)

// TestCondZApplies: the z-series is used exactly when the slower synaptic time constant
// is 1 to condZPMax times the faster one in float64, with the powers of u given to the
// faster conductance.
func TestCondZApplies(t *testing.T) {
	for _, c := range []struct {
		tauE, tauI float64
		p, a, cc   int
	}{
		{5, 5, 1, 1, 1},
		{5, 10, 2, 2, 1}, // COBA: ge = ge0 u^2, gi = gi0 u, u = e^{-s/10}
		{10, 5, 2, 1, 2},
		{0.5, 2, 4, 4, 1},
		{3, 9, 3, 3, 1},
		{2, 10, 0, 0, 0}, // ratio 5
		{3, 20, 0, 0, 0},
		{0.1, 0.3, 0, 0, 0}, // 0.3/0.1 = 2.9999999999999996 in float64
		{5, 10.000000001, 0, 0, 0},
	} {
		z := newCondZ(Params{TauM: 20, EL: -60, VTh: -50, VReset: -60, TauE: c.tauE, TauI: c.tauI}, CondParams{EE: 0, EI: -80})
		if z.p != c.p || c.p > 0 && (z.a != c.a || z.c != c.cc) {
			t.Errorf("tau_e %v, tau_i %v: p %d, a %d, c %d; want %d, %d, %d", c.tauE, c.tauI, z.p, z.a, z.c, c.p, c.a, c.cc)
		}
	}
}

// TestCondZDecay: the tables' e^{-n/tau_s} against math.Exp for steps of 1 ns to
// ~10 s. Each entry is math.Exp (within 1 ulp) of an argument x_j rounded once (a
// relative error x_j 2^-53 in the value), and the product rounds three times: within
// (x + 11) 2^-53 of e^{-x}, x = n/tau_s; math.Exp(-x) itself is within (x + 2) 2^-53.
// Allow (2x + 16) 2^-53.
func TestCondZDecay(t *testing.T) {
	r := rand.New(rand.NewPCG(71, 72))
	for _, tau := range []float64{0.5, 5, 10} {
		z := newCondZ(Params{TauM: 20, EL: -60, VTh: -50, VReset: -60, TauE: tau, TauI: tau}, CondParams{EE: 0, EI: -80})
		worst := 0.0
		for range 20000 {
			n := sim.Time(math.Pow(10, 10*r.Float64()))
			x := float64(n) * z.rt
			want := math.Exp(-x)
			if want < 1e-300 {
				continue
			}
			d := math.Abs(z.decay(n)/want - 1)
			worst = math.Max(worst, d/(2*x+16)*(1<<53))
			if d > (2*x+16)/(1<<53) {
				t.Errorf("tau %v: decay over %d ns %v, exp %v (relative %.3g)", tau, n, z.decay(n), want, d)
			}
		}
		if got := z.decay(0); got != 1 {
			t.Errorf("tau %v: decay over 0 ns is %v", tau, got)
		}
		t.Logf("tau %v: worst error %.2f of the allowance", tau, worst)
	}
}

// condBigSeries sums the z-series of condZ to 250 terms in 300-bit arithmetic, from
// the recurrence as stated in condZ's doc, written anew: for the z <= 1/2 and A z <= 2
// of a piece its truncation and rounding are far below 1e-30 D.
func condBigSeries(c *condZ, v, ge, gi, z float64) float64 {
	const prec = 300
	f := func(x float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(x) }
	mul := func(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(prec).Mul(a, b) }
	add := func(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(prec).Add(a, b) }
	sub := func(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(prec).Sub(a, b) }
	// P = 1 + ge (1-z)^a + gi (1-z)^c, R = F - P V(0) with
	// F = V_inf + ge EE (1-z)^a + gi EI (1-z)^c.
	var pi, rho [condZPMax + 1]*big.Float
	for j := range pi {
		be, bi := f(binomSigned(c.a, j)), f(binomSigned(c.c, j))
		pi[j] = add(mul(f(ge), be), mul(f(gi), bi))
		rho[j] = add(mul(mul(f(ge), be), sub(f(c.eE), f(v))), mul(mul(f(gi), bi), sub(f(c.eI), f(v))))
	}
	pi[0] = add(pi[0], f(1))
	rho[0] = add(rho[0], sub(f(c.vInf), f(v)))
	mu := f(c.mu)
	w := []*big.Float{f(0)}
	sum, zk := f(0), f(1)
	for k := 0; k < 250; k++ {
		// (k+1) w_{k+1} = k w_k + mu rho_k - mu sum_{j<=min(p,k)} pi_j w_{k-j}
		s := mul(f(float64(k)), w[k])
		if k <= c.p {
			s = add(s, mul(mu, rho[k]))
		}
		for j := 0; j <= min(k, c.p); j++ {
			s = sub(s, mul(mul(mu, pi[j]), w[k-j]))
		}
		s.Quo(s, f(float64(k+1)))
		w = append(w, s)
		zk = mul(zk, f(z))
		sum = add(sum, mul(s, zk))
	}
	out, _ := add(sum, f(v)).Float64()
	return out
}

// TestCondZSeries: every summation of a piece (series1 with its fixed 8 and 12 terms
// and its tested loop, series2, seriesN for every p) against condBigSeries, from random
// states and z from 1e-5 to the caps (z <= 1/2, A z <= 2). This checks the recurrences
// as implemented and the truncation bounds, a priori and a posteriori.
//
// Tolerance: truncation at most condEps D, plus rounding: the terms sum in absolute value
// to at most about e^{A z} D <= 7.4 D, each carrying a few ulps: allow condEps D +
// 4e-15 D.
func TestCondZSeries(t *testing.T) {
	r := rand.New(rand.NewPCG(73, 74))
	type path struct {
		name string
		f    func(c *condZ, v, ge, gi, z float64) (float64, bool)
	}
	generic := path{"seriesN", (*condZ).seriesN}
	for _, cs := range condCases {
		c := newCondZ(cs.p, cs.c)
		if c.p == 0 {
			continue
		}
		paths := []path{generic}
		switch c.p {
		case 1:
			paths = append(paths, path{"series1", (*condZ).series1})
		case 2:
			paths = append(paths, path{"series2", (*condZ).series2})
		}
		worst := 0.0
		var fixed8, fixed12, tested int
		for range 400 {
			v := cs.c.EI - 15 + (cs.p.VTh+10-(cs.c.EI-15))*r.Float64()
			ge := 3 * r.ExpFloat64()
			gi := 6.7 * float64(r.IntN(8)) * r.Float64()
			if r.IntN(3) == 0 {
				ge, gi = 0.5*ge, 0.1*gi // also the small conductances of Song-Abbott
			}
			A := c.mu * (1 + ge + gi)
			z := math.Min(condZCap, condZYCap/A) * math.Pow(10, -5*r.Float64())
			if c.p == 1 {
				// Which path of series1 this state takes (see there).
				f := ge*(c.eE-v) + gi*(c.eI-v)
				tp := z * (c.mu * ((c.vInf - v) + f))
				tk := (0.5 * z) * ((1-A)*tp - c.mu*f*z)
				m := (math.Abs(tp)*z + math.Abs(tk)) * math.Pow(z, 7)
				switch tol := c.tolHalf * (1 - z); {
				case A > 2:
					tested++
				case m <= tol:
					fixed8++
				case m*math.Pow(z, 4) <= tol:
					fixed12++
				default:
					tested++
				}
			}
			want := condBigSeries(&c, v, ge, gi, z)
			D := math.Max(c.hi-v, v-c.lo)
			for _, p := range paths {
				got, ok := p.f(&c, v, ge, gi, z)
				if !ok {
					t.Errorf("%s, %s: no convergence at v %v, ge %v, gi %v, z %v", cs.name, p.name, v, ge, gi, z)
					continue
				}
				d := math.Abs(got - want)
				worst = math.Max(worst, d/D)
				if d > (condEps+4e-15)*D {
					t.Errorf("%s, %s: V at z %v (A z %.3g) from (%v, %v, %v) = %.17g, 300-bit series %.17g (diff %.3g D)",
						cs.name, p.name, z, A*z, v, ge, gi, got, want, d/D)
				}
			}
		}
		if c.p == 1 && (fixed8 < 30 || fixed12 < 5 || tested < 30) {
			t.Errorf("%s: weak coverage of series1's paths: %d with 8 terms, %d with 12, %d tested", cs.name, fixed8, fixed12, tested)
		}
		t.Logf("%s (p %d): max |V - 300-bit series| %.2g D; series1 paths 8/12/tested: %d/%d/%d", cs.name, c.p, worst, fixed8, fixed12, tested)
	}
}

// TestCondZTicks: the hot path, advanceTicks over random numbers of ticks with the
// decay from the tables, against condQuad, as TestCondFreeEvolution (2e-12 mV; the
// tables' error is a shift of the step's end by a few 1e-16 ms, which moves V by less
// than 1e-14 mV).
func TestCondZTicks(t *testing.T) {
	r := rand.New(rand.NewPCG(75, 76))
	for _, cs := range condCases {
		pr := newCondProp(cs.p, cs.c)
		if pr.z.p == 0 {
			continue
		}
		worst := 0.0
		for range 40 {
			v0 := cs.c.EI - 15 + (cs.p.VTh+10-(cs.c.EI-15))*r.Float64()
			ge0 := 3 * r.ExpFloat64()
			gi0 := 6.7 * float64(r.IntN(8)) * r.Float64()
			n := sim.Time(math.Pow(10, 2+7*r.Float64())) // 0.1 us to 1 s
			v, ge, gi := pr.advanceTicks(v0, ge0, gi0, n)
			want := condQuad(cs.p, cs.c, v0, ge0, gi0, n.Ms())
			d := math.Abs(v - want)
			worst = math.Max(worst, d)
			if d > 2e-12 {
				t.Errorf("%s: V(%v) from (%v, %v, %v) = %.17g, reference %.17g (diff %.3g mV)", cs.name, n, v0, ge0, gi0, v, want, d)
			}
			for _, g := range [][3]float64{{ge, ge0, cs.p.TauE}, {gi, gi0, cs.p.TauI}} {
				x := n.Ms() / g[2]
				if want := g[1] * math.Exp(-x); want > 1e-300 {
					if d := math.Abs(g[0]/want - 1); d > (4*x+40)/(1<<53) {
						t.Errorf("%s: conductance after %v: %v, closed form %v", cs.name, n, g[0], want)
					}
				}
			}
		}
		t.Logf("%s: max |V - reference| %.2g mV", cs.name, worst)
	}
}
