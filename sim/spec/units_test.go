package spec

import (
	"math"
	"strings"
	"testing"
)

// unitTable is the unit list written out independently of units.go: every unit with its
// dimension and its value in the base unit (ms, mV, pA, nS, pF, Hz), from the SI prefixes.
var unitTable = []struct {
	unit  string
	dim   Dim
	scale float64
}{
	{"h", Time, 3600e3}, {"min", Time, 60e3}, {"s", Time, 1e3}, {"ms", Time, 1},
	{"us", Time, 1e-3}, {"µs", Time, 1e-3}, {"μs", Time, 1e-3}, {"ns", Time, 1e-6},
	{"V", Voltage, 1e3}, {"mV", Voltage, 1}, {"uV", Voltage, 1e-3}, {"µV", Voltage, 1e-3}, {"μV", Voltage, 1e-3},
	{"uA", Current, 1e6}, {"µA", Current, 1e6}, {"μA", Current, 1e6}, {"nA", Current, 1e3}, {"pA", Current, 1}, {"fA", Current, 1e-3},
	{"uS", Conductance, 1e3}, {"µS", Conductance, 1e3}, {"μS", Conductance, 1e3}, {"nS", Conductance, 1}, {"pS", Conductance, 1e-3},
	{"uF", Capacitance, 1e6}, {"µF", Capacitance, 1e6}, {"μF", Capacitance, 1e6}, {"nF", Capacitance, 1e3}, {"pF", Capacitance, 1}, {"fF", Capacitance, 1e-3},
	{"Hz", Rate, 1}, {"kHz", Rate, 1e3},
}

var allDims = []Dim{Time, Voltage, Current, Conductance, Capacitance, Rate}

// TestEveryUnit parses 2.5 of every unit, with and without a space, and checks the value
// in base units and the dimension. Tolerance: 1 ulp-scale relative error (1e-15), since
// the parser multiplies by a decimal scale that is not exact in binary.
func TestEveryUnit(t *testing.T) {
	if len(units) != len(unitTable) {
		t.Errorf("units.go knows %d units, the table here %d", len(units), len(unitTable))
	}
	for _, u := range unitTable {
		for _, s := range []string{"2.5 " + u.unit, "2.5" + u.unit, "  2.5   " + u.unit + " "} {
			v, d, err := ParseQuantity(s, u.dim)
			if err != nil {
				t.Errorf("%q: %v", s, err)
				continue
			}
			if want := 2.5 * u.scale; d != u.dim || math.Abs(v-want) > 1e-15*want {
				t.Errorf("%q = %v %v, want %v %v", s, v, d, want, u.dim)
			}
		}
		// The same unit is refused for every other dimension, naming both.
		for _, other := range allDims {
			if other == u.dim {
				continue
			}
			_, _, err := ParseQuantity("1 "+u.unit, other)
			if err == nil || !strings.Contains(err.Error(), u.unit+" is a unit of "+u.dim.String()) ||
				!strings.Contains(err.Error(), "expected a "+other.String()) {
				t.Errorf("%q as %v: error %v", "1 "+u.unit, other, err)
			}
		}
	}
}

