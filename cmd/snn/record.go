package main

import (
	"bytes"
	"crypto/sha256"
	"encoding"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"hash"
	"math"
	"slices"
	"strconv"
	"time"

	"gonum.org/v1/gonum/stat"

	"snn/recordings"
	"snn/sim"
	"snn/sim/spec"
)

// recorder observes every spike: it streams the recorded ones to the spikes dataset,
// digests the spikes of all neuron populations and keeps per-neuron ISI statistics.
//
// spikes_sha256 is the SHA-256 of the lines "time_ns,population,neuron\n" of every spike
// of every neuron population (inputs excluded) in event order, so two runs compare at a
// glance; with the default recording it is the digest of the spikes dataset's rows
// printed that way (for example by DuckDB).
type recorder struct {
	groups []spec.Group
	spikes *recordings.SpikeWriter
	h      hash.Hash
	line   []byte
	counts []int64
	isi    [][]welford // per neuron population, per neuron
	// countOnly marks the inputs whose spikes are not recorded: the recorder does not
	// watch them (most spikes of a network with large inputs) and takes their counts
	// from the engine, plus base (the counts of a resumed run's checkpoint).
	countOnly []bool
	base      []int64
	eng       *sim.Engine
}

// welford accumulates the mean and variance of one neuron's inter-spike intervals.
type welford struct {
	last     sim.Time
	n        int32 // spikes seen
	mean, m2 float64
}

func newRecorder(net *spec.Network, spikes *recordings.SpikeWriter) *recorder {
	n := len(net.Groups)
	r := &recorder{groups: net.Groups, spikes: spikes, h: sha256.New(), counts: make([]int64, n),
		isi: make([][]welford, n), countOnly: make([]bool, n), base: make([]int64, n), eng: net.Engine}
	for g, gr := range net.Groups {
		if !gr.Input {
			r.isi[g] = make([]welford, gr.Size)
		}
		r.countOnly[g] = gr.Input && !gr.Record
	}
	return r
}

// Watches implements sim.Watcher: every population but the inputs only counted.
func (r *recorder) Watches(g int32) bool { return !r.countOnly[g] }

// syncCounts brings the counts of the inputs only counted up to date.
func (r *recorder) syncCounts() {
	for g, c := range r.countOnly {
		if c {
			r.counts[g] = r.base[g] + int64(r.eng.Spikes(int32(g)))
		}
	}
}

// Spike implements sim.Observer.
func (r *recorder) Spike(t sim.Time, g, u int32) {
	r.counts[g]++
	gr := &r.groups[g]
	if !gr.Input {
		s := &r.isi[g][u]
		if s.n > 0 {
			x := (t - s.last).Ms()
			k := float64(s.n)
			d := x - s.mean
			s.mean += d / k
			s.m2 += d * (x - s.mean)
		}
		s.n++
		s.last = t
	}
	if gr.Record {
		r.spikes.Add(int64(t), g, u)
	}
	if !gr.Input {
		r.line = strconv.AppendInt(r.line[:0], int64(t), 10)
		r.line = append(r.line, ',')
		r.line = append(r.line, gr.Name...)
		r.line = append(r.line, ',')
		r.line = strconv.AppendInt(r.line, int64(u), 10)
		r.line = append(r.line, '\n')
		r.h.Write(r.line)
	}
}

// Summary is summary.json.
type Summary struct {
	Spec           string                `json:"spec"`
	Name           string                `json:"name"`
	Seed           uint64                `json:"seed"`
	SimSeconds     float64               `json:"sim_seconds"`
	WallSeconds    float64               `json:"wall_seconds"`
	BuildSeconds   float64               `json:"build_seconds"`
	Neurons        int                   `json:"neurons"`
	Synapses       int64                 `json:"synapses"`
	SynapseBytes   int64                 `json:"synapse_bytes"`
	SynapticEvents uint64                `json:"synaptic_events"`
	Spikes         int64                 `json:"spikes"`
	SpikesSHA256   string                `json:"spikes_sha256"`
	Populations    map[string]PopSummary `json:"populations"`
	Inputs         map[string]PopSummary `json:"inputs,omitempty"`
	Plastic        map[string]WeightEnd  `json:"plastic,omitempty"`
	Finished       string                `json:"finished"`
	order          []string
}

// WeightEnd describes a plastic projection's weights at the end of a run: mean and the
// fractions within 10 % of the range from either bound, in the projection's unit.
type WeightEnd struct {
	Unit    string  `json:"unit"`
	WMin    float64 `json:"w_min"`
	WMax    float64 `json:"w_max"`
	Mean    float64 `json:"mean"`
	P99     float64 `json:"p99"`
	NearMin float64 `json:"near_min"`
	NearMax float64 `json:"near_max"`
}

// PopSummary describes one population's activity. cv_isi is the mean over neurons with
// at least two intervals of std/mean of their inter-spike intervals (population standard
// deviation, as Elephant's cv), or null when no neuron has two intervals.
type PopSummary struct {
	Neurons    int      `json:"neurons"`
	Spikes     int64    `json:"spikes"`
	MeanRateHz float64  `json:"mean_rate_hz"`
	CVISI      *float64 `json:"cv_isi,omitempty"`
}

