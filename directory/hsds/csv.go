package hsds

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// collector gathers problems in input order.
type collector struct {
	probs []*Problem
}

// add records a problem at p about record id of table (field may be "").
func (c *collector) add(p pos, table, id, field string, err error) {
	k := KindBadValue
	for _, ke := range kindOf {
		if errors.Is(err, ke.err) {
			k = ke.kind
			break
		}
	}
	if errors.Is(err, errOddTime) {
		k = KindOddTime
	} else if errors.Is(err, errGuessed) {
		k = KindGuessed
	}
	c.probs = append(c.probs, &Problem{Kind: k, File: p.file, Line: p.line, Path: p.path, Table: table, ID: id, Field: field, Err: err, Message: err.Error()})
}

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
func readPackage(ctx context.Context, fsys fs.FS, c *collector) (*dataset, error) {
	files := map[string]string{} // file path → canonical table
	layout := ""
	if data, err := fs.ReadFile(fsys, "datapackage.json"); err == nil {
		var dp datapackage
		if err := json.Unmarshal(data, &dp); err != nil {
			c.add(pos{file: "datapackage.json"}, "", "", "", fmt.Errorf("%w: %w", ErrMalformed, err))
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
		err = readCSV(ctx, fh, name, files[name], ds, c)
		fh.Close()
		if err != nil {
			return nil, err
		}
	}
	return ds, nil
}

// readCSV appends the rows of one table. Columns are matched by header
// name; extra columns are kept on the row and unknown ones are ignored
// later. A row that cannot be parsed is reported and skipped.
func readCSV(ctx context.Context, r io.Reader, file, table string, ds *dataset, c *collector) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			c.add(pos{file: file, line: pe.Line}, table, "", "", fmt.Errorf("%w: header: %w", ErrMalformed, pe.Err))
			return nil
		}
		return fmt.Errorf("hsds: %s: %w", file, err)
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
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				c.add(pos{file: file, line: pe.Line}, table, "", "", fmt.Errorf("%w: %w", ErrMalformed, pe.Err))
				continue
			}
			return fmt.Errorf("hsds: %s: %w", file, err)
		}
		line, _ := cr.FieldPos(0)
		blank := true
		vals := make([]string, width)
		for i, v := range rec {
			if i >= len(header) {
				break
			}
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
		ds.add(table, &row{pos: pos{file: file, line: line}, idx: idx, vals: vals})
	}
}
