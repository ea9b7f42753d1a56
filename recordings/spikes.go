package recordings

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"

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

// SpikeWriter streams spikes into dir/spikes/ as Parquet parts. Encoding, compression
// and file IO happen on a goroutine of its own, fed full batches through a channel, so
// the simulation does not wait for them (on two cores recording costs the run a few
// percent of wall time); the rows and files are the same as if written inline.
type SpikeWriter struct {
	w      *writer[SpikeRow]
	names  []string
	buf    []SpikeRow
	full   chan []SpikeRow // batches to encode, in order
	free   chan []SpikeRow // encoded batches, for reuse
	done   chan error      // the encoder's result, once full is closed
	err    atomic.Pointer[error]
	closed bool
}

// NewSpikeWriter starts a spikes dataset under runDir. names maps a population index to
// its name; meta is copied into every part's key-value metadata; onClose is told of each
// part once it is complete on disk (from the writer's goroutine).
func NewSpikeWriter(runDir string, names []string, meta map[string]string, lim Limits, onClose func(Part) error) (*SpikeWriter, error) {
	m := map[string]string{"snn.dataset": "spikes", "snn.time_unit": "time_ns: nanoseconds since the start of the run"}
	for k, v := range meta {
		m[k] = v
	}
	w, err := newWriter(filepath.Join(runDir, "spikes"), lim, m, func(r *SpikeRow) int64 { return r.TimeNs }, onClose)
	if err != nil {
		return nil, err
	}
	s := &SpikeWriter{w: w, names: names, buf: make([]SpikeRow, 0, lim.Batch),
		full: make(chan []SpikeRow, 2), free: make(chan []SpikeRow, 3), done: make(chan error, 1)}
	for range 2 {
		s.free <- make([]SpikeRow, 0, lim.Batch)
	}
	go s.encode()
	return s, nil
}

// encode writes the batches it is sent, in order, and returns each buffer for reuse.
// After an error it keeps draining the channel, so the simulation never blocks on it.
func (s *SpikeWriter) encode() {
	for b := range s.full {
		if s.err.Load() == nil {
			s.write(b)
		}
		s.free <- b[:0]
	}
	if e := s.err.Load(); e != nil {
		s.w.close() // removes the temporary part
		s.done <- *e
		return
	}
	s.done <- s.w.close()
}

func (s *SpikeWriter) write(b []SpikeRow) {
	defer func() {
		if p := recover(); p != nil { // a bug in the encoder must not hang the run
			e := fmt.Errorf("writing spikes: %v", p)
			s.err.CompareAndSwap(nil, &e)
		}
	}()
	for _, r := range b {
		s.w.add(r)
	}
	if s.w.err != nil {
		e := s.w.err
		s.err.CompareAndSwap(nil, &e)
	}
}

// Add records one spike; it does not allocate. Write errors are reported by Err and
// Close.
func (s *SpikeWriter) Add(tNs int64, pop, node int32) {
	s.buf = append(s.buf, SpikeRow{TimeNs: tNs, NodeIDs: node, Population: s.names[pop]})
	if len(s.buf) == cap(s.buf) {
		s.full <- s.buf
		s.buf = <-s.free
	}
}

// Err returns the first write error the encoder has met so far, if any.
func (s *SpikeWriter) Err() error {
	if e := s.err.Load(); e != nil {
		return *e
	}
	return nil
}

// Close writes the remaining spikes and the last part, and waits for the encoder.
func (s *SpikeWriter) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	if len(s.buf) > 0 {
		s.full <- s.buf
	}
	close(s.full)
	return <-s.done
}

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
