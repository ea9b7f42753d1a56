package examples_test

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"snn/examples"
	"snn/sim"
	"snn/sim/spec"
)

type counter struct {
	g int32
	n int
}

func (c *counter) Spike(_ sim.Time, g, _ int32) {
	if g == c.g {
		c.n++
	}
}

// songResult is what one run of a Song-Abbott example gives: the output rate over the
// run and, of the plastic projection's final weights, the fractions within 10 % of the
// range from either bound.
type songResult struct {
	RateHz, NearMin, NearMax, Mean float64
}

// songRun runs example name with its excitatory inputs at hz for d, with STDP or with the
// weights left at their initial draw.
func songRun(t testing.TB, name string, hz float64, d sim.Time, plastic bool) songResult {
	t.Helper()
	b, _ := examples.Get(name)
	text := string(b)
	rate := regexp.MustCompile(`(?m)^rate = "(15|20) Hz"$`)
	if len(rate.FindAllString(text, -1)) != 1 {
		t.Fatalf("%s: the excitatory input rate is not where expected", name)
	}
	text = rate.ReplaceAllString(text, fmt.Sprintf(`rate = "%g Hz"`, hz))
	stdp := regexp.MustCompile(`(?m)^stdp = \{ a_plus = "([0-9.]+ nS)".*w_max = "([0-9.]+ nS)" \}$`)
	m := stdp.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("%s: no stdp line", name)
	}
	if !plastic {
		// The same bounds, no change: a rule with zero amplitudes keeps the weights.
		text = stdp.ReplaceAllString(text, `stdp = { a_plus = "0 nS", a_minus = "0 nS", tau_plus = "20 ms", tau_minus = "20 ms", w_max = "$2" }`)
	}
	s, err := spec.Decode(name, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	net, err := spec.Build(s, spec.Options{Duration: d})
	if err != nil {
		t.Fatal(err)
	}
	c := &counter{g: -1}
	for k, g := range net.Groups {
		if g.Name == "out" {
			c.g = int32(k)
		}
	}
	net.Engine.Observe(c)
	net.Engine.Run(net.Duration)
	bp := &net.Projections[0]
	lo, hi, ok := bp.Bounds()
	if !ok {
		t.Fatalf("%s: projection %s is not plastic", name, bp.Name)
	}
	r := songResult{RateHz: float64(c.n) / d.Seconds()}
	n := 0
	for i := range bp.P.Pre() {
		for k := range bp.P.RowLen(i) {
			_, w, _ := bp.Synapse(i, k)
			w *= bp.Scale
			r.Mean += w / hi
			if w <= lo+0.1*(hi-lo) {
				r.NearMin++
			}
			if w >= hi-0.1*(hi-lo) {
				r.NearMax++
			}
			n++
		}
	}
	r.NearMin, r.NearMax, r.Mean = r.NearMin/float64(n), r.NearMax/float64(n), r.Mean/float64(n)
	return r
}

// TestSongAbbott: competitive Hebbian learning (Song, Miller & Abbott 2000) with the
// paper's parameters. Without STDP (weights left at their uniform draw) the output rate
// climbs steeply from 10 to 40 Hz of input; with STDP it is regulated: it rises much
// less, because the weights compete and most are pushed to 0 (the more so the higher the
// input rate), while a group is kept near g_max. 100 s per run here; the README's table
// comes from SNN_LONG=1 (1000 s per run, every rate from 10 to 40 Hz).
func TestSongAbbott(t *testing.T) {
	d, rates := 100*sim.Second, []float64{10, 40}
	if os.Getenv("SNN_LONG") != "" {
		d, rates = 1000*sim.Second, []float64{10, 20, 30, 40}
	}
	res := map[[2]float64]songResult{}
	for _, hz := range rates {
		for _, plastic := range []bool{false, true} {
			p := 0.0
			if plastic {
				p = 1
			}
			r := songRun(t, "song2000", hz, d, plastic)
			res[[2]float64{hz, p}] = r
			t.Logf("input %g Hz, STDP %v, %v s: output %.2f Hz; weights: mean %.3f g_max, %.1f %% within 10 %% of 0, %.1f %% of g_max",
				hz, plastic, d.Seconds(), r.RateHz, r.Mean, 100*r.NearMin, 100*r.NearMax)
		}
	}
	lo, hi := rates[0], rates[len(rates)-1]
	static := res[[2]float64{hi, 0}].RateHz / res[[2]float64{lo, 0}].RateHz
	learned := res[[2]float64{hi, 1}].RateHz / res[[2]float64{lo, 1}].RateHz
	if !(static > 10) {
		t.Errorf("without STDP the output rate rises only %.2fx from %g to %g Hz of input", static, lo, hi)
	}
	if !(learned < static/5) {
		t.Errorf("with STDP the output rate rises %.2fx, without %.2fx: not regulated", learned, static)
	}
	// Most weights go to 0 within 100 s at 40 Hz; the group near g_max takes longer to
	// form (see the README's 1000 s figures), so only the long run asks for it.
	if r := res[[2]float64{hi, 1}]; !(r.NearMin > 0.5 && r.Mean < 0.3) {
		t.Errorf("at %g Hz the weights did not compete: %.1f %% near 0, mean %.3f g_max", hi, 100*r.NearMin, r.Mean)
	}
	if os.Getenv("SNN_LONG") != "" {
		for _, hz := range rates[1:] {
			if r := res[[2]float64{hz, 1}]; !(r.NearMax > 0.05) {
				t.Errorf("at %g Hz no group of weights near g_max: %.1f %%", hz, 100*r.NearMax)
			}
		}
	}
}
