package readout

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"snn/neuron"
	"snn/plasticity"
	"snn/sim"
	"snn/synapse"
)

// RSTDPConfig configures a spiking readout trained by reward-modulated STDP (RSTDP).
// DefaultRSTDP fills every field; the units are the simulator's (ms, mV, sim.Time).
type RSTDPConfig struct {
	Inputs  int      // feature neurons (e.g. 100 or 400 for Diehl & Cook)
	Classes int      // output neurons, one per class
	Present sim.Time // presentation length; spikes at T >= Present are ignored
	Seed    uint64   // initial weights come from sim.Stream(Seed, "rstdp/weight")

	// Gap is the quiet time after each presentation, in which the reward delivered at
	// its end is integrated into the weights (w' = c n) and eligibility, modulator and
	// membranes decay. Nothing happens in it, so it costs no work: choose it several
	// tau_n and tau_c long, so that presentations barely interact.
	Gap sim.Time

	// Neuron are the output neurons' parameters: leaky integrate-and-fire with voltage
	// jumps (neuron.LIFDelta; TauE and TauI are unused). Outputs start at EL.
	Neuron neuron.Params
	// Rule is the three-factor rule of the input->output synapses (NEST's
	// stdp_dopamine_synapse); its weight bounds bound the input weights (mV). TauN is
	// the modulator's decay. B must be 0 for Predict to leave the weights unchanged.
	Rule plasticity.Modulated
	// WInit is the initial input weight distribution (mV), clipped to the rule's bounds.
	WInit sim.Dist
	// Inhibition (mV, >= 0) is the voltage drop every other output takes at an output's
	// spike: a soft winner-take-all, so that the output with the most drive fires most
	// and carries most of the eligibility.
	Inhibition float64
	// Right and Wrong are the modulator jumps after a correct and a wrong (or silent)
	// answer: the reward and the punishment.
	Right, Wrong float64
	// Noise (Hz) and NoiseWeight (mV): during a training presentation each output also
	// receives independent Poisson excitatory spikes at this rate and weight, drawn from
	// sim.Stream(Seed, "rstdp/noise"): exploration, so that an output the others
	// outcompete still wins now and then and can be rewarded. Predict adds none.
	Noise, NoiseWeight float64
	// Critic (in [0, 1]) is the rate of the reward prediction per class: the modulator
	// jump is the reward minus its running mean over the presentations of the label,
	// mean += Critic (reward - mean). 0 makes the jump the raw reward.
	Critic float64
}

// DefaultRSTDP returns the defaults for a readout of inputs feature neurons onto classes
// outputs, tuned on the sparse spikes of DefaultDC(100) (about 9 spikes per 350 ms
// presentation after 1000 training images):
//
//	Present 350 ms, Gap 5 s, Seed 1
//	Neuron  LIFDelta, tau_m 50 ms, EL = VReset = -70 mV, VTh = -60 mV, t_ref 2 ms
//	Rule    A+ = 3e-3, A- = 1.5e-3 mV/(ms x unit), tau+ = tau- = 20 ms, tau_c = 1000 ms,
//	        tau_n = 200 ms, b = 0, w in [0, 20] mV, all-to-all (NEST's taus)
//	WInit   uniform on [4.8, 7.2) mV
//	Inhibition 40 mV;  Noise 5 Hz of 5 mV;  Right +1, Wrong -1;  Critic 0.1
//
// Dense inputs need smaller weights and more exploration: for 100 inputs firing about
// 140 spikes per presentation the tests use tau_m 20 ms, WInit [2.4, 3.6) mV, WMax 10
// mV, A+ = 3e-4, A- = 1.5e-4 and Noise 30 Hz of 6 mV. The modulator is added directly
// (Izhikevich 2007: a reward is a jump of n), so a jump r meeting an eligibility c (and
// nothing else happening) moves the weight by c r tau_c tau_n/(tau_c + tau_n) = 167 ms
// x c r.
func DefaultRSTDP(inputs, classes int) RSTDPConfig {
	return RSTDPConfig{
		Inputs: inputs, Classes: classes, Present: 350 * sim.Millisecond, Seed: 1,
		Gap:    5 * sim.Second,
		Neuron: neuron.Params{TauM: 50, EL: -70, VTh: -60, VReset: -70, TRef: 2 * sim.Millisecond},
		Rule: plasticity.Modulated{APlus: 3e-3, AMinus: 1.5e-3, TauPlus: 20, TauMinus: 20, TauC: 1000, TauN: 200,
			WMin: 0, WMax: 20, Interaction: plasticity.AllToAll},
		WInit:      sim.Dist{Kind: sim.Uniform, A: 4.8, B: 7.2},
		Inhibition: 40,
		Noise:      5, NoiseWeight: 5,
		Right: 1, Wrong: -1,
		Critic: 0.1,
	}
}

