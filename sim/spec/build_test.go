package spec_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"snn/examples"
	"snn/sim"
	"snn/sim/spec"
	"snn/synapse"
)

// minimal is a valid spec using every section; each bad-input case breaks one thing.
const minimal = `name = "mini"
seed = 7
duration = "100 ms"

[populations.exc]
model = "lif_exp"
size = 20
tau_m = "20 ms"
e_l = "-65 mV"
v_th = "-50 mV"
v_reset = "-70 mV"
t_ref = "2 ms"
tau_e = "5 ms"
tau_i = "10 ms"
c_m = "250 pF"
v_init = { uniform = ["-70 mV", "-50 mV"] }

[populations.inh]
model = "lif_delta"
size = 10
tau_m = "10 ms"
e_l = "-60 mV"
v_th = "-45 mV"
v_reset = "-62 mV"

[inputs.drive]
model = "poisson"
size = 5
rate = "20 Hz"

[inputs.gen]
model = "spike_generator"
size = 2
spikes = [{ unit = 1, times = ["1 ms", "2 ms"] }]

[[projections]]
name = "drive_exc"
from = "drive"
to = "exc"
receptor = "excitatory"
rule = "fixed_probability"
p = 0.5
weight = "1 mV"
delay = "1 ms"

[[projections]]
from = "exc"
to = "inh"
rule = "fixed_in_degree"
k = 3
multapses = false
weight = { uniform = ["0.1 mV", "0.2 mV"] }
delay = "0.5 ms"

[[projections]]
from = "inh"
to = "exc"
receptor = "inhibitory"
rule = "all_to_all"
weight = "-30 pA"
delay = { normal = { mean = "1.5 ms", sd = "0.5 ms", min = "0.5 ms", max = "3 ms" } }

[[projections]]
from = "gen"
to = "inh"
rule = "list"
pairs = [[0, 1], [1, 9]]
weight = "2 mV"
delay = "0 ms"

[record]
spikes = ["exc", "inh", "gen"]
`

// edit replaces old, which must occur exactly once in src, by new; an empty old appends.
func edit(t *testing.T, src, old, new string) string {
	t.Helper()
	if old == "" {
		return src + new
	}
	if n := strings.Count(src, old); n != 1 {
		t.Fatalf("%q occurs %d times in the spec", old, n)
	}
	return strings.Replace(src, old, new, 1)
}

func decodeBuild(src string, opt spec.Options) (*spec.Network, error) {
	s, err := spec.Decode("mini.toml", []byte(src))
	if err != nil {
		return nil, err
	}
	return spec.Build(s, opt)
}

// lineOf returns the 1-based line of the first occurrence of s in src.
func lineOf(src, s string) int { return strings.Count(src[:strings.Index(src, s)], "\n") + 1 }

