package spec

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"

	toml "github.com/pelletier/go-toml/v2"

	"snn/neuron"
	"snn/plasticity"
	"snn/sim"
	"snn/synapse"
)

// Network is a spec turned into a runnable engine.
type Network struct {
	// States lists the state probes of [[record.state]]; WeightTimes and WeightProjections
	// (indices into Projections) the weight snapshots of [record.weights].
	States            []StateProbe
	WeightTimes       []sim.Time
	WeightProjections [][]int // at each of WeightTimes
	Projections       []BuiltProjection
	Name              string
	Seed              uint64
	Duration          sim.Time
	Engine            *sim.Engine
	Groups            []Group // indexed like the engine's populations
	Synapses          int64
	// SynapseBytes is the memory the projections hold (targets, rows, weights, delays).
	SynapseBytes int64
	// EstimatedBytes is the memory estimate checked before building.
	EstimatedBytes int64
	// Volumes names the neuromodulator volumes, in the engine's order.
	Volumes  []string
	volIndex map[string]int32
}

// BuiltProjection is a built projection with its name.
type BuiltProjection struct {
	Name      string
	From, To  string
	P         *synapse.Projection
	Plastic   *synapse.Plastic    // nil unless STDP
	Modulated *synapse.ModPlastic // nil unless modulated STDP
	// Unit is the unit of the weights as a user sees them: mV (R*I for lif_exp, the jump
	// for lif_delta) or nS (lif_cond); Scale converts the simulator's weights to it (1, or
	// g_l for lif_cond, whose conductances the model counts in units of g_l).
	Unit  string
	Scale float64
}

// Bounds returns a plastic projection's weight bounds in Unit (ok false when static).
func (b *BuiltProjection) Bounds() (lo, hi float64, ok bool) {
	switch {
	case b.Plastic != nil:
		r := b.Plastic.Rule()
		return r.WMin * b.Scale, r.WMax * b.Scale, true
	case b.Modulated != nil:
		r := b.Modulated.Rule()
		return r.WMin * b.Scale, r.WMax * b.Scale, true
	}
	return 0, 0, false
}

// SynapseAt is Synapse with the weight of a modulated projection integrated up to t (the
// engine's clock, after Run(t)).
func (b *BuiltProjection) SynapseAt(pre, k int, t sim.Time) (post int, weight float64, delay sim.Time) {
	if b.Modulated != nil {
		return b.Modulated.SynapseAt(pre, k, t)
	}
	return b.Synapse(pre, k)
}

// Synapse returns target, weight and delay of synapse k of pre's row. A plastic
// projection's weight includes the changes still pending (see synapse.Plastic).
func (b *BuiltProjection) Synapse(pre, k int) (post int, weight float64, delay sim.Time) {
	if b.Plastic != nil {
		return b.Plastic.Synapse(pre, k)
	}
	return b.P.Synapse(pre, k)
}

// StateProbe samples variables of some neurons of a population every Interval from Start
// up to Stop (both included when on the grid).
type StateProbe struct {
	Population  string
	Neurons     []int32
	Variables   []string
	Sample      []func(i int, t sim.Time) float64 // one per variable
	Interval    sim.Time
	Start, Stop sim.Time
}

// Group describes one population of the engine.
type Group struct {
	Name   string
	Size   int
	Model  string
	Input  bool // a source, not neurons
	Record bool // its spikes are recorded
	// V samples a neuron's membrane potential (neuron populations only).
	V func(i int, t sim.Time) float64
	// Vars are the variables a state probe can sample: v (mV); ie and ii for lif_exp
	// (mV, as R*I); ge and gi for lif_cond (nS).
	Vars map[string]func(i int, t sim.Time) float64
}

// Options override parts of a spec and bound what may be built.
type Options struct {
	Seed        *uint64  // replaces the spec's seed
	Duration    sim.Time // replaces the spec's duration when positive
	MemoryLimit int64    // refuse networks estimated larger (bytes); 0: no limit
	NoRewards   bool     // schedule no reward (a control: the same network without them)
}

// Bytes a network costs beyond its synapses: per neuron (state, heap entry and position)
// and per presynaptic row (one int64). Measured sizes of the structs in package neuron.
const (
	bytesPerNeuron = 80
	bytesPerRow    = 8
)

type checker struct {
	errs []string
	vols map[string]float64 // volume name -> tau (ms)
}

func (c *checker) add(path string, value any, format string, args ...any) {
	v := ""
	switch x := value.(type) {
	case nil:
	case string:
		v = " = " + strconv.Quote(x)
	case Quantity:
		v = " = " + strconv.Quote(x.Text)
	default:
		v = fmt.Sprintf(" = %v", x)
	}
	c.errs = append(c.errs, path+v+": "+fmt.Sprintf(format, args...))
}

// quantity reads a quantity of one of the dimensions dims; a missing optional quantity
// gives def (ok false when required and missing or wrong).
func (c *checker) quantity(path string, q Quantity, required bool, def float64, dims ...Dim) (float64, Dim, bool) {
	if !q.Set {
		if required {
			c.add(path, nil, "missing; expected a %s such as %s", dims[0], dimInfo[dims[0]].example)
			return 0, 0, false
		}
		return def, dims[0], true
	}
	v, d, err := ParseQuantity(q.Text, dims...)
	if err != nil {
		c.add(path, q, "%v", err)
		return 0, 0, false
	}
	return v, d, true
}

// dist reads a value that is a quantity or a distribution table:
//
//	"1 mV" | { uniform = ["0 mV", "1 mV"] } | { normal = { mean = "1 mV", sd = "0.1 mV", min = "0 mV", max = "2 mV" } }
//
// conv converts a value of dimension d to the base unit wanted.
func (c *checker) dist(path string, raw any, dims []Dim, conv func(float64, Dim) float64) (sim.Dist, bool) {
	one := func(p string, x any) (float64, bool) {
		s, ok := x.(string)
		if !ok {
			c.add(p, x, "expected a quantity with its unit, such as %s", dimInfo[dims[0]].example)
			return 0, false
		}
		v, d, err := ParseQuantity(s, dims...)
		if err != nil {
			c.add(p, s, "%v", err)
			return 0, false
		}
		return conv(v, d), true
	}
	switch x := raw.(type) {
	case string:
		v, ok := one(path, x)
		return sim.Fixed(v), ok
	case map[string]any:
		if len(x) != 1 {
			c.add(path, nil, "expected one of uniform = [lo, hi] or normal = { mean, sd, min, max }")
			return sim.Dist{}, false
		}
		if u, ok := x["uniform"]; ok {
			l, ok := u.([]any)
			if !ok || len(l) != 2 {
				c.add(path+".uniform", nil, "expected two quantities [lo, hi]")
				return sim.Dist{}, false
			}
			lo, ok1 := one(path+".uniform[0]", l[0])
			hi, ok2 := one(path+".uniform[1]", l[1])
			d := sim.Dist{Kind: sim.Uniform, A: lo, B: hi}
			if ok1 && ok2 && hi < lo {
				c.add(path+".uniform", nil, "upper bound below lower bound")
				return d, false
			}
			return d, ok1 && ok2
		}
		if n, ok := x["normal"]; ok {
			m, ok := n.(map[string]any)
			if !ok {
				c.add(path+".normal", nil, "expected a table { mean, sd, min, max }")
				return sim.Dist{}, false
			}
			d := sim.Dist{Kind: sim.Normal, Lo: math.Inf(-1), Hi: math.Inf(1)}
			good := true
			for _, k := range sortedKeys(m) {
				f, ok := one(path+".normal."+k, m[k])
				good = good && ok
				switch k {
				case "mean":
					d.A = f
				case "sd":
					d.B = f
				case "min":
					d.Lo = f
				case "max":
					d.Hi = f
				default:
					c.add(path+".normal."+k, nil, "unknown key; expected mean, sd, min or max")
					good = false
				}
			}
			if _, ok := m["mean"]; !ok {
				c.add(path+".normal.mean", nil, "missing")
				good = false
			}
			if _, ok := m["sd"]; !ok {
				c.add(path+".normal.sd", nil, "missing")
				good = false
			}
			if good {
				if err := d.Check(); err != nil {
					c.add(path+".normal", nil, "%v", err)
					good = false
				}
			}
			return d, good
		}
		for _, k := range sortedKeys(x) {
			c.add(path+"."+k, nil, "unknown distribution; expected uniform or normal")
		}
		return sim.Dist{}, false
	case nil:
		c.add(path, nil, "missing; expected a %s such as %s", dims[0], dimInfo[dims[0]].example)
	default:
		c.add(path, x, "expected a quantity with its unit, such as %s, or a distribution table", dimInfo[dims[0]].example)
	}
	return sim.Dist{}, false
}

