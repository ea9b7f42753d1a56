// Package synapse holds projections: the static synapses from one population to another,
// stored compactly, drawn by connectivity rules, and delivered to their targets in
// batches.
//
// # Layout
//
// A Projection is a compressed sparse row (CSR) matrix indexed by presynaptic neuron.
// Row i is the half-open range [row[i], row[i+1]) of three parallel arrays:
//
//	synapse index        0   1   2   3   4   5   6   7   8   9   10
//	post   uint32     [  3  17  40  41   2   9   5   5   8   0  12 ]  target neuron
//	weight float64    [ w0  w1  w2  w3  w4  w5  w6  w7  w8  w9  w10]  nil when all equal w
//	delay  uint32 ns  [ 10  10  25  25  10  10   7   9   9   3   3 ]  nil when all equal d
//	row of            |pre 0----------|pre 1--|pre 2------|pre 4--|
//	delay groups      |10-----|25-----|10-----|7--|9------|3------|
//
//	row    int64      [ 0 4 6 9 9 11 ]   npre+1 offsets; pre 3 has none: row[3] == row[4]
//
// Within a row synapses are sorted by (delay, target), weights carried along with their
// synapse. There is no object per synapse and no pointer in the arrays.
//
// # Delay groups and batching
//
// A run of equal delays within a row is a delay group. When presynaptic neuron i spikes
// at t, the engine queues one entry for the row's first group (First gives its delay);
// handling it, Deliver passes the whole group to the target as one batch
// (Target.Deliver with a slice of targets and a slice of weights, or one weight w) and
// returns the offset and delay of the next group, which the engine queues in turn. So a
// spike costs one queue entry per presynaptic spike and delay group, never one per
// synapse, and with a constant delay a whole row is a single batch. Deliver makes no
// allocation and calls no interface per synapse, only one Target.Deliver per group (or
// Target1.Deliver1, for a group of one synapse onto a target that takes single inputs).
// A projection with one delay and no empty row says so (OneDelay, sim.OneDelay), and
// the engine then schedules its rows without asking First.
//
// # Memory
//
// A synapse costs 4 bytes of target index, plus 8 bytes of weight unless the weight is
// constant (then it is stored once), plus 4 bytes of delay unless the delay is constant:
// 4 to at most 16 bytes. Each presynaptic neuron adds one int64 row offset. Bytes reports
// what the arrays hold; fixed_probability reserves target capacity for 1 % above the
// expected count. Expected estimates the synapse count of a rule before anything is
// allocated, so that a spec can be refused when it would not fit. Per-synapse delays are
// whole nanoseconds below MaxDelay (2^32-1 ns, about 4.29 s).
//
// # Connectivity rules
//
//   - AllToAll: every presynaptic neuron to every postsynaptic one.
//   - OneToOne: pre i to post i; the sizes must be equal.
//   - FixedProbability: each candidate pair independently with probability P.
//   - FixedInDegree: each postsynaptic neuron receives exactly K synapses from
//     presynaptic neurons drawn uniformly (with replacement unless multapses are off).
//   - List: the listed (pre, post) pairs, in any order.
//
// Autapses (a neuron onto itself) can only arise when a projection connects a population
// to itself (Config.Recurrent); multapses (several synapses for one pair) only under
// FixedInDegree and List. As in NEST, both are allowed unless disabled. Disabling
// autapses makes AllToAll and FixedProbability skip the diagonal (a recurrent
// FixedProbability then has n(n-1) candidates), FixedInDegree redraw a partner equal to
// the target, OneToOne an error (it would make only autapses) and a listed autapse an
// error. Disabling multapses makes FixedInDegree draw without replacement (K may then not
// exceed the available partners) and a repeated listed pair an error. AllToAll, OneToOne
// and FixedProbability never make multapses.
//
// # Plastic projections
//
// NewPlastic makes a projection's weights change under spike-timing-dependent plasticity
// (plasticity.Pair with any interaction, or plasticity.Triplet). Delays are axonal: the
// rule sees a presynaptic spike when it arrives, at t_pre + d, and a postsynaptic spike
// at its own time, so dt = t_post - (t_pre + d). At dt = 0 the event order decides: a
// post spike from a threshold crossing at the arrival time counts first (depression), one
// caused by the arriving input itself counts after it (potentiation). Traces are per
// neuron, decayed in closed form; depression happens as the arrival walks its row, and
// potentiation is applied lazily at the next arrival from a short history of each post
// neuron's spikes, in the order the spikes happened (see Plastic), so a post spike costs
// O(1) and every weight access is a sequential row walk. A projection with per-synapse
// delays cannot be plastic: its arrivals differ per synapse.
//
// NewModPlastic runs three-factor STDP (plasticity.Modulated, NEST's
// stdp_dopamine_synapse): the pair changes go into an eligibility per synapse and the
// weight follows w' = c (n - b), with n the concentration of a Volume (sim.Volume) that
// rewards make jump. A synapse is updated at its pre arrivals, its post neuron's spikes
// and the volume's jumps, from values scaled to a reference time (no exp per synapse).
//
// # Geometric skips
//
// FixedProbability does not draw one number per candidate pair. Walking a row's
// candidates, the number of candidates skipped before the next chosen one is
// Geometric(p), P(skip = s) = (1-p)^s p, drawn by inversion as
// floor(ln(1-U) / ln(1-p)) with U uniform on [0, 1). That is exactly the law of
// independent Bernoulli(p) trials, at the cost of one random number per synapse (plus
// one per row), which matters for sparse networks such as p = 0.02.
//
// # Determinism
//
// Build draws from three separate streams (Streams): Connect for the connectivity,
// Weight for the weights, Delay for the delays, each used in row order. Changing the
// weight distribution therefore leaves the connectivity unchanged, and changing the
// delays leaves connectivity and weights unchanged (only their order within a row).
// Callers derive the streams from the run's seed and the projection's name with
// sim.Stream ("connect/<name>", "weight/<name>", "delay/<name>"), so a projection is a
// pure function of (configuration, seed, name).
//
// # References
//
//   - NEST Simulator documentation, "Connection management": the connection rules
//     all_to_all, one_to_one, fixed_indegree, pairwise_bernoulli and the allow_autapses
//     and allow_multapses flags (both true by default).
//     https://nest-simulator.readthedocs.io/en/stable/synapses/connection_management.html
//   - R. Brette et al. (2007), Simulation of networks of spiking neurons: a review of
//     tools and strategies. J Comput Neurosci 23:349-398. Event-driven delivery of
//     spikes with delays and the benchmark networks (CUBA, COBA) built with
//     fixed_probability projections.
package synapse
