package synapse_test

import (
	"cmp"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"snn/sim"
	"snn/synapse"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sortCases are projections with per-synapse delays. Delays uniform on [1, 1.000004) ms
// round to only 4 or 5 distinct nanosecond values, so rows have long delay groups and,
// with multapses, repeated (delay, target) keys whose weights must keep their order.
var sortCases = []struct {
	name        string
	npre, npost int
	rule        synapse.Rule
	weight      sim.Dist
	delay       sim.Dist
}{
	{"fixed_probability normal delays", 100, 150, synapse.Rule{Kind: synapse.FixedProbability, P: 0.2},
		sim.Dist{Kind: sim.Uniform, A: 0, B: 2}, sim.Dist{Kind: sim.Normal, A: 1.5, B: 0.5, Lo: 0.1, Hi: 3}},
	{"fixed_probability few delays", 100, 150, synapse.Rule{Kind: synapse.FixedProbability, P: 0.2},
		sim.Dist{Kind: sim.Normal, A: 1, B: 0.2, Lo: 0, Hi: 2}, sim.Dist{Kind: sim.Uniform, A: 1, B: 1.000004}},
	{"fixed_in_degree multapses few delays", 6, 200, synapse.Rule{Kind: synapse.FixedInDegree, K: 5},
		sim.Dist{Kind: sim.Uniform, A: -1, B: 0}, sim.Dist{Kind: sim.Uniform, A: 1, B: 1.000004}},
	{"all_to_all constant weight", 20, 30, synapse.Rule{Kind: synapse.AllToAll},
		sim.Fixed(0.5), sim.Dist{Kind: sim.Uniform, A: 0, B: 5}},
}

// TestRowsSortedByDelayThenTarget compares each row with the unsorted draw sorted
// independently. The unsorted draw is reconstructed from the same streams: the
// connectivity and the weights from a build with a constant delay (which does not sort),
// the delays by drawing from the delay stream in row order, as Build documents.
func TestRowsSortedByDelayThenTarget(t *testing.T) {
	for _, tc := range sortCases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := synapse.Config{Rule: tc.rule, Weight: tc.weight, Delay: tc.delay}
			got := rowsOf(build(t, tc.npre, tc.npost, cfg, streams(7, tc.name)))

			ref := cfg
			ref.Delay = sim.Fixed(1)
			want := rowsOf(build(t, tc.npre, tc.npost, ref, streams(7, tc.name)))
			r := sim.Stream(7, "delay/"+tc.name)
			groups := 0
			for i := range want {
				for k := range want[i] {
					want[i][k].d = sim.FromMs(tc.delay.Draw(r))
				}
				slices.SortStableFunc(want[i], func(a, b syn) int {
					return cmp.Or(cmp.Compare(a.d, b.d), cmp.Compare(a.post, b.post))
				})
				for k := range want[i] {
					if k == 0 || want[i][k].d != want[i][k-1].d {
						groups++
					}
				}
			}
			for i := range want {
				if fmt.Sprint(got[i]) != fmt.Sprint(want[i]) {
					t.Fatalf("row %d:\n got %v\nwant %v", i, got[i], want[i])
				}
			}
			t.Logf("%d synapses in %d delay groups", countSyn(got), groups)
		})
	}
}

func countSyn(rows [][]syn) int {
	n := 0
	for _, r := range rows {
		n += len(r)
	}
	return n
}

