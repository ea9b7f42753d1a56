// Package plasticity holds learning rules as values: a rule is a struct of parameters
// with methods that say what happens to a weight at a presynaptic and at a postsynaptic
// spike, given lazily decayed traces. Nothing here steps in time.
//
// # Pair STDP
//
// A pre spike at t_pre and a post spike at t_post = t_pre + dt change the weight by
//
//	dt > 0 (pre before post, LTP):  dw+ =  A+ ((wmax - w)/(wmax - wmin))^mu e^{-dt/tau+}
//	dt < 0 (post before pre, LTD):  dw- = -A- ((w - wmin)/(wmax - wmin))^mu e^{dt/tau-}
//
// with w clipped to [wmin, wmax] (Bi & Poo 1998 for the window; Song, Miller & Abbott
// 2000 for additive STDP, mu = 0; Gutig, Aharonov, Rotter & Sompolinsky 2003, J Neurosci
// 23:3697, for the weight dependence, mu = 1 multiplicative). Sums over pairs become
// traces: a pre trace x jumps at pre spikes and decays with tau+, a post trace y with
// tau-; a post spike potentiates by A+ ((wmax - w)/(wmax - wmin))^mu x, a pre spike
// depresses by A- ((w - wmin)/(wmax - wmin))^mu y. A trace is stored with the time of its last update and decayed in
// closed form when read, so the work is proportional to spikes.
//
// Which pairs count (Morrison, Diesmann & Gerstner 2008, Biol Cybern 98:459):
//
//	AllToAll          every pair; traces add 1 per spike
//	NearestSymmetric  each spike pairs with the latest spike of the other neuron before it;
//	                  traces reset to 1 per spike
//	PreCentred        each pre spike pairs with the latest post spike before it (LTD) and
//	                  with the first post spike after it (LTP): the pre trace resets to 1
//	                  at a pre spike and is used up by the next post spike
//
// # Triplet STDP
//
// Pfister & Gerstner (2006, J Neurosci 26:9673) add to each neuron a slower trace, r2
// (tau_x) for the pre neuron and o2 (tau_y) for the post neuron, read just before the
// neuron's own spike:
//
//	post spike:  w -> w + r1 (A2+ + A3+ o2)
//	pre spike:   w -> w - o1 (A2- + A3- r2)
//
// With A3+ = A3- = 0 this is pair STDP (Pair.Triplet gives that form, which is how
// synapse.Plastic runs every rule). The triplet potentiation term grows with the post
// rate, so pairings repeated at high frequency potentiate whatever their order, as in
// the visual-cortex data of Sjostrom, Turrigiano & Nelson (2001). TripletPresets lists
// the published parameter sets (Pfister & Gerstner's Tables 3 and 4, amplitudes as
// fractions of the weight range); the nearest-spike variant resets all four traces to 1.
//
// The tests check the trace implementations against the sums written plainly, on random
// Poisson trains, for every interaction and weight dependence and every preset, the
// window of the 60-pairing protocol against its closed form, and the frequency
// dependence of the triplet rule.
package plasticity