func TestMinimalBuilds(t *testing.T) {
	net, err := decodeBuild(minimal, spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if net.Name != "mini" || net.Seed != 7 || net.Duration != 100*sim.Millisecond {
		t.Errorf("name %q seed %d duration %v", net.Name, net.Seed, net.Duration)
	}
	// Neuron populations sorted by name, then inputs sorted by name; inputs recorded
	// only when listed.
	want := []struct {
		name  string
		size  int
		input bool
		rec   bool
	}{{"exc", 20, false, true}, {"inh", 10, false, true}, {"drive", 5, true, false}, {"gen", 2, true, true}}
	if len(net.Groups) != len(want) || net.Engine.Groups() != len(want) {
		t.Fatalf("%d groups, engine %d, want %d", len(net.Groups), net.Engine.Groups(), len(want))
	}
	for g, w := range want {
		gr := net.Groups[g]
		name, size := net.Engine.Group(int32(g))
		if gr.Name != w.name || gr.Size != w.size || gr.Input != w.input || gr.Record != w.rec || name != w.name || size != w.size {
			t.Errorf("group %d: %+v (engine %q, %d), want %+v", g, gr, name, size, w)
		}
	}
}

// TestBadInput breaks the minimal spec one way at a time; the error must hold the key
// path, the value and what was expected.
func TestBadInput(t *testing.T) {
	typo := lineOf(minimal, `t_ref = "2 ms"`)
	for _, tc := range []struct {
		name     string
		old, new string
		want     []string
	}{
		// quantities
		{"missing unit", `tau_m = "20 ms"`, `tau_m = "20"`, []string{`populations.exc.tau_m = "20"`, "missing unit", `expected a time such as "20 ms"`}},
		{"bare TOML number", `t_ref = "2 ms"`, `t_ref = 2`, []string{`populations.exc.t_ref = "2"`, "missing unit", "time"}},
		{"wrong dimension", `v_th = "-50 mV"`, `v_th = "-50 ms"`, []string{`populations.exc.v_th = "-50 ms"`, "ms is a unit of time", `expected a voltage such as "-65 mV"`}},
		{"unknown unit", `e_l = "-65 mV"`, `e_l = "-65 mv"`, []string{`populations.exc.e_l = "-65 mv"`, `unknown unit "mv"`, "voltage"}},
		{"overflow in base unit", `e_l = "-65 mV"`, `e_l = "-1e308 V"`, []string{`populations.exc.e_l = "-1e308 V"`, "out of range"}},
		{"duration too long", `duration = "100 ms"`, `duration = "1e300 h"`, []string{`duration = "1e300 h"`, "beyond the longest time"}},
		{"duration zero", `duration = "100 ms"`, `duration = "0 s"`, []string{`duration = "0 s"`, "must be positive"}},
		{"negative time constant", `tau_m = "20 ms"`, `tau_m = "-20 ms"`, []string{`populations.exc.tau_m = "-20 ms"`, "time constant must be positive"}},
		{"negative synaptic time constant", `tau_i = "10 ms"`, `tau_i = "-10 ms"`, []string{`populations.exc.tau_i = "-10 ms"`, "must be positive"}},
		{"negative refractory period", `t_ref = "2 ms"`, `t_ref = "-2 ms"`, []string{`populations.exc.t_ref = "-2 ms"`, "must not be negative"}},
		{"v_reset at v_th", `v_reset = "-70 mV"`, `v_reset = "-50 mV"`, []string{`populations.exc.v_reset = "-50 mV"`, `must be below v_th = "-50 mV"`}},
		{"v_reset above v_th", `v_reset = "-62 mV"`, `v_reset = "-40 mV"`, []string{`populations.inh.v_reset = "-40 mV"`, `must be below v_th = "-45 mV"`}},
		{"tau_e equal to tau_m", `tau_e = "5 ms"`, `tau_e = "20 ms"`, []string{`populations.exc.tau_e = "20 ms"`, "equals tau_m", "different from the membrane's"}},
		{"tau_i equal to tau_m in other units", `tau_i = "10 ms"`, `tau_i = "0.02 s"`, []string{`populations.exc.tau_i = "0.02 s"`, "equals tau_m"}},
		{"tau_e on lif_delta", `v_reset = "-62 mV"`, `v_reset = "-62 mV"` + "\ntau_e = \"5 ms\"", []string{`populations.inh.tau_e = "5 ms"`, "not a parameter of model lif_delta"}},
		// The second line is about the weight in pA that c_m was to convert.
		{"negative capacitance", `c_m = "250 pF"`, `c_m = "-250 pF"`, []string{`populations.exc.c_m = "-250 pF"`, "capacitance must be positive", `projections[2].weight: a current needs c_m of target population "exc"`}},
		{"bias current without c_m", `v_reset = "-62 mV"`, `v_reset = "-62 mV"` + "\ni_bias = \"10 pA\"", []string{`populations.inh.i_bias = "10 pA"`, "needs the population's c_m"}},
		{"bias of wrong dimension", `c_m = "250 pF"`, `c_m = "250 pF"` + "\ni_bias = \"1 nS\"", []string{`populations.exc.i_bias = "1 nS"`, "nS is a unit of conductance", "a current", "or a voltage"}},
		{"v_init normal with a sliver of mass", `v_init = { uniform = ["-70 mV", "-50 mV"] }`, `v_init = { normal = { mean = "-60 mV", sd = "1 mV", min = "-60 mV", max = "-59.999999 mV" } }`, []string{"populations.exc.v_init.normal", "of the mass", "at least 0.001"}},
		{"v_init normal far from bounds", `v_init = { uniform = ["-70 mV", "-50 mV"] }`, `v_init = { normal = { mean = "0 mV", sd = "1 mV", min = "-70 mV", max = "-50 mV" } }`, []string{"populations.exc.v_init.normal", "of the mass"}},

		// missing keys and wrong TOML types
		{"missing e_l", `e_l = "-65 mV"` + "\n", "", []string{"populations.exc.e_l: missing", `a voltage such as "-65 mV"`}},
		{"missing model", `model = "lif_delta"` + "\n", "", []string{"populations.inh.model: missing", "lif_exp, lif_delta or lif_cond"}},
		{"missing size", "size = 10\n", "", []string{"populations.inh.size = 0", "must be a positive number of neurons"}},
		{"missing tau_e", `tau_e = "5 ms"` + "\n", "", []string{"populations.exc.tau_e: missing", "time"}},
		{"missing duration", `duration = "100 ms"` + "\n", "", []string{"duration: missing", `a time such as "20 ms"`}},
		{"missing rule", `rule = "all_to_all"` + "\n", "", []string{"projections[2].rule: missing", "all_to_all, one_to_one, fixed_probability, fixed_in_degree or list"}},
		{"missing delay", `delay = "1 ms"` + "\n", "", []string{"projections[0].delay: missing", `"1 ms"`}},
		{"missing weight", `weight = "2 mV"` + "\n", "", []string{"projections[3].weight: missing", "voltage"}},
		{"missing p", "p = 0.5\n", "", []string{"projections[0].p: missing", "probability p in [0, 1]"}},
		{"missing k", "k = 3\n", "", []string{"projections[1].k: missing", "number k"}},
		{"missing pairs", "pairs = [[0, 1], [1, 9]]\n", "", []string{"projections[3].pairs: missing", "pairs = [[pre, post], ...]"}},
		{"typo'd key", `t_ref = "2 ms"`, `t_rf = "2 ms"`, []string{fmt.Sprintf("mini.toml:%d:1: populations.exc.t_rf: unknown key", typo)}},
		{"typo'd key in projection", `multapses = false`, `multapse = false`, []string{fmt.Sprintf("mini.toml:%d:1: projections.multapse: unknown key", lineOf(minimal, "multapses"))}},
		// go-toml drops the array from the key path of a table in an array ("inputs.gen.at",
		// not "inputs.gen.spikes[0].at"); the line and column point at the key.
		{"unknown key in inline table", `unit = 1,`, `unit = 1, at = 3,`, []string{fmt.Sprintf("mini.toml:%d:23:", lineOf(minimal, "unit = 1")), "at: unknown key"}},
		{"string for integer", "size = 20\n", "size = \"20\"\n", []string{"mini.toml:", "populations.exc.size", "expected an integer, got a TOML string"}},
		{"float for integer", "k = 3\n", "k = 3.5\n", []string{"mini.toml:", "projections.k", "expected an integer, got a TOML float"}},
		{"integer for bool", "multapses = false", "multapses = 0", []string{"mini.toml:", "projections.multapses", "expected true or false, got a TOML integer"}},
		{"string for probability", "p = 0.5", `p = "0.5"`, []string{"mini.toml:", "projections.p", "expected a number, got a TOML string"}},
		{"number for weight", `weight = "1 mV"`, `weight = 1`, []string{"projections[0].weight = 1", `expected a quantity with its unit, such as "-65 mV"`}},
		{"float in pairs", "pairs = [[0, 1], [1, 9]]", "pairs = [[0, 1.5]]", []string{"mini.toml:", "projections.pairs", "expected an integer, got a TOML float"}},
		{"string for record", `spikes = ["exc", "inh", "gen"]`, `spikes = "exc"`, []string{"mini.toml:", "record.spikes"}},
		{"negative seed", "seed = 7", "seed = -7", []string{"seed = -7", "must not be negative"}},

		// models and names
		{"unknown model", `model = "lif_exp"`, `model = "izhikevich"`, []string{`populations.exc.model = "izhikevich"`, "unknown model", "lif_exp, lif_delta or lif_cond"}},
		{"unknown input model", `model = "poisson"`, `model = "gamma"`, []string{`inputs.drive.model = "gamma"`, "poisson or spike_generator"}},
		{"input named like a population", "", "\n[inputs.exc]\nmodel = \"poisson\"\nsize = 1\nrate = \"1 Hz\"\n", []string{"inputs.exc", "name already used by a population"}},

		// inputs
		{"poisson without rate", `rate = "20 Hz"` + "\n", "", []string{"inputs.drive.rate: missing", `a rate such as "15 Hz"`}},
		{"negative rate", `rate = "20 Hz"`, `rate = "-20 Hz"`, []string{`inputs.drive.rate = "-20 Hz"`, "must not be negative"}},
		{"rate in ms", `rate = "20 Hz"`, `rate = "20 ms"`, []string{`inputs.drive.rate = "20 ms"`, "ms is a unit of time", "rate"}},
		{"rate and rates", `rate = "20 Hz"`, `rate = "20 Hz"` + "\nrates = [{ from = \"0 ms\", rate = \"5 Hz\" }]", []string{"inputs.drive.rates", "either rate or rates"}},
		{"rates not from 0", `rate = "20 Hz"`, `rates = [{ from = "1 ms", rate = "5 Hz" }]`, []string{`inputs.drive.rates[0].from = "1 ms"`, `must start at "0 ms"`}},
		{"rates not increasing", `rate = "20 Hz"`, `rates = [{ from = "0 ms", rate = "5 Hz" }, { from = "0 s", rate = "6 Hz" }]`, []string{`inputs.drive.rates[1].from = "0 s"`, "later than the previous step"}},
		{"generator unit out of range", "unit = 1,", "unit = 2,", []string{"inputs.gen.spikes[0].unit = 2", "outside [0, 2)"}},
		{"generator unit negative", "unit = 1,", "unit = -1,", []string{"inputs.gen.spikes[0].unit = -1", "outside [0, 2)"}},
		{"generator negative time", `times = ["1 ms", "2 ms"]`, `times = ["1 ms", "-2 ms"]`, []string{`inputs.gen.spikes[0].times[1] = "-2 ms"`, "must not be negative"}},
		{"generator with rate", `spikes = [{`, `rate = "1 Hz"` + "\nspikes = [{", []string{"inputs.gen.rate", "not a parameter of model spike_generator"}},

		// projections
		{"p above 1", "p = 0.5", "p = 1.5", []string{"projections[0].p = 1.5", "probability outside [0, 1]"}},
		{"p negative", "p = 0.5", "p = -0.01", []string{"projections[0].p = -0.01", "outside [0, 1]"}},
		{"p nan", "p = 0.5", "p = nan", []string{"projections[0].p = NaN", "outside [0, 1]"}},
		{"p inf", "p = 0.5", "p = inf", []string{"projections[0].p = +Inf", "outside [0, 1]"}},
		{"p on all_to_all", `rule = "all_to_all"`, `rule = "all_to_all"` + "\np = 0.1", []string{"projections[2].p", "not a parameter of rule all_to_all"}},
		{"k negative", "k = 3\n", "k = -3\n", []string{"projections[1].k = -3", "must not be negative"}},
		{"unknown rule", `rule = "all_to_all"`, `rule = "random"`, []string{`projections[2].rule = "random"`, "unknown rule", "fixed_probability"}},
		{"one_to_one sizes", "rule = \"fixed_in_degree\"\nk = 3\n", "rule = \"one_to_one\"\n", []string{`projections[1].rule = "one_to_one"`, "equal sizes", "20 and 10"}},
		{"pair too short", "pairs = [[0, 1], [1, 9]]", "pairs = [[0, 1], [1]]", []string{`projections[3].pairs[1] = "[1]"`, "expected a pair [pre, post]"}},
		{"pair too long", "pairs = [[0, 1], [1, 9]]", "pairs = [[0, 1, 2]]", []string{`projections[3].pairs[0] = "[0 1 2]"`, "expected a pair [pre, post]"}},
		{"pair negative", "pairs = [[0, 1], [1, 9]]", "pairs = [[0, -1]]", []string{`projections[3].pairs = "[0 -1]"`, "neuron index out of range"}},
		{"unknown from", `from = "drive"`, `from = "drvie"`, []string{`projections[0].from = "drvie"`, "unknown population", "expected one of [drive exc gen inh]"}},
		{"unknown to", "from = \"gen\"\nto = \"inh\"", "from = \"gen\"\nto = \"inhh\"", []string{`projections[3].to = "inhh"`, "unknown population", "expected one of [exc inh]"}},
		{"input as target", "from = \"gen\"\nto = \"inh\"", "from = \"gen\"\nto = \"drive\"", []string{`projections[3].to = "drive"`, "is an input", "must target a neuron population"}},
		{"receptor missing on lif_exp", `receptor = "excitatory"` + "\n", "", []string{"projections[0].receptor: missing", `target "exc" (lif_exp) needs excitatory or inhibitory`}},
		{"unknown receptor", `receptor = "excitatory"`, `receptor = "exc"`, []string{`projections[0].receptor = "exc"`, "unknown receptor", "excitatory or inhibitory"}},
		{"receptor on lif_delta", "rule = \"fixed_in_degree\"", "receptor = \"excitatory\"\nrule = \"fixed_in_degree\"", []string{`projections[1].receptor = "excitatory"`, `not used by target "inh" (lif_delta)`}},
		{"excitatory weight negative", `weight = "1 mV"`, `weight = "-1 mV"`, []string{"projections[0].weight", "excitatory weights must not be negative", "smallest possible -1"}},
		{"excitatory weight distribution negative", `weight = "1 mV"`, `weight = { uniform = ["-0.5 mV", "1 mV"] }`, []string{"projections[0].weight", "excitatory weights must not be negative", "smallest possible -0.5"}},
		{"excitatory weight normal unbounded", `weight = "1 mV"`, `weight = { normal = { mean = "1 mV", sd = "0.1 mV" } }`, []string{"projections[0].weight", "must not be negative", "-Inf"}},
		// -30 pA becomes -30 pA * 20 ms / 250 pF = -2.4 mV; +30 pA +2.4 mV.
		{"inhibitory weight positive", `weight = "-30 pA"`, `weight = "30 pA"`, []string{"projections[2].weight", "inhibitory weights must not be positive", "largest possible 2.4"}},
		{"current weight on lif_delta", `weight = { uniform = ["0.1 mV", "0.2 mV"] }`, `weight = "10 pA"`, []string{`projections[1].weight = "10 pA"`, "pA is a unit of current", "expected a voltage"}},
		{"zero delay onto lif_delta without t_ref", `delay = "0.5 ms"`, `delay = "0 ms"`, []string{"projections[1].delay", "zero delay onto \"inh\"", "without refractory period"}},
		{"negative delay", `delay = "1 ms"`, `delay = "-1 ms"`, []string{"projections[0].delay", "delays must not be negative", "smallest possible -1 ms"}},
		{"normal delay without min", `, min = "0.5 ms",`, `,`, []string{"projections[2].delay", "must not be negative", "-Inf", "bound a normal delay with min"}},
		{"delay too long per synapse", `delay = { normal = { mean = "1.5 ms", sd = "0.5 ms", min = "0.5 ms", max = "3 ms" } }`, `delay = { uniform = ["1 s", "5 s"] }`, []string{"projections[2].delay", "per-synapse delays are limited to 4294.96", "largest possible 5000"}},
		{"delay of wrong dimension", `delay = "0.5 ms"`, `delay = "0.5 mV"`, []string{`projections[1].delay = "0.5 mV"`, "mV is a unit of voltage", "expected a time"}},
		{"normal with unknown key", `min = "0.5 ms"`, `minimum = "0.5 ms"`, []string{"projections[2].delay.normal.minimum", "unknown key", "mean, sd, min or max"}},
		{"normal without sd", `sd = "0.5 ms", `, "", []string{"projections[2].delay.normal.sd: missing"}},
		{"normal with negative sd", `sd = "0.5 ms"`, `sd = "-0.5 ms"`, []string{"projections[2].delay.normal", "deviation not negative"}},
		{"normal as a list", `delay = { normal = { mean = "1.5 ms", sd = "0.5 ms", min = "0.5 ms", max = "3 ms" } }`, `delay = { normal = ["1 ms", "2 ms"] }`, []string{"projections[2].delay.normal", "expected a table { mean, sd, min, max }"}},
		{"unknown distribution", `weight = { uniform = ["0.1 mV", "0.2 mV"] }`, `weight = { gamma = ["0.1 mV", "0.2 mV"] }`, []string{"projections[1].weight.gamma", "unknown distribution", "uniform or normal"}},
		{"two distributions", `weight = { uniform = ["0.1 mV", "0.2 mV"] }`, `weight = { uniform = ["0.1 mV", "0.2 mV"], normal = { mean = "1 mV", sd = "1 mV" } }`, []string{"projections[1].weight", "expected one of uniform"}},
		{"uniform reversed", `weight = { uniform = ["0.1 mV", "0.2 mV"] }`, `weight = { uniform = ["0.2 mV", "0.1 mV"] }`, []string{"projections[1].weight.uniform", "upper bound below lower bound"}},
		{"uniform one bound", `weight = { uniform = ["0.1 mV", "0.2 mV"] }`, `weight = { uniform = ["0.1 mV"] }`, []string{"projections[1].weight.uniform", "expected two quantities [lo, hi]"}},
		{"uniform bound without unit", `weight = { uniform = ["0.1 mV", "0.2 mV"] }`, `weight = { uniform = ["0.1 mV", 0.2] }`, []string{"projections[1].weight.uniform[1] = 0.2", "expected a quantity with its unit"}},
		{"duplicate projection names", "from = \"gen\"", "name = \"drive_exc\"\nfrom = \"gen\"", []string{`projections[3].name = "drive_exc"`, "already the name of projections[0]"}},
		{"duplicate default names", "", "\n[[projections]]\nfrom = \"exc\"\nto = \"inh\"\nrule = \"all_to_all\"\nweight = \"1 mV\"\ndelay = \"1 ms\"\n",
			[]string{`projections[4].name = "exc->inh"`, "already the name of projections[1]", "give each projection"}},
		{"record unknown population", `spikes = ["exc", "inh", "gen"]`, `spikes = ["exc", "ihn"]`, []string{`record.spikes[1] = "ihn"`, "unknown population", "expected one of [drive exc gen inh]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := edit(t, minimal, tc.old, tc.new)
			net, err := decodeBuild(src, spec.Options{})
			if err == nil {
				t.Fatalf("built %d groups, want an error", len(net.Groups))
			}
			var es *spec.Errors
			if !errors.As(err, &es) {
				t.Errorf("error %T is not *spec.Errors", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n\t%s\ndoes not contain %q", strings.ReplaceAll(err.Error(), "\n", "\n\t"), w)
				}
			}
			// One break, one line: no cascade of follow-up errors.
			if lines := strings.Count(strings.Join(tc.want, " "), "projections[2].weight: a current"); es != nil && len(es.List) != 1+lines {
				t.Errorf("%d error lines for one break:\n\t%s", len(es.List), strings.Join(es.List, "\n\t"))
			}
		})
	}
}

// TestNoPopulations: a spec without neurons is refused.
func TestNoPopulations(t *testing.T) {
	_, err := decodeBuild(`duration = "1 s"`, spec.Options{})
	if err == nil || !strings.Contains(err.Error(), "populations: missing; a network needs at least one neuron population") {
		t.Errorf("error %v", err)
	}
}

// TestAllErrorsTogether breaks five sections at once and expects five lines, in the
// order of the spec's sections.
func TestAllErrorsTogether(t *testing.T) {
	src := minimal
	for _, e := range [][2]string{
		{`tau_m = "20 ms"`, `tau_m = "20"`},
		{`rate = "20 Hz"`, `rate = "20 ms"`},
		{"p = 0.5", "p = 2"},
		{`delay = "0 ms"`, `delay = "-1 ms"`},
		{`spikes = ["exc", "inh", "gen"]`, `spikes = ["exc", "nope"]`},
	} {
		src = edit(t, src, e[0], e[1])
	}
	_, err := decodeBuild(src, spec.Options{})
	var es *spec.Errors
	if !errors.As(err, &es) {
		t.Fatalf("error %v, want *spec.Errors", err)
	}
	want := []string{"populations.exc.tau_m", "inputs.drive.rate", "projections[0].p", "projections[3].delay", "record.spikes[1]"}
	if len(es.List) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(es.List), len(want), err)
	}
	for k, w := range want {
		if !strings.HasPrefix(es.List[k], w) {
			t.Errorf("line %d = %q, want it to start with %q", k, es.List[k], w)
		}
	}
	// Unknown keys are all reported too, each with its line.
	src = edit(t, edit(t, minimal, `t_ref = "2 ms"`, `t_rf = "2 ms"`), "multapses = false", "multapse = false")
	_, err = decodeBuild(src, spec.Options{})
	for _, w := range []string{"populations.exc.t_rf: unknown key", "projections.multapse: unknown key"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not contain %q", err, w)
		}
	}
}

