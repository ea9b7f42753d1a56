// Package spec reads network specifications: strict TOML files that describe populations
// of neurons, input sources, projections between them and what to record. Decode reads a
// file; Build validates it completely and turns it into a runnable sim.Engine.
//
// # Strictness and errors
//
// Every key not listed below is an error, reported with its file position
// ("net.toml:12:1: populations.exc.tau_mm: unknown key"), as is a value of the wrong TOML
// type ("expected an integer, got a TOML string"). Every physical quantity is a string
// holding a number and its unit; a bare number is refused for its missing unit. Build
// reports every problem it finds, not only the first, one line each, in the form
//
//	key.path = "value": what was wrong and what was expected
//
// for example populations.exc.v_th = "-50 ms": ms is a unit of time; expected a voltage
// such as "-65 mV". The lines are collected in an *Errors. Nothing is allocated before
// the whole spec has been validated and the network's estimated memory checked against
// Options.MemoryLimit; connectivity that cannot be drawn (a listed neuron index beyond a
// population's size, a listed pair repeated with multapses = false, an in-degree k above
// the distinct partners available with multapses = false, one_to_one within a
// population with autapses = false) is found by the same validation.
//
// # Units
//
// Inside, every quantity is held in one base unit per dimension, NEST's:
//
//	dimension     base unit   units accepted
//	time          ms          h, min, s, ms, us (µs, μs), ns
//	voltage       mV          V, mV, uV (µV, μV)
//	current       pA          uA (µA, μA), nA, pA, fA
//	conductance   nS          uS (µS, μS), nS, pS
//	capacitance   pF          uF (µF, μF), nF, pF, fF
//	rate          Hz          Hz, kHz
//
// so that pA = pF mV/ms = nS mV. A quantity is a decimal number with an optional sign,
// fraction and exponent, then its unit, the space between them optional: "20 ms",
// "-65mV", "1.5e-3 s", ".5 ms". NaN, infinities, numbers that overflow in the base unit
// and times beyond 146 years (half the range of sim.Time in nanoseconds, so that a time
// plus a delay cannot overflow) are refused. Times are rounded to the nearest
// nanosecond tick (sim.FromMs). ParseQuantity is the only place units are converted.
//
// # Top level
//
//	name         string     the network's name (optional)
//	description  string     free text (optional)
//	source       string     where the model comes from (optional)
//	seed         integer    >= 0, default 1; Options.Seed replaces it
//	duration     time       > 0, required; Options.Duration replaces it
//	populations  tables     the neuron populations, at least one
//	inputs       tables     input sources (optional)
//	projections  array      [[projections]] tables (optional)
//	record       table      what to record (optional)
//
// # [populations.<name>]
//
// Leaky integrate-and-fire neurons with exact (closed-form) integration:
// tau_m dV/dt = -(V - e_l) + R i_bias + synaptic input.
//
//	model    lif_exp (exponential current synapses), lif_delta (voltage jumps) or
//	         lif_cond (exponential conductance synapses); required
//	size     integer > 0; required
//	tau_m    time > 0, membrane time constant; required
//	e_l      voltage, resting potential; required
//	v_th     voltage, threshold; required
//	v_reset  voltage below v_th, potential after a spike; required
//	t_ref    time >= 0, absolute refractory period; default "0 ms"
//	tau_e    time > 0, excitatory synaptic time constant; lif_exp (!= tau_m there) and
//	         lif_cond only, required there
//	tau_i    time > 0, inhibitory synaptic time constant; as tau_e
//	g_l      conductance > 0, leak conductance (C/tau_m); lif_cond only, required there:
//	         its synaptic conductances are counted in units of g_l
//	e_e, e_i voltages, e_i < e_e, excitatory and inhibitory reversal potentials; lif_cond
//	         only, required there
//	c_m      capacitance > 0; optional, needed for currents (i_bias and weights in pA)
//	i_bias   constant input: a current (needs c_m, converted to R I = I tau_m / c_m; on
//	         lif_cond I / g_l) or directly the voltage R I it causes; default "0 mV"
//	v_init   voltage or distribution, initial potentials; default e_l
//
// # [inputs.<name>]
//
//	model    poisson or spike_generator; required
//	size     integer > 0, number of units; required
//
// poisson: independent Poisson processes sharing one rate, given either as
//
//	rate     rate >= 0, such as "15 Hz"
//	rates    [ { from = "0 ms", rate = "5 Hz" }, { from = "1 s", rate = "10 Hz" }, ... ]
//	         piecewise constant; the first step starts at "0 ms", later steps strictly later
//
// spike_generator: units firing at listed times,
//
//	spikes   [ { unit = 0, times = ["1 ms", "5.5 ms"] }, ... ]; unit in [0, size), times >= 0
//
// # [[projections]]
//
//	name       string, default "<from>-><to>"; must be unique (name two projections between
//	           the same populations)
//	from       a population or an input; required
//	to         a neuron population (not an input); required
//	receptor   excitatory or inhibitory; required when the target is lif_exp or lif_cond,
//	           refused for lif_delta (where the weight's sign decides)
//	rule       all_to_all, one_to_one (equal sizes), fixed_probability, fixed_in_degree
//	           or list; required
//	p          number in [0, 1]; fixed_probability only, required there
//	k          integer >= 0, synapses per target neuron; fixed_in_degree only, required there
//	pairs      [[pre, post], ...] neuron indices; list only, required there
//	autapses   true or false, default true: a neuron onto itself (within one population)
//	multapses  true or false, default true: several synapses for one pair
//	weight     voltage, or distribution; required. On a lif_exp target with c_m also a
//	           current, converted to I tau_m / c_m. Excitatory weights must be >= 0,
//	           inhibitory ones <= 0, for every value the distribution can give. On a
//	           lif_cond target a conductance >= 0 for both receptors (such as "6 nS").
//	delay      time >= 0, or distribution; required ("0 ms" for none). Per-synapse
//	           (distributed) delays are limited to synapse.MaxDelay, about 4295 ms.
//	           A delay that can be 0 with a positive weight from neurons onto a
//	           lif_delta population with t_ref = 0 is refused: spikes could cause
//	           spikes at one instant without end.
//
//	stdp       table, optional: makes the projection plastic (package plasticity).
//	           rule       pair (default), triplet or modulated
//	           pair:      a_plus, a_minus (weights, >= 0), tau_plus, tau_minus (times > 0)
//	           triplet:   a2_plus, a3_plus, a2_minus, a3_minus (weights, >= 0), tau_plus,
//	                      tau_minus, tau_x, tau_y (times > 0) (Pfister & Gerstner 2006), or
//	                      preset = a published set (triplet-visual, triplet-visual-minimal,
//	                      triplet-visual-nearest-minimal, triplet-hippocampal-minimal),
//	                      whose amplitudes are fractions of w_max; keys given override it
//	           w_max, w_min (weights, default 0, 0 <= w_min <= w_max, the initial
//	           weights within them), mu in [0, 1] (weight dependence, default 0 additive),
//	           interaction all_to_all (default), nearest or pre_centred (pair only).
//	           modulated: volume (a [volumes] name), a_plus, a_minus (weights >= 0),
//	                      tau_plus, tau_minus, tau_c (times > 0), b (number, default 0),
//	                      w_min, w_max; all_to_all or nearest; no mu (additive). The
//	                      eligibility c takes the pair changes and w' = c (n - b).
//	           Needs a constant delay (axonal: the rule sees a spike when it arrives,
//	           dt = t_post - (t_pre + delay)) and an excitatory (or lif_delta) target.
//
// See package synapse for how each rule honours autapses = false and multapses = false.
//
// # [volumes.<name>]
//
//	tau      time > 0, decay of the concentration (dopamine: "200 ms"); required
//
// # [[rewards]]
//
//	volume   a [volumes] name; required
//	amount   number, the jump of the concentration (negative: a punishment); required
//	times    array of times >= 0: rewards at those times, or
//	when     { pre = "pop[i]", post = "pop[j]", within = time > 0 }: a reward each time
//	         post fires within `within` after pre (each pre spike pairs once)
//	delay    with when: time or distribution >= 0 from the pairing to the reward; default 0
//
// # [record]
//
//	spikes   array of population and input names whose spikes are recorded; default
//	         every neuron population (no input); [] records nothing
//
// [[record.state]], any number of probes, each sampling variables of listed neurons:
//
//	population  a neuron population (required)
//	neurons     array of neuron indices (required, non-empty)
//	variables   array of v (all models), ie and ii (lif_exp); default ["v"]
//	interval    time between samples, > 0 (required)
//	start       time of the first sample; default "0 ms"
//	stop        time after which sampling stops; default the end of the run
//
// [record.weights], snapshots of projections' weights (or [[record.weights]], several
// schedules, merged):
//
//	projections array of projection names; default every projection
//	times       array of increasing times ("end": the run's end; times past the end of a
//	            shorter run are skipped), or
//	interval    a time: snapshots at 0, interval, 2 interval, ... up to the end
//
// # Distributions
//
// Where a value may vary per neuron or synapse (v_init, weight, delay) it is a quantity,
// the same for all, or a one-key table:
//
//	"1 mV"                                                    constant
//	{ uniform = ["0 mV", "1 mV"] }                            uniform on [lo, hi), lo <= hi
//	{ normal = { mean = "1 mV", sd = "0.1 mV", min = "0 mV", max = "2 mV" } }
//
// mean and sd are required, min and max optional. A normal draw outside [min, max] is
// redrawn (truncated, as NEST's normal_clipped, not clipped), and [min, max] must hold
// at least 0.001 of the normal's mass so that redrawing ends quickly. All values of a distribution
// carry units of the key's dimension. The bounds decide the sign checks: a normal delay
// needs min >= "0 ms", an excitatory normal weight min >= 0.
//
// # Names, order and seeds
//
// TOML tables have no order, so Build orders by name: neuron populations are added to
// the engine sorted by name (sort.Strings), then inputs sorted by name; Network.Groups
// follows that order, and projections keep their order in the file. A population and an
// input may not share a name.
//
// Every random number comes from its own stream sim.Stream(seed, purpose), a PCG
// generator seeded by the seed and the FNV-1a hash of the purpose:
//
//	init/<population>        initial potentials (v_init)
//	poisson/<input>          Poisson spike times
//	connect/<projection>     connectivity
//	weight/<projection>      weights
//	delay/<projection>       delays
//
// with <projection> the projection's name. So a run is a pure function of the spec and
// the seed, renaming or adding one population or projection leaves the numbers drawn by
// the others unchanged, and changing a projection's weights leaves its connectivity
// unchanged.
//
// # Memory
//
// Before allocating, Build estimates the network's memory: 80 bytes per neuron, 8 bytes
// per presynaptic neuron of each projection, and per expected synapse 4 bytes (target)
// plus 8 if the weight is distributed plus 4 if the delay is. A network estimated larger
// than Options.MemoryLimit is refused with the estimate in the message.
package spec