func same(v float64, _ Dim) float64 { return v }

type popPlan struct {
	name   string
	model  string
	size   int
	params neuron.Params
	vinit  sim.Dist
	cm     float64 // pF, 0 if not given
	gl     float64 // nS, lif_cond only
	cond   neuron.CondParams
}

type inputPlan struct {
	name   string
	model  string
	size   int
	rates  []neuron.RateSegment
	spikes []neuron.Spike
}

type projPlan struct {
	name     string
	from, to string
	cfg      synapse.Config
	stdp     plasticity.STDP
	mod      *plasticity.Modulated
	vol      string
	perSyn   int64 // bytes per synapse
	expected float64
}

// Build validates s completely (reporting every problem found, each with its key path,
// value and what was expected) and, only if it is valid and fits in opt.MemoryLimit,
// builds the network.
func Build(s *Spec, opt Options) (*Network, error) {
	c := &checker{}
	net := &Network{Name: s.Name, Seed: 1}
	if s.Seed != nil {
		if *s.Seed < 0 {
			c.add("seed", *s.Seed, "must not be negative")
		}
		net.Seed = uint64(*s.Seed)
	}
	if opt.Seed != nil {
		net.Seed = *opt.Seed
	}
	if opt.Duration > 0 {
		net.Duration = opt.Duration
	} else if d, _, ok := c.quantity("duration", s.Duration, true, 0, Time); ok {
		if !(d > 0) {
			c.add("duration", s.Duration, "must be positive")
		}
		net.Duration = sim.FromMs(d)
	}

	// Populations and inputs, in name order so that a run does not depend on map order.
	names := map[string]string{} // name -> "populations" or "inputs"
	var pops []popPlan
	for _, name := range sortedKeys(s.Populations) {
		names[name] = "populations"
		// Invalid populations are kept so that projections to them are still checked
		// against the right model (nothing is built while any error remains).
		p, _ := c.population("populations."+name, name, s.Populations[name])
		pops = append(pops, p)
	}
	var inputs []inputPlan
	for _, name := range sortedKeys(s.Inputs) {
		if _, dup := names[name]; dup {
			c.add("inputs."+name, nil, "name already used by a population")
			continue
		}
		names[name] = "inputs"
		if in, ok := c.input("inputs."+name, s.Inputs[name]); ok {
			in.name = name
			inputs = append(inputs, in)
		}
	}
	if len(s.Populations) == 0 {
		c.add("populations", nil, "missing; a network needs at least one neuron population")
	}
	popByName := map[string]*popPlan{}
	for k := range pops {
		popByName[pops[k].name] = &pops[k]
	}
	sizeOf := func(n string) int {
		if p, ok := popByName[n]; ok {
			return p.size
		}
		for _, in := range inputs {
			if in.name == n {
				return in.size
			}
		}
		return -1
	}

	vols := map[string]float64{}
	for _, name := range sortedKeys(s.Volumes) {
		path := "volumes." + name
		if v, _, ok := c.quantity(path+".tau", s.Volumes[name].Tau, true, 0, Time); ok {
			if !(v > 0) {
				c.add(path+".tau", s.Volumes[name].Tau, "time constant must be positive")
			}
			vols[name] = v
		}
	}
	c.vols = vols
	var projs []projPlan
	seen := map[string]int{}
	for k, pr := range s.Projections {
		path := fmt.Sprintf("projections[%d]", k)
		p, ok := c.projection(path, pr, names, popByName, sizeOf)
		if !ok {
			continue
		}
		if j, dup := seen[p.name]; dup {
			c.add(path+".name", p.name, "already the name of projections[%d]; give each projection between the same populations its own name", j)
			continue
		}
		seen[p.name] = k
		projs = append(projs, p)
	}

	var rewards []rewardPlan
	for k, r := range s.Rewards {
		if p, ok := c.reward(fmt.Sprintf("rewards[%d]", k), r, sizeOf); ok {
			rewards = append(rewards, p)
		}
	}

	record := map[string]bool{}
	if s.Record.Spikes == nil {
		for _, p := range pops {
			record[p.name] = true
		}
	}
	for k, n := range s.Record.Spikes {
		if _, ok := names[n]; !ok {
			c.add(fmt.Sprintf("record.spikes[%d]", k), n, "unknown population; expected one of %v", sortedKeys(names))
		}
		record[n] = true
	}
	var probes []StateProbe
	for k, sr := range s.Record.State {
		if p, ok := c.stateProbe(fmt.Sprintf("record.state[%d]", k), sr, popByName, net.Duration); ok {
			probes = append(probes, p)
		}
	}
	if s.Record.Weights != nil {
		net.WeightTimes, net.WeightProjections = c.weightRecords(s.Record.Weights, projs, net.Duration)
	}
	if len(c.errs) > 0 {
		return nil, &Errors{List: c.errs}
	}

	// Memory, before anything is allocated.
	var syn float64
	est := float64(0)
	for _, p := range pops {
		est += float64(p.size) * bytesPerNeuron
	}
	for _, p := range projs {
		syn += p.expected
		est += p.expected*float64(p.perSyn) + float64(sizeOf(p.from)+1)*bytesPerRow
	}
	net.EstimatedBytes = int64(est)
	if opt.MemoryLimit > 0 && est > float64(opt.MemoryLimit) {
		return nil, &Errors{List: []string{fmt.Sprintf(
			"network too large: an estimated %s (%.3g synapses, %d neurons) exceeds the %s of memory available; reduce sizes or connection probabilities",
			FormatBytes(int64(est)), syn, totalNeurons(pops), FormatBytes(opt.MemoryLimit))}}
	}
	if err := net.build(pops, inputs, projs, record, c.vols); err != nil {
		return nil, err
	}
	if !opt.NoRewards {
		if err := net.rewards(rewards); err != nil {
			return nil, err
		}
	}
	for _, p := range probes {
		for _, g := range net.Groups {
			if g.Name == p.Population {
				for _, v := range p.Variables {
					p.Sample = append(p.Sample, g.Vars[v])
				}
			}
		}
		net.States = append(net.States, p)
	}
	return net, nil
}