// TestInvalidPopulationNoCascade: projections onto or from a population or input that
// is itself invalid report nothing more than what is wrong with them.
func TestInvalidPopulationNoCascade(t *testing.T) {
	oneToOne := "\n[[projections]]\nname = \"one\"\nfrom = \"gen\"\nto = \"inh\"\nrule = \"one_to_one\"\nweight = \"1 mV\"\ndelay = \"1 ms\"\n"
	for _, tc := range []struct {
		name  string
		edits [][2]string
		want  string
	}{
		// inh->exc carries "-30 pA", converted with exc's tau_m and c_m.
		{"target tau_m", [][2]string{{`tau_m = "20 ms"`, `tau_m = "20"`}}, "populations.exc.tau_m"},
		{"target tau_m negative", [][2]string{{`tau_m = "20 ms"`, `tau_m = "-20 ms"`}}, "populations.exc.tau_m"},
		{"target model unknown", [][2]string{{`model = "lif_exp"`, `model = "lif-exp"`}}, "populations.exc.model"},
		{"target model missing", [][2]string{{`model = "lif_exp"` + "\n", ""}}, "populations.exc.model"},
		{"target size", [][2]string{{"size = 10\n", "size = -10\n"}}, "populations.inh.size"},
		{"source input", [][2]string{{`rate = "20 Hz"` + "\n", ""}}, "inputs.drive.rate"},
		// While gen is invalid its size is unknown to the one_to_one check.
		{"one_to_one from invalid input", [][2]string{{"", oneToOne}, {`model = "spike_generator"`, `model = "spike_gen"`}}, "inputs.gen.model"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := minimal
			for _, e := range tc.edits {
				src = edit(t, src, e[0], e[1])
			}
			_, err := decodeBuild(src, spec.Options{})
			var es *spec.Errors
			if !errors.As(err, &es) || len(es.List) != 1 || !strings.HasPrefix(es.List[0], tc.want) {
				t.Errorf("error\n\t%v\nwant one line about %s", strings.ReplaceAll(fmt.Sprint(err), "\n", "\n\t"), tc.want)
			}
		})
	}
	// With gen valid the one_to_one sizes are checked: 2 and 10.
	_, err := decodeBuild(minimal+oneToOne, spec.Options{})
	if err == nil || !strings.Contains(err.Error(), `projections[4].rule = "one_to_one": one_to_one needs equal sizes, got 2 and 10`) {
		t.Errorf("error %v", err)
	}
}