func (c *RSTDPConfig) check() error {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case c.Inputs < 1:
		return fmt.Errorf("readout: R-STDP readout with %d inputs: want at least 1", c.Inputs)
	case c.Classes < 2:
		return fmt.Errorf("readout: R-STDP readout with %d classes: want at least 2", c.Classes)
	case int64(c.Inputs)*int64(c.Classes) > math.MaxUint32:
		return fmt.Errorf("readout: R-STDP readout of %d x %d synapses: want fewer than 2^32", c.Inputs, c.Classes)
	case c.Present <= 0:
		return fmt.Errorf("readout: R-STDP presentation of %v: want a positive length", c.Present)
	case c.Gap <= 0:
		return fmt.Errorf("readout: R-STDP gap of %v after each presentation: want a positive one (the reward comes in it)", c.Gap)
	case !(c.Inhibition >= 0) || !finite(c.Inhibition):
		return fmt.Errorf("readout: R-STDP lateral inhibition %v mV: want a finite value >= 0", c.Inhibition)
	case !finite(c.Right) || !finite(c.Wrong):
		return fmt.Errorf("readout: R-STDP rewards %v (right) and %v (wrong): want finite values", c.Right, c.Wrong)
	case !(c.Noise >= 0) || math.IsInf(c.Noise, 0) || !(c.NoiseWeight >= 0) || math.IsInf(c.NoiseWeight, 0):
		return fmt.Errorf("readout: R-STDP exploration noise %v Hz of %v mV: want finite values >= 0", c.Noise, c.NoiseWeight)
	case !(c.Critic >= 0 && c.Critic <= 1):
		return fmt.Errorf("readout: R-STDP critic rate %v: want one in [0, 1]", c.Critic)
	case c.Rule.Interaction == plasticity.PreCentred:
		return fmt.Errorf("readout: R-STDP with the presynaptic-centred interaction: want all-to-all or nearest")
	}
	if err := c.Rule.Check(); err != nil {
		return fmt.Errorf("readout: R-STDP rule: %w", err)
	}
	if err := c.WInit.Check(); err != nil {
		return fmt.Errorf("readout: R-STDP initial weights: %w", err)
	}
	return nil
}

