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

// Writer streams rows of one dataset into dir/NAME/ as Parquet parts. Encoding,
// compression and file IO happen on a goroutine of its own, fed full batches through a
// channel, so the simulation does not wait for them (on two cores recording costs the run
// a few percent of wall time at most); the rows and files are the same as if written
// inline.
type Writer[T any] struct {
	w      *writer[T]
	buf    []T
	full   chan []T // batches to encode, in order
	free   chan []T // encoded batches, for reuse
	done   chan error
	ack    chan error // answers a cut
	err    atomic.Pointer[error]
	closed bool
}

// NewWriter starts dataset name under runDir; timeOf gives a row's time for the parts'
// first_ns and last_ns; meta is copied into every part's key-value metadata; onClose is
// told of each part once it is complete on disk (from the writer's goroutine).
func NewWriter[T any](runDir, name string, timeOf func(*T) int64, meta map[string]string, lim Limits, onClose func(Part) error) (*Writer[T], error) {
	m := map[string]string{"snn.dataset": name, "snn.time_unit": "time_ns: nanoseconds since the start of the run"}
	for k, v := range meta {
		m[k] = v
	}
	w, err := newWriter(filepath.Join(runDir, name), lim, m, timeOf, onClose)
	if err != nil {
		return nil, err
	}
	s := &Writer[T]{w: w, buf: make([]T, 0, lim.Batch), full: make(chan []T, 2), free: make(chan []T, 3), done: make(chan error, 1), ack: make(chan error)}
	for range 2 {
		s.free <- make([]T, 0, lim.Batch)
	}
	go s.encode()
	return s, nil
}

// encode writes the batches it is sent, in order, and returns each buffer for reuse.
// After an error it keeps draining the channel, so the simulation never blocks on it.
func (s *Writer[T]) encode() {
	for b := range s.full {
		if b == nil { // a cut
			err := s.Err()
			if err == nil {
				err = s.w.cut()
			}
			s.ack <- err
			continue
		}
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

func (s *Writer[T]) write(b []T) {
	defer func() {
		if p := recover(); p != nil { // a bug in the encoder must not hang the run
			e := fmt.Errorf("writing %s: %v", s.w.dir, p)
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

// Add records one row; it does not allocate in steady state. Write errors are reported
// by Err and Close.
func (s *Writer[T]) Add(row T) {
	s.buf = append(s.buf, row)
	if len(s.buf) == cap(s.buf) {
		s.full <- s.buf
		s.buf = <-s.free
	}
}

// Cut writes every row added so far into complete parts (closing the open one) and
// returns the number of the part the next row will open: the dataset's position for a
// checkpoint. It waits for the encoder.
func (s *Writer[T]) Cut() (nextPart int, err error) {
	if len(s.buf) > 0 {
		s.full <- s.buf
		s.buf = <-s.free
	}
	s.full <- nil
	err = <-s.ack
	return s.w.part, err
}

// StartAt makes the writer number its parts from part on, continuing a dataset written
// up to a checkpoint. Call it before the first Add.
func (s *Writer[T]) StartAt(part int) { s.w.part = part }

// Err returns the first write error the encoder has met so far, if any.
func (s *Writer[T]) Err() error {
	if e := s.err.Load(); e != nil {
		return *e
	}
	return nil
}

// Close writes the remaining rows and the last part, and waits for the encoder.
func (s *Writer[T]) Close() error {
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

// SpikeWriter streams spikes into dir/spikes/.
type SpikeWriter struct {
	*Writer[SpikeRow]
	names []string
}

// NewSpikeWriter starts a spikes dataset under runDir; names maps a population index to
// its name.
func NewSpikeWriter(runDir string, names []string, meta map[string]string, lim Limits, onClose func(Part) error) (*SpikeWriter, error) {
	w, err := NewWriter(runDir, "spikes", func(r *SpikeRow) int64 { return r.TimeNs }, meta, lim, onClose)
	if err != nil {
		return nil, err
	}
	return &SpikeWriter{Writer: w, names: names}, nil
}

// Add records one spike.
func (s *SpikeWriter) Add(tNs int64, pop, node int32) {
	s.Writer.Add(SpikeRow{TimeNs: tNs, NodeIDs: node, Population: s.names[pop]})
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
	return Read(runDir, "spikes", func(path string, s *parquet.Schema) error { return checkSchema(path, s) }, fn)
}

// Read calls fn for every row of a dataset of the run in runDir, part by part and batch
// by batch. check, if not nil, vets each part's schema first. A missing dataset directory
// is an error; an empty one has no rows.
func Read[T any](runDir, dataset string, check func(string, *parquet.Schema) error, fn func(T) error) error {
	dir := filepath.Join(runDir, dataset)
	parts, err := Parts(dir)
	if err != nil {
		return err
	}
	buf := make([]T, 4096) // a dataset with no parts has no rows (a run without spikes)
	for _, p := range parts {
		if err := readPart(p, buf, check, fn); err != nil {
			return err
		}
	}
	return nil
}

func readPart[T any](path string, buf []T, check func(string, *parquet.Schema) error, fn func(T) error) (err error) {
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
	if check != nil {
		if err := check(path, pf.Schema()); err != nil {
			return err
		}
	}
	r := parquet.NewGenericReader[T](pf)
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