// TestMemoryLimit checks the estimate against a hand count and the refusal message.
// minimal: 30 neurons × 80 B = 2400; drive_exc 0.5 × 5 × 20 = 50 synapses × 4 B + 6
// rows × 8 B = 248; exc->inh 3 × 10 = 30 × (4 + 8 weight) + 21 × 8 = 528; inh->exc
// 200 × (4 + 4 delay) + 11 × 8 = 1688; gen->inh 2 × 4 + 3 × 8 = 32. Total 4896 B.
func TestMemoryLimit(t *testing.T) {
	const est = 4896
	net, err := decodeBuild(minimal, spec.Options{MemoryLimit: est})
	if err != nil {
		t.Fatalf("refused at its own estimate: %v", err)
	}
	if net.EstimatedBytes != est {
		t.Errorf("EstimatedBytes = %d, want %d", net.EstimatedBytes, est)
	}
	_, err = decodeBuild(minimal, spec.Options{MemoryLimit: est - 1})
	if err == nil {
		t.Fatal("built above the memory limit")
	}
	for _, w := range []string{"network too large", "estimated " + spec.FormatBytes(est), "(282 synapses, 30 neurons)", "exceeds the " + spec.FormatBytes(est-1)} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	// A large network is refused before anything is allocated (this one would need
	// 10^10 synapses, 40 GB).
	big := edit(t, edit(t, minimal, "size = 20\n", "size = 100000\n"), "p = 0.5", "p = 1")
	big = edit(t, big, "size = 5\n", "size = 100000\n")
	_, err = decodeBuild(big, spec.Options{MemoryLimit: 64 << 20})
	if err == nil || !strings.Contains(err.Error(), "network too large: an estimated 3") || !strings.Contains(err.Error(), "GiB") {
		t.Errorf("error %v", err)
	}
}

