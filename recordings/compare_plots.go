package recordings

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The figures of snn compare: accuracy curves, receptive fields, confusion matrices.

// PlotAccuracy draws accuracy curves (lines with points, one colour per series, the
// accuracy in percent) against xLabel into path.
func PlotAccuracy(path, title, xLabel string, series []Series) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = "accuracy (%)"
	p.Y.Min, p.Y.Max = 0, 100
	p.Legend.Top = false
	p.Legend.Left = false
	p.Add(plotter.NewGrid())
	for k, sr := range series {
		if len(sr.Xs) == 0 {
			continue
		}
		xy := make(plotter.XYs, len(sr.Xs))
		for i := range sr.Xs {
			xy[i] = plotter.XY{X: sr.Xs[i], Y: 100 * sr.Ys[i]}
		}
		l, s, err := plotter.NewLinePoints(xy)
		if err != nil {
			return fmt.Errorf("plotting %s: %w", sr.Name, err)
		}
		c := palette[k%len(palette)]
		l.Color, s.Color = c, c
		s.Radius = vg.Points(2)
		p.Add(l, s)
		p.Legend.Add(sr.Name, l, s)
	}
	if err := p.Save(8*vg.Inch, 4.5*vg.Inch, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// PlotReceptiveFields draws the input weights of n neurons, w[in*n + j] from input in to
// neuron j, each as a rows x cols tile (input in at row in/cols, column in%cols) in a
// grid of about sqrt(n) tiles a side. Each tile is scaled from its own smallest weight
// (black) to its largest (white); a tile of equal weights is mid grey.
func PlotReceptiveFields(path, title string, w []float64, n, rows, cols int) error {
	if n < 1 || rows < 1 || cols < 1 || len(w) != n*rows*cols {
		return fmt.Errorf("recordings: receptive fields of %d neurons of %dx%d inputs from %d weights: want n*rows*cols weights", n, rows, cols, len(w))
	}
	across := int(math.Ceil(math.Sqrt(float64(n))))
	down := (n + across - 1) / across
	const gap = 1
	// Scale each weight to an s x s block so that the drawing is sharp at the figure's
	// resolution.
	s := max(1, 800/(across*(cols+gap)))
	img := image.NewGray(image.Rect(0, 0, s*(across*(cols+gap)-gap), s*(down*(rows+gap)-gap)))
	for i := range img.Pix {
		img.Pix[i] = 128 // the gaps
	}
	for j := range n {
		lo, hi := math.Inf(1), math.Inf(-1)
		for in := range rows * cols {
			v := w[in*n+j]
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		x0, y0 := (j%across)*(cols+gap)*s, (j/across)*(rows+gap)*s
		for in := range rows * cols {
			g := uint8(128)
			if hi > lo {
				g = uint8(math.Round(255 * (w[in*n+j] - lo) / (hi - lo)))
			}
			r, c := in/cols, in%cols
			for dy := range s {
				off := img.PixOffset(x0+c*s, y0+r*s+dy)
				for dx := range s {
					img.Pix[off+dx] = g
				}
			}
		}
	}
	p := plot.New()
	p.Title.Text = title
	p.HideAxes()
	b := img.Bounds()
	p.Add(plotter.NewImage(img, 0, 0, float64(b.Dx()), float64(b.Dy())))
	side := 8 * vg.Inch
	if err := p.Save(side, side*vg.Length(b.Dy())/vg.Length(b.Dx())+0.4*vg.Inch, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// confusionGrid shows a confusion matrix as a heat map: cell (k, y) is the fraction of
// class y's rows classified as k, true class 0 at the top.
type confusionGrid struct {
	m    [][]int
	rows []float64 // per true class, its rows
}

func (g confusionGrid) Dims() (c, r int) { return len(g.m), len(g.m) }
func (g confusionGrid) X(c int) float64  { return float64(c) }
func (g confusionGrid) Y(r int) float64  { return float64(r) }
func (g confusionGrid) Z(c, r int) float64 {
	y := len(g.m) - 1 - r
	if g.rows[y] == 0 {
		return 0
	}
	return float64(g.m[y][c]) / g.rows[y]
}

// whiteBlue runs from white to dark blue.
type whiteBlue int

func (n whiteBlue) Colors() []color.Color {
	cs := make([]color.Color, n)
	for i := range cs {
		f := float64(i) / float64(n-1)
		cs[i] = color.RGBA{uint8(255 - f*(255-8)), uint8(255 - f*(255-48)), uint8(255 - f*(255-107)), 255}
	}
	return cs
}

// classTicks labels the integer positions 0..n-1 with classes, reversed when rev.
type classTicks struct {
	n   int
	rev bool
}

func (t classTicks) Ticks(_, _ float64) []plot.Tick {
	ts := make([]plot.Tick, t.n)
	for i := range ts {
		c := i
		if t.rev {
			c = t.n - 1 - i
		}
		ts[i] = plot.Tick{Value: float64(i), Label: strconv.Itoa(c)}
	}
	return ts
}

// PlotConfusion draws a confusion matrix m[y][k] (rows of true class y classified as k):
// each cell shaded by the fraction of its true class and labelled with its count.
func PlotConfusion(path, title string, m [][]int) error {
	n := len(m)
	if n == 0 {
		return fmt.Errorf("recordings: empty confusion matrix")
	}
	g := confusionGrid{m: m, rows: make([]float64, n)}
	for y, row := range m {
		if len(row) != n {
			return fmt.Errorf("recordings: confusion matrix row %d has %d columns, want %d", y, len(row), n)
		}
		for _, v := range row {
			g.rows[y] += float64(v)
		}
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "predicted class"
	p.Y.Label.Text = "true class"
	h := plotter.NewHeatMap(g, whiteBlue(64))
	h.Min, h.Max = 0, 1
	p.Add(h)
	var lab plotter.XYLabels
	var styles []text.Style
	for y, row := range m {
		for k, v := range row {
			lab.XYs = append(lab.XYs, plotter.XY{X: float64(k), Y: float64(n - 1 - y)})
			lab.Labels = append(lab.Labels, strconv.Itoa(v))
			st := text.Style{Color: color.Black, Font: plot.DefaultFont, XAlign: draw.XCenter, YAlign: draw.YCenter, Handler: plot.DefaultTextHandler}
			if g.Z(k, n-1-y) > 0.5 {
				st.Color = color.White
			}
			st.Font.Size = vg.Points(max(6, 11-float64(n)/4))
			styles = append(styles, st)
		}
	}
	l, err := plotter.NewLabels(lab)
	if err != nil {
		return err
	}
	l.TextStyle = styles
	p.Add(l)
	p.X.Tick.Marker = classTicks{n: n}
	p.Y.Tick.Marker = classTicks{n: n, rev: true}
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	if err := p.Save(6*vg.Inch, 6*vg.Inch, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