// stateProbe checks one [[record.state]] table.
func (c *checker) stateProbe(path string, sr StateRecord, pops map[string]*popPlan, dur sim.Time) (StateProbe, bool) {
	n0 := len(c.errs)
	p := StateProbe{Population: sr.Population, Variables: sr.Variables}
	pop, ok := pops[sr.Population]
	if !ok {
		c.add(path+".population", sr.Population, "unknown neuron population; expected one of %v", sortedKeys(pops))
	}
	if len(sr.Neurons) == 0 {
		c.add(path+".neurons", nil, "missing; list the neurons to sample, such as [0, 1, 2]")
	}
	for k, i := range sr.Neurons {
		if ok && (i < 0 || i >= pop.size) {
			c.add(fmt.Sprintf("%s.neurons[%d]", path, k), i, "outside [0, %d)", pop.size)
		}
		p.Neurons = append(p.Neurons, int32(i))
	}
	if len(p.Variables) == 0 {
		p.Variables = []string{"v"}
	}
	if ok {
		allowed := map[string][]string{"lif_exp": {"v", "ie", "ii"}, "lif_delta": {"v"}, "lif_cond": {"v", "ge", "gi"}}[pop.model]
		for k, v := range p.Variables {
			found := false
			for _, a := range allowed {
				found = found || a == v
			}
			if !found {
				c.add(fmt.Sprintf("%s.variables[%d]", path, k), v, "not a variable of model %s; expected one of %v", pop.model, allowed)
			}
		}
	}
	if iv, _, okI := c.quantity(path+".interval", sr.Interval, true, 0, Time); okI {
		if p.Interval = sim.FromMs(iv); p.Interval <= 0 {
			c.add(path+".interval", sr.Interval, "must be positive (at least 1 ns)")
		}
	}
	if st, _, okS := c.quantity(path+".start", sr.Start, false, 0, Time); okS {
		p.Start = sim.FromMs(st)
		if p.Start < 0 {
			c.add(path+".start", sr.Start, "must not be negative")
		}
	}
	p.Stop = dur
	if sr.Stop.Set {
		if sp, _, okP := c.quantity(path+".stop", sr.Stop, true, 0, Time); okP {
			p.Stop = min(sim.FromMs(sp), dur)
			if p.Stop < p.Start {
				c.add(path+".stop", sr.Stop, "is before start")
			}
		}
	}
	return p, len(c.errs) == n0
}

// weightRecord checks [record.weights] and returns the snapshot times and projections.
// weightRecords reads [record.weights] or [[record.weights]] and merges the schedules:
// the snapshot times in order, and at each the projections to snapshot.
func (c *checker) weightRecords(raw any, projs []projPlan, dur sim.Time) ([]sim.Time, [][]int) {
	var items []any
	single := false
	switch x := raw.(type) {
	case map[string]any:
		items, single = []any{x}, true
	case []any:
		items = x
	default:
		c.add("record.weights", nil, "expected a table [record.weights] or tables [[record.weights]]")
		return nil, nil
	}
	at := map[sim.Time]map[int]bool{}
	for k, it := range items {
		path := fmt.Sprintf("record.weights[%d]", k)
		if single {
			path = "record.weights"
		}
		m, ok := it.(map[string]any)
		if !ok {
			c.add(path, nil, "expected a table")
			continue
		}
		b, err := toml.Marshal(m)
		var w WeightRecord
		if err == nil {
			d := toml.NewDecoder(bytes.NewReader(b))
			d.DisallowUnknownFields()
			err = d.Decode(&w)
		}
		if err != nil {
			var se *toml.StrictMissingError
			if errors.As(err, &se) {
				for _, e := range se.Errors {
					c.add(path+"."+strings.Join(e.Key(), "."), nil, "unknown key; expected projections, times or interval")
				}
			} else {
				c.add(path, nil, "%v", friendlyType(strings.TrimPrefix(err.Error(), "toml: ")))
			}
			continue
		}
		times, idx := c.weightRecord(path, &w, projs, dur)
		for _, t := range times {
			if at[t] == nil {
				at[t] = map[int]bool{}
			}
			for _, j := range idx {
				at[t][j] = true
			}
		}
	}
	var times []sim.Time
	for t := range at {
		times = append(times, t)
	}
	slices.Sort(times)
	var projsAt [][]int
	for _, t := range times {
		var js []int
		for j := range at[t] {
			js = append(js, j)
		}
		slices.Sort(js)
		projsAt = append(projsAt, js)
	}
	return times, projsAt
}

func (c *checker) weightRecord(path string, w *WeightRecord, projs []projPlan, dur sim.Time) ([]sim.Time, []int) {
	var idx []int
	if w.Projections == nil {
		for k := range projs {
			idx = append(idx, k)
		}
	}
	for k, name := range w.Projections {
		found := -1
		var known []string
		for j, p := range projs {
			known = append(known, p.name)
			if p.name == name {
				found = j
			}
		}
		if found < 0 {
			c.add(fmt.Sprintf("%s.projections[%d]", path, k), name, "unknown projection; expected one of %v", known)
			continue
		}
		idx = append(idx, found)
	}
	var times []sim.Time
	switch {
	case w.Interval.Set && w.Times != nil:
		c.add(path+".interval", w.Interval, "give either times or interval, not both")
	case w.Interval.Set:
		if iv, _, ok := c.quantity(path+".interval", w.Interval, true, 0, Time); ok {
			step := sim.FromMs(iv)
			if step <= 0 {
				c.add(path+".interval", w.Interval, "must be positive")
				break
			}
			for t := sim.Time(0); t <= dur; t += step {
				times = append(times, t)
			}
		}
	case w.Times != nil:
		for k, q := range w.Times {
			p := fmt.Sprintf("%s.times[%d]", path, k)
			t, ok := dur, true
			if q.Text != "end" {
				var v float64
				v, _, ok = c.quantity(p, q, true, 0, Time)
				t = sim.FromMs(v)
			}
			switch {
			case !ok:
			case t < 0:
				c.add(p, q, "must not be negative")
			case len(times) > 0 && t <= times[len(times)-1]:
				c.add(p, q, "must be later than the previous time")
			case t > dur:
				// Beyond this run (a shorter --duration): not reached.
			default:
				times = append(times, t)
			}
		}
	default:
		c.add(path, nil, "give the snapshot times (times = [\"0 ms\", \"1 s\"]) or an interval")
	}
	return times, idx
}

func totalNeurons(pops []popPlan) int {
	n := 0
	for _, p := range pops {
		n += p.size
	}
	return n
}