func TestFormatBytes(t *testing.T) {
	for _, tc := range []struct {
		b    int64
		want string
	}{{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {4896, "4.8 KiB"}, {64 << 20, "64.0 MiB"}, {3 << 30, "3.0 GiB"}, {5 << 40, "5.0 TiB"}, {1 << 60, "1048576.0 TiB"}} {
		if got := spec.FormatBytes(tc.b); got != tc.want {
			t.Errorf("FormatBytes(%d) = %q, want %q", tc.b, got, tc.want)
		}
	}
}

// TestExamplesBuild builds every built-in example and checks its synapse count against
// the sum of its projections' expected counts: 5 sd of the binomial, sqrt(Σ m p (1-p)),
// bounds the fixed_probability ones (the others are exact).
func TestExamplesBuild(t *testing.T) {
	names := examples.Names()
	if len(names) == 0 {
		t.Fatal("no examples")
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			b, ok := examples.Get(name)
			if !ok {
				t.Fatalf("Get(%q) failed", name)
			}
			s, err := spec.Decode(name+".toml", b)
			if err != nil {
				t.Fatal(err)
			}
			net, err := spec.Build(s, spec.Options{MemoryLimit: 1 << 30})
			if err != nil {
				t.Fatal(err)
			}
			if net.Duration <= 0 || len(net.Groups) != net.Engine.Groups() {
				t.Errorf("duration %v, %d groups, engine %d", net.Duration, len(net.Groups), net.Engine.Groups())
			}
			size := map[string]int{}
			for _, g := range net.Groups {
				size[g.Name] = g.Size
			}
			mean, variance := 0.0, 0.0
			for _, p := range s.Projections {
				m := float64(size[p.From]) * float64(size[p.To])
				switch p.Rule {
				case "fixed_probability":
					if p.Autapses != nil && !*p.Autapses && p.From == p.To {
						m -= float64(size[p.From])
					}
					mean += m * *p.P
					variance += m * *p.P * (1 - *p.P)
				case "fixed_in_degree":
					mean += float64(*p.K * size[p.To])
				case "all_to_all":
					mean += m
				case "one_to_one":
					mean += float64(size[p.To])
				case "list":
					mean += float64(len(p.Pairs))
				}
			}
			if d := math.Abs(float64(net.Synapses) - mean); d > 5*math.Sqrt(variance) {
				t.Errorf("%d synapses, expected %.0f ± %.0f", net.Synapses, mean, 5*math.Sqrt(variance))
			}
			t.Logf("%d groups, %d synapses, estimated %s", net.Engine.Groups(), net.Synapses, spec.FormatBytes(net.EstimatedBytes))
		})
	}
}

// TestStreams checks the documented stream names against draws made here: initial
// potentials come from sim.Stream(seed, "init/<population>") in neuron order, and
// connectivity from synapse.Build with the "connect/<name>" stream (the default name
// "<from>-><to>" when none is given). Options.Seed replaces the spec's seed.
func TestStreams(t *testing.T) {
	vinit := sim.Dist{Kind: sim.Uniform, A: -70, B: -50}
	for _, seed := range []uint64{7, 8} {
		opt := spec.Options{}
		if seed != 7 {
			opt.Seed = &seed
		}
		net, err := decodeBuild(minimal, opt)
		if err != nil {
			t.Fatal(err)
		}
		if net.Seed != seed {
			t.Errorf("seed %d, want %d", net.Seed, seed)
		}
		r := sim.Stream(seed, "init/exc")
		for i := range 20 {
			// V = vInf + (v0 - vInf) at t = 0: a few ulps of 70 mV.
			if v, want := net.Groups[0].V(i, 0), vinit.Draw(r); math.Abs(v-want) > 1e-12 {
				t.Fatalf("seed %d: V(%d, 0) = %v, want %v from init/exc", seed, i, v, want)
			}
		}
		// inh starts at e_l, the default v_init.
		if v := net.Groups[1].V(3, 0); v != -60 {
			t.Errorf("inh V(3, 0) = %v, want e_l = -60", v)
		}
		// Synapses: drive_exc is random, the others exact (30 + 200 + 2).
		rs := synapse.Streams{Connect: sim.Stream(seed, "connect/drive_exc"), Weight: sim.Stream(seed, "weight/drive_exc"), Delay: sim.Stream(seed, "delay/drive_exc")}
		p, err := synapse.Build(5, target(20), synapse.Config{Rule: synapse.Rule{Kind: synapse.FixedProbability, P: 0.5}, Weight: sim.Fixed(1), Delay: sim.Fixed(1)}, rs)
		if err != nil {
			t.Fatal(err)
		}
		if want := int64(p.Len() + 232); net.Synapses != want {
			t.Errorf("seed %d: %d synapses, want %d with connect/drive_exc", seed, net.Synapses, want)
		}
	}
}

// target is a Target of n neurons that ignores its input.
type target int

func (n target) Size() int                                                        { return int(n) }
func (target) Deliver(sim.Time, int, []uint32, []float64, float64, sim.SpikeFunc) {}

