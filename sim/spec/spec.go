package spec

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
)

// Spec is a network description as written in a TOML file. Physical quantities are kept
// as the text the user wrote and are read, with their units, by Build; every key not
// listed here is an error.
type Spec struct {
	Name        string                `toml:"name"`
	Description string                `toml:"description"`
	Source      string                `toml:"source"`
	Seed        *int64                `toml:"seed"`
	Duration    Quantity              `toml:"duration"`
	Populations map[string]Population `toml:"populations"`
	Inputs      map[string]Input      `toml:"inputs"`
	Projections []Projection          `toml:"projections"`
	Volumes     map[string]Volume     `toml:"volumes"`
	Rewards     []Reward              `toml:"rewards"`
	Record      Record                `toml:"record"`
}

// Volume is a neuromodulator concentration (dopamine, say) that modulated projections
// read and rewards make jump.
type Volume struct {
	Tau Quantity `toml:"tau"` // decay time constant
}

// Reward makes a volume's concentration jump by amount: at the listed times, or each
// time a trigger's condition holds, after a delay.
type Reward struct {
	Volume string   `toml:"volume"`
	Amount *float64 `toml:"amount"`
	Times  []string `toml:"times"`
	When   *When    `toml:"when"`
	Delay  any      `toml:"delay"` // a time or a distribution; with when, default 0
}

// When is a reward's trigger: neuron post fires within a time after neuron pre.
type When struct {
	Pre    string   `toml:"pre"`  // "population[index]"
	Post   string   `toml:"post"` // "population[index]"
	Within Quantity `toml:"within"`
}

// Population is a group of neurons sharing one model and its parameters.
type Population struct {
	Model  string   `toml:"model"` // lif_exp, lif_delta or lif_cond
	Size   int      `toml:"size"`
	TauM   Quantity `toml:"tau_m"`
	EL     Quantity `toml:"e_l"`
	VTh    Quantity `toml:"v_th"`
	VReset Quantity `toml:"v_reset"`
	TRef   Quantity `toml:"t_ref"`
	TauE   Quantity `toml:"tau_e"`
	TauI   Quantity `toml:"tau_i"`
	CM     Quantity `toml:"c_m"`
	GL     Quantity `toml:"g_l"` // lif_cond: leak conductance, the unit of its synaptic conductances
	EE     Quantity `toml:"e_e"` // lif_cond: excitatory reversal potential
	EI     Quantity `toml:"e_i"` // lif_cond: inhibitory reversal potential
	IBias  Quantity `toml:"i_bias"`
	VInit  any      `toml:"v_init"` // a voltage or a distribution table
}

// Input is a group of spike sources.
type Input struct {
	Model  string      `toml:"model"` // poisson or spike_generator
	Size   int         `toml:"size"`
	Rate   Quantity    `toml:"rate"`
	Rates  []RateStep  `toml:"rates"`
	Spikes []SpikeList `toml:"spikes"`
}

// RateStep starts a new rate at From.
type RateStep struct {
	From Quantity `toml:"from"`
	Rate Quantity `toml:"rate"`
}

// SpikeList lists the spike times of one unit of a spike generator.
type SpikeList struct {
	Unit  int        `toml:"unit"`
	Times []Quantity `toml:"times"`
}

// Projection connects two populations.
type Projection struct {
	Name      string    `toml:"name"`
	From      string    `toml:"from"`
	To        string    `toml:"to"`
	Receptor  string    `toml:"receptor"` // excitatory or inhibitory (lif_exp targets)
	Rule      string    `toml:"rule"`
	P         *float64  `toml:"p"`
	K         *int      `toml:"k"`
	Pairs     [][]int64 `toml:"pairs"` // each [pre, post]; a slice so that a wrong length is seen
	Autapses  *bool     `toml:"autapses"`
	Multapses *bool     `toml:"multapses"`
	Weight    any       `toml:"weight"` // a quantity or a distribution table
	Delay     any       `toml:"delay"`  // a time or a distribution table
	STDP      *STDP     `toml:"stdp"`   // makes the projection plastic
}