// RSTDP is a spiking readout trained by reward-modulated STDP, run on the simulator's
// own engine: the feature spikes of a presentation are replayed by a source onto Classes
// LIF neurons (neuron.LIFDelta) through an all-to-all synapse.ModPlastic projection, the
// outputs inhibit one another, and the answer is the output that fired most. An RSTDP is
// not safe for concurrent use.
//
// # Rule
//
// The input synapses follow plasticity.Modulated (Izhikevich 2007, Cereb Cortex
// 17:2443; NEST's stdp_dopamine_synapse, Potjans, Morrison & Diesmann 2010), integrated
// exactly between events:
//
//	output spike:  c -> c + A+ x      (x the input's trace, tau+)
//	input spike:   c -> c - A- y      (y the output's trace, tau-)
//	between:       c' = -c/tau_c,  n' = -n/tau_n,  w' = c (n - b),  w clipped to [wmin, wmax]
//	after a presentation with label y and answer a:  n -> n + (R - E_y),
//	               R = Right if a == y else Wrong,  E_y -> E_y + Critic (R - E_y)
//
// n is one modulator volume shared by every synapse (sim.Engine.AddVolume/Reward), so
// the reward is global, as dopamine is: the readout is a policy learning from a scalar
// reward (Florian 2007, Neural Comput 19:1468; Legenstein, Pecevski & Maass 2008, PLoS
// Comput Biol 4:e1000180). E_y is a critic, the expected reward for the label: the
// modulator carries the reward prediction error R - E_y, which Fremaux, Sprekeler &
// Gerstner (2010, J Neurosci 30:13326) show R-STDP needs when one readout learns several
// stimuli (see also Fremaux & Gerstner 2016, Front Neural Circuits 9:85); Critic 0 gives
// the raw reward. Wrong is -1 by default: with the critic, a class the readout already
// answers well (E_y near 1) is barely rewarded when right and punished by nearly -2 when
// wrong, which widens the margin; without it, punishments matched to rewards keep weights
// from drifting up together.
//
// Two more ingredients make it learn. Lateral inhibition (Inhibition mV per spike) makes
// the outputs a soft winner-take-all, so the eligibility, and with it the credit of the
// global reward, falls mostly on the winner. Exploration noise (Noise, training only)
// lets an output that never wins fire first now and then: as R-STDP only changes the
// synapses of outputs that fire, an output silenced by its rivals could otherwise never
// be rewarded for its class (Fremaux & Gerstner 2016 on the need for exploration).
//
// # Timeline
//
// Presentation k occupies [t_k, t_k + Present) of the engine's clock, t_k = k (Present
// + Gap). At t_k the modulator is set to exactly 0 (a jump of -n(t_k): x + (-x) is 0
// in floating point); the spikes (T < Present) are replayed at t_k + T; at t_k +
// Present the answer is read from the output counts and, in training, the modulator jumps
// by R - E_y; the engine then runs through the gap, where the weights integrate w' = c n
// while c and n decay. Predict schedules no jump, so n stays 0 and, with b = 0, the
// weights do not move; the eligibility it leaves decays by e^{-Gap/tau_c} (e^{-5} by
// default) before the next presentation, where a reward would see that remainder.
//
// # Answer
//
// The output with the most spikes; among tied outputs the lowest index; -1 when all are
// silent, which training counts (and rewards) as wrong.
type RSTDP struct {
	cfg    RSTDPConfig
	eng    *sim.Engine
	src    *replay
	srcG   int32
	noise  *replay
	noiseG int32
	pcg    *rand.PCG
	rng    *rand.Rand
	outG   int32
	out    *neuron.LIFDelta
	mp     *synapse.ModPlastic
	vol    *synapse.Volume
	volI   int32
	counts []int32   // output spikes of the current presentation
	expect []float64 // the critic's expected reward per label
	period sim.Time
	n      int64 // presentations so far
}