// TestNameOrder: populations then inputs, each sorted by name, whatever the file order.
func TestNameOrder(t *testing.T) {
	src := `duration = "1 s"
[inputs.b_in]
model = "spike_generator"
size = 1
[populations.zeta]
model = "lif_delta"
size = 1
tau_m = "10 ms"
e_l = "0 mV"
v_th = "10 mV"
v_reset = "0 mV"
[inputs.a_in]
model = "poisson"
size = 3
rate = "1 Hz"
[populations.alpha]
model = "lif_delta"
size = 2
tau_m = "10 ms"
e_l = "0 mV"
v_th = "10 mV"
v_reset = "0 mV"
[populations.Mid]
model = "lif_delta"
size = 3
tau_m = "10 ms"
e_l = "0 mV"
v_th = "10 mV"
v_reset = "0 mV"
`
	net, err := decodeBuild(src, spec.Options{Duration: 5 * sim.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for g := range net.Engine.Groups() {
		name, _ := net.Engine.Group(int32(g))
		got = append(got, name)
	}
	// sort.Strings orders by bytes: upper case first.
	if want := "[Mid alpha zeta a_in b_in]"; fmt.Sprint(got) != want {
		t.Errorf("engine order %v, want %s", got, want)
	}
	if net.Duration != 5*sim.Millisecond {
		t.Errorf("Options.Duration not applied: %v", net.Duration)
	}
}

// TestCurrentsConvert: a current I on a population with c_m means the voltage
// R I = I tau_m / c_m (here 100 pA × 20 ms / 250 pF = 8 mV): a bias current moves the
// steady state from e_l to e_l + R I, and a weight in pA acts exactly as the weight in
// mV it converts to. The steady state is read after 10 s = 500 tau_m (e^-500 ≈ 0);
// equal weights give equal potentials up to rounding of the conversion (1e-12 mV).
func TestCurrentsConvert(t *testing.T) {
	const pop = `duration = "10 ms"
[populations.n]
model = "lif_exp"
size = 1
tau_m = "20 ms"
c_m = "250 pF"
e_l = "-70 mV"
v_th = "-40 mV"
v_reset = "-70 mV"
tau_e = "5 ms"
tau_i = "10 ms"
`
	for _, bias := range []string{`"100 pA"`, `"0.1 nA"`, `"8 mV"`, `"0.008 V"`} {
		net, err := decodeBuild(pop+"i_bias = "+bias+"\n", spec.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if v := net.Groups[0].V(0, 10*sim.Second); math.Abs(v-(-62)) > 1e-9 {
			t.Errorf("i_bias = %s: steady state %v mV, want -62", bias, v)
		}
	}
	var vs []float64
	for _, w := range []string{`"30 pA"`, `"0.03 nA"`, `"2.4 mV"`} {
		src := pop + `
[inputs.g]
model = "spike_generator"
size = 1
spikes = [{ unit = 0, times = ["1 ms"] }]

[[projections]]
from = "g"
to = "n"
rule = "one_to_one"
receptor = "excitatory"
weight = ` + w + `
delay = "0.5 ms"
`
		net, err := decodeBuild(src, spec.Options{})
		if err != nil {
			t.Fatal(err)
		}
		net.Engine.Run(4 * sim.Millisecond)
		vs = append(vs, net.Groups[0].V(0, 4*sim.Millisecond))
	}
	if vs[0] <= -70 {
		t.Errorf("the input did not depolarise: V = %v", vs[0])
	}
	for k := 1; k < len(vs); k++ {
		if math.Abs(vs[k]-vs[0]) > 1e-12 {
			t.Errorf("weights 30 pA and its conversions give V %v", vs)
		}
	}
}

// TestRecordDefault: without [record] every neuron population is recorded and no
// input; an empty list records nothing.
func TestRecordDefault(t *testing.T) {
	for _, tc := range []struct {
		record string
		want   string
	}{
		{"", "[exc inh]"},
		{"[record]\nspikes = []\n", "[]"},
		{"[record]\nspikes = [\"drive\"]\n", "[drive]"},
	} {
		src := edit(t, minimal, "[record]\nspikes = [\"exc\", \"inh\", \"gen\"]\n", tc.record)
		net, err := decodeBuild(src, spec.Options{})
		if err != nil {
			t.Fatal(err)
		}
		rec := []string{}
		for _, g := range net.Groups {
			if g.Record {
				rec = append(rec, g.Name)
			}
		}
		if fmt.Sprint(rec) != tc.want {
			t.Errorf("record %q: recorded %v, want %s", tc.record, rec, tc.want)
		}
	}
}

// TestConnectivityErrors: problems a rule can only have against the population sizes (a
// listed neuron out of range, a repeated pair without multapses, an in-degree above the
// partners available, a one_to_one projection of only autapses) are found by validation
// with the other errors, naming the key.
func TestConnectivityErrors(t *testing.T) {
	for _, tc := range []struct {
		old, new string
		want     []string
	}{
		{"pairs = [[0, 1], [1, 9]]", "pairs = [[0, 1], [1, 10]]", []string{"projections[3].pairs[1]", "[1 10]", "outside the 2 x 10 neurons"}},
		{"pairs = [[0, 1], [1, 9]]", "pairs = [[0, 1], [0, 1]]\nmultapses = false", []string{"projections[3].pairs[1]", "listed twice"}},
		{"k = 3\n", "k = 21\n", []string{"projections[1].k = 21", "exceeds the 20 distinct presynaptic neurons"}},
		{"", "\n[[projections]]\nfrom = \"inh\"\nto = \"inh\"\nrule = \"one_to_one\"\nautapses = false\nweight = \"1 mV\"\ndelay = \"1 ms\"\n", []string{"projections[4].autapses", "only autapses"}},
	} {
		_, err := decodeBuild(edit(t, minimal, tc.old, tc.new), spec.Options{})
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %v does not contain %q", tc.new, err, w)
			}
		}
	}
}

// TestRecordStateAndWeightsErrors: state probes and weight snapshots are checked like the
// rest of the spec, each error naming its key.
func TestRecordStateAndWeightsErrors(t *testing.T) {
	base := strings.Replace(minimal, "[record]\nspikes = [\"exc\", \"inh\", \"gen\"]\n", "", 1)
	for _, tc := range []struct {
		add  string
		want []string
	}{
		{"[[record.state]]\npopulation = \"nosuch\"\nneurons = [0]\ninterval = \"1 ms\"\n", []string{"record.state[0].population = \"nosuch\"", "unknown neuron population"}},
		{"[[record.state]]\npopulation = \"exc\"\nneurons = [0, 20]\ninterval = \"1 ms\"\n", []string{"record.state[0].neurons[1] = 20", "outside [0, 20)"}},
		{"[[record.state]]\npopulation = \"inh\"\nneurons = [0]\nvariables = [\"ie\"]\ninterval = \"1 ms\"\n", []string{"record.state[0].variables[0] = \"ie\"", "not a variable of model lif_delta"}},
		{"[[record.state]]\npopulation = \"exc\"\nneurons = [0]\n", []string{"record.state[0].interval", "missing"}},
		{"[[record.state]]\npopulation = \"exc\"\nneurons = []\ninterval = \"1 ms\"\n", []string{"record.state[0].neurons", "missing"}},
		{"[[record.state]]\npopulation = \"exc\"\nneurons = [1]\ninterval = \"1 ms\"\nstart = \"5 ms\"\nstop = \"2 ms\"\n", []string{"record.state[0].stop", "before start"}},
		{"[record.weights]\nprojections = [\"nosuch\"]\ntimes = [\"0 ms\"]\n", []string{"record.weights.projections[0] = \"nosuch\"", "unknown projection"}},
		{"[record.weights]\ntimes = [\"-1 s\"]\n", []string{"record.weights.times[0] = \"-1 s\"", "must not be negative"}},
		{"[record.weights]\ntimes = [\"5 ms\", \"5 ms\"]\n", []string{"record.weights.times[1] = \"5 ms\"", "later than the previous"}},
		{"[[record.weights]]\ninterval = \"1 ms\"\n[[record.weights]]\nintervall = \"1 ms\"\n", []string{"record.weights[1].intervall", "unknown key"}},
		{"[[record.weights]]\nprojections = [\"nosuch\"]\ninterval = \"1 ms\"\n", []string{"record.weights[0].projections[0] = \"nosuch\"", "unknown projection"}},
		{"[record.weights]\n", []string{"record.weights", "snapshot times"}},
		{"[record.weights]\ntimes = [\"1 ms\"]\ninterval = \"1 ms\"\n", []string{"record.weights.interval", "either times or interval"}},
	} {
		_, err := decodeBuild(base+"\n"+tc.add, spec.Options{})
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%q: error %v does not contain %q", tc.add, err, w)
			}
		}
	}
}