// STDP makes a projection's weights change by spike-timing-dependent plasticity (package
// plasticity): pair STDP or the triplet rule. Amplitudes and bounds are weights, in the
// projection's weight units.
type STDP struct {
	Rule        string   `toml:"rule"`   // pair (default) or triplet
	Preset      string   `toml:"preset"` // a published triplet parameter set
	APlus       Quantity `toml:"a_plus"` // pair
	AMinus      Quantity `toml:"a_minus"`
	A2Plus      Quantity `toml:"a2_plus"` // triplet
	A3Plus      Quantity `toml:"a3_plus"`
	A2Minus     Quantity `toml:"a2_minus"`
	A3Minus     Quantity `toml:"a3_minus"`
	TauPlus     Quantity `toml:"tau_plus"`
	TauMinus    Quantity `toml:"tau_minus"`
	TauX        Quantity `toml:"tau_x"` // triplet
	TauY        Quantity `toml:"tau_y"`
	WMin        Quantity `toml:"w_min"` // default 0
	WMax        Quantity `toml:"w_max"`
	Mu          *float64 `toml:"mu"`          // weight dependence, 0 (additive, default) to 1
	Interaction string   `toml:"interaction"` // all_to_all (default), nearest or pre_centred
	Volume      string   `toml:"volume"`      // modulated: the volume gating the weights
	TauC        Quantity `toml:"tau_c"`       // modulated: eligibility time constant
	B           *float64 `toml:"b"`           // modulated: baseline concentration, default 0
}

// Record chooses what a run records.
type Record struct {
	Spikes []string      `toml:"spikes"` // populations and inputs; default every neuron population
	State  []StateRecord `toml:"state"`
	// Weights is one table [record.weights] or several [[record.weights]], each a
	// WeightRecord (read by Build).
	Weights any `toml:"weights"`
}

// StateRecord samples state variables of chosen neurons at a fixed interval.
type StateRecord struct {
	Population string   `toml:"population"`
	Neurons    []int    `toml:"neurons"`
	Variables  []string `toml:"variables"` // default ["v"]
	Interval   Quantity `toml:"interval"`
	Start      Quantity `toml:"start"` // default "0 ms"
	Stop       Quantity `toml:"stop"`  // default the end of the run
}

// WeightRecord snapshots the weights of projections at chosen times.
type WeightRecord struct {
	Projections []string   `toml:"projections"` // default every projection
	Times       []Quantity `toml:"times"`
	Interval    Quantity   `toml:"interval"`
}

// Quantity is a physical quantity as written, for example "20 ms". It is parsed with its
// unit when the spec is built, where the key path is known for the error message.
type Quantity struct {
	Text string
	Set  bool
}

// UnmarshalText keeps the text; a bare TOML number arrives here as its digits and is
// refused later for its missing unit.
func (q *Quantity) UnmarshalText(b []byte) error {
	q.Text, q.Set = string(b), true
	return nil
}

// MarshalText writes the text back.
func (q Quantity) MarshalText() ([]byte, error) { return []byte(q.Text), nil }

// Q returns a set Quantity with text s.
func Q(s string) Quantity { return Quantity{Text: s, Set: true} }

// Decode reads a spec strictly: unknown keys and values of the wrong TOML type are
// errors naming the key path and the position in the file called name.
func Decode(name string, data []byte) (*Spec, error) {
	var s Spec
	d := toml.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&s); err != nil {
		return nil, decodeError(name, err)
	}
	return &s, nil
}

func decodeError(name string, err error) error {
	var de *toml.DecodeError
	var se *toml.StrictMissingError
	switch {
	case errors.As(err, &se):
		var lines []string
		for _, e := range se.Errors {
			r, c := e.Position()
			lines = append(lines, fmt.Sprintf("%s:%d:%d: %s: unknown key", name, r, c, strings.Join(e.Key(), ".")))
		}
		return &Errors{List: lines}
	case errors.As(err, &de):
		r, c := de.Position()
		msg := friendlyType(strings.TrimPrefix(de.Error(), "toml: "))
		if k := de.Key(); len(k) > 0 {
			return &Errors{List: []string{fmt.Sprintf("%s:%d:%d: %s: %s", name, r, c, strings.Join(k, "."), msg)}}
		}
		return &Errors{List: []string{fmt.Sprintf("%s:%d:%d: %s", name, r, c, msg)}}
	}
	return fmt.Errorf("%s: %w", name, err)
}

var typeRE = regexp.MustCompile(`cannot decode TOML (\w+) into .* of type (\S+)`)

// friendlyType rewrites go-toml's type mismatch, which names Go types, in the spec's terms.
func friendlyType(msg string) string {
	m := typeRE.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	want := map[string]string{
		"int": "an integer", "int64": "an integer", "*int": "an integer", "*int64": "an integer",
		"float64": "a number", "*float64": "a number", "bool": "true or false", "*bool": "true or false",
		"string": "a string", "spec.Quantity": `a quantity with its unit, such as "20 ms"`,
	}[strings.TrimPrefix(m[2], "[]")]
	if want == "" {
		want = "another type"
	}
	return fmt.Sprintf("expected %s, got a TOML %s", want, m[1])
}

// Errors are the problems found in a spec, one line each.
type Errors struct{ List []string }

func (e *Errors) Error() string { return strings.Join(e.List, "\n") }