// walk delivers one presynaptic spike of every neuron of p as the engine does: First,
// then Deliver group after group, checking each batch against the rows.
func walk(t *testing.T, p *synapse.Projection, rec *recorder, receptor int) (batches int) {
	t.Helper()
	rows := rowsOf(p)
	const spikeT = 5 * sim.Millisecond
	for pre, row := range rows {
		d, ok := p.First(int32(pre))
		if ok != (len(row) > 0) {
			t.Fatalf("pre %d: First ok = %v with %d synapses", pre, ok, len(row))
		}
		if !ok {
			continue
		}
		off, covered := int32(0), 0
		for prev := sim.Time(-1); ; {
			if d != row[off].d || d <= prev {
				t.Fatalf("pre %d offset %d: group delay %v, synapse delay %v, previous group %v", pre, off, d, row[off].d, prev)
			}
			nb := len(rec.batches)
			n, next, nd := p.Deliver(spikeT+d, int32(pre), off, nil)
			if len(rec.batches) != nb+1 {
				t.Fatalf("pre %d offset %d: %d batches for one Deliver", pre, off, len(rec.batches)-nb)
			}
			b := rec.batches[nb]
			if b.t != spikeT+d || b.receptor != receptor || n != len(b.targets) || n == 0 {
				t.Fatalf("pre %d offset %d: batch at %v receptor %d with %d targets, Deliver says %d", pre, off, b.t, b.receptor, len(b.targets), n)
			}
			for m, tgt := range b.targets {
				s := row[int(off)+m]
				w := b.w
				if b.weights != nil {
					w = b.weights[m]
				}
				if int(tgt) != s.post || w != s.w || s.d != d {
					t.Fatalf("pre %d synapse %d: delivered (%d, %v) at delay %v, row has %v", pre, int(off)+m, tgt, w, d, s)
				}
			}
			covered += n
			batches++
			if next < 0 {
				break
			}
			if int(next) != int(off)+n || nd != row[next].d {
				t.Fatalf("pre %d: next group at %d delay %v, want %d delay %v", pre, next, nd, int(off)+n, row[next].d)
			}
			off, prev, d = next, d, nd
		}
		if covered != len(row) {
			t.Fatalf("pre %d: delivered %d of %d synapses", pre, covered, len(row))
		}
	}
	return batches
}

// TestDeliverWalksDelayGroups checks that a presynaptic spike is delivered as one batch
// per delay group (maximal runs of equal delay, in increasing delay order), each with
// the right targets, weights, time and receptor, and nothing delivered twice.
func TestDeliverWalksDelayGroups(t *testing.T) {
	for _, tc := range sortCases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{n: tc.npost}
			p, err := synapse.Build(tc.npre, rec, synapse.Config{Rule: tc.rule, Weight: tc.weight, Delay: tc.delay, Receptor: 1}, streams(8, tc.name))
			if err != nil {
				t.Fatal(err)
			}
			groups := 0
			for _, r := range rowsOf(p) {
				for k := range r {
					if k == 0 || r[k].d != r[k-1].d {
						groups++
					}
				}
			}
			if b := walk(t, p, rec, 1); b != groups {
				t.Errorf("%d batches for %d delay groups", b, groups)
			}
		})
	}
	// A constant delay makes each row one batch, and a constant weight passes w alone.
	rec := &recorder{n: 40}
	p, err := synapse.Build(30, rec, synapse.Config{Rule: synapse.Rule{Kind: synapse.FixedProbability, P: 0.3}, Weight: sim.Fixed(-2.5), Delay: sim.Fixed(0.1)}, streams(8, "const"))
	if err != nil {
		t.Fatal(err)
	}
	nonEmpty := 0
	for i := range p.Pre() {
		if p.RowLen(i) > 0 {
			nonEmpty++
		}
	}
	if b := walk(t, p, rec, 0); b != nonEmpty {
		t.Errorf("constant delay: %d batches for %d non-empty rows", b, nonEmpty)
	}
	for _, b := range rec.batches {
		if b.weights != nil || b.w != -2.5 {
			t.Fatalf("constant weight delivered as weights %v, w %v", b.weights, b.w)
		}
	}
}

