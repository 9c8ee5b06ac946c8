package trends

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/paulmach/orb/geojson"

	"github.com/wraparound/wraparound/geo"
)

// WriteCSV writes the table in long form, one line per region and period:
//
//	set,region,period,start,category,count,suppressed
//
// A suppressed cell has an empty count and suppressed "true", so that a
// spreadsheet never reads it as zero.
func (t *Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"set", "region", "period", "start", "category", "count", "suppressed"}); err != nil {
		return err
	}
	cat := t.categoryLabel()
	for _, row := range t.Rows {
		for i, c := range row.Cells {
			count := strconv.FormatInt(c.Count, 10)
			if c.Suppressed {
				count = ""
			}
			p := t.Periods[i]
			if err := cw.Write([]string{t.Set, row.Region, p.Label(), p.Start.Format("2006-01-02"), cat, count, strconv.FormatBool(c.Suppressed)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func (t *Table) categoryLabel() string {
	switch {
	case t.Category == "":
		return "(all)"
	case t.Exact:
		return t.Category + " (exactly)"
	}
	return t.Category
}

// WriteGeoJSON writes a FeatureCollection of the table's regions for
// period index period (into t.Periods), for a map: each feature has the
// region's geometry from rs (the region set the table was made from) and
// the properties name, count (null when suppressed), suppressed, period,
// category and mode. Outside and Total have no geometry and are left out;
// regions of the table missing from rs are an error wrapping
// geo.ErrRegionNotFound.
func (t *Table) WriteGeoJSON(w io.Writer, rs *geo.Regions, period int) error {
	if period < 0 || period >= len(t.Periods) {
		return fmt.Errorf("%w: period %d of %d", ErrBadQuery, period, len(t.Periods))
	}
	fc := geojson.NewFeatureCollection()
	label := t.Periods[period].Label()
	for _, row := range t.Rows {
		if row.Outside || row.Total {
			continue
		}
		reg, ok := rs.ByName(row.Region)
		if !ok {
			return fmt.Errorf("%w: %q", geo.ErrRegionNotFound, row.Region)
		}
		f := geojson.NewFeature(reg.Geometry)
		c := row.Cells[period]
		f.Properties["name"] = row.Region
		if c.Suppressed {
			f.Properties["count"] = nil
		} else {
			f.Properties["count"] = c.Count
		}
		f.Properties["suppressed"] = c.Suppressed
		f.Properties["period"] = label
		f.Properties["category"] = t.categoryLabel()
		f.Properties["mode"] = t.Mode.String()
		fc.Append(f)
	}
	b, err := fc.MarshalJSON()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// WriteCSV writes one line per region:
//
//	region,demand,suppressed,capacity,providers,unknown_capacity,shortfall
func (g *GapReport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"region", "demand", "suppressed", "capacity", "providers", "unknown_capacity", "shortfall"}); err != nil {
		return err
	}
	for _, x := range g.Gaps {
		demand, short := strconv.FormatInt(x.Demand, 10), strconv.FormatFloat(x.Shortfall, 'f', 1, 64)
		if x.Suppressed {
			demand, short = "", ""
		}
		if err := cw.Write([]string{x.Region, demand, strconv.FormatBool(x.Suppressed), strconv.FormatFloat(x.Capacity, 'f', 1, 64),
			strconv.Itoa(x.Providers), strconv.Itoa(x.UnknownCapacity), short}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteCSV writes one line per rise:
//
//	region,category,current,baseline,ratio,p,q,significant
func (r *RisingReport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"region", "category", "current", "baseline", "ratio", "p", "q", "significant"}); err != nil {
		return err
	}
	for _, x := range r.Rises {
		if err := cw.Write([]string{x.Region, x.Category, strconv.FormatInt(x.Current, 10), strconv.FormatInt(x.Baseline, 10),
			strconv.FormatFloat(x.Ratio, 'g', 4, 64), strconv.FormatFloat(x.P, 'g', 4, 64), strconv.FormatFloat(x.Q, 'g', 4, 64),
			strconv.FormatBool(x.Significant)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
