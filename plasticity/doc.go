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
//
// # Three-factor STDP (modulated, with an eligibility trace)
//
// Izhikevich (2007, Cereb Cortex 17:2443, "Solving the distal reward problem through
// linkage of STDP and dopamine signaling") lets pair STDP write into a synaptic
// eligibility trace c rather than the weight, and the weight follow c times a
// modulator concentration; Potjans, Morrison & Diesmann (2010, Front Comput Neurosci
// 4:141) add a baseline b and integrate exactly between events (NEST's
// stdp_dopamine_synapse). Modulated is that rule:
//
//	post spike at t:  c -> c + A+ x(t)     (x the pre trace, tau+; no weight dependence)
//	pre spike at t:   c -> c - A- y(t)     (y the post trace, tau-)
//	modulator event:  n -> n + amount
//	between events:   c' = -c/tau_c,   n' = -n/tau_n,   w' = c (n - b)
//
// with the traces x and y and the interactions as in pair STDP. An interval of length h
// that starts with c0 and n0 has c(s) = c0 e^{-s/tau_c}, n(s) = n0 e^{-s/tau_n}, so
//
//	dw = c0 n0 tau_s (1 - e^{-h/tau_s}) - b c0 tau_c (1 - e^{-h/tau_c}),
//	1/tau_s = 1/tau_c + 1/tau_n,
//
// evaluated with expm1; then w is clipped to [wmin, wmax], and c and n decay to the end
// of the interval. The clip happens at every update point (each pre, post and modulator
// event the synapse is updated at), as in NEST; without clipping the integration is
// exact, so extra update points change nothing beyond rounding. A pulse n0 meeting an
// eligibility c0 (b = 0, no further spikes) gives in all dw = c0 n0 tau_c tau_n /
// (tau_c + tau_n), Izhikevich's analytic check.
//
// Amplitudes: Izhikevich adds the modulator amount directly (dopamine d += 0.5 per
// reward, tau_c = 1 s, tau_d = 0.2 s); NEST's volume transmitter adds 1/tau_n per
// dopamine spike, i.e. amount = 1/tau_n, so a dopamine spike is worth 1 when integrated
// over time (NESTDopamine returns NEST's defaults). A+ and A- are then weight per
// (ms x modulator unit).
//
// State and laziness: a Volume (N at the time T of its last jump) is shared by the
// synapses it modulates; a ModState (W and C at the time T of its last update) is per
// synapse. A synapse is updated only when something happens to it: at its pre spikes
// (ModState.Pre, then Modulated.PreSpike), at its post neuron's spikes (ModState.Post,
// then Modulated.PostSpike) and at modulator events, where every synapse is advanced
// to the event (ModState.Advance) before the volume jumps (Volume.Add). Instead of
// visiting every synapse at a modulator event, a simulator may keep the volume after
// each jump and let ModState.AdvanceThrough cross them at the synapse's next update; the
// weights, and the points where they are clipped, are the same bit for bit.
//
// The tests check a single pulse against the closed forms above (weight, eligibility,
// modulator, baseline term), the lazy rule against a 1 us RK4 integration of c, n and w
// with the STDP increments summed plainly over spike pairs, on random Poisson pre, post
// and modulator trains (all interactions, with and without baseline and clipping), and
// that extra update points and AdvanceThrough change nothing.
package plasticity
