package hsds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// datapackage is the part of a Frictionless Data package descriptor the
// reader uses.
type datapackage struct {
	Version   string `json:"version"`
	Resources []struct {
		Name string `json:"name"`
		Path string `json:"path"`
	} `json:"resources"`
}

// readPackage reads the CSV tables of a tabular package in fsys: the files
// a datapackage.json names, or else every *.csv file at the root. Tables
// are recognised by file (or resource) name in either the 3.0 or the 2.0
// layout; unknown files are ignored.
func readPackage(ctx context.Context, fsys fs.FS, c *collector, lim Limits) (*dataset, error) {
	files := map[string]string{} // file path → canonical table
	layout := ""
	if data, err := fs.ReadFile(fsys, "datapackage.json"); err == nil {
		var dp datapackage
		if err := json.Unmarshal(data, &dp); err != nil {
			c.addf(pos{file: "datapackage.json"}, "", "", "", ErrMalformed, "%w", err)
		} else {
			if strings.HasPrefix(dp.Version, "2") || strings.HasPrefix(dp.Version, "1") {
				layout = "csv-2.0"
			} else if strings.HasPrefix(dp.Version, "3") {
				layout = "csv-3.0"
			}
			for _, r := range dp.Resources {
				if r.Path == "" || strings.Contains(r.Path, "://") {
					continue
				}
				base := strings.TrimSuffix(path.Base(r.Path), ".csv")
				if t, ok := tableFiles[base]; ok {
					files[path.Clean(r.Path)] = t
				} else if t, ok := tableFiles[r.Name]; ok {
					files[path.Clean(r.Path)] = t
				}
			}
		}
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("hsds: reading package: %w", err)
	}
	names := map[string]bool{}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.EqualFold(path.Ext(n), ".csv") {
			continue
		}
		base := strings.ToLower(strings.TrimSuffix(n, path.Ext(n)))
		names[base] = true
		if t, ok := tableFiles[base]; ok {
			if _, listed := files[n]; !listed {
				files[n] = t
			}
		}
	}
	if layout == "" {
		layout = "csv-3.0"
		for _, old := range []string{"physical_addresses", "postal_addresses", "services_at_location", "service_attributes", "services_taxonomy", "eligibility", "taxonomy", "accessibility_for_disabilities", "regular_schedules", "payments_accepted"} {
			if names[old] {
				layout = "csv-2.0"
				break
			}
		}
	}
	haveServices := false
	for _, t := range files {
		if t == tService {
			haveServices = true
		}
	}
	if !haveServices {
		return nil, fmt.Errorf("%w: services.csv", ErrMissingTable)
	}
	ds := newDataset(layout)
	bud := &budget{left: lim.MaxBytes, max: lim.MaxBytes}
	order := make([]string, 0, len(files))
	for f := range files {
		order = append(order, f)
	}
	sort.Strings(order)
	for _, name := range order {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fh, err := fsys.Open(name)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue // optional tables named in datapackage.json may be absent
			}
			return nil, fmt.Errorf("hsds: %s: %w", name, err)
		}
		err = readCSV(ctx, fh, name, files[name], ds, c, lim, bud)
		fh.Close()
		if err != nil {
			return nil, err
		}
	}
	return ds, nil
}

// readCSV appends the rows of one table. Columns are matched by header
// name; extra columns are kept on the row and unknown ones are ignored
// later. A row that cannot be read (an unterminated quote, a field past
// Limits) is reported at its line and column and skipped; passing
// Limits.MaxRows or MaxBytes is fatal.
func readCSV(ctx context.Context, r io.Reader, file, table string, ds *dataset, c *collector, lim Limits, bud *budget) error {
	cr := newCSVReader(r, lim, bud)
	skipped := func(err error) bool {
		var ce *csvError
		if errors.As(err, &ce) {
			c.addAt(pos{file: file, line: ce.line}, ce.col, table, "", "", fmt.Errorf("%w: %w", ErrMalformed, ce.err))
			return true
		}
		return false
	}
	var header []string
	for {
		h, line, n, err := cr.next(lim.MaxFields)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if skipped(err) {
				continue // the header is the first row that reads
			}
			return fmt.Errorf("hsds: %s:%d: %w", file, cr.line, err)
		}
		if n > lim.MaxFields {
			c.addf(pos{file: file, line: line}, table, "", "", ErrTooLarge, "header has %d columns; the %d past %d are ignored", n, n-lim.MaxFields, lim.MaxFields)
		}
		header = h
		break
	}
	idx := make(map[string]int, len(header)+1)
	for i, h := range header {
		n := normHeader(h)
		if _, dup := idx[n]; !dup && n != "" {
			idx[n] = i
		}
	}
	base := strings.ToLower(path.Base(file))
	extra := ""
	if _, ok := idx["address_type"]; !ok {
		switch {
		case strings.HasPrefix(base, "physical_address"):
			extra = "physical"
		case strings.HasPrefix(base, "postal_address"):
			extra = "postal"
		}
		if extra != "" {
			idx["address_type"] = len(header)
		}
	}
	width := len(header)
	if extra != "" {
		width++
	}
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, line, _, err := cr.next(len(header))
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if skipped(err) {
				continue
			}
			return fmt.Errorf("hsds: %s:%d: %w", file, cr.line, err)
		}
		blank := true
		vals := make([]string, width)
		for i, v := range rec {
			vals[i] = cleanValue(v)
			if vals[i] != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		if extra != "" {
			vals[len(header)] = extra
		}
		if ds.rows >= lim.MaxRows {
			return fmt.Errorf("%w: %s:%d: more than %d rows in all tables", ErrTooLarge, file, line, lim.MaxRows)
		}
		ds.add(table, &row{pos: pos{file: file, line: line}, idx: idx, vals: vals})
	}
}