// NewRSTDP builds the readout. The initial weights are drawn from cfg.Seed; nothing else
// is random.
func NewRSTDP(cfg RSTDPConfig) (*RSTDP, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	v0 := make([]float64, cfg.Classes)
	for k := range v0 {
		v0[k] = cfg.Neuron.EL
	}
	out, err := neuron.NewLIFDelta(cfg.Neuron, v0)
	if err != nil {
		return nil, fmt.Errorf("readout: R-STDP output neurons: %w", err)
	}
	r := &RSTDP{cfg: cfg, eng: sim.NewEngine(), out: out, src: &replay{n: cfg.Inputs},
		counts: make([]int32, cfg.Classes), expect: make([]float64, cfg.Classes), period: cfg.Present + cfg.Gap}
	streams := synapse.Streams{Connect: sim.Stream(cfg.Seed, "rstdp/connect"),
		Weight: sim.Stream(cfg.Seed, "rstdp/weight"), Delay: sim.Stream(cfg.Seed, "rstdp/delay")}
	p, err := synapse.Build(cfg.Inputs, out, synapse.Config{Rule: synapse.Rule{Kind: synapse.AllToAll},
		Weight: cfg.WInit, Delay: sim.Fixed(0)}, streams)
	if err != nil {
		return nil, fmt.Errorf("readout: R-STDP input synapses: %w", err)
	}
	if r.vol, err = synapse.NewVolume(cfg.Rule.TauN); err != nil {
		return nil, fmt.Errorf("readout: R-STDP modulator: %w", err)
	}
	r.srcG = r.eng.AddSource("rstdp/in", r.src)
	r.outG = r.eng.AddNeurons("rstdp/out", out)
	r.volI = r.eng.AddVolume("rstdp/reward", r.vol)
	if r.mp, err = synapse.NewModPlastic(p, cfg.Rule, r.vol, r.volI); err != nil {
		return nil, fmt.Errorf("readout: R-STDP input synapses: %w", err)
	}
	r.eng.Connect(r.srcG, r.outG, r.mp)
	r.eng.Listen(r.volI, r.mp)
	if cfg.Inhibition > 0 {
		inh, err := synapse.Build(cfg.Classes, out, synapse.Config{Rule: synapse.Rule{Kind: synapse.AllToAll, NoAutapse: true},
			Weight: sim.Fixed(-cfg.Inhibition), Delay: sim.Fixed(0), Recurrent: true}, streams)
		if err != nil {
			return nil, fmt.Errorf("readout: R-STDP lateral inhibition: %w", err)
		}
		r.eng.Connect(r.outG, r.outG, inh)
	}
	r.noise = &replay{n: cfg.Classes}
	r.noiseG = r.eng.AddSource("rstdp/noise", r.noise)
	np, err := synapse.Build(cfg.Classes, out, synapse.Config{Rule: synapse.Rule{Kind: synapse.OneToOne},
		Weight: sim.Fixed(cfg.NoiseWeight), Delay: sim.Fixed(0)}, streams)
	if err != nil {
		return nil, fmt.Errorf("readout: R-STDP exploration noise: %w", err)
	}
	r.eng.Connect(r.noiseG, r.outG, np)
	r.pcg = sim.PCG(cfg.Seed, "rstdp/noise")
	r.rng = rand.New(r.pcg)
	r.eng.Observe((*rstdpCounter)(r))
	return r, nil
}

// Config returns the readout's configuration.
func (r *RSTDP) Config() RSTDPConfig { return r.cfg }

// Presented returns the number of presentations so far (training and prediction).
func (r *RSTDP) Presented() int64 { return r.n }

// Weight returns the weight (mV) from input in to output out, as of now.
func (r *RSTDP) Weight(in, out int) float64 {
	// A row of the all-to-all projection lists the outputs in order (one delay).
	_, w, _ := r.mp.SynapseAt(in, out, r.eng.Now())
	return w
}

// Counts returns the output spike counts of the last presentation (the readout's own
// slice: read, do not keep).
func (r *RSTDP) Counts() []int32 { return r.counts }

// rstdpCounter counts the output spikes (sim.Observer).
type rstdpCounter RSTDP

func (c *rstdpCounter) Spike(_ sim.Time, g, u int32) {
	if g == c.outG {
		c.counts[u]++
	}
}

// Train presents one response (spike times from the presentation's start) and rewards the
// answer: Right if it is label, Wrong otherwise (a silent presentation, answer -1, is
// wrong). It returns the answer given before learning from it.
func (r *RSTDP) Train(spikes []DCSpike, label int) (predicted int, err error) {
	if label < 0 || label >= r.cfg.Classes {
		return -1, fmt.Errorf("readout: R-STDP training label %d: want one in [0, %d)", label, r.cfg.Classes)
	}
	return r.present(spikes, label, true)
}

// Predict presents one response without learning: no reward follows it, and as the
// modulator is zero throughout (see RSTDP, Timeline) the weights do not move
// when the rule's baseline is 0. Its eligibility decays over the gap before the next
// presentation (by e^{-Gap/tau_c}).
func (r *RSTDP) Predict(spikes []DCSpike) (int, error) {
	return r.present(spikes, -1, false)
}

