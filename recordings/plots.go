package recordings

import (
	"fmt"
	"image/color"
	"maps"
	"path/filepath"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PlotCollector gathers, while a recording is read, what the figures of snn analyze
// --plots need and nothing more: the spikes of a few neurons over the first seconds (for
// the raster) and a histogram of inter-spike intervals per population. Its memory is one
// time per neuron plus the raster's points, whatever the recording's length.
type PlotCollector struct {
	pops     []AnalyzePopulation
	window   int64 // ns of raster
	perPop   int32 // neurons per population in the raster
	raster   [][]plotter.XY
	last     [][]int64
	isi      [][]float64 // per population, counts per bin
	isiBinMs float64
}

// Raster and histogram extents.
const (
	rasterWindowNs = 2e9 // the raster shows the first 2 s
	rasterNeurons  = 100 // of the first 100 neurons of each population
	isiMaxMs       = 500.0
	isiBins        = 250
)

// NewPlotCollector prepares the collection for the populations of a recording.
func NewPlotCollector(pops []AnalyzePopulation) *PlotCollector {
	c := &PlotCollector{pops: pops, window: rasterWindowNs, perPop: rasterNeurons, isiBinMs: isiMaxMs / isiBins,
		raster: make([][]plotter.XY, len(pops)), last: make([][]int64, len(pops)), isi: make([][]float64, len(pops))}
	for p, pop := range pops {
		c.last[p] = make([]int64, pop.Size)
		for i := range c.last[p] {
			c.last[p][i] = -1
		}
		c.isi[p] = make([]float64, isiBins+1) // the last bin counts longer intervals
	}
	return c
}

// Add takes one spike (time ns, population index, neuron).
func (c *PlotCollector) Add(t int64, pop, node int32) {
	if t < c.window && node < c.perPop {
		c.raster[pop] = append(c.raster[pop], plotter.XY{X: float64(t) / 1e6, Y: float64(node)})
	}
	if l := c.last[pop][node]; l >= 0 {
		k := int(float64(t-l) / 1e6 / c.isiBinMs)
		c.isi[pop][min(k, isiBins)]++
	}
	c.last[pop][node] = t
}

var palette = []color.Color{
	color.RGBA{31, 119, 180, 255}, color.RGBA{214, 39, 40, 255}, color.RGBA{44, 160, 44, 255},
	color.RGBA{148, 103, 189, 255}, color.RGBA{255, 127, 14, 255}, color.RGBA{140, 86, 75, 255},
}

// addLine adds the k-th series, named, to a plot.
func addLine(p *plot.Plot, xy plotter.XYs, k int, name string) error {
	l, err := plotter.NewLine(xy)
	if err != nil {
		return err
	}
	l.Color = palette[k%len(palette)]
	p.Add(l)
	p.Legend.Add(name, l)
	return nil
}

// WriteWeights draws weights.png: histograms of each projection's first snapshot
// (dashed) and latest snapshot (solid).
func WriteWeights(dir string, w *WeightSummary) (string, error) {
	p := plot.New()
	p.Title.Text = "Weights at the first (dashed) and last snapshot"
	units := map[string]bool{}
	for _, u := range w.Units {
		units[u] = true
	}
	p.X.Label.Text = "weight"
	if len(units) == 1 {
		for u := range units {
			p.X.Label.Text = "weight (" + u + ")"
		}
	}
	p.Y.Label.Text = "synapses"
	names := slices.Sorted(maps.Keys(w.last))
	for k, n := range names {
		for _, snap := range []struct {
			xs    []float64
			first bool
		}{{w.first[n], true}, {w.last[n], false}} {
			if snap.first && len(w.Projections[n]) < 2 {
				continue // one snapshot: first and last are the same
			}
			h, err := plotter.NewHist(plotter.Values(snap.xs), 50)
			if err != nil {
				return "", err
			}
			h.FillColor = nil
			h.LineStyle.Color = palette[k%len(palette)]
			if snap.first {
				h.LineStyle.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
				p.Add(h)
				continue
			}
			p.Add(h)
			p.Legend.Add(n, h)
		}
	}
	path := filepath.Join(dir, "weights.png")
	if err := p.Save(8*vg.Inch, 4.5*vg.Inch, path); err != nil {
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	return path, nil
}

// Write draws raster.png, rate.png and isi.png into dir and returns their paths.
func (c *PlotCollector) Write(dir string, r *Report) ([]string, error) {
	var files []string
	save := func(p *plot.Plot, name string) error {
		path := filepath.Join(dir, name)
		if err := p.Save(8*vg.Inch, 4.5*vg.Inch, path); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		files = append(files, path)
		return nil
	}

	// Raster: populations stacked, each on its own band of rows.
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Spikes of the first %d neurons of each population", c.perPop)
	p.X.Label.Text = "time (ms)"
	p.Y.Label.Text = "neuron (bands by population)"
	offset := 0.0
	for k, pts := range c.raster {
		xy := make(plotter.XYs, len(pts))
		for i, q := range pts {
			xy[i] = plotter.XY{X: q.X, Y: q.Y + offset}
		}
		s, err := plotter.NewScatter(xy)
		if err != nil {
			return nil, err
		}
		s.GlyphStyle.Radius = vg.Points(0.8)
		s.GlyphStyle.Color = palette[k%len(palette)]
		p.Add(s)
		p.Legend.Add(c.pops[k].Name, s)
		offset += float64(min(int32(c.pops[k].Size), c.perPop)) + 5
	}
	if err := save(p, "raster.png"); err != nil {
		return nil, err
	}

	// Population rate (the PSTH).
	p = plot.New()
	p.Title.Text = fmt.Sprintf("Population rate (%g ms bins)", r.PSTHBinMs)
	p.X.Label.Text = "time (ms)"
	p.Y.Label.Text = "rate (Hz per neuron)"
	for k, pop := range c.pops {
		h := r.Populations[pop.Name].PSTHHz
		xy := make(plotter.XYs, len(h))
		for i, v := range h {
			xy[i] = plotter.XY{X: (float64(i) + 0.5) * r.PSTHBinMs, Y: v}
		}
		if err := addLine(p, xy, k, pop.Name); err != nil {
			return nil, err
		}
	}
	if err := save(p, "rate.png"); err != nil {
		return nil, err
	}

	// ISI histograms, as densities so that populations of different sizes compare.
	p = plot.New()
	p.Title.Text = fmt.Sprintf("Inter-spike intervals (up to %g ms)", isiMaxMs)
	p.X.Label.Text = "interval (ms)"
	p.Y.Label.Text = "density (1/ms)"
	for k, pop := range c.pops {
		total := 0.0
		for _, v := range c.isi[k] {
			total += v
		}
		if total == 0 {
			continue
		}
		xy := make(plotter.XYs, isiBins)
		for i := range isiBins {
			xy[i] = plotter.XY{X: (float64(i) + 0.5) * c.isiBinMs, Y: c.isi[k][i] / total / c.isiBinMs}
		}
		if err := addLine(p, xy, k, pop.Name); err != nil {
			return nil, err
		}
	}
	if err := save(p, "isi.png"); err != nil {
		return nil, err
	}
	return files, nil
}

// WriteWeightTrace draws weight_trace.png: the mean weight over time of each small
// projection (WeightSummary.Traces, a chosen synapse), with the times of rewards marked
// along the bottom. It writes nothing when there is no trace.
func WriteWeightTrace(dir string, w *WeightSummary, rewardsMs []float64) (string, error) {
	if len(w.Traces) == 0 {
		return "", nil
	}
	p := plot.New()
	p.Title.Text = "Weight over time (ticks: rewards)"
	p.X.Label.Text = "time (s)"
	p.Y.Label.Text = "weight"
	names := slices.Sorted(maps.Keys(w.Traces))
	for k, n := range names {
		if u := w.Units[n]; u != "" && len(names) == 1 {
			p.Y.Label.Text = "weight (" + u + ")"
		}
		xy := make(plotter.XYs, len(w.Traces[n]))
		for i, pt := range w.Traces[n] {
			xy[i] = plotter.XY{X: pt[0] / 1000, Y: pt[1]}
		}
		if err := addLine(p, xy, k, n); err != nil {
			return "", err
		}
	}
	if len(rewardsMs) > 0 {
		xy := make(plotter.XYs, len(rewardsMs))
		for i, t := range rewardsMs {
			xy[i] = plotter.XY{X: t / 1000, Y: 0}
		}
		s, err := plotter.NewScatter(xy)
		if err != nil {
			return "", err
		}
		s.GlyphStyle.Shape = draw.PyramidGlyph{}
		s.GlyphStyle.Radius = vg.Points(2)
		s.GlyphStyle.Color = color.Gray{Y: 100}
		p.Add(s)
		p.Legend.Add(fmt.Sprintf("rewards (%d)", len(rewardsMs)), s)
	}
	path := filepath.Join(dir, "weight_trace.png")
	if err := p.Save(8*vg.Inch, 4.5*vg.Inch, path); err != nil {
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	return path, nil
}
