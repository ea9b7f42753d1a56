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
// The tests check the trace implementation against the pair sums written plainly, on
// random Poisson trains, for every interaction and weight dependence, and the window of
// the 60-pairing protocol against its closed form.
package plasticity
