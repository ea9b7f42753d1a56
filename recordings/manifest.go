package recordings

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Format names the layout of a run directory; it changes when the layout does.
const Format = "snn-run/1"

// Manifest is run.json: what ran and which complete parts each dataset has. It is
// rewritten atomically (temporary file, then rename) whenever a part closes, so after a
// crash it still lists exactly the parts that are complete on disk.
type Manifest struct {
	Format     string `json:"format"`
	Version    string `json:"snn_version"`
	Name       string `json:"name"`
	Spec       string `json:"spec"`                 // where it came from: a path or example:NAME
	SpecText   string `json:"spec_text"`            // the spec file as read
	Seed       uint64 `json:"seed"`                 // the seed used (the spec's or --seed)
	NoRewards  bool   `json:"no_rewards,omitempty"` // the spec's rewards were left out (--no-rewards)
	DurationNs int64  `json:"duration_ns"`
	// Populations lists every population (neurons and inputs) in engine order.
	Populations []Population `json:"populations"`
	// Projections lists every projection, with its weights' unit and, when plastic, bounds.
	Projections []Projection        `json:"projections,omitempty"`
	Started     time.Time           `json:"started"`
	Ended       *time.Time          `json:"ended,omitempty"`
	Status      string              `json:"status"` // running, complete or failed
	Error       string              `json:"error,omitempty"`
	Datasets    map[string]*Dataset `json:"datasets"`
}

// Population describes one population of the run.
type Population struct {
	Name     string `json:"name"`
	Size     int    `json:"size"`
	Model    string `json:"model"`
	Input    bool   `json:"input"`    // a source (Poisson, generator), not neurons
	Recorded bool   `json:"recorded"` // its spikes are in the spikes dataset
}

// Projection describes one projection of the run.
type Projection struct {
	Name     string   `json:"name"`
	From     string   `json:"from"`
	To       string   `json:"to"`
	Synapses int      `json:"synapses"`
	Unit     string   `json:"weight_unit"`
	Plastic  bool     `json:"plastic"`
	WMin     *float64 `json:"w_min,omitempty"` // plastic projections: the rule's bounds
	WMax     *float64 `json:"w_max,omitempty"`
}

// Dataset lists one dataset's columns and complete parts.
type Dataset struct {
	Columns []Column `json:"columns"`
	Rows    int64    `json:"rows"`
	Parts   []Part   `json:"parts"`
}

// Column documents one column of a dataset.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Unit string `json:"unit,omitempty"`
	Doc  string `json:"doc"`
}

// SpikeColumns documents the spikes dataset.
var SpikeColumns = []Column{
	{"time_ns", "int64", "ns", "spike time since the start of the run; ms = time_ns / 1e6"},
	{"node_ids", "int32", "", "index of the neuron within its population"},
	{"population", "string", "", "name of the population"},
}

// Run is a run directory being written: its manifest and the datasets' writers.
type Run struct {
	dir string
	mu  sync.Mutex
	m   Manifest
}

// CreateRun writes the initial run.json (status running) into dir, which must exist.
func CreateRun(dir string, m Manifest) (*Run, error) {
	m.Format = Format
	m.Status = "running"
	if m.Datasets == nil {
		m.Datasets = map[string]*Dataset{}
	}
	r := &Run{dir: dir, m: m}
	return r, r.save()
}

// Dir returns the run directory.
func (r *Run) Dir() string { return r.dir }

// AddDataset declares a dataset with its columns.
func (r *Run) AddDataset(name string, cols []Column) error {
	r.mu.Lock()
	r.m.Datasets[name] = &Dataset{Columns: cols, Parts: []Part{}}
	r.mu.Unlock()
	return r.save()
}

// PartClosed records a complete part of a dataset and rewrites run.json.
func (r *Run) PartClosed(dataset string) func(Part) error {
	return func(p Part) error {
		r.mu.Lock()
		d := r.m.Datasets[dataset]
		d.Parts = append(d.Parts, p)
		d.Rows += p.Rows
		r.mu.Unlock()
		return r.save()
	}
}

// Finish records the end of the run: complete, or failed with the error.
func (r *Run) Finish(err error) error {
	r.mu.Lock()
	now := time.Now().UTC()
	r.m.Ended = &now
	r.m.Status = "complete"
	if err != nil {
		r.m.Status, r.m.Error = "failed", err.Error()
	}
	r.mu.Unlock()
	return r.save()
}

func (r *Run) save() error {
	r.mu.Lock()
	b, err := json.MarshalIndent(&r.m, "", "  ")
	r.mu.Unlock()
	if err != nil {
		return err
	}
	return WriteAtomic(filepath.Join(r.dir, "run.json"), append(b, '\n'))
}

// WriteAtomic writes data to a temporary file beside path, syncs it, then renames it, so a
// reader sees the old file or the new one, never a partial one.
func WriteAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// ReadManifest reads a run directory's run.json.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "run.json"), err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("%s: format %q, this snn reads %q", filepath.Join(dir, "run.json"), m.Format, Format)
	}
	return &m, nil
}