// TestSTDPSpec: [stdp] on a projection makes it plastic (its weights move during a run),
// and every bad parameter is reported with its key.
func TestSTDPSpec(t *testing.T) {
	stdp := "stdp = { a_plus = \"0.05 mV\", a_minus = \"0.06 mV\", tau_plus = \"16.8 ms\", tau_minus = \"33.7 ms\", w_max = \"2 mV\" }\n"
	anchor := "p = 0.5\nweight = \"1 mV\"\ndelay = \"1 ms\"\n"
	triplet := `stdp = { rule = "triplet", w_max = "2 mV"`
	// Every rule builds and runs: with input strong enough that the neurons fire (no
	// post spike, no change), for 1 s, the weights move, within the bounds.
	for _, rule := range []string{
		strings.Replace(stdp, `w_max = "2 mV"`, `w_max = "20 mV"`, 1),
		`stdp = { a_plus = "0.05 mV", a_minus = "0.06 mV", tau_plus = "16.8 ms", tau_minus = "33.7 ms", w_max = "20 mV", interaction = "pre_centred" }`,
		`stdp = { rule = "triplet", preset = "triplet-visual-minimal", w_max = "20 mV", mu = 0.5 }`,
		`stdp = { rule = "triplet", a2_plus = "0.05 mV", a3_plus = "0.05 mV", a2_minus = "0.07 mV", a3_minus = "0.01 mV", tau_plus = "16.8 ms", tau_minus = "33.7 ms", tau_x = "101 ms", tau_y = "125 ms", w_max = "20 mV", interaction = "nearest" }`,
	} {
		text := edit(t, edit(t, minimal, anchor, "p = 0.5\nweight = \"12 mV\"\ndelay = \"1 ms\"\n"+rule+"\n"), `duration = "100 ms"`, `duration = "1 s"`)
		net, err := decodeBuild(text, spec.Options{})
		if err != nil {
			t.Fatalf("%s: %v", rule, err)
		}
		net.Engine.Run(net.Duration)
		bp := &net.Projections[0]
		if bp.Plastic == nil {
			t.Fatalf("%s: the projection is not plastic", rule)
		}
		moved := 0
		for i := range bp.P.Pre() {
			for k := range bp.P.RowLen(i) {
				if _, w, _ := bp.Synapse(i, k); w != 12 {
					moved++
					if w < 0 || w > 20 {
						t.Errorf("%s: weight %v outside [0, 20]", rule, w)
					}
				}
			}
		}
		if moved == 0 {
			t.Errorf("%s: no weight moved", rule)
		}
	}
	for _, tc := range []struct {
		stdp string
		want []string
	}{
		{strings.Replace(stdp, `tau_plus = "16.8 ms"`, `tau_plus = "-16.8 ms"`, 1), []string{"projections[0].stdp.tau_plus", "must be positive"}},
		{strings.Replace(stdp, `w_max = "2 mV"`, `w_max = "2 mV", w_min = "3 mV"`, 1), []string{"projections[0].stdp.w_max", "below w_min"}},
		{strings.Replace(stdp, ` }`, `, interaction = "nearst" }`, 1), []string{"projections[0].stdp.interaction", "unknown interaction"}},
		{strings.Replace(stdp, ` }`, `, rule = "hebb" }`, 1), []string{"projections[0].stdp.rule", "unknown rule"}},
		{strings.Replace(stdp, ` }`, `, preset = "triplet-visual" }`, 1), []string{"projections[0].stdp.preset", `rule = "triplet"`}},
		{strings.Replace(stdp, ` }`, `, tau_x = "100 ms" }`, 1), []string{"projections[0].stdp.tau_x", `rule = "triplet"`}},
		{triplet + `, preset = "triplet-visul" }` + "\n", []string{"projections[0].stdp.preset", "unknown preset", "triplet-visual-minimal"}},
		{triplet + `, preset = "triplet-visual", a_plus = "1 mV" }` + "\n", []string{"projections[0].stdp.a_plus", `rule = "pair"`}},
		{triplet + `, preset = "triplet-visual", tau_x = "-1 ms" }` + "\n", []string{"projections[0].stdp.tau_x", "must be positive"}},
		{triplet + `, preset = "triplet-visual", interaction = "pre_centred" }` + "\n", []string{"projections[0].stdp.interaction", "defined for pair STDP"}},
		{triplet + `, a2_plus = "0.01 mV" }` + "\n", []string{"projections[0].stdp.a3_plus", "missing", "projections[0].stdp.tau_y", "missing"}},
		{strings.Replace(stdp, ` }`, `, mu = 2.0 }`, 1), []string{"projections[0].stdp.mu", "[0, 1]"}},
		{strings.Replace(stdp, `a_plus = "0.05 mV", `, ``, 1), []string{"projections[0].stdp.a_plus", "missing"}},
		{strings.Replace(stdp, `w_max = "2 mV"`, `w_max = "0.5 mV"`, 1), []string{"projections[0].stdp", "initial weights", "within [w_min, w_max]"}},
		{strings.Replace(stdp, `a_minus = "0.06 mV"`, `a_minus = "0.06 ms"`, 1), []string{"projections[0].stdp.a_minus", "ms is a unit of time"}},
	} {
		_, err := decodeBuild(edit(t, minimal, anchor, anchor+tc.stdp), spec.Options{})
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%q: error %v does not contain %q", tc.stdp, err, w)
			}
		}
	}
}

// TestCondSpec: lif_cond populations build from conductances in nS (counted in units of
// g_l inside the model), their weights are recorded back in nS, and their own keys are
// checked.
func TestCondSpec(t *testing.T) {
	pop := `[populations.c]
model = "lif_cond"
size = 2
tau_m = "20 ms"
g_l = "10 nS"
e_l = "-60 mV"
v_th = "-50 mV"
v_reset = "-60 mV"
e_e = "0 mV"
e_i = "-80 mV"
tau_e = "5 ms"
tau_i = "10 ms"
`
	proj := `
[inputs.in]
model = "poisson"
size = 10
rate = "50 Hz"

[[projections]]
from = "in"
to = "c"
receptor = "%s"
rule = "all_to_all"
weight = "%s"
delay = "0 ms"
`
	text := "name = \"c\"\nduration = \"1 s\"\n" + pop + fmt.Sprintf(proj, "excitatory", "6 nS")
	net, err := decodeBuild(text, spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bp := &net.Projections[0]
	if _, w, _ := bp.Synapse(0, 0); bp.Unit != "nS" || bp.Scale != 10 || math.Abs(w*bp.Scale-6) > 1e-12 {
		t.Errorf("unit %q, scale %v, weight %v", bp.Unit, bp.Scale, w)
	}
	net.Engine.Run(net.Duration)
	if net.Engine.Stats().Spikes == 0 {
		t.Error("no spike from 10 inputs at 50 Hz of 6 nS")
	}
	for _, tc := range []struct {
		text string
		want []string
	}{
		{strings.Replace(pop, `g_l = "10 nS"`, `g_l = "-1 nS"`, 1) + fmt.Sprintf(proj, "excitatory", "6 nS"), []string{"populations.c.g_l", "must be positive"}},
		{strings.Replace(pop, `g_l = "10 nS"`+"\n", "", 1) + fmt.Sprintf(proj, "excitatory", "6 nS"), []string{"populations.c.g_l", "missing"}},
		{strings.Replace(pop, `e_i = "-80 mV"`, `e_i = "-40 mV"`, 1) + fmt.Sprintf(proj, "excitatory", "6 nS"), []string{"populations.c.e_i", "below v_th"}},
		{strings.Replace(pop, `e_e = "0 mV"`, `e_e = "-90 mV"`, 1) + fmt.Sprintf(proj, "excitatory", "6 nS"), []string{"populations.c.e_i", "below e_e"}},
		{pop + fmt.Sprintf(proj, "inhibitory", "-6 nS"), []string{"projections[0].weight", "conductances must not be negative"}},
		{pop + fmt.Sprintf(proj, "excitatory", "6 mV"), []string{"projections[0].weight", "conductance"}},
		{pop + fmt.Sprintf(proj, "", "6 nS"), []string{"projections[0].receptor", "missing"}},
		{strings.Replace(pop, `model = "lif_cond"`, `model = "lif_exp"`, 1) + fmt.Sprintf(proj, "excitatory", "1 mV"), []string{"populations.c.g_l", "not a parameter of model lif_exp"}},
	} {
		_, err := decodeBuild("name = \"c\"\nduration = \"1 s\"\n"+tc.text, spec.Options{})
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("error %v does not contain %q", err, w)
			}
		}
	}
}