// TestParseQuantity covers the number syntax and every refusal, with the substrings the
// message must hold.
func TestParseQuantity(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Dim
		v    float64 // base units
		dim  Dim
		err  []string // substrings of the error; nil: no error
	}{
		{"20 ms", []Dim{Time}, 20, Time, nil},
		{"20ms", []Dim{Time}, 20, Time, nil},
		{"-65 mV", []Dim{Voltage}, -65, Voltage, nil},
		{"+65mV", []Dim{Voltage}, 65, Voltage, nil},
		{"1.5e-3 s", []Dim{Time}, 1.5, Time, nil},
		{"1.5E+3 us", []Dim{Time}, 1.5, Time, nil},
		{"2e3pA", []Dim{Current}, 2000, Current, nil},
		{".5 ms", []Dim{Time}, 0.5, Time, nil},
		{"5. ms", []Dim{Time}, 5, Time, nil},
		{"0 ms", []Dim{Time}, 0, Time, nil},
		{"\t7 Hz\n", []Dim{Rate}, 7, Rate, nil},
		{"100 pA", []Dim{Voltage, Current}, 100, Current, nil}, // first matching of several
		{"-1 mV", []Dim{Voltage, Current}, -1, Voltage, nil},
		{"1e-400 ms", []Dim{Time}, 0, Time, nil}, // underflows to zero, harmless
		{"146 years", []Dim{Time}, 0, 0, []string{`unknown unit "years"`, "expected a time such as \"20 ms\""}},

		{"20", []Dim{Time}, 0, 0, []string{"missing unit", `expected a time such as "20 ms"`}},
		{"-65", []Dim{Voltage}, 0, 0, []string{"missing unit", `a voltage such as "-65 mV"`}},
		{"20 mV", []Dim{Time}, 0, 0, []string{"mV is a unit of voltage", "expected a time"}},
		{"1 nS", []Dim{Voltage, Current}, 0, 0, []string{"nS is a unit of conductance", `expected a voltage such as "-65 mV" or a current such as "100 pA"`}},
		{"20 msec", []Dim{Time}, 0, 0, []string{`unknown unit "msec"`}},
		{"20 MS", []Dim{Time}, 0, 0, []string{`unknown unit "MS"`}}, // units are case-sensitive
		{"NaN ms", []Dim{Time}, 0, 0, []string{"not a number with a unit"}},
		{"nan", []Dim{Time}, 0, 0, []string{"not a number with a unit"}},
		{"Inf ms", []Dim{Time}, 0, 0, []string{"not a number with a unit"}},
		{"-inf mV", []Dim{Voltage}, 0, 0, []string{"not a number with a unit"}},
		{"infinity Hz", []Dim{Rate}, 0, 0, []string{"not a number with a unit"}},
		{"", []Dim{Time}, 0, 0, []string{"not a number with a unit", "expected a time"}},
		{"ms", []Dim{Time}, 0, 0, []string{"not a number with a unit"}},
		{"2 0 ms", []Dim{Time}, 0, 0, []string{"not a number with a unit"}},
		{"20 m s", []Dim{Time}, 0, 0, []string{"not a number with a unit"}},
		{"1,5 ms", []Dim{Time}, 0, 0, []string{"not a number with a unit"}},
		{"0x10 ms", []Dim{Time}, 0, 0, []string{"not a number with a unit"}},
		{"1e400 ms", []Dim{Time}, 0, 0, []string{`number "1e400" out of range`}},
		// Overflow in the base unit: 1e308 V is 1e311 mV.
		{"1e308 V", []Dim{Voltage}, 0, 0, []string{`number "1e308" out of range`, "expected a voltage"}},
		// Times must fit sim.Time (ns in an int64) twice over: 146 years.
		{"1e300 h", []Dim{Time}, 0, 0, []string{"1e300 h is beyond the longest time"}},
		{"200 h", []Dim{Time}, 720000000, Time, nil},
	} {
		v, dim, err := ParseQuantity(tc.in, tc.want...)
		if tc.err == nil {
			if err != nil || dim != tc.dim || math.Abs(v-tc.v) > 1e-15*math.Abs(tc.v) {
				t.Errorf("ParseQuantity(%q) = %v, %v, %v; want %v %v", tc.in, v, dim, err, tc.v, tc.dim)
			}
			continue
		}
		if err == nil {
			t.Errorf("ParseQuantity(%q) = %v %v, want an error", tc.in, v, dim)
			continue
		}
		for _, s := range tc.err {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("ParseQuantity(%q): error %q does not contain %q", tc.in, err, s)
			}
		}
	}
}

// TestTimeLimit: the longest accepted time, converted to ticks, can be added to itself
// without overflowing sim.Time.
func TestTimeLimit(t *testing.T) {
	v, _, err := ParseQuantity("4.6e12 ms", Time)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ParseQuantity("4.7e12 ms", Time); err == nil {
		t.Error("4.7e12 ms (149 years) accepted")
	}
	if _, _, err := ParseQuantity("-4.7e12 ms", Time); err == nil {
		t.Error("-4.7e12 ms accepted")
	}
	ticks := int64(v * 1e6)
	if s := ticks + ticks; s < ticks {
		t.Errorf("twice %d ns overflows", ticks)
	}
}