// TestBytes: a synapse costs 4 bytes of target, plus 8 of weight unless the weight is
// constant, plus 4 of delay unless the delay is constant, at most 16. Beyond that a
// projection holds one int64 row offset per presynaptic neuron, and fixed_probability
// reserves target capacity for 1 % + 16 synapses above its expected count (the actual
// count stays below that: its sd sqrt(m p (1-p)) is far below 1 % of m p here).
func TestBytes(t *testing.T) {
	uw := sim.Dist{Kind: sim.Uniform, A: 0, B: 1}
	ud := sim.Dist{Kind: sim.Uniform, A: 0.5, B: 2}
	for _, tc := range []struct {
		rule          synapse.Rule
		weight, delay sim.Dist
		perSyn        int64
		npre, npost   int
		reserve       bool
	}{
		{synapse.Rule{Kind: synapse.AllToAll}, sim.Fixed(1), sim.Fixed(1), 4, 300, 400, false},
		{synapse.Rule{Kind: synapse.AllToAll}, uw, sim.Fixed(1), 12, 300, 400, false},
		{synapse.Rule{Kind: synapse.AllToAll}, sim.Fixed(1), ud, 8, 300, 400, false},
		{synapse.Rule{Kind: synapse.AllToAll}, uw, ud, 16, 300, 400, false},
		{synapse.Rule{Kind: synapse.FixedInDegree, K: 50}, uw, ud, 16, 300, 400, false},
		{synapse.Rule{Kind: synapse.FixedProbability, P: 0.5}, uw, ud, 16, 1000, 1000, true},
		{synapse.Rule{Kind: synapse.FixedProbability, P: 0.02}, sim.Fixed(1), sim.Fixed(1), 4, 1000, 1000, true},
	} {
		p := build(t, tc.npre, tc.npost, synapse.Config{Rule: tc.rule, Weight: tc.weight, Delay: tc.delay}, streams(1, "bytes"))
		rowBytes := int64(8 * (tc.npre + 1))
		lo := tc.perSyn*int64(p.Len()) + rowBytes
		hi := lo
		if tc.reserve {
			hi = tc.perSyn*int64(p.Len()) + rowBytes + 4*int64(0.01*synapse.Expected(tc.rule, tc.npre, tc.npost, false)+16)
		}
		if b := p.Bytes(); b < lo || b > hi {
			t.Errorf("%+v: %d bytes for %d synapses, want in [%d, %d]", tc.rule, b, p.Len(), lo, hi)
		}
		if per := float64(p.Bytes()-rowBytes) / float64(p.Len()); tc.perSyn == 16 && per > 16.05 {
			t.Errorf("%+v: %.3f bytes per synapse, want at most 16 (+ 1 %% reserve)", tc.rule, per)
		}
	}
}

