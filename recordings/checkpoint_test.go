package recordings

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func sampleCheckpoint(t int64) *Checkpoint {
	return &Checkpoint{Version: "v", SpecSHA256: "abc", Seed: 3, TimeNs: t, Engine: []byte{1, 2, 3}, Command: []byte("x"),
		Parts: map[string]int{"spikes": 2}, Rows: map[string]int64{"spikes": 99}}
}

// TestCheckpointFiles: round trip, the newest `keep` kept, and damaged files (bad magic,
// truncated, flipped bit) refused with the file's name, the previous one used instead.
func TestCheckpointFiles(t *testing.T) {
	dir := t.TempDir()
	for _, tm := range []int64{1e9, 2e9, 3e9, 4e9} {
		if _, err := WriteCheckpoint(dir, sampleCheckpoint(tm), 3); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(CheckpointDir(dir), ckptPattern))
	if len(files) != 3 {
		t.Fatalf("kept %d checkpoints, want 3", len(files))
	}
	c, path, _, err := LatestCheckpoint(dir)
	if err != nil || c.TimeNs != 4e9 || !reflect.DeepEqual(c, sampleCheckpoint(4e9)) {
		t.Fatalf("latest: %+v %v", c, err)
	}
	good, _ := os.ReadFile(path)
	for name, data := range map[string][]byte{
		"magic":     append([]byte("XXXXXXXX"), good[8:]...),
		"truncated": good[:len(good)-3],
		"bit":       func() []byte { b := append([]byte(nil), good...); b[len(b)-1] ^= 1; return b }(),
		"empty":     nil,
	} {
		os.WriteFile(path, data, 0o644)
		if _, err := ReadCheckpoint(path); err == nil || !strings.Contains(err.Error(), filepath.Base(path)) {
			t.Errorf("%s: %v", name, err)
		}
		c, _, skipped, err := LatestCheckpoint(dir)
		if err != nil || c.TimeNs != 3e9 || len(skipped) != 1 {
			t.Errorf("%s: latest usable %+v, skipped %v, %v", name, c, skipped, err)
		}
	}
}

// FuzzReadCheckpoint: arbitrary bytes give an error or a checkpoint, never a panic.
func FuzzReadCheckpoint(f *testing.F) {
	dir := f.TempDir()
	path, err := WriteCheckpoint(dir, sampleCheckpoint(5), 1)
	if err != nil {
		f.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	f.Add(good)
	f.Add(good[:ckptHeader])
	f.Add([]byte(ckptMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "c.snnckpt")
		os.WriteFile(p, b, 0o644)
		ReadCheckpoint(p)
	})
}