func (r *recorder) summary(source string, net *spec.Network, wall, build time.Duration) *Summary {
	r.syncCounts()
	st := net.Engine.Stats()
	s := &Summary{Spec: source, Name: net.Name, Seed: net.Seed, SimSeconds: net.Duration.Seconds(),
		WallSeconds: wall.Seconds(), BuildSeconds: build.Seconds(), Synapses: net.Synapses, SynapseBytes: net.SynapseBytes,
		SynapticEvents: st.SynapticEvents, Spikes: int64(st.Spikes),
		SpikesSHA256: hex.EncodeToString(r.h.Sum(nil)),
		Populations:  map[string]PopSummary{}, Finished: time.Now().UTC().Format(time.RFC3339)}
	for k := range net.Projections {
		bp := &net.Projections[k]
		lo, hi, ok := bp.Bounds()
		if !ok || bp.P.Len() == 0 {
			continue
		}
		we := WeightEnd{Unit: bp.Unit, WMin: lo, WMax: hi}
		tol := 0.1 * (hi - lo)
		ws := make([]float64, 0, bp.P.Len())
		for i := range bp.P.Pre() {
			for j := range bp.P.RowLen(i) {
				_, w, _ := bp.SynapseAt(i, j, net.Engine.Now())
				w *= bp.Scale
				ws = append(ws, w)
				we.Mean += w
				if w <= lo+tol {
					we.NearMin++
				}
				if w >= hi-tol {
					we.NearMax++
				}
			}
		}
		n := float64(bp.P.Len())
		we.Mean, we.NearMin, we.NearMax = we.Mean/n, we.NearMin/n, we.NearMax/n
		slices.Sort(ws)
		we.P99 = stat.Quantile(0.99, stat.Empirical, ws, nil)
		if s.Plastic == nil {
			s.Plastic = map[string]WeightEnd{}
		}
		s.Plastic[bp.Name] = we
	}
	for g, gr := range net.Groups {
		p := PopSummary{Neurons: gr.Size, Spikes: r.counts[g], MeanRateHz: float64(r.counts[g]) / float64(gr.Size) / s.SimSeconds}
		if gr.Input {
			if s.Inputs == nil {
				s.Inputs = map[string]PopSummary{}
			}
			s.Inputs[gr.Name] = p
			continue
		}
		s.Neurons += gr.Size
		sum, n := 0.0, 0
		for _, w := range r.isi[g] {
			if w.n >= 3 && w.mean > 0 {
				sum += math.Sqrt(w.m2/float64(w.n-1)) / w.mean
				n++
			}
		}
		if n > 0 {
			cv := sum / float64(n)
			p.CVISI = &cv
		}
		s.Populations[gr.Name] = p
		s.order = append(s.order, gr.Name)
	}
	return s
}

// commandState is what a checkpoint keeps of the command: the recorder's counts, ISI
// accumulators and digest, and the sampler's positions.
type commandState struct {
	Counts []int64
	ISI    [][]ISIState
	SHA    []byte
	Due    []sim.Time
	// WeightsDone: weight snapshots up to this time are written (-1: none). A time, not
	// an index: a resumed run may end later, and its "end" snapshot sits elsewhere.
	WeightsDone sim.Time
}

// ISIState is one neuron's ISI accumulator in a checkpoint.
type ISIState struct {
	Last     sim.Time
	N        int32
	Mean, M2 float64
}

func (ss *session) commandState() ([]byte, error) {
	r, s := ss.rec, ss.smp
	r.syncCounts()
	st := commandState{Counts: r.counts, ISI: make([][]ISIState, len(r.isi)), Due: s.due, WeightsDone: -1}
	if s.wk > 0 {
		st.WeightsDone = s.net.WeightTimes[s.wk-1]
	}
	for g, ws := range r.isi {
		for _, w := range ws {
			st.ISI[g] = append(st.ISI[g], ISIState{w.last, w.n, w.mean, w.m2})
		}
	}
	sha, err := r.h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return nil, err
	}
	st.SHA = sha
	var buf bytes.Buffer
	err = gob.NewEncoder(&buf).Encode(&st)
	return buf.Bytes(), err
}

func (ss *session) restoreCommand(b []byte) error {
	var st commandState
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&st); err != nil {
		return fmt.Errorf("command state: %w", err)
	}
	r, s := ss.rec, ss.smp
	if len(st.Counts) != len(r.counts) || len(st.ISI) != len(r.isi) || len(st.Due) != len(s.due) {
		return fmt.Errorf("command state of another network")
	}
	for g := range r.isi {
		if len(st.ISI[g]) != len(r.isi[g]) {
			return fmt.Errorf("command state of another network")
		}
		for i, w := range st.ISI[g] {
			r.isi[g][i] = welford{w.Last, w.N, w.Mean, w.M2}
		}
	}
	copy(r.counts, st.Counts)
	for g, c := range r.countOnly {
		if c {
			r.base[g] = r.counts[g] - int64(r.eng.Spikes(int32(g)))
		}
	}
	copy(s.due, st.Due)
	s.wk = 0
	for s.wk < len(s.net.WeightTimes) && s.net.WeightTimes[s.wk] <= st.WeightsDone {
		s.wk++
	}
	return r.h.(encoding.BinaryUnmarshaler).UnmarshalBinary(st.SHA)
}