// TestModulatedSpec: volumes, the modulated rule and rewards build (a triggered reward
// fires, fixed ones are scheduled, --no-rewards leaves them out), and every bad key is
// reported by its path.
func TestModulatedSpec(t *testing.T) {
	base := `name = "m"
duration = "2 s"
[populations.a]
model = "lif_delta"
size = 3
tau_m = "20 ms"
e_l = "-70 mV"
v_th = "-54 mV"
v_reset = "-70 mV"
t_ref = "2 ms"
[inputs.noise]
model = "poisson"
size = 3
rate = "40 Hz"
[[projections]]
from = "noise"
to = "a"
rule = "one_to_one"
weight = "20 mV"
delay = "0 ms"
[volumes.dopamine]
tau = "200 ms"
[[projections]]
from = "a"
to = "a"
rule = "all_to_all"
autapses = false
weight = "1 mV"
delay = "1 ms"
stdp = { rule = "modulated", volume = "dopamine", a_plus = "0.01 mV", a_minus = "0.015 mV", tau_plus = "20 ms", tau_minus = "20 ms", tau_c = "1 s", w_max = "4 mV" }
`
	rewards := `[[rewards]]
volume = "dopamine"
amount = 0.5
when = { pre = "a[0]", post = "a[1]", within = "20 ms" }
delay = { uniform = ["100 ms", "300 ms"] }
[[rewards]]
volume = "dopamine"
amount = -0.25
times = ["500 ms", "5 s"]
`
	for _, no := range []bool{false, true} {
		net, err := decodeBuild(base+rewards, spec.Options{NoRewards: no})
		if err != nil {
			t.Fatal(err)
		}
		bp := &net.Projections[1]
		if bp.Modulated == nil || len(net.Volumes) != 1 {
			t.Fatalf("not modulated (%+v), volumes %v", bp, net.Volumes)
		}
		wantPending := 2 // 500 ms and 5 s; the trigger adds its own while running
		if no {
			wantPending = 0
		}
		if got := net.Engine.Pending(); got < wantPending || got > wantPending+3 {
			t.Errorf("no rewards %v: %d pending events", no, got)
		}
		net.Engine.Run(net.Duration)
		r := net.Engine.Stats().Rewards
		switch {
		case no && r != 0:
			t.Errorf("--no-rewards: %d rewards made", r)
		case !no && r < 2:
			t.Errorf("%d rewards made: the fixed one at 500 ms and at least one triggered expected", r)
		}
		moved := 0
		for i := range 3 {
			for k := range bp.P.RowLen(i) {
				if _, w, _ := bp.SynapseAt(i, k, net.Engine.Now()); w != 1 {
					moved++
				}
			}
		}
		if !no && moved == 0 {
			t.Error("no modulated weight moved")
		}
	}
	for _, tc := range []struct {
		edit func(string) string
		want []string
	}{
		{func(s string) string {
			return strings.Replace(s, `volume = "dopamine", a_plus`, `volume = "serotonin", a_plus`, 1)
		}, []string{"projections[1].stdp.volume = \"serotonin\"", "unknown volume", "dopamine"}},
		{func(s string) string { return strings.Replace(s, `tau_c = "1 s"`, `tau_c = "-1 s"`, 1) }, []string{"projections[1].stdp.tau_c", "must be positive"}},
		{func(s string) string { return strings.Replace(s, `tau = "200 ms"`, `tau = "0 ms"`, 1) }, []string{"volumes.dopamine.tau", "must be positive"}},
		{func(s string) string { return strings.Replace(s, `w_max = "4 mV" }`, `w_max = "4 mV", mu = 1.0 }`, 1) }, []string{"projections[1].stdp.mu", "additive"}},
		{func(s string) string { return strings.Replace(s, `w_max = "4 mV" }`, `w_max = "0.5 mV" }`, 1) }, []string{"projections[1].stdp", "initial weights"}},
		{func(s string) string { return strings.Replace(s, `pre = "a[0]"`, `pre = "a[7]"`, 1) }, []string{"rewards[0].when.pre = \"a[7]\"", "out of range"}},
		{func(s string) string { return strings.Replace(s, `post = "a[1]"`, `post = "b[1]"`, 1) }, []string{"rewards[0].when.post = \"b[1]\"", "unknown population"}},
		{func(s string) string { return strings.Replace(s, `post = "a[1]"`, `post = "a1"`, 1) }, []string{"rewards[0].when.post", "population[index]"}},
		{func(s string) string {
			return strings.Replace(s, "volume = \"dopamine\"\namount = 0.5", "volume = \"dopa\"\namount = 0.5", 1)
		}, []string{"rewards[0].volume = \"dopa\"", "unknown volume"}},
		{func(s string) string { return strings.Replace(s, "amount = -0.25\n", "", 1) }, []string{"rewards[1].amount", "missing"}},
		{func(s string) string { return strings.Replace(s, `times = ["500 ms", "5 s"]`, `times = ["-5 ms"]`, 1) }, []string{"rewards[1].times[0]", "must not be negative"}},
		{func(s string) string {
			return strings.Replace(s, `times = ["500 ms", "5 s"]`, `times = ["1 s"]`+"\nwhen = { pre = \"a[0]\", post = \"a[1]\", within = \"20 ms\" }", 1)
		}, []string{"rewards[1]", "either times"}},
		{func(s string) string { return strings.Replace(s, `within = "20 ms"`, `within = "0 ms"`, 1) }, []string{"rewards[0].when.within", "must be positive"}},
		{func(s string) string { return strings.Replace(s, `stdp = { rule = "modulated", `, `stdp = { `, 1) }, []string{"projections[1].stdp", "rule = \"modulated\""}},
	} {
		_, err := decodeBuild(tc.edit(base+rewards), spec.Options{})
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("error %v does not contain %q", err, w)
			}
		}
	}
}
