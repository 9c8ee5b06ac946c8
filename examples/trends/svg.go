package main

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/trends"
)

var palette = []string{"#c0392b", "#2471a3", "#239b56", "#b9770e", "#7d3c98", "#17a589"}

// lineChart draws the monthly series of the given regions of t. Suppressed
// months break the line and show as hollow markers on the axis.
func lineChart(w io.Writer, t *trends.Table, regions []string) error {
	const (
		width, height          = 960, 520
		left, right, top, bott = 70, 300, 70, 60
	)
	pw, ph := float64(width-left-right), float64(height-top-bott)
	maxY := int64(10)
	for _, name := range regions {
		row, _ := t.Row(name)
		for _, c := range row.Cells {
			if !c.Suppressed && c.Count > maxY {
				maxY = c.Count
			}
		}
	}
	step := niceStep(float64(maxY) / 5)
	ymax := math.Ceil(float64(maxY)/step) * step
	n := len(t.Periods)
	x := func(i int) float64 { return float64(left) + pw*(float64(i)+0.5)/float64(n) }
	y := func(v float64) float64 { return float64(top) + ph*(1-v/ymax) }

	b := bufio.NewWriter(w)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif">`+"\n", width, height, width, height)
	fmt.Fprintf(b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	fmt.Fprintf(b, `<text x="%d" y="28" font-size="18" font-weight="bold">Housing requests per month, top rising neighborhoods, 2025</text>`+"\n", left)
	fmt.Fprintf(b, `<text x="%d" y="48" font-size="12" fill="#555">Generated data. Published with suppression (k = %d): hollow markers on the axis are suppressed months.</text>`+"\n", left, t.K)
	for v := 0.0; v <= ymax+1e-9; v += step {
		fmt.Fprintf(b, `<line x1="%d" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", left, float64(left)+pw, y(v), y(v))
		fmt.Fprintf(b, `<text x="%d" y="%.1f" font-size="12" text-anchor="end" fill="#333">%g</text>`+"\n", left-8, y(v)+4, v)
	}
	for i, p := range t.Periods {
		fmt.Fprintf(b, `<text x="%.1f" y="%d" font-size="12" text-anchor="middle" fill="#333">%s</text>`+"\n", x(i), height-bott+20, p.Start.Format("Jan"))
	}
	fmt.Fprintf(b, `<line x1="%d" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#333"/>`+"\n", left, float64(left)+pw, y(0), y(0))
	fmt.Fprintf(b, `<text x="18" y="%.1f" font-size="12" fill="#333" transform="rotate(-90 18 %.1f)" text-anchor="middle">requests (rent help and shelter)</text>`+"\n", float64(top)+ph/2, float64(top)+ph/2)
	for k, name := range regions {
		row, _ := t.Row(name)
		col := palette[k%len(palette)]
		var seg []string
		flush := func() {
			if len(seg) > 1 {
				fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="2.5" points="%s"/>`+"\n", col, strings.Join(seg, " "))
			}
			seg = seg[:0]
		}
		for i, c := range row.Cells {
			if c.Suppressed {
				flush()
				fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="4" fill="white" stroke="%s" stroke-width="1.5"/>`+"\n", x(i)+float64(k*3-6), y(0)-5-float64(k)*4, col)
				continue
			}
			seg = append(seg, fmt.Sprintf("%.1f,%.1f", x(i), y(float64(c.Count))))
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>`+"\n", x(i), y(float64(c.Count)), col)
		}
		flush()
		ly := top + 10 + 24*k
		fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="3"/>`+"\n", width-right+20, width-right+44, ly, ly, col)
		fmt.Fprintf(b, `<text x="%d" y="%d" font-size="13">%s</text>`+"\n", width-right+52, ly+4, html.EscapeString(short(name)))
	}
	fmt.Fprintln(b, `</svg>`)
	return b.Flush()
}

func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// changeMap shades each neighborhood by the change in its requests from
// the first to the second period of t (log scale, blue for fewer, red
// for more); neighborhoods with a suppressed half are hatched grey.
func changeMap(w io.Writer, rs *geo.Regions, t *trends.Table) error {
	const width, mapW = 1000, 700.0
	regs := rs.All()
	var bd orb.Bound = regs[0].Bound
	for _, r := range regs {
		bd = bd.Union(r.Bound)
	}
	// Equirectangular projection scaled by cos(latitude) at the centre.
	k := math.Cos((bd.Min[1] + bd.Max[1]) / 2 * math.Pi / 180)
	s := mapW / ((bd.Max[0] - bd.Min[0]) * k)
	const ox, oy = 20.0, 80.0
	mapH := (bd.Max[1] - bd.Min[1]) * s
	height := int(oy + mapH + 40)
	px := func(p orb.Point) (float64, float64) {
		return ox + (p[0]-bd.Min[0])*k*s, oy + (bd.Max[1]-p[1])*s
	}
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif">`+"\n", width, height, width, height)
	fmt.Fprintf(b, `<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#eee"/><line x1="0" y1="0" x2="0" y2="6" stroke="#aaa" stroke-width="2"/></pattern></defs>`+"\n")
	fmt.Fprintf(b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	fmt.Fprintf(b, `<text x="20" y="30" font-size="18" font-weight="bold">Change in housing requests by neighborhood, %s against %s</text>`+"\n", t.Periods[1].Label(), t.Periods[0].Label())
	fmt.Fprintf(b, `<text x="20" y="52" font-size="12" fill="#555">Generated data, Chattanooga neighborhood associations. Hatched: a half-year count is suppressed (k = %d).</text>`+"\n", t.K)
	type lab struct {
		x, y  float64
		name  string
		ratio float64
	}
	var labels []lab
	for i, reg := range regs {
		row := t.Rows[i]
		h1, h2 := row.Cells[0], row.Cells[1]
		fill, ratio := "url(#hatch)", math.NaN()
		if !h1.Suppressed && !h2.Suppressed {
			ratio = float64(h2.Count) / math.Max(float64(h1.Count), 0.5)
			fill = diverging(math.Log2(ratio))
		}
		var d strings.Builder
		for _, poly := range reg.Geometry {
			for _, ring := range poly {
				for j, p := range ring {
					x, y := px(p)
					if j == 0 {
						fmt.Fprintf(&d, "M%.1f %.1f", x, y)
					} else {
						fmt.Fprintf(&d, "L%.1f %.1f", x, y)
					}
				}
				d.WriteString("Z")
			}
		}
		fmt.Fprintf(b, `<path d="%s" fill="%s" fill-rule="evenodd" stroke="#555" stroke-width="0.6"><title>%s</title></path>`+"\n", d.String(), fill, html.EscapeString(short(reg.Name)))
		if !math.IsNaN(ratio) {
			x, y := px(rs.Centroid(i))
			labels = append(labels, lab{x, y, short(reg.Name), ratio})
		}
	}
	// Label the five largest rises.
	sort.Slice(labels, func(i, j int) bool { return labels[i].ratio > labels[j].ratio })
	for _, l := range labels[:min(5, len(labels))] {
		fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="black"/>`, l.x, l.y)
		tx, anchor := l.x+5, "start"
		if l.x > ox+mapW*0.55 {
			tx, anchor = l.x-5, "end"
		}
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="12" font-weight="bold" text-anchor="%s" stroke="white" stroke-width="3" paint-order="stroke">%s ×%.1f</text>`+"\n", tx, l.y-4, anchor, html.EscapeString(l.name), l.ratio)
	}
	// Legend.
	lx, ly := ox+mapW+40, oy+10
	fmt.Fprintf(b, `<text x="%.0f" y="%.0f" font-size="13" font-weight="bold">second half ÷ first half</text>`+"\n", lx, ly)
	for i, v := range []float64{2, 1, 0.5, 0, -0.5, -1} {
		y := ly + 14 + float64(i)*26
		fmt.Fprintf(b, `<rect x="%.0f" y="%.0f" width="30" height="20" fill="%s" stroke="#555" stroke-width="0.6"/>`, lx, y, diverging(v))
		fmt.Fprintf(b, `<text x="%.0f" y="%.0f" font-size="12">×%.2g</text>`+"\n", lx+40, y+15, math.Pow(2, v))
	}
	y := ly + 14 + 6*26
	fmt.Fprintf(b, `<rect x="%.0f" y="%.0f" width="30" height="20" fill="url(#hatch)" stroke="#555" stroke-width="0.6"/>`, lx, y)
	fmt.Fprintf(b, `<text x="%.0f" y="%.0f" font-size="12">suppressed</text>`+"\n", lx+40, y+15)
	fmt.Fprintln(b, `</svg>`)
	return b.Flush()
}

// diverging maps log2 of a ratio to a blue–white–red colour, saturating
// at ±2 (a quarter or four times).
func diverging(v float64) string {
	v = math.Max(-2, math.Min(2, v)) / 2
	lerp := func(a, b, t float64) int { return int(math.Round(a + (b-a)*t)) }
	if v >= 0 {
		return fmt.Sprintf("#%02x%02x%02x", lerp(247, 178, v), lerp(247, 24, v), lerp(247, 43, v))
	}
	return fmt.Sprintf("#%02x%02x%02x", lerp(247, 33, -v), lerp(247, 102, -v), lerp(247, 172, -v))
}
