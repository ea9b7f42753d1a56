package recordings

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/parquet-go/parquet-go"
)

// Limits of a dataset writer: rows buffered before they are handed to the Parquet
// encoder, rows per row group, row groups per part. With the spike schema a row group of
// 64 Ki rows is about 290 kB on disk and a part of 128 row groups (8 Mi spikes) about
// 37 MB. Small row groups keep the writer's memory flat: a 100 s cuba run peaks at 4 %
// more resident memory than a 10 s one.
type Limits struct {
	Batch         int
	RowsPerGroup  int64
	GroupsPerPart int
}

// DefaultLimits keep a writer's memory at a few tens of MB however long the run.
var DefaultLimits = Limits{Batch: 1 << 14, RowsPerGroup: 1 << 16, GroupsPerPart: 128}

// Part describes one closed part of a dataset, as listed in the manifest.
type Part struct {
	File  string `json:"file"` // name within the dataset directory
	Rows  int64  `json:"rows"`
	Bytes int64  `json:"bytes"`
	// FirstNs and LastNs are the times of the part's first and last rows.
	FirstNs int64 `json:"first_ns"`
	LastNs  int64 `json:"last_ns"`
}

// writer streams rows of type T into numbered Parquet parts in dir: part-00000.parquet,
// part-00001.parquet, ... Each part is written as .part-NNNNN.parquet.tmp and renamed
// when its footer is written, so every file named part-*.parquet is complete, and a crash
// loses at most the part being written. Row groups are flushed as they fill, so memory
// does not grow with the run.
type writer[T any] struct {
	dir      string
	lim      Limits
	meta     map[string]string
	timeOf   func(*T) int64
	onClose  func(Part) error // called after each part is renamed into place
	buf      []T
	f        *os.File
	w        *parquet.GenericWriter[T]
	part     int
	rows     int64 // rows in the open part
	groupRow int64 // rows in the open row group
	groups   int
	first    int64
	last     int64
	err      error
}

func newWriter[T any](dir string, lim Limits, meta map[string]string, timeOf func(*T) int64, onClose func(Part) error) (*writer[T], error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &writer[T]{dir: dir, lim: lim, meta: meta, timeOf: timeOf, onClose: onClose, buf: make([]T, 0, lim.Batch)}, nil
}

func partName(k int) string { return fmt.Sprintf("part-%05d.parquet", k) }

func (w *writer[T]) open() error {
	tmp := filepath.Join(w.dir, "."+partName(w.part)+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	opts := []parquet.WriterOption{
		parquet.Compression(newZstdCodec()),
		parquet.MaxRowsPerRowGroup(w.lim.RowsPerGroup),
	}
	for k, v := range w.meta {
		opts = append(opts, parquet.KeyValueMetadata(k, v))
	}
	w.f, w.w = f, parquet.NewGenericWriter[T](f, opts...)
	w.rows, w.groupRow, w.groups = 0, 0, 0
	return nil
}

// add appends one row; errors are sticky and reported by flush or close.
func (w *writer[T]) add(row T) {
	w.buf = append(w.buf, row)
	if len(w.buf) == cap(w.buf) {
		w.err = errors.Join(w.err, w.flushBuf())
	}
}

// flushBuf hands the buffered rows to the encoder, closing row groups and parts as they
// fill.
func (w *writer[T]) flushBuf() error {
	if w.err != nil {
		w.buf = w.buf[:0]
		return nil
	}
	rows := w.buf
	for len(rows) > 0 {
		if w.w == nil {
			if err := w.open(); err != nil {
				return err
			}
			w.first = w.timeOf(&rows[0])
		}
		n := int64(len(rows))
		if room := w.lim.RowsPerGroup - w.groupRow; n > room {
			n = room
		}
		if _, err := w.w.Write(rows[:n]); err != nil {
			return err
		}
		w.last = w.timeOf(&rows[n-1])
		w.rows += n
		w.groupRow += n
		rows = rows[n:]
		if w.groupRow == w.lim.RowsPerGroup {
			if err := w.w.Flush(); err != nil {
				return err
			}
			w.groupRow = 0
			if w.groups++; w.groups == w.lim.GroupsPerPart {
				if err := w.closePart(); err != nil {
					return err
				}
			}
		}
	}
	w.buf = w.buf[:0]
	return nil
}

// closePart writes the footer, syncs, renames the part into place and reports it.
func (w *writer[T]) closePart() error {
	w.w.SetKeyValueMetadata("snn.first_ns", strconv.FormatInt(w.first, 10))
	w.w.SetKeyValueMetadata("snn.last_ns", strconv.FormatInt(w.last, 10))
	w.w.SetKeyValueMetadata("snn.part", strconv.Itoa(w.part))
	err := w.w.Close()
	if err == nil {
		err = w.f.Sync()
	}
	var size int64
	if st, serr := w.f.Stat(); serr == nil {
		size = st.Size()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	tmp := w.f.Name()
	w.f, w.w = nil, nil
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("closing %s: %w", partName(w.part), err)
	}
	if err := os.Rename(tmp, filepath.Join(w.dir, partName(w.part))); err != nil {
		return err
	}
	p := Part{File: partName(w.part), Rows: w.rows, Bytes: size, FirstNs: w.first, LastNs: w.last}
	w.part++
	if w.onClose != nil {
		return w.onClose(p)
	}
	return nil
}

// cut flushes the buffered rows and closes the open part, if any, so that everything
// written so far is in complete parts (a checkpoint).
func (w *writer[T]) cut() error {
	err := errors.Join(w.err, w.flushBuf())
	if err == nil && w.w != nil {
		err = w.closePart()
	}
	return err
}

// close flushes the remaining rows and closes the open part, if any.
func (w *writer[T]) close() error {
	err := errors.Join(w.err, w.flushBuf())
	if err == nil && w.w != nil {
		err = w.closePart()
	}
	if w.f != nil { // an error left a temporary part: remove it
		w.f.Close()
		os.Remove(w.f.Name())
	}
	return err
}
