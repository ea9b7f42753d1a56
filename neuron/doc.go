// Package neuron holds the populations that make spikes: leaky integrate-and-fire neurons
// advanced in closed form from event to event, whose threshold crossings are found
// rather than stepped, and input sources (Poisson processes and spike generators).
//
// A neuron population is a struct of arrays that satisfies sim.Neurons (Size, Next,
// Step) and takes synaptic input in batches through
//
//	Deliver(t, receptor, targets, weights, w, spike)
//
// (synapse.Target): one call per delay group of a presynaptic spike, weights[k] (or w for
// all when weights is nil) to neuron targets[k]; LIFCond also takes a group of one
// synapse without the slices (Deliver1, synapse.Target1). Every neuron has a key that is its next
// threshold crossing or a lower bound on it, kept in an indexed priority queue: a 4-ary
// heap for LIFDelta (heap.go), a calendar (bucket) queue for LIFExp, whose keys are times
// close to the present (calendar.go). Both break ties by the lower neuron index. Next
// reports the earliest key's tick and the engine calls Step when that tick is the
// earliest event of the network. Step fires the neuron if its key is exact, or replaces the bound by a
// tighter one. Time is sim.Time (integer nanoseconds); the models compute in ms and mV.
// A crossing found between events is reported at the first tick at or after it.
//
// # LIFDelta: voltage jumps
//
//	tau_m dV/dt = -(V - EL) + Bias,   V -> V + w at an input of weight w (mV)
//
// Between inputs V(t) = V_inf + (V(t1) - V_inf) e^{-(t-t1)/tau_m}, V_inf = EL + Bias. The
// state is kept scaled to the population's reference time T0,
//
//	a = (V - V_inf) e^{(t-T0)/tau_m},
//
// which is constant between inputs; an input adds w e^{(t-T0)/tau_m}, a factor shared by
// every target of the batch, so an input costs a multiply-add and no exp. A neuron reaches
// threshold at an input (and fires at that tick) or, when V_inf > VTh, by itself at
//
//	t* = T0 + tau_m ln q,   q = a/(VTh - V_inf),
//
// and ordering neurons by q orders them by t*: the heap holds q and the logarithm is
// taken only for its head (keys are rescaled with a). Inhibition only delays t*, so the old key stays a valid lower
// bound and is refreshed by Step when it reaches the head.
//
// # LIFExp: exponentially decaying currents
//
//	tau_m dV/dt = -(V - EL) + Bias + Ie + Ii
//	tau_e dIe/dt = -Ie,   tau_i dIi/dt = -Ii
//
// with currents in mV (R*I): an excitatory input of w >= 0 makes Ie jump by w, an
// inhibitory one of w <= 0 makes Ii jump by w (NEST's iaf_psc_exp; the CUBA benchmark).
// With u = V - V_inf and s = t - T0 the solution is (Rotter & Diesmann 1999)
//
//	u(t)  = am e^{-s/tau_m} + ke be e^{-s/tau_e} + ki bi e^{-s/tau_i}
//	Ie(t) = be e^{-s/tau_e},   Ii(t) = bi e^{-s/tau_i}
//	ke = tau_e/(tau_e - tau_m),   ki = tau_i/(tau_i - tau_m)
//
// (tau_e or tau_i equal to tau_m is refused: that case has a t e^{-t/tau} solution). The
// scaled coefficients am, be, bi are constant between inputs. An excitatory input of w at
// t adds w e^{(t-T0)/tau_e} to be and subtracts ke w e^{(t-T0)/tau_m} from am, so that V
// stays continuous; the factors are shared by the batch. When tau_m/tau_e or tau_m/tau_i
// is a small integer k (CUBA: 20/5, 20/10) that decay is computed as e^{-s/tau_m} to the
// power k instead of by exp. Both models rescale their
// coefficients to a new T0 about every 300 of their fastest time constant, so the scaled
// values stay far from float64 overflow however long the run.
//
// The distance to threshold s ms after a time t is an exponential sum
//
//	g(s) = u(t+s) - (VTh - V_inf) = c0 + c1 e^{-s/tau_m} + c2 e^{-s/tau_e} + c3 e^{-s/tau_i},
//
// whose first root is the next spike. It is found lazily, from lower bounds:
//
//   - Comparison. If C bounds Ie + Ii from above on [t, t+W], then there
//     u(t+s) <= C + (u0 - C) e^{-s/tau_m}, which reaches threshold th = VTh - V_inf only
//     after sigma(C, u0) = tau_m ln((C - u0)/(C - th)) (never if C <= th); so no crossing
//     happens before t + min(sigma, W). At Step, C = Ie(t) serves for ever, because Ie only
//     decays and Ii <= 0; a neuron with no positive term left cannot cross and leaves the
//     heap. Step also opens a window [t, t+W], W a little beyond the new bound, and
//     keeps the decay factor e^{-(t+W-T0)/tau_i}: times the current bi it is Ii at the
//     window's end, the largest value Ii can take in the window.
//   - At an excitatory input inside the window, C = Ie(now) + Ii(window end) bounds
//     Ie + Ii until the window's end (Ie only decays, Ii rises toward 0, and inhibition
//     arriving since the Step only lowers it, which this bound takes into account). The new
//     bound uses the Pade inequality ln(1+y) >= 2y/(2+y) (y >= 0) for
//     sigma = tau_m ln(1+y), y = (th - u)/(C - th): a division and no exp decide that
//     the current key is still earlier, which is the common case far from threshold;
//     only otherwise is the key lowered to min(t + sigma, window end), with the logarithm
//     replaced by lnBelow, a lower bound within 0.002 read from the float's exponent and
//     a truncated series of its mantissa (Step's bound uses it too).
//   - Inhibitory input only delays the crossing: the key stays a valid lower bound.
//   - When a bound at Step lies within a millisecond, the first root is searched exactly.
//
// The root finder (crossing.go, Brette 2007 for the problem) bisects [lo, hi] from the
// left using rigorous upper bounds of g on each interval: termwise (each term is monotone,
// so sup g <= c0 + sum of positive c e^{-r a} + sum of negative c e^{-r b}) and by
// curvature (sup g <= max(g(a), g(b)) + (b-a)^2/8 sup(-d2g/ds2)), the latter staying tight
// when large terms cancel, as they do when a synaptic time constant is close to tau_m.
// An interval is discarded only when a bound shows g < 0 on it, so no crossing is missed.
// An interval with g(b) >= 0 and a positive lower bound on g' holds exactly one crossing,
// which safeguarded Newton steps (bisection whenever a step leaves the bracket) refine to
// 1e-8 ms; an interval narrower than 1 ns that cannot be excluded counts as a crossing.
// So the reported spike tick is the first tick at or after the first crossing, except
// that a potential that comes within about |d2g/ds2| (1 ns)^2 of threshold may fire.
//
// # LIFCond: exponentially decaying conductances
//
//	tau_m dV/dt = (EL - V) + Bias + ge (EE - V) + gi (EI - V)
//	tau_e dge/dt = -ge,   tau_i dgi/dt = -gi
//
// with the conductances dimensionless, in units of the leak conductance g_L (Song,
// Miller & Abbott 2000; the COBA benchmark of Brette et al. 2007, where C = 200 pF and
// g_L = 10 nS give tau_m = 20 ms and its 6 nS and 67 nS steps are 0.6 and 6.7). An input
// of w >= 0 makes ge (receptor Excitatory) or gi (Inhibitory) jump by w; negative
// weights are a caller error. EE and EI are CondParams; EI must lie below EE and VTh;
// tau_e and tau_i may equal tau_m.
//
// V's equation is linear with the time-varying rate (1 + ge(t) + gi(t))/tau_m, so its
// solution is an integral without elementary closed form (Brette 2006 gives one through
// the incomplete gamma function when tau_e = tau_i). Each neuron's (V, ge, gi) is
// advanced from its last update to the next event by a power series with a rigorous
// bound on its truncation.
//
// When the slower synaptic time constant tau_s is an integer multiple (1 to 4) of the
// faster one, as in COBA (10 and 5 ms) and Song-Abbott (5 and 5 ms), the series is in
// z = 1 - e^{-h/tau_s} (cond_zseries.go). The conductances are then polynomials in z, V
// satisfies (1 - z) dV/dz = mu (F(z) - P(z) V) with polynomial P and F and
// mu = tau_s/tau_m, and the coefficients follow from a recurrence of fixed length: a few
// multiply-adds per term. The equation's only finite singular point is z = 1 (h =
// infinity), so the terms fall at least like z^k; a bound on them from the recurrence
// itself (for k beyond the forcing, |w_{k+1}| <= (|k - A| + mu S)/(k+1) times the
// largest of the last terms, A = mu (1 + ge + gi)) ends the series once what is left is
// below 1e-15 D, D the largest distance from V to EL + Bias, EE and EI. With tau_e =
// tau_i the number of terms is fixed beforehand from that bound (8 between inputs
// 0.07 ms apart); otherwise it is tested as the terms come (about 13 for the 1 ms gaps
// and large conductance of a COBA network). The decay e^{-h/tau_s} of a step of n ticks
// is the product of four table entries (no exp per input), the conductances' decays
// are its powers, so the state stays on the exact trajectory. Pieces are limited to
// z <= 1/2 and A z <= 2, where rounding stays at a few ulps of D; longer intervals are
// split.
//
// For other time constants the series is the Taylor series in h (cond_series.go), whose
// coefficients need a convolution; its truncation is bounded by the dominating equation
// tau_m U' = (1+G) e^{rs} (D + U), r the faster synaptic rate, G = ge + gi, whose
// solution D (exp(lambda (e^{rs} - 1)) - 1), lambda = (1+G)/(r tau_m), has Touchard
// polynomials as coefficients. A table computed once gives, for lambda in quarter
// octaves and each number of terms K <= 20, the longest step whose remainder is at most
// 1e-15 D; longer intervals are split.
//
// Either way each step errs by at most ~1e-13 mV (1e-15 D of truncation plus rounding),
// errors of earlier steps are damped, not amplified, and V agrees with an independent
// quadrature of the integrating-factor solution to ~1e-13 mV over intervals from 0.1 us
// to 1 s. Once the conductances no longer matter (ge tau_e + gi tau_i <= 1e-15 tau_m)
// the rest is the closed-form leak.
//
// Threshold crossings are bounded by comparison, as for LIFExp. Between inputs ge only
// decays, so for V in [EI, VTh] dV/dt is at most that of the equation with ge frozen at
// its present value and gi at any lower bound gl (EE replaced by max(EE, VTh)): from V0
// the crossing cannot come before
//
//	sigma = tau_m/g1 ln(1 + g1 (VTh - V0)/N),   g1 = 1 + ge + gl,
//	N = (V_inf - VTh) + ge (max(EE, VTh) - VTh) + gl (EI - VTh)   (never if N <= 0).
//
// Below EI inhibition depolarizes, so V0 is replaced by max(V0, EI): V must cross EI
// first, and the comparison from EI stays above EI (a reset below EI is allowed). Step
// bounds with gl = gi at the end of a window (1.2 sigma, or the time tau_i ln(gi/gc)
// for which inhibition alone keeps N <= 0), keeps that gl for the excitatory inputs
// that follow (later inhibition only raises gi), and within a millisecond searches the
// first crossing on the exact V (cond_root.go): bisection that discards an interval
// only when the comparison from its left end stays below threshold up to its right end
// (which is O(width^2) tight), and safeguarded Newton steps once V is proven increasing
// on a bracket, by a bound on d2V/dt2. Step first bounds with an upper bound of V that
// needs no series (the comparison from the state's own time stays below
// max(V, EI, V*) until it reaches threshold, V* its equilibrium); when that bound is not
// within a millisecond the state is left at its time and advanced with the next input,
// one series step for both. An excitatory input lowers the key when its bound, decided
// mostly by the Pade inequality, is earlier; an inhibitory one only delays the crossing.
// LIFCond keeps its keys in the 4-ary heap: with one neuron receiving 15 kHz of input,
// where nearly every excitatory input moves the head, the heap's O(1) top beats the
// calendar's rescans, and in a 4000-neuron population the two cost the same.
//
// During the refractory period V is held at VReset while ge and gi go on decaying (in
// closed form) and receiving input, as for LIFExp; at its end V starts from VReset with
// the conductances accumulated meanwhile.
//
// LIFCond is checked against an independent quadrature of the integrating-factor
// solution (free evolution, both series, steps of real ticks), each z-series path
// against the same series summed to 250 terms in 300-bit arithmetic (its truncation
// bounds), against a 1 us Runge-Kutta grid with bisection on random Poisson trains with
// COBA, Song-Abbott and random parameters (same spikes, each within 1 ns), for periodic
// firing under a bias, and for bit-identical resumption from a saved state.
//
//   - R. Brette (2006). Exact simulation of integrate-and-fire models with synaptic
//     conductances. Neural Computation 18(8): 2004-2027.
//   - S. Song, K. D. Miller, L. F. Abbott (2000). Competitive Hebbian learning through
//     spike-timing-dependent synaptic plasticity. Nature Neuroscience 3(9): 919-926.
//
// # Refractoriness
//
// After a spike at t the potential is held at VReset until t + TRef, and the neuron
// cannot fire before then.
//
//   - LIFDelta discards input arriving during the refractory period (NEST iaf_psc_delta
//     with refractory_input false).
//   - LIFExp keeps its currents decaying and receiving input during the refractory
//     period and holds only V (NEST iaf_psc_exp): at t + TRef, V = VReset and the
//     currents accumulated meanwhile drive it from there. This is arranged by choosing
//     am so that u(t + TRef) = VReset - V_inf, and by correcting am for every input that
//     arrives before then.
//
// At one tick, crossings come before inputs (sim.KindFire), so an input arriving at the
// tick of a spike finds the neuron refractory.
//
// # Sources
//
// Poisson is n independent Poisson units sharing a piecewise-constant rate. The
// superposition of n Poisson processes of rate r is one Poisson process of rate n r
// whose spikes belong to units drawn uniformly, so the source keeps a single pending
// emission, not n. At a rate change the pending draw restarts from the boundary with the
// new rate, which is exact because exponential intervals are memoryless; segments of rate
// 0 emit nothing, and a final rate-0 segment ends the source. Emission times are rounded
// to the nearest nanosecond. Generator emits listed spikes in (time, unit) order.
// Both draw nothing from a global generator: a Poisson source is a pure function of its
// schedule and the generator it is given (one sim.PCG per source). It draws the (unit,
// gap) pairs of its last segment 128 at a time (sim.UnitExpDraws, stepping a PCG directly):
// the same numbers, in the same order, as one emission at a time through a rand.Rand;
// a checkpoint keeps the pairs drawn and not yet used.
//
// # Tests
//
// The models are checked against closed forms (periodic firing under a constant bias,
// the postsynaptic potentials and their peak) and against a brute-force fine-grid
// reference on random input trains (1 us steps with the exact one-step propagator,
// crossings located by bisection): same spikes, each within 1 ns.
//
// # References
//
//   - R. Brette (2007). Exact simulation of integrate-and-fire models with exponential
//     currents. Neural Computation 19(10): 2604-2609.
//   - R. Brette, M. Rudolph, T. Carnevale, et al. (2007). Simulation of networks of
//     spiking neurons: a review of tools and strategies. Journal of Computational
//     Neuroscience 23(3): 349-398. (The CUBA and COBA benchmarks.)
//   - S. Rotter, M. Diesmann (1999). Exact digital simulation of time-invariant linear
//     systems with applications to neuronal modeling. Biological Cybernetics 81: 381-402.
//   - NEST models iaf_psc_exp and iaf_psc_delta (models/iaf_psc_exp.h,
//     models/iaf_psc_delta.h): the same equations, parameters and refractory semantics,
//     integrated on a time grid.
package neuron
