package recordings

import (
	"fmt"
	"image/color"
	"os"

	"github.com/parquet-go/parquet-go"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// WriteTable writes rows as one Parquet file (zstd), under a temporary name first.
func WriteTable[T any](path string, rows []T) error {
	tmp := path + ".tmp"
	if err := parquet.WriteFile(tmp, rows, parquet.Compression(newZstdCodec())); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

// Curve is a named function drawn over a plot.
type Curve struct {
	Name string
	F    func(float64) float64
}

// Series is a set of measured points.
type Series struct {
	Name   string
	Xs, Ys []float64
}

// PlotWindow draws STDP windows: measured points (one colour per series) and curves.
func PlotWindow(path, title string, series []Series, curves []Curve) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "dt = t_post - t_pre (ms)"
	p.Y.Label.Text = "weight change"
	for k, sr := range series {
		pts := make(plotter.XYs, len(sr.Xs))
		for i := range sr.Xs {
			pts[i] = plotter.XY{X: sr.Xs[i], Y: sr.Ys[i]}
		}
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		s.GlyphStyle.Radius = vg.Points(2)
		s.GlyphStyle.Color = palette[k%len(palette)]
		p.Add(s)
		p.Legend.Add(sr.Name, s)
	}
	for k, c := range curves {
		fn := plotter.NewFunction(c.F)
		fn.Color = palette[(len(series)+k)%len(palette)]
		fn.Samples = 400
		p.Add(fn)
		p.Legend.Add(c.Name, fn)
	}
	zero := plotter.NewFunction(func(float64) float64 { return 0 })
	zero.Color = color.Gray{Y: 160}
	p.Add(zero)
	if err := p.Save(8*vg.Inch, 4.5*vg.Inch, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