// present runs one presentation from the clock (the end of the previous gap): the
// modulator is set to exactly zero, the spikes are replayed, the outputs' spikes counted,
// then with learn the reward is scheduled at the presentation's end, and the gap run.
func (r *RSTDP) present(spikes []DCSpike, label int, learn bool) (int, error) {
	base := r.eng.Now()
	if err := r.src.load(spikes, base, r.cfg.Present); err != nil {
		return -1, err
	}
	// Jumping by minus the concentration leaves exactly 0 (x + -x == 0), so the weights
	// see no modulator from here to the reward.
	if n := r.vol.At(base); n != 0 {
		if err := r.eng.Reward(r.volI, base, -n); err != nil {
			return -1, err
		}
	}
	if err := r.eng.Restart(r.srcG, r.src.start()); err != nil {
		return -1, err
	}
	r.noise.spikes, r.noise.k = r.noise.spikes[:0], 0
	if learn && r.cfg.Noise > 0 && r.cfg.NoiseWeight > 0 {
		mean := 1e9 / r.cfg.Noise // ns
		for u := range r.cfg.Classes {
			for t := r.rng.ExpFloat64() * mean; t < float64(r.cfg.Present); t += r.rng.ExpFloat64() * mean {
				r.noise.spikes = append(r.noise.spikes, DCSpike{T: base + sim.Time(t), Neuron: int32(u)})
			}
		}
		slices.SortFunc(r.noise.spikes, compareDCSpikes)
	}
	if err := r.eng.Restart(r.noiseG, r.noise.start()); err != nil {
		return -1, err
	}
	clear(r.counts)
	end := base + r.cfg.Present
	r.eng.Run(end)
	ans := r.answer()
	if learn {
		reward := r.cfg.Wrong
		if ans == label {
			reward = r.cfg.Right
		}
		amount := reward - r.expect[label]
		r.expect[label] += r.cfg.Critic * (reward - r.expect[label])
		if amount != 0 {
			if err := r.eng.Reward(r.volI, end, amount); err != nil {
				return -1, err
			}
		}
	}
	r.eng.Run(base + r.period)
	r.n++
	return ans, nil
}

// answer returns the output with the most spikes, the lowest of those tied, or -1 when
// all are silent.
func (r *RSTDP) answer() int {
	best, bc := -1, int32(0)
	for k, c := range r.counts {
		if c > bc {
			best, bc = k, c
		}
	}
	return best
}

// TraceBytes is the memory learning needs beyond the weights (and the synapses' targets
// and row offsets, which a static projection has too), counted from the arrays of the
// ModPlastic projection and the volume: per synapse the scaled eligibility and its
// update factor (8 + 8 bytes, 8 more with a baseline) and the column index that finds the
// synapses onto an output (4 + 4 bytes), per output one column offset (8 bytes, one more
// in all), per input a pre trace and per output a post trace (8 bytes each), and the
// modulator's concentration and time (16 bytes).
func (r *RSTDP) TraceBytes() int64 {
	return r.mp.Bytes() - r.mp.Projection.Bytes() + 16 + 8*int64(len(r.expect))
}

// rstdpState is what MarshalBinary saves.
type rstdpState struct {
	Version   int
	Config    RSTDPConfig
	Presented int64
	Expect    []float64
	Noise     []byte
	Engine    []byte
}

const rstdpVersion = 1

// MarshalBinary saves the trained state: the configuration, the number of
// presentations and the engine's state (clock, output neurons, weights, eligibilities,
// traces, modulator), from which the readout continues exactly as it would have.
func (r *RSTDP) MarshalBinary() ([]byte, error) {
	eb, err := r.eng.MarshalState()
	if err != nil {
		return nil, fmt.Errorf("readout: saving an R-STDP readout: %w", err)
	}
	nb, err := r.pcg.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("readout: saving an R-STDP readout: %w", err)
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(rstdpState{Version: rstdpVersion, Config: r.cfg, Presented: r.n,
		Expect: r.expect, Noise: nb, Engine: eb}); err != nil {
		return nil, fmt.Errorf("readout: saving an R-STDP readout: %w", err)
	}
	return buf.Bytes(), nil
}

