package spec

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"snn/sim"
)

// Dim is the physical dimension of a quantity.
type Dim uint8

const (
	Time        Dim = iota + 1 // base unit ms
	Voltage                    // base unit mV
	Current                    // base unit pA
	Conductance                // base unit nS
	Capacitance                // base unit pF
	Rate                       // base unit Hz
)

// The base units are NEST's: ms, mV, pA, nS, pF (so pA = pF mV/ms and pA = nS mV), and
// Hz for rates. This file is the only place where units are converted.
var dimInfo = map[Dim]struct{ name, example string }{
	Time:        {"time", `"20 ms"`},
	Voltage:     {"voltage", `"-65 mV"`},
	Current:     {"current", `"100 pA"`},
	Conductance: {"conductance", `"10 nS"`},
	Capacitance: {"capacitance", `"250 pF"`},
	Rate:        {"rate", `"15 Hz"`},
}

func (d Dim) String() string { return dimInfo[d].name }

type unit struct {
	dim   Dim
	scale float64 // value in base units of 1 of this unit
}

var units = map[string]unit{
	"h": {Time, 3.6e6}, "min": {Time, 6e4}, "s": {Time, 1e3}, "ms": {Time, 1},
	"us": {Time, 1e-3}, "µs": {Time, 1e-3}, "μs": {Time, 1e-3}, "ns": {Time, 1e-6},
	"V": {Voltage, 1e3}, "mV": {Voltage, 1}, "uV": {Voltage, 1e-3}, "µV": {Voltage, 1e-3}, "μV": {Voltage, 1e-3},
	"uA": {Current, 1e6}, "µA": {Current, 1e6}, "μA": {Current, 1e6}, "nA": {Current, 1e3}, "pA": {Current, 1}, "fA": {Current, 1e-3},
	"uS": {Conductance, 1e3}, "µS": {Conductance, 1e3}, "μS": {Conductance, 1e3}, "nS": {Conductance, 1}, "pS": {Conductance, 1e-3},
	"uF": {Capacitance, 1e6}, "µF": {Capacitance, 1e6}, "μF": {Capacitance, 1e6}, "nF": {Capacitance, 1e3}, "pF": {Capacitance, 1}, "fF": {Capacitance, 1e-3},
	"Hz": {Rate, 1}, "kHz": {Rate, 1e3},
}

var quantityRE = regexp.MustCompile(`^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([^\s\d.+-][^\s]*)?\s*$`)

// ParseQuantity reads "20 ms", "-65mV", "1.5e-3 s" and returns its value in the base unit
// of its dimension, which must be one of want. A bare number, an unknown unit, a unit of
// another dimension, NaN and infinities are errors that say what was expected.
func ParseQuantity(s string, want ...Dim) (float64, Dim, error) {
	expect := func() string {
		var parts []string
		for _, d := range want {
			parts = append(parts, "a "+d.String()+" such as "+dimInfo[d].example)
		}
		return strings.Join(parts, " or ")
	}
	m := quantityRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, fmt.Errorf("not a number with a unit; expected %s", expect())
	}
	if m[2] == "" {
		return 0, 0, fmt.Errorf("missing unit; expected %s", expect())
	}
	u, ok := units[m[2]]
	if !ok {
		return 0, 0, fmt.Errorf("unknown unit %q; expected %s", m[2], expect())
	}
	okDim := false
	for _, d := range want {
		okDim = okDim || d == u.dim
	}
	if !okDim {
		return 0, 0, fmt.Errorf("%s is a unit of %s; expected %s", m[2], u.dim, expect())
	}
	v, err := strconv.ParseFloat(m[1], 64)
	v *= u.scale // "1e308 V" overflows only here
	if err != nil || math.IsInf(v, 0) {
		return 0, 0, fmt.Errorf("number %q out of range; expected %s", m[1], expect())
	}
	if u.dim == Time && math.Abs(v) > maxTimeMs {
		return 0, 0, fmt.Errorf("%s is beyond the longest time a run can represent, %.4g ms (146 years)", strings.TrimSpace(s), maxTimeMs)
	}
	return v, u.dim, nil
}

// maxTimeMs bounds every time so that it fits sim.Time in nanoseconds even after adding
// two of them (a spike time and a delay): half the int64 range, about 146 years.
var maxTimeMs = (sim.Never / 2).Ms()