// FormatBytes writes a byte count with a binary prefix.
func FormatBytes(b int64) string {
	f := float64(b)
	for _, u := range []string{"B", "KiB", "MiB", "GiB", "TiB"} {
		if f < 1024 || u == "TiB" {
			if u == "B" {
				return fmt.Sprintf("%d B", b)
			}
			return fmt.Sprintf("%.1f %s", f, u)
		}
		f /= 1024
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (c *checker) population(path, name string, p Population) (popPlan, bool) {
	pl := popPlan{name: name, model: p.Model, size: p.Size}
	n0 := len(c.errs)
	currents, cond := false, false
	switch p.Model {
	case "lif_exp":
		currents = true
	case "lif_cond":
		currents, cond = true, true
	case "lif_delta":
	case "":
		c.add(path+".model", nil, "missing; expected lif_exp, lif_delta or lif_cond")
	default:
		c.add(path+".model", p.Model, "unknown model; expected lif_exp, lif_delta or lif_cond")
	}
	if p.Size <= 0 {
		c.add(path+".size", p.Size, "must be a positive number of neurons")
	}
	pp := &pl.params
	pos := func(key string, q Quantity) float64 {
		v, _, ok := c.quantity(path+"."+key, q, true, 0, Time)
		if ok && !(v > 0) {
			c.add(path+"."+key, q, "time constant must be positive")
		}
		return v
	}
	pp.TauM = pos("tau_m", p.TauM)
	pp.EL, _, _ = c.quantity(path+".e_l", p.EL, true, 0, Voltage)
	vth, _, okT := c.quantity(path+".v_th", p.VTh, true, 0, Voltage)
	vr, _, okR := c.quantity(path+".v_reset", p.VReset, true, 0, Voltage)
	pp.VTh, pp.VReset = vth, vr
	if okT && okR && !(vr < vth) {
		c.add(path+".v_reset", p.VReset, "must be below v_th = %q", p.VTh.Text)
	}
	if tr, _, ok := c.quantity(path+".t_ref", p.TRef, false, 0, Time); ok {
		if tr < 0 {
			c.add(path+".t_ref", p.TRef, "must not be negative")
		}
		pp.TRef = sim.FromMs(tr)
	}
	if currents {
		pp.TauE = pos("tau_e", p.TauE)
		pp.TauI = pos("tau_i", p.TauI)
		for _, x := range []struct {
			key string
			v   float64
			q   Quantity
		}{{"tau_e", pp.TauE, p.TauE}, {"tau_i", pp.TauI, p.TauI}} {
			if !cond && x.v > 0 && pp.TauM > 0 && math.Abs(x.v-pp.TauM) <= 1e-9*pp.TauM {
				c.add(path+"."+x.key, x.q, "equals tau_m; the exact solution needs a synaptic time constant different from the membrane's")
			}
		}
	} else if p.Model == "lif_delta" { // an unknown model is reported already
		for _, x := range []struct {
			key string
			q   Quantity
		}{{"tau_e", p.TauE}, {"tau_i", p.TauI}} {
			if x.q.Set {
				c.add(path+"."+x.key, x.q, "not a parameter of model %s (voltage-jump synapses have no time constant)", p.Model)
			}
		}
	}
	if cond {
		if v, _, ok := c.quantity(path+".g_l", p.GL, true, 0, Conductance); ok {
			if !(v > 0) {
				c.add(path+".g_l", p.GL, "leak conductance must be positive")
			}
			pl.gl = v
		}
		ee, _, okE := c.quantity(path+".e_e", p.EE, true, 0, Voltage)
		ei, _, okI := c.quantity(path+".e_i", p.EI, true, 0, Voltage)
		pl.cond = neuron.CondParams{EE: ee, EI: ei}
		if okE && okI && !(ei < ee) {
			c.add(path+".e_i", p.EI, "must be below e_e = %q", p.EE.Text)
		}
		if okI && okT && !(ei < pp.VTh) {
			c.add(path+".e_i", p.EI, "must be below v_th = %q: inhibition that can drive the potential over threshold is not inhibition", p.VTh.Text)
		}
	} else {
		for _, x := range []struct {
			key string
			q   Quantity
		}{{"g_l", p.GL}, {"e_e", p.EE}, {"e_i", p.EI}} {
			if x.q.Set && p.Model != "" {
				c.add(path+"."+x.key, x.q, "not a parameter of model %s (conductance synapses are lif_cond's)", p.Model)
			}
		}
	}
	if p.CM.Set {
		if v, _, ok := c.quantity(path+".c_m", p.CM, true, 0, Capacitance); ok {
			if !(v > 0) {
				c.add(path+".c_m", p.CM, "capacitance must be positive")
			}
			pl.cm = v
		}
	}
	if p.IBias.Set {
		v, d, ok := c.quantity(path+".i_bias", p.IBias, true, 0, Current, Voltage)
		switch {
		case !ok:
		case d == Current && cond:
			if pl.gl > 0 {
				pp.Bias = v / pl.gl // pA / nS = mV
			}
		case d == Current && pl.cm <= 0:
			c.add(path+".i_bias", p.IBias, "a current needs the population's c_m to convert it; give c_m, or the bias as the voltage R*I it causes")
		case d == Current:
			pp.Bias = v * pp.TauM / pl.cm // pA * ms / pF = mV
		default:
			pp.Bias = v
		}
	}
	if p.VInit == nil {
		pl.vinit = sim.Fixed(pp.EL)
	} else {
		pl.vinit, _ = c.dist(path+".v_init", p.VInit, []Dim{Voltage}, same)
	}
	return pl, len(c.errs) == n0
}

func (c *checker) input(path string, in Input) (inputPlan, bool) {
	pl := inputPlan{model: in.Model, size: in.Size}
	n0 := len(c.errs)
	if in.Size <= 0 {
		c.add(path+".size", in.Size, "must be a positive number of sources")
	}
	switch in.Model {
	case "poisson":
		if in.Spikes != nil {
			c.add(path+".spikes", nil, "not a parameter of model poisson")
		}
		switch {
		case in.Rate.Set && in.Rates != nil:
			c.add(path+".rates", nil, "give either rate or rates, not both")
		case in.Rate.Set:
			r, _, ok := c.quantity(path+".rate", in.Rate, true, 0, Rate)
			if ok && r < 0 {
				c.add(path+".rate", in.Rate, "must not be negative")
			}
			pl.rates = []neuron.RateSegment{{From: 0, Rate: r}}
		case in.Rates != nil:
			for k, st := range in.Rates {
				p := fmt.Sprintf("%s.rates[%d]", path, k)
				from, _, ok1 := c.quantity(p+".from", st.From, true, 0, Time)
				r, _, ok2 := c.quantity(p+".rate", st.Rate, true, 0, Rate)
				if ok2 && r < 0 {
					c.add(p+".rate", st.Rate, "must not be negative")
				}
				if !ok1 {
					continue
				}
				t := sim.FromMs(from)
				switch {
				case k == 0 && t != 0:
					c.add(p+".from", st.From, "the first rate must start at \"0 ms\"")
				case k > 0 && len(pl.rates) > 0 && t <= pl.rates[len(pl.rates)-1].From:
					c.add(p+".from", st.From, "must be later than the previous step")
				}
				pl.rates = append(pl.rates, neuron.RateSegment{From: t, Rate: r})
			}
			if len(in.Rates) == 0 {
				c.add(path+".rates", nil, "is empty")
			}
		default:
			c.add(path+".rate", nil, "missing; expected a rate such as \"15 Hz\" (or a rates schedule)")
		}
	case "spike_generator":
		if in.Rate.Set || in.Rates != nil {
			c.add(path+".rate", nil, "not a parameter of model spike_generator")
		}
		for k, sl := range in.Spikes {
			p := fmt.Sprintf("%s.spikes[%d]", path, k)
			if sl.Unit < 0 || sl.Unit >= in.Size {
				c.add(p+".unit", sl.Unit, "outside [0, %d)", in.Size)
			}
			for j, q := range sl.Times {
				v, _, ok := c.quantity(fmt.Sprintf("%s.times[%d]", p, j), q, true, 0, Time)
				if ok && v < 0 {
					c.add(fmt.Sprintf("%s.times[%d]", p, j), q, "must not be negative")
				}
				pl.spikes = append(pl.spikes, neuron.Spike{T: sim.FromMs(v), Unit: int32(sl.Unit)})
			}
		}
	case "":
		c.add(path+".model", nil, "missing; expected poisson or spike_generator")
	default:
		c.add(path+".model", in.Model, "unknown model; expected poisson or spike_generator")
	}
	return pl, len(c.errs) == n0
}

func (c *checker) projection(path string, pr Projection, names map[string]string, pops map[string]*popPlan, sizeOf func(string) int) (projPlan, bool) {
	n0 := len(c.errs)
	pl := projPlan{name: pr.Name, from: pr.From, to: pr.To}
	if pl.name == "" {
		pl.name = pr.From + "->" + pr.To
	}
	if _, ok := names[pr.From]; !ok {
		c.add(path+".from", pr.From, "unknown population; expected one of %v", sortedKeys(names))
	}
	target, ok := pops[pr.To]
	if !ok {
		if names[pr.To] == "inputs" {
			c.add(path+".to", pr.To, "is an input; projections must target a neuron population")
		} else {
			c.add(path+".to", pr.To, "unknown population; expected one of %v", sortedKeys(pops))
		}
	}
	cfg := &pl.cfg
	cfg.Recurrent = pr.From == pr.To
	cfg.Rule.NoAutapse = pr.Autapses != nil && !*pr.Autapses
	cfg.Rule.NoMultapse = pr.Multapses != nil && !*pr.Multapses
	used := map[string]bool{"p": pr.P != nil, "k": pr.K != nil, "pairs": pr.Pairs != nil}
	allow := map[string]bool{}
	switch pr.Rule {
	case "all_to_all":
		cfg.Rule.Kind = synapse.AllToAll
	case "one_to_one":
		cfg.Rule.Kind = synapse.OneToOne
	case "fixed_probability":
		cfg.Rule.Kind = synapse.FixedProbability
		allow["p"] = true
		if pr.P == nil {
			c.add(path+".p", nil, "missing; fixed_probability needs a connection probability p in [0, 1]")
		} else if !(*pr.P >= 0 && *pr.P <= 1) {
			c.add(path+".p", *pr.P, "probability outside [0, 1]")
		} else {
			cfg.Rule.P = *pr.P
		}
	case "fixed_in_degree":
		cfg.Rule.Kind = synapse.FixedInDegree
		allow["k"] = true
		if pr.K == nil {
			c.add(path+".k", nil, "missing; fixed_in_degree needs the number k of inputs per neuron")
		} else if *pr.K < 0 {
			c.add(path+".k", *pr.K, "must not be negative")
		} else {
			cfg.Rule.K = *pr.K
		}
	case "list":
		cfg.Rule.Kind = synapse.List
		allow["pairs"] = true
		if pr.Pairs == nil {
			c.add(path+".pairs", nil, "missing; list needs pairs = [[pre, post], ...]")
		}
		for k, p := range pr.Pairs {
			if len(p) != 2 {
				c.add(fmt.Sprintf("%s.pairs[%d]", path, k), fmt.Sprint(p), "expected a pair [pre, post]")
				break
			}
			if p[0] < 0 || p[0] > math.MaxInt32 || p[1] < 0 || p[1] > math.MaxInt32 {
				c.add(path+".pairs", fmt.Sprint(p), "neuron index out of range")
				break
			}
			cfg.Rule.Pairs = append(cfg.Rule.Pairs, [2]int32{int32(p[0]), int32(p[1])})
		}
	case "":
		c.add(path+".rule", nil, "missing; expected all_to_all, one_to_one, fixed_probability, fixed_in_degree or list")
	default:
		c.add(path+".rule", pr.Rule, "unknown rule; expected all_to_all, one_to_one, fixed_probability, fixed_in_degree or list")
	}
	for _, k := range []string{"p", "k", "pairs"} {
		if used[k] && !allow[k] && pr.Rule != "" {
			c.add(path+"."+k, nil, "not a parameter of rule %s", pr.Rule)
		}
	}

	// Weights: the receptor and the target model decide dimension and sign.
	sign := 0
	wdims := []Dim{Voltage}
	conv := same
	if target != nil {
		switch target.model {
		case "lif_exp":
			switch pr.Receptor {
			case "excitatory":
				cfg.Receptor, sign = neuron.Excitatory, 1
			case "inhibitory":
				cfg.Receptor, sign = neuron.Inhibitory, -1
			case "":
				c.add(path+".receptor", nil, "missing; target %q (lif_exp) needs excitatory or inhibitory", pr.To)
			default:
				c.add(path+".receptor", pr.Receptor, "unknown receptor; expected excitatory or inhibitory")
			}
			wdims = []Dim{Voltage, Current}
			tauM, cm := target.params.TauM, target.cm
			told := false
			conv = func(v float64, d Dim) float64 {
				if d != Current {
					return v
				}
				if cm <= 0 && !told {
					c.add(path+".weight", nil, "a current needs c_m of target population %q to convert it; give c_m there, or the weight as the voltage R*I in mV", pr.To)
					told = true
				}
				if !(tauM > 0 && cm > 0) {
					return v // tau_m or c_m missing or invalid (reported): a positive factor changes no check
				}
				return v * tauM / cm // pA * ms / pF = mV (R*I)
			}
		case "lif_cond":
			switch pr.Receptor {
			case "excitatory":
				cfg.Receptor, sign = neuron.Excitatory, 1
			case "inhibitory":
				cfg.Receptor, sign = neuron.Inhibitory, 1
			case "":
				c.add(path+".receptor", nil, "missing; target %q (lif_cond) needs excitatory or inhibitory", pr.To)
			default:
				c.add(path+".receptor", pr.Receptor, "unknown receptor; expected excitatory or inhibitory")
			}
			wdims = []Dim{Conductance}
			gl := target.gl
			conv = func(v float64, _ Dim) float64 {
				if !(gl > 0) {
					return v // g_l missing or invalid (reported)
				}
				return v / gl // in units of the leak conductance
			}
		case "lif_delta":
			if pr.Receptor != "" {
				c.add(path+".receptor", pr.Receptor, "not used by target %q (lif_delta): the sign of the weight decides", pr.To)
			}
		default: // the target's model is missing or unknown, reported already
			wdims = []Dim{Voltage, Current}
		}
	}
	w, okW := c.dist(path+".weight", pr.Weight, wdims, conv)
	if okW {
		cfg.Weight = w
		lo, hi := w.Bounds()
		switch {
		case sign > 0 && lo < 0 && target.model == "lif_cond":
			c.add(path+".weight", nil, "conductances must not be negative, inhibitory ones included (smallest possible %v nS)", lo*target.gl)
		case sign > 0 && lo < 0:
			c.add(path+".weight", nil, "excitatory weights must not be negative (smallest possible %v)", lo)
		case sign < 0 && hi > 0:
			c.add(path+".weight", nil, "inhibitory weights must not be positive (they add to a negative current; largest possible %v)", hi)
		}
	}
	if pr.Delay == nil {
		c.add(path+".delay", nil, "missing; expected a time such as \"1 ms\" (\"0 ms\" for none)")
	} else if d, ok := c.dist(path+".delay", pr.Delay, []Dim{Time}, same); ok {
		cfg.Delay = d
		lo, hi := d.Bounds()
		if lo < 0 {
			c.add(path+".delay", nil, "delays must not be negative (smallest possible %v ms); bound a normal delay with min", lo)
		}
		if !d.IsConst() && hi > synapse.MaxDelay.Ms() {
			c.add(path+".delay", nil, "per-synapse delays are limited to %v (largest possible %v ms); bound a normal delay with max", synapse.MaxDelay, hi)
		}
		// A voltage jump can make a neuron fire at the instant the input arrives; with no
		// delay and no refractory period, spikes could then beget spikes at one instant
		// without end.
		if _, whi := cfg.Weight.Bounds(); lo == 0 && okW && whi > 0 && target != nil &&
			target.model == "lif_delta" && target.params.TRef == 0 && names[pr.From] == "populations" {
			c.add(path+".delay", nil, "a zero delay onto %q, a lif_delta population without refractory period, lets spikes cause spikes at the same instant without end; give a delay or a t_ref above zero", pr.To)
		}
	}
	if pr.STDP != nil && pr.STDP.Rule == "modulated" {
		pl.mod, pl.vol = c.modulated(path+".stdp", pr.STDP, cfg, wdims, conv)
	} else if pr.STDP != nil {
		pl.stdp = c.stdp(path+".stdp", pr.STDP, cfg, wdims, conv)
	}
	if len(c.errs) > n0 || target == nil {
		return pl, false
	}
	npre := sizeOf(pr.From)
	pl.expected = synapse.Expected(cfg.Rule, npre, target.size, cfg.Recurrent)
	pl.perSyn = 4
	if !cfg.Weight.IsConst() || pl.stdp != nil || pl.mod != nil {
		pl.perSyn += 8
	}
	if pl.stdp != nil {
		pl.perSyn += 12 // column index, post spikes seen
	}
	if pl.mod != nil {
		pl.perSyn += 32 // eligibility, update times, column index
	}
	if !cfg.Delay.IsConst() {
		pl.perSyn += 4
	}
	if cfg.Rule.Kind == synapse.OneToOne && npre >= 0 && npre != target.size { // npre < 0: from is invalid, reported already
		c.add(path+".rule", pr.Rule, "one_to_one needs equal sizes, got %d and %d", npre, target.size)
	}
	c.connectivity(path, cfg.Rule, npre, target.size, cfg.Recurrent)
	return pl, len(c.errs) == n0
}

// stdp checks a projection's [stdp] table against its weights and delays.
func (c *checker) stdp(path string, s *STDP, cfg *synapse.Config, wdims []Dim, conv func(float64, Dim) float64) plasticity.STDP {
	n0 := len(c.errs)
	var preset *plasticity.Triplet
	triplet := false
	switch s.Rule {
	case "", "pair":
		if s.Volume != "" || s.TauC.Set || s.B != nil {
			c.add(path, nil, "volume, tau_c and b are parameters of rule = \"modulated\"; add rule = \"modulated\"")
		}
		if s.Preset != "" {
			c.add(path+".preset", s.Preset, "presets are triplet parameter sets; add rule = \"triplet\"")
		}
	case "triplet":
		triplet = true
		if s.Volume != "" || s.TauC.Set || s.B != nil {
			c.add(path, nil, "volume, tau_c and b are parameters of rule = \"modulated\"")
		}
		if s.Preset != "" {
			if p, ok := plasticity.TripletPresetNamed(s.Preset); ok {
				preset = &p.Rule
			} else {
				var names []string
				for _, p := range plasticity.TripletPresets() {
					names = append(names, p.Name)
				}
				c.add(path+".preset", s.Preset, "unknown preset; expected one of %v", names)
			}
		}
	default:
		c.add(path+".rule", s.Rule, "unknown rule; expected pair, triplet or modulated")
	}
	for _, k := range []struct {
		key     string
		q       Quantity
		triplet bool
	}{{"a_plus", s.APlus, false}, {"a_minus", s.AMinus, false}, {"a2_plus", s.A2Plus, true}, {"a3_plus", s.A3Plus, true},
		{"a2_minus", s.A2Minus, true}, {"a3_minus", s.A3Minus, true}, {"tau_x", s.TauX, true}, {"tau_y", s.TauY, true}} {
		if k.q.Set && k.triplet != triplet {
			rule := "pair"
			if k.triplet {
				rule = "triplet"
			}
			c.add(path+"."+k.key, k.q, "is a parameter of rule = %q", rule)
		}
	}
	r := plasticity.Triplet{}
	if preset != nil {
		r = *preset
	}
	wmaxQ := s.WMax
	var wmax float64
	if v, d, ok := c.quantity(path+".w_max", wmaxQ, true, 0, wdims...); ok {
		wmax = conv(v, d)
	}
	// amp reads an amplitude: a weight, or when a preset gives it, its value times w_max.
	amp := func(key string, q Quantity, fromPreset float64) float64 {
		v, d, ok := c.quantity(path+"."+key, q, preset == nil, 0, wdims...)
		switch {
		case !ok:
			return 0
		case !q.Set:
			return fromPreset * wmax
		}
		v = conv(v, d)
		if v < 0 {
			c.add(path+"."+key, q, "must not be negative (the sign is the rule's)")
		}
		return v
	}
	tau := func(key string, q Quantity, fromPreset float64) float64 {
		v, _, ok := c.quantity(path+"."+key, q, preset == nil, fromPreset, Time)
		if ok && q.Set && !(v > 0) {
			c.add(path+"."+key, q, "time constant must be positive")
		}
		return v
	}
	if triplet {
		r.A2Plus, r.A3Plus = amp("a2_plus", s.A2Plus, r.A2Plus), amp("a3_plus", s.A3Plus, r.A3Plus)
		r.A2Minus, r.A3Minus = amp("a2_minus", s.A2Minus, r.A2Minus), amp("a3_minus", s.A3Minus, r.A3Minus)
		r.TauX, r.TauY = tau("tau_x", s.TauX, r.TauX), tau("tau_y", s.TauY, r.TauY)
	} else {
		r.A2Plus, r.A2Minus = amp("a_plus", s.APlus, 0), amp("a_minus", s.AMinus, 0)
	}
	r.TauPlus, r.TauMinus = tau("tau_plus", s.TauPlus, r.TauPlus), tau("tau_minus", s.TauMinus, r.TauMinus)
	if !triplet {
		r.TauX, r.TauY = r.TauPlus, r.TauMinus
	}
	r.WMax = wmax
	if v, d, ok := c.quantity(path+".w_min", s.WMin, false, 0, wdims...); ok {
		r.WMin = conv(v, d)
	}
	if s.Mu != nil {
		r.Mu = *s.Mu
		if !(r.Mu >= 0 && r.Mu <= 1) {
			c.add(path+".mu", *s.Mu, "weight dependence must lie in [0, 1] (0 additive, 1 multiplicative)")
		}
	}
	switch s.Interaction {
	case "":
	case "all_to_all":
		r.Interaction = plasticity.AllToAll
	case "nearest":
		r.Interaction = plasticity.NearestSymmetric
	case "pre_centred":
		r.Interaction = plasticity.PreCentred
		if triplet {
			c.add(path+".interaction", s.Interaction, "the presynaptic-centred interaction is defined for pair STDP; use all_to_all or nearest with the triplet rule")
		}
	default:
		c.add(path+".interaction", s.Interaction, "unknown interaction; expected all_to_all, nearest or pre_centred")
	}
	c.plasticTarget(path, s, cfg, n0, r.WMin, r.WMax, r.Check)
	if triplet {
		return r
	}
	return plasticity.Pair{APlus: r.A2Plus, AMinus: r.A2Minus, TauPlus: r.TauPlus, TauMinus: r.TauMinus,
		Mu: r.Mu, WMin: r.WMin, WMax: r.WMax, Interaction: r.Interaction}
}

// modulated checks a [stdp] table with rule = "modulated" (three-factor STDP gated by a
// volume).
func (c *checker) modulated(path string, s *STDP, cfg *synapse.Config, wdims []Dim, conv func(float64, Dim) float64) (*plasticity.Modulated, string) {
	n0 := len(c.errs)
	r := &plasticity.Modulated{}
	for _, k := range []struct {
		key string
		q   Quantity
	}{{"a2_plus", s.A2Plus}, {"a3_plus", s.A3Plus}, {"a2_minus", s.A2Minus}, {"a3_minus", s.A3Minus}, {"tau_x", s.TauX}, {"tau_y", s.TauY}} {
		if k.q.Set {
			c.add(path+"."+k.key, k.q, "is a parameter of rule = \"triplet\", not of rule = \"modulated\"")
		}
	}
	if s.Preset != "" {
		c.add(path+".preset", s.Preset, "presets are triplet parameter sets; not for rule = \"modulated\"")
	}
	if s.Mu != nil {
		c.add(path+".mu", *s.Mu, "modulated STDP is additive (NEST's stdp_dopamine_synapse); remove mu")
	}
	weight := func(key string, q Quantity, required bool) float64 {
		v, d, ok := c.quantity(path+"."+key, q, required, 0, wdims...)
		if !ok {
			return 0
		}
		return conv(v, d)
	}
	tau := func(key string, q Quantity) float64 {
		v, _, ok := c.quantity(path+"."+key, q, true, 0, Time)
		if ok && !(v > 0) {
			c.add(path+"."+key, q, "time constant must be positive")
		}
		return v
	}
	r.APlus, r.AMinus = weight("a_plus", s.APlus, true), weight("a_minus", s.AMinus, true)
	for _, a := range []struct {
		key string
		q   Quantity
		v   float64
	}{{"a_plus", s.APlus, r.APlus}, {"a_minus", s.AMinus, r.AMinus}} {
		if a.v < 0 {
			c.add(path+"."+a.key, a.q, "must not be negative (the sign is the rule's)")
		}
	}
	r.TauPlus, r.TauMinus, r.TauC = tau("tau_plus", s.TauPlus), tau("tau_minus", s.TauMinus), tau("tau_c", s.TauC)
	r.WMin, r.WMax = weight("w_min", s.WMin, false), weight("w_max", s.WMax, true)
	if s.B != nil {
		r.B = *s.B
		if math.IsNaN(r.B) || math.IsInf(r.B, 0) {
			c.add(path+".b", *s.B, "baseline must be finite")
		}
	}
	switch s.Interaction {
	case "", "all_to_all":
	case "nearest":
		r.Interaction = plasticity.NearestSymmetric
	default:
		c.add(path+".interaction", s.Interaction, "expected all_to_all or nearest for rule = \"modulated\"")
	}
	if s.Volume == "" {
		c.add(path+".volume", nil, "missing; rule = \"modulated\" needs the volume that gates it, one of %v", sortedKeys(c.vols))
	} else if tn, ok := c.vols[s.Volume]; !ok {
		c.add(path+".volume", s.Volume, "unknown volume; expected one of %v (declare it under [volumes])", sortedKeys(c.vols))
	} else {
		r.TauN = tn
	}
	c.plasticTarget(path, s, cfg, n0, r.WMin, r.WMax, r.Check)
	return r, s.Volume
}

// plasticTarget checks what every STDP rule needs of its bounds and projection: 0 <=
// w_min <= w_max, excitatory synapses, one delay, initial weights within the bounds; then
// the rule's own check, when nothing was reported since n0 errors.
func (c *checker) plasticTarget(path string, s *STDP, cfg *synapse.Config, n0 int, wmin, wmax float64, check func() error) {
	switch {
	case wmin < 0:
		c.add(path+".w_min", s.WMin, "must not be negative: STDP here acts on excitatory weights")
	case !(wmax >= wmin):
		c.add(path+".w_max", s.WMax, "is below w_min")
	}
	if cfg.Receptor == neuron.Inhibitory {
		c.add(path, nil, "STDP on inhibitory projections is not available; it acts on excitatory weights")
	}
	if !cfg.Delay.IsConst() {
		c.add(path, nil, "STDP needs one delay for the whole projection, not a distribution")
	}
	if lo, hi := cfg.Weight.Bounds(); len(c.errs) == n0 && (lo < wmin || hi > wmax) {
		c.add(path, nil, "initial weights (from %v to %v) must lie within [w_min, w_max] = [%v, %v]", lo, hi, wmin, wmax)
	}
	if len(c.errs) == n0 {
		if err := check(); err != nil {
			c.add(path, nil, "%v", err)
		}
	}
}

// connectivity checks what a rule can only get wrong against the population sizes, so
// that no error waits until the synapses are drawn.
func (c *checker) connectivity(path string, r synapse.Rule, npre, npost int, recurrent bool) {
	if npre < 0 || npost <= 0 {
		return // an invalid population, reported already
	}
	noAuto := recurrent && r.NoAutapse
	switch r.Kind {
	case synapse.OneToOne:
		if noAuto {
			c.add(path+".autapses", false, "one_to_one within one population makes only autapses")
		}
	case synapse.FixedInDegree:
		avail := npre
		if noAuto {
			avail--
		}
		if r.NoMultapse && r.K > avail {
			c.add(path+".k", r.K, "exceeds the %d distinct presynaptic neurons available without multapses", avail)
		} else if r.K > 0 && avail <= 0 {
			c.add(path+".k", r.K, "no presynaptic neuron is available")
		}
	case synapse.List:
		seen := make(map[[2]int32]bool, len(r.Pairs))
		for k, p := range r.Pairs {
			pp := fmt.Sprintf("%s.pairs[%d]", path, k)
			switch {
			case int(p[0]) >= npre || int(p[1]) >= npost:
				c.add(pp, fmt.Sprint(p), "outside the %d x %d neurons", npre, npost)
				return
			case noAuto && p[0] == p[1]:
				c.add(pp, fmt.Sprint(p), "is an autapse, which is disabled")
				return
			case r.NoMultapse && seen[p]:
				c.add(pp, fmt.Sprint(p), "is listed twice, and multapses are disabled")
				return
			}
			seen[p] = true
		}
	}
}

// build allocates and wires the validated network.
func (net *Network) build(pops []popPlan, inputs []inputPlan, projs []projPlan, record map[string]bool, vols map[string]float64) error {
	e := sim.NewEngine()
	net.Engine = e
	volumes := map[string]*synapse.Volume{}
	net.volIndex = map[string]int32{}
	for _, name := range sortedKeys(vols) {
		v, err := synapse.NewVolume(vols[name])
		if err != nil {
			return fmt.Errorf("volumes.%s: %w", name, err)
		}
		volumes[name] = v
		net.Volumes = append(net.Volumes, name)
		net.volIndex[name] = e.AddVolume(name, v)
	}
	targets := map[string]synapse.Target{}
	index := map[string]int32{}
	for _, p := range pops {
		r := sim.Stream(net.Seed, "init/"+p.name)
		v0 := make([]float64, p.size)
		for i := range v0 {
			v0[i] = p.vinit.Draw(r)
		}
		g := Group{Name: p.name, Size: p.size, Model: p.model, Record: record[p.name]}
		switch p.model {
		case "lif_exp":
			l, err := neuron.NewLIFExp(p.params, v0)
			if err != nil {
				return fmt.Errorf("populations.%s: %w", p.name, err)
			}
			targets[p.name], index[p.name] = l, e.AddNeurons(p.name, l)
			g.V = l.V
			g.Vars = map[string]func(int, sim.Time) float64{"v": l.V,
				"ie": func(i int, t sim.Time) float64 { ie, _ := l.Currents(i, t); return ie },
				"ii": func(i int, t sim.Time) float64 { _, ii := l.Currents(i, t); return ii }}
		case "lif_cond":
			l, err := neuron.NewLIFCond(p.params, p.cond, v0)
			if err != nil {
				return fmt.Errorf("populations.%s: %w", p.name, err)
			}
			targets[p.name], index[p.name] = l, e.AddNeurons(p.name, l)
			g.V = l.V
			gl := p.gl
			g.Vars = map[string]func(int, sim.Time) float64{"v": l.V,
				"ge": func(i int, t sim.Time) float64 { ge, _ := l.Conductances(i, t); return ge * gl },
				"gi": func(i int, t sim.Time) float64 { _, gi := l.Conductances(i, t); return gi * gl }}
		default:
			l, err := neuron.NewLIFDelta(p.params, v0)
			if err != nil {
				return fmt.Errorf("populations.%s: %w", p.name, err)
			}
			targets[p.name], index[p.name] = l, e.AddNeurons(p.name, l)
			g.V = l.V
			g.Vars = map[string]func(int, sim.Time) float64{"v": l.V}
		}
		net.Groups = append(net.Groups, g)
	}
	for _, in := range inputs {
		var src sim.Source
		var err error
		if in.model == "poisson" {
			src, err = neuron.NewPoisson(in.size, in.rates, sim.PCG(net.Seed, "poisson/"+in.name))
		} else {
			src, err = neuron.NewGenerator(in.size, in.spikes)
		}
		if err != nil {
			return fmt.Errorf("inputs.%s: %w", in.name, err)
		}
		index[in.name] = e.AddSource(in.name, src)
		net.Groups = append(net.Groups, Group{Name: in.name, Size: in.size, Model: in.model, Input: true, Record: record[in.name]})
	}
	for k, p := range projs {
		rs := synapse.Streams{
			Connect: sim.Stream(net.Seed, "connect/"+p.name),
			Weight:  sim.Stream(net.Seed, "weight/"+p.name),
			Delay:   sim.Stream(net.Seed, "delay/"+p.name),
		}
		npre := net.Groups[index[p.from]].Size
		proj, err := synapse.Build(npre, targets[p.to], p.cfg, rs)
		if err != nil {
			return fmt.Errorf("projections[%d] (%s): %w", k, p.name, err)
		}
		bp := BuiltProjection{Name: p.name, From: p.from, To: p.to, P: proj, Unit: "mV", Scale: 1}
		for _, q := range pops {
			if q.name == p.to && q.model == "lif_cond" {
				bp.Unit, bp.Scale = "nS", q.gl
			}
		}
		net.Projections = append(net.Projections, bp)
		net.Synapses += int64(proj.Len())
		if p.mod != nil {
			mp, err := synapse.NewModPlastic(proj, *p.mod, volumes[p.vol], net.volIndex[p.vol])
			if err != nil {
				return fmt.Errorf("projections[%d] (%s): %w", k, p.name, err)
			}
			net.SynapseBytes += mp.Bytes()
			net.Projections[len(net.Projections)-1].Modulated = mp
			e.Connect(index[p.from], index[p.to], mp)
			e.Listen(net.volIndex[p.vol], mp)
			continue
		}
		if p.stdp != nil {
			pl, err := synapse.NewPlastic(proj, p.stdp)
			if err != nil {
				return fmt.Errorf("projections[%d] (%s): %w", k, p.name, err)
			}
			net.SynapseBytes += pl.Bytes()
			net.Projections[len(net.Projections)-1].Plastic = pl
			e.Connect(index[p.from], index[p.to], pl)
			continue
		}
		net.SynapseBytes += proj.Bytes()
		e.Connect(index[p.from], index[p.to], proj)
	}
	return nil
}

// rewards schedules the fixed rewards and installs the triggers.
func (net *Network) rewards(rs []rewardPlan) error {
	e := net.Engine
	groups := map[string]int32{}
	for k, g := range net.Groups {
		groups[g.Name] = int32(k)
	}
	for k, r := range rs {
		vi := net.volIndex[r.vol]
		for _, t := range r.times {
			if err := e.Reward(vi, t, r.amount); err != nil {
				return fmt.Errorf("rewards[%d]: %w", k, err)
			}
		}
		if !r.when {
			continue
		}
		purpose := fmt.Sprintf("reward/%d", k)
		pcg := sim.PCG(net.Seed, purpose)
		tr := &pairTrigger{e: e, vol: vi, amount: r.amount, preG: groups[r.pre.pop], preI: r.pre.i,
			postG: groups[r.post.pop], postI: r.post.i, within: r.within, delay: r.delay, pcg: pcg, r: rand.New(pcg)}
		e.Observe(tr)
		e.AddState(purpose, tr)
	}
	return nil
}
