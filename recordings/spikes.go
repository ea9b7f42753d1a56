package recordings

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// SpikeRow is one row of the spikes dataset.
//
//	time_ns     int64   spike time in nanoseconds since the start of the run
//	                    (DELTA_BINARY_PACKED); milliseconds are time_ns / 1e6
//	node_ids    int32   the neuron's index within its population (as SONATA names it)
//	population  string  the population's name (dictionary-encoded)
//
// Rows are in event order: time non-decreasing, ties in the simulator's total order.
type SpikeRow struct {
	TimeNs     int64  `parquet:"time_ns,delta"`
	NodeIDs    int32  `parquet:"node_ids"`
	Population string `parquet:"population,dict"`
}

// SpikeWriter streams spikes into dir/spikes/ as Parquet parts.
type SpikeWriter struct {
	w     *writer[SpikeRow]
	names []string
}

// NewSpikeWriter starts a spikes dataset under runDir. names maps a population index to
// its name; meta is copied into every part's key-value metadata; onClose is told of each
// part once it is complete on disk.
func NewSpikeWriter(runDir string, names []string, meta map[string]string, lim Limits, onClose func(Part) error) (*SpikeWriter, error) {
	m := map[string]string{"snn.dataset": "spikes", "snn.time_unit": "time_ns: nanoseconds since the start of the run"}
	for k, v := range meta {
		m[k] = v
	}
	w, err := newWriter(filepath.Join(runDir, "spikes"), lim, m, func(r *SpikeRow) int64 { return r.TimeNs }, onClose)
	if err != nil {
		return nil, err
	}
	return &SpikeWriter{w: w, names: names}, nil
}

// Add records one spike; it does not allocate. Write errors are kept and returned by
// Err and Close.
func (s *SpikeWriter) Add(tNs int64, pop, node int32) {
	s.w.add(SpikeRow{TimeNs: tNs, NodeIDs: node, Population: s.names[pop]})
}

// Err returns the first write error so far.
func (s *SpikeWriter) Err() error { return s.w.err }

// Close writes the last part.
func (s *SpikeWriter) Close() error { return s.w.close() }

// Parts lists the complete parts of a dataset directory in order.
func Parts(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var parts []string
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, "part-") && strings.HasSuffix(n, ".parquet") {
			parts = append(parts, filepath.Join(dir, n))
		}
	}
	sort.Strings(parts)
	return parts, nil
}

// ReadSpikes calls fn for every spike of the run in runDir, in the recorded order,
// reading one batch at a time, so memory does not depend on the size of the recording.
// A part that is not a Parquet file, is truncated, or lacks the spike columns is an
// error naming the file.
func ReadSpikes(runDir string, fn func(SpikeRow) error) error {
	parts, err := Parts(filepath.Join(runDir, "spikes"))
	if err != nil {
		return err
	}
	if len(parts) == 0 {
		return fmt.Errorf("%s: no spike parts (part-*.parquet)", filepath.Join(runDir, "spikes"))
	}
	buf := make([]SpikeRow, 4096)
	for _, p := range parts {
		if err := readPart(p, buf, fn); err != nil {
			return err
		}
	}
	return nil
}

func readPart(path string, buf []SpikeRow, fn func(SpikeRow) error) (err error) {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	defer func() {
		// parquet-go can panic on some corrupt inputs; report them as errors.
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: not a readable Parquet file: %v", path, p)
		}
	}()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return fmt.Errorf("%s: not a readable Parquet file: %w", path, err)
	}
	if err := checkSchema(path, pf.Schema()); err != nil {
		return err
	}
	r := parquet.NewGenericReader[SpikeRow](pf)
	defer r.Close()
	for {
		n, err := r.Read(buf)
		for _, row := range buf[:n] {
			if ferr := fn(row); ferr != nil {
				return ferr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
}

// checkSchema verifies that a part has the spike columns with their types.
func checkSchema(path string, s *parquet.Schema) error {
	want := []struct{ col, typ string }{{"time_ns", "INT64"}, {"node_ids", "INT32"}, {"population", "BYTE_ARRAY"}}
	have := map[string]string{}
	for _, f := range s.Fields() {
		if f.Leaf() {
			have[f.Name()] = f.Type().Kind().String()
		}
	}
	for _, w := range want {
		col, typ := w.col, w.typ
		got, ok := have[col]
		switch {
		case !ok:
			return fmt.Errorf("%s: not a spikes part: no column %q (has %v)", path, col, keys(have))
		case !strings.EqualFold(got, typ):
			return fmt.Errorf("%s: column %q is %s, expected %s", path, col, got, typ)
		}
	}
	return nil
}

func keys(m map[string]string) []string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}