// TestGolden pins a small seeded projection, so that a change of the drawing algorithm
// (which changes every seeded run) is seen. Regenerate with go test -run Golden -update.
func TestGolden(t *testing.T) {
	var sb strings.Builder
	for _, rule := range []synapse.Rule{
		{Kind: synapse.FixedProbability, P: 0.3, NoAutapse: true},
		{Kind: synapse.FixedInDegree, K: 2, NoMultapse: true},
	} {
		cfg := synapse.Config{Rule: rule, Recurrent: true,
			Weight: sim.Dist{Kind: sim.Uniform, A: 0, B: 1}, Delay: sim.Dist{Kind: sim.Uniform, A: 1, B: 1.000003}}
		p := build(t, 6, 6, cfg, streams(2024, "golden"))
		fmt.Fprintf(&sb, "%+v\n", rule)
		for i, r := range rowsOf(p) {
			fmt.Fprintf(&sb, "%d:", i)
			for _, s := range r {
				fmt.Fprintf(&sb, " %d/%.6f/%d", s.post, s.w, s.d)
			}
			sb.WriteString("\n")
		}
	}
	path := filepath.Join("testdata", "golden.txt")
	if *update {
		if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if sb.String() != string(want) {
		t.Errorf("seeded projections changed:\n got:\n%s\nwant:\n%s", sb.String(), want)
	}
}

// recorder1 is a recorder that also takes single inputs (synapse.Target1), recording
// each as the batch of one that Deliver would have been given.
type recorder1 struct{ recorder }

func (r *recorder1) Deliver1(t sim.Time, receptor int, j uint32, w float64, _ sim.SpikeFunc) {
	r.batches = append(r.batches, batch{t, receptor, []uint32{j}, nil, w})
}

// TestDeliverOne: a target that takes single inputs gets, from a projection's delay
// groups of one synapse, the inputs the batches would have carried (weights passed alone),
// and the batches of the longer groups as before; the projection reports the same counts.
func TestDeliverOne(t *testing.T) {
	inputs := func(bs []batch) (in []string) {
		for _, b := range bs {
			for k, j := range b.targets {
				w := b.w
				if b.weights != nil {
					w = b.weights[k]
				}
				in = append(in, fmt.Sprint(b.t, b.receptor, j, w))
			}
		}
		return in
	}
	singles := 0
	for _, tc := range sortCases {
		c := synapse.Config{Rule: tc.rule, Weight: tc.weight, Delay: tc.delay, Receptor: 1}
		rec, rec1 := &recorder{n: tc.npost}, &recorder1{recorder{n: tc.npost}}
		p, err := synapse.Build(tc.npre, rec, c, streams(8, tc.name))
		if err != nil {
			t.Fatal(err)
		}
		p1, err := synapse.Build(tc.npre, rec1, c, streams(8, tc.name))
		if err != nil {
			t.Fatal(err)
		}
		b, b1 := walk(t, p, rec, 1), walk(t, p1, &rec1.recorder, 1)
		for k, x := range rec1.batches {
			if len(x.targets) == 1 && rec.batches[k].weights != nil && x.weights == nil {
				singles++ // passed as a single input
			}
		}
		if b != b1 || !slices.Equal(inputs(rec.batches), inputs(rec1.batches)) {
			t.Errorf("%s: %d batches, %d to a Target1; inputs equal: %v", tc.name, b, b1, slices.Equal(inputs(rec.batches), inputs(rec1.batches)))
		}
	}
	if singles == 0 {
		t.Error("no delay group of one synapse was tested")
	}
}

// TestOneDelay: a projection reports one delay exactly when its delay is constant and
// no row is empty, and then First says so for every presynaptic neuron.
func TestOneDelay(t *testing.T) {
	for _, c := range []struct {
		name       string
		npre, post int
		rule       synapse.Rule
		delay      sim.Dist
		want       bool
	}{
		{"all_to_all", 30, 1, synapse.Rule{Kind: synapse.AllToAll}, sim.Fixed(0), true},
		{"one_to_one", 30, 30, synapse.Rule{Kind: synapse.OneToOne}, sim.Fixed(1.5), true},
		{"fixed_probability with empty rows", 200, 5, synapse.Rule{Kind: synapse.FixedProbability, P: 0.1}, sim.Fixed(0), false},
		{"fixed_probability dense", 50, 200, synapse.Rule{Kind: synapse.FixedProbability, P: 0.5}, sim.Fixed(2), true},
		{"per-synapse delays", 30, 1, synapse.Rule{Kind: synapse.AllToAll}, sim.Dist{Kind: sim.Uniform, A: 1, B: 2}, false},
	} {
		p := build(t, c.npre, c.post, synapse.Config{Rule: c.rule, Weight: sim.Fixed(1), Delay: c.delay}, streams(3, c.name))
		d, ok := p.OneDelay()
		empty := false
		for i := range p.Pre() {
			empty = empty || p.RowLen(i) == 0
		}
		if ok != c.want || c.name == "fixed_probability with empty rows" && !empty {
			t.Errorf("%s: OneDelay ok = %v, want %v (an empty row: %v)", c.name, ok, c.want, empty)
		}
		if !ok {
			continue
		}
		for i := range p.Pre() {
			if fd, fok := p.First(int32(i)); fd != d || !fok {
				t.Errorf("%s: OneDelay %v, but First(%d) = %v, %v", c.name, d, i, fd, fok)
			}
		}
	}
}
