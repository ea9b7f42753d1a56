package recordings

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Checkpoint is the complete state of a run at one time: the engine's (opaque, from
// sim.Engine.MarshalState), the command's own (spike counts, digests, sampling
// positions) and the recordings' positions. A run resumed from it produces the same
// spikes, weights and digests as the uninterrupted run.
type Checkpoint struct {
	Version    string // snn version that wrote it; resuming needs the same
	SpecSHA256 string // digest of the spec text, so a changed spec is refused
	Seed       uint64
	TimeNs     int64 // simulated time of the checkpoint
	Engine     []byte
	Command    []byte
	// Parts gives each dataset's number of complete parts at the checkpoint, Rows their
	// rows: parts written after it are discarded on resume.
	Parts map[string]int
	Rows  map[string]int64
}

// The checkpoint file: magic, format version, payload length, CRC-32C of the payload
// (it detects truncation and corruption, at a fraction of SHA-256's cost), then the
// payload (gob). Files are written under a temporary name, synced and renamed,
// so a crash while writing leaves the previous checkpoint intact.
const (
	ckptMagic   = "SNNCKPT\x00"
	ckptFormat  = 1
	ckptHeader  = 8 + 4 + 8 + 4
	ckptPattern = "ckpt-*.snnckpt"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// CheckpointDir is where a run keeps its checkpoints.
func CheckpointDir(runDir string) string { return filepath.Join(runDir, "checkpoints") }

// WriteCheckpoint writes c into runDir/checkpoints and removes all but the newest keep.
func WriteCheckpoint(runDir string, c *Checkpoint, keep int) (string, error) {
	dir := CheckpointDir(runDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(c); err != nil {
		return "", err
	}
	hdr := make([]byte, 0, ckptHeader)
	hdr = append(hdr, ckptMagic...)
	hdr = binary.LittleEndian.AppendUint32(hdr, ckptFormat)
	hdr = binary.LittleEndian.AppendUint64(hdr, uint64(payload.Len()))
	hdr = binary.LittleEndian.AppendUint32(hdr, crc32.Checksum(payload.Bytes(), castagnoli))
	path := filepath.Join(dir, fmt.Sprintf("ckpt-%020d.snnckpt", c.TimeNs))
	if err := WriteAtomic(path, append(hdr, payload.Bytes()...)); err != nil {
		return "", err
	}
	files, _ := filepath.Glob(filepath.Join(dir, ckptPattern))
	sort.Strings(files)
	for len(files) > keep {
		os.Remove(files[0])
		files = files[1:]
	}
	return path, nil
}

// ReadCheckpoint reads and verifies one checkpoint file: a wrong magic, format,
// length or checksum is an error naming the file.
func ReadCheckpoint(path string) (c *Checkpoint, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	bad := func(what string) error { return fmt.Errorf("%s: not a usable checkpoint: %s", path, what) }
	switch {
	case len(b) < ckptHeader || string(b[:8]) != ckptMagic:
		return nil, bad("no checkpoint header")
	case binary.LittleEndian.Uint32(b[8:]) != ckptFormat:
		return nil, bad(fmt.Sprintf("format %d, this snn reads %d", binary.LittleEndian.Uint32(b[8:]), ckptFormat))
	case binary.LittleEndian.Uint64(b[12:]) != uint64(len(b)-ckptHeader):
		return nil, bad("truncated")
	}
	if crc32.Checksum(b[ckptHeader:], castagnoli) != binary.LittleEndian.Uint32(b[20:]) {
		return nil, bad("checksum mismatch (corrupted)")
	}
	defer func() {
		if p := recover(); p != nil {
			c, err = nil, bad(fmt.Sprint(p))
		}
	}()
	c = &Checkpoint{}
	if err := gob.NewDecoder(bytes.NewReader(b[ckptHeader:])).Decode(c); err != nil {
		return nil, bad(err.Error())
	}
	return c, nil
}

// LatestCheckpoint returns the newest usable checkpoint of a run, skipping (and
// reporting in skipped) newer files that do not verify.
func LatestCheckpoint(runDir string) (c *Checkpoint, path string, skipped []error, err error) {
	files, _ := filepath.Glob(filepath.Join(CheckpointDir(runDir), ckptPattern))
	sort.Strings(files)
	for k := len(files) - 1; k >= 0; k-- {
		c, err := ReadCheckpoint(files[k])
		if err == nil {
			return c, files[k], skipped, nil
		}
		skipped = append(skipped, err)
	}
	if len(files) == 0 {
		return nil, "", nil, fmt.Errorf("%s: no checkpoint", CheckpointDir(runDir))
	}
	return nil, "", skipped, fmt.Errorf("%s: no usable checkpoint: %w", CheckpointDir(runDir), errors.Join(skipped...))
}

// OpenRun reopens a run directory to continue it from checkpoint c: datasets keep the
// parts complete at the checkpoint, later parts (and temporary files) are removed, and
// run.json says running again.
func OpenRun(dir string, c *Checkpoint) (*Run, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	for name, d := range m.Datasets {
		n := c.Parts[name]
		if n > len(d.Parts) {
			return nil, fmt.Errorf("%s: the checkpoint counts %d %s parts, run.json lists %d", dir, n, name, len(d.Parts))
		}
		d.Parts = d.Parts[:n]
		d.Rows = c.Rows[name]
		entries, _ := os.ReadDir(filepath.Join(dir, name))
		for _, e := range entries {
			var k int
			if _, err := fmt.Sscanf(e.Name(), "part-%05d.parquet", &k); (err == nil && k >= n) || strings.HasPrefix(e.Name(), ".") {
				if err := os.Remove(filepath.Join(dir, name, e.Name())); err != nil {
					return nil, err
				}
			}
		}
	}
	m.Status, m.Error, m.Ended = "running", "", nil
	r := &Run{dir: dir, m: *m}
	return r, r.save()
}

// Manifest returns a copy of the run's manifest.
func (r *Run) Manifest() Manifest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m
}

// Positions returns each dataset's parts and rows as run.json lists them (for a
// checkpoint taken right after cutting the writers).
func (r *Run) Positions() (parts map[string]int, rows map[string]int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	parts, rows = map[string]int{}, map[string]int64{}
	for name, d := range r.m.Datasets {
		parts[name], rows[name] = len(d.Parts), d.Rows
	}
	return parts, rows
}