// UnmarshalBinary restores a state saved by MarshalBinary into a readout built with the
// same configuration; the readout then behaves exactly as the saved one would have.
func (r *RSTDP) UnmarshalBinary(b []byte) error {
	var st rstdpState
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&st); err != nil {
		return fmt.Errorf("readout: restoring an R-STDP readout: %w", err)
	}
	if st.Version != rstdpVersion {
		return fmt.Errorf("readout: restoring an R-STDP readout: state version %d, want %d", st.Version, rstdpVersion)
	}
	if st.Config != r.cfg {
		return fmt.Errorf("readout: restoring an R-STDP readout: the state's configuration %+v is not the readout's %+v", st.Config, r.cfg)
	}
	if len(st.Expect) != len(r.expect) {
		return fmt.Errorf("readout: restoring an R-STDP readout: %d expected rewards for %d classes", len(st.Expect), len(r.expect))
	}
	for _, x := range st.Expect {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("readout: restoring an R-STDP readout: an expected reward is %v", x)
		}
	}
	// Restore into copies first, so that a bad state leaves the readout as it was.
	pcg := *r.pcg
	if err := pcg.UnmarshalBinary(st.Noise); err != nil {
		return fmt.Errorf("readout: restoring an R-STDP readout's noise: %w", err)
	}
	if err := r.eng.UnmarshalState(st.Engine); err != nil {
		return fmt.Errorf("readout: restoring an R-STDP readout: %w", err)
	}
	*r.pcg = pcg
	copy(r.expect, st.Expect)
	r.n = st.Presented
	clear(r.counts)
	return nil
}

// replay is the source that plays one presentation's spikes (sim.Source, sim.Stateful):
// the spikes at absolute times, sorted by (time, unit); k is the next to emit. Its
// buffer is reused, so a presentation allocates nothing once it has grown.
type replay struct {
	n      int
	spikes []DCSpike // T absolute
	k      int
}

// load fills the buffer with the spikes before present, shifted to base, sorted.
func (s *replay) load(spikes []DCSpike, base, present sim.Time) error {
	s.spikes, s.k = s.spikes[:0], 0
	for i, x := range spikes {
		switch {
		case x.Neuron < 0 || int(x.Neuron) >= s.n:
			return fmt.Errorf("readout: R-STDP input spike %d from neuron %d: want one in [0, %d)", i, x.Neuron, s.n)
		case x.T < 0:
			return fmt.Errorf("readout: R-STDP input spike %d at %v: want a time from the presentation's start, not negative", i, x.T)
		case x.T >= present:
			continue
		}
		s.spikes = append(s.spikes, DCSpike{T: base + x.T, Neuron: x.Neuron})
	}
	if !slices.IsSortedFunc(s.spikes, compareDCSpikes) {
		slices.SortFunc(s.spikes, compareDCSpikes)
	}
	return nil
}

func compareDCSpikes(a, b DCSpike) int {
	switch {
	case a.T < b.T:
		return -1
	case a.T > b.T:
		return 1
	}
	return int(a.Neuron) - int(b.Neuron)
}

func (s *replay) start() sim.Time {
	if s.k >= len(s.spikes) {
		return sim.Never
	}
	return s.spikes[s.k].T
}

// Size implements sim.Source.
func (s *replay) Size() int { return s.n }

// Start implements sim.Source: nothing before the first load.
func (s *replay) Start() sim.Time { return s.start() }

// Emit implements sim.Source.
func (s *replay) Emit(sim.Time) (int32, sim.Time) {
	u := s.spikes[s.k].Neuron
	s.k++
	return u, s.start()
}

// MarshalState implements sim.Stateful: the spikes not yet emitted.
func (s *replay) MarshalState() ([]byte, error) {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(s.spikes)-s.k))
	for _, x := range s.spikes[s.k:] {
		b = binary.LittleEndian.AppendUint64(b, uint64(x.T))
		b = binary.LittleEndian.AppendUint32(b, uint32(x.Neuron))
	}
	return b, nil
}

// UnmarshalState implements sim.Stateful.
func (s *replay) UnmarshalState(b []byte) error {
	if len(b) < 8 {
		return errors.New("readout: not the state of an R-STDP input replay")
	}
	m := binary.LittleEndian.Uint64(b)
	b = b[8:]
	if uint64(len(b)) != 12*m {
		return errors.New("readout: not the state of an R-STDP input replay")
	}
	s.spikes, s.k = s.spikes[:0], 0
	for range m {
		x := DCSpike{T: sim.Time(binary.LittleEndian.Uint64(b)), Neuron: int32(binary.LittleEndian.Uint32(b[8:]))}
		if x.Neuron < 0 || int(x.Neuron) >= s.n || x.T < 0 {
			return errors.New("readout: an R-STDP input replay's state holds an invalid spike")
		}
		s.spikes = append(s.spikes, x)
		b = b[12:]
	}
	return nil
}
