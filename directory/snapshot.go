package directory

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/paulmach/orb/geojson"

	"github.com/wraparound/wraparound/geo"
)

// A snapshot is a folder:
//
//	manifest.json   format version, zone, region set names, counts; written last
//	taxonomy.json   the categories
//	providers.json  the providers in ID order (with their region annotations)
//	regions/N.geojson  region set N of manifest.region_sets
//	text/           the bleve index (scorch), when the directory has one
//
// Save writes it into a fresh temporary folder beside the target, syncs
// it, moves any previous snapshot aside, renames the new one into place
// and only then removes the old one. A crash before the swap leaves the
// old snapshot untouched (and a ".NAME.saving-*" folder to delete); a
// crash between the two renames leaves the old snapshot in
// ".NAME.old-*", which Open falls back to when NAME is missing.

// ErrBadSnapshot reports a snapshot folder that cannot be opened:
// missing or malformed files, an unknown format version, or a text index
// that does not match the providers.
var ErrBadSnapshot = errors.New("directory: bad snapshot")

const (
	snapshotFormat = 1
	// textFormat changes whenever textMapping or the projection changes,
	// so that an old text index is rejected rather than misread.
	textFormat = 2

	manifestFile  = "manifest.json"
	taxonomyFile  = "taxonomy.json"
	providersFile = "providers.json"
	regionsDir    = "regions"
	textDir       = "text"
	// regionNameProp names regions in the saved GeoJSON; it cannot clash
	// with a source property because those keep their own names.
	regionNameProp = "wraparound:region"
)

type manifest struct {
	Format     int      `json:"format"`
	TextFormat int      `json:"text_format,omitempty"`
	Location   string   `json:"location"`
	Providers  int      `json:"providers"`
	RegionSets []string `json:"region_sets,omitempty"`
	Text       bool     `json:"text"`
}

// saveHook, when set by tests, runs after each step of Save; an error
// stops the save there, as a crash would.
var saveHook func(step string) error

func hook(step string) error {
	if saveHook != nil {
		return saveHook(step)
	}
	return nil
}

// Save writes the directory to the folder dir as a snapshot that Open
// reads back without rebuilding the text index: providers, taxonomy,
// region sets, the default zone and, when the directory has one, its text
// index as an on-disk bleve index. A transit network is not saved; give
// it again to OpenWith.
//
// Save replaces an existing snapshot at dir atomically as far as the file
// system allows: the new snapshot is written to a temporary folder in the
// same parent and renamed into place, so that a crash at any point leaves
// a loadable snapshot — the old one or the new one. A successful Save
// removes what earlier interrupted Saves left beside dir. Concurrent
// Saves to the same dir are not supported. Writing the text index re-indexes the
// providers with bleve's offline builder (seconds at n = 100,000).
func (d *Directory) Save(dir string) (err error) {
	dir = filepath.Clean(dir)
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("directory: save: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".saving-")
	if err != nil {
		return fmt.Errorf("directory: save: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := d.writeSnapshot(tmp); err != nil {
		return err
	}
	// Swap: move the old snapshot aside, the new one in, then drop the
	// old one.
	var old string
	if _, err := os.Stat(dir); err == nil {
		old, err = os.MkdirTemp(parent, "."+base+".old-")
		if err != nil {
			return fmt.Errorf("directory: save: %w", err)
		}
		if err := os.Remove(old); err != nil {
			return fmt.Errorf("directory: save: %w", err)
		}
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("directory: save: %w", err)
		}
	}
	if err := hook("aside"); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			os.Rename(old, dir)
		}
		return fmt.Errorf("directory: save: %w", err)
	}
	syncDir(parent)
	if old != "" {
		os.RemoveAll(old)
	}
	removeStale(parent, base)
	return nil
}

// removeStale deletes what interrupted Saves to parent/base left behind:
// half-written ".base.saving-*" folders and ".base.old-*" snapshots that
// were moved aside.
func removeStale(parent, base string) {
	ents, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() && (strings.HasPrefix(n, "."+base+".saving-") || strings.HasPrefix(n, "."+base+".old-")) {
			os.RemoveAll(filepath.Join(parent, n))
		}
	}
}

// writeSnapshot writes every file of the snapshot into the empty folder
// dir, the manifest last, and syncs them.
func (d *Directory) writeSnapshot(dir string) error {
	if err := writeJSONFile(filepath.Join(dir, taxonomyFile), d.tax.All()); err != nil {
		return err
	}
	if err := hook("taxonomy"); err != nil {
		return err
	}
	if err := writeJSONFile(filepath.Join(dir, providersFile), d.providers); err != nil {
		return err
	}
	if err := hook("providers"); err != nil {
		return err
	}
	m := manifest{
		Format:     snapshotFormat,
		Location:   d.loc.String(),
		Providers:  len(d.providers),
		RegionSets: slices.Clone(d.regionNames),
		Text:       d.text != nil,
	}
	if len(d.regionNames) > 0 {
		if err := os.Mkdir(filepath.Join(dir, regionsDir), 0o755); err != nil {
			return fmt.Errorf("directory: save: %w", err)
		}
		for i, name := range d.regionNames {
			fc := geojson.NewFeatureCollection()
			for _, r := range d.regionSet[name].All() {
				f := geojson.NewFeature(r.Geometry)
				for k, v := range r.Properties {
					f.Properties[k] = v
				}
				f.Properties[regionNameProp] = r.Name
				fc.Append(f)
			}
			if err := writeJSONFile(filepath.Join(dir, regionsDir, fmt.Sprintf("%d.geojson", i)), fc); err != nil {
				return err
			}
		}
		syncDir(filepath.Join(dir, regionsDir))
	}
	if err := hook("regions"); err != nil {
		return err
	}
	if d.text != nil {
		m.TextFormat = textFormat
		path := filepath.Join(dir, textDir)
		if err := d.writeText(path); err != nil {
			return err
		}
		syncTree(path)
	}
	if err := hook("text"); err != nil {
		return err
	}
	if err := writeJSONFile(filepath.Join(dir, manifestFile), m); err != nil {
		return err
	}
	syncDir(dir)
	return hook("manifest")
}

// writeJSONFile writes v as JSON to a new file and syncs it.
func writeJSONFile(path string, v any) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("directory: save: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	enc := json.NewEncoder(w)
	if err := enc.Encode(v); err != nil {
		f.Close()
		return fmt.Errorf("directory: save %s: %w", filepath.Base(path), err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("directory: save: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("directory: save: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("directory: save: %w", err)
	}
	return nil
}

// syncDir flushes a folder's entries; errors are ignored because some
// systems cannot sync folders, and the files themselves are synced.
func syncDir(path string) {
	if f, err := os.Open(path); err == nil {
		f.Sync()
		f.Close()
	}
}

// syncTree syncs every file and folder under root.
func syncTree(root string) {
	filepath.WalkDir(root, func(path string, de fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if f, err := os.Open(path); err == nil {
			f.Sync()
			f.Close()
		}
		return nil
	})
}

// Open reads a snapshot written by Save. The text index is opened from
// disk and projected, not rebuilt; the spatial and category indexes are
// rebuilt from the providers (a Build without text). Region filters work
// as on the saved directory, since the region sets are saved too.
//
// If dir is missing because a Save was interrupted between its two
// renames, Open reads the previous snapshot left beside it.
func Open(dir string) (*Directory, error) { return OpenWith(dir, nil) }

// OpenWith is Open with a chance to configure the Builder before the
// directory is rebuilt, for what a snapshot does not hold: a transit
// network (Builder.Transit) in particular. setup must not add providers
// or region sets; Builder.TextIndex is ignored, as the saved text index
// is used.
func OpenWith(dir string, setup func(*Builder)) (*Directory, error) {
	dir = filepath.Clean(dir)
	if _, err := os.Stat(filepath.Join(dir, manifestFile)); errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			if alt := asideSnapshot(dir); alt != "" {
				dir = alt
			}
		}
	}
	var m manifest
	if err := readJSONFile(filepath.Join(dir, manifestFile), &m); err != nil {
		return nil, err
	}
	if m.Format != snapshotFormat {
		return nil, fmt.Errorf("%w: format %d, want %d", ErrBadSnapshot, m.Format, snapshotFormat)
	}
	if m.Text && m.TextFormat != textFormat {
		return nil, fmt.Errorf("%w: text index format %d, want %d: save the directory again", ErrBadSnapshot, m.TextFormat, textFormat)
	}
	var cats []Category
	if err := readJSONFile(filepath.Join(dir, taxonomyFile), &cats); err != nil {
		return nil, err
	}
	tax, err := NewTaxonomy(cats)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrBadSnapshot, taxonomyFile, err)
	}
	loc, err := time.LoadLocation(m.Location)
	if err != nil {
		return nil, fmt.Errorf("%w: zone %q: %w", ErrBadSnapshot, m.Location, err)
	}
	var provs []Provider
	if err := readJSONFile(filepath.Join(dir, providersFile), &provs); err != nil {
		return nil, err
	}
	if len(provs) != m.Providers {
		return nil, fmt.Errorf("%w: %d providers, manifest says %d", ErrBadSnapshot, len(provs), m.Providers)
	}
	b := NewBuilder()
	if setup != nil {
		setup(b)
	}
	b.Taxonomy, b.Location, b.TextIndex = tax, loc, false
	b.recs, b.regionSets = b.recs[:0], b.regionSets[:0]
	for i, name := range m.RegionSets {
		path := filepath.Join(dir, regionsDir, fmt.Sprintf("%d.geojson", i))
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadSnapshot, err)
		}
		fc, err := geojson.UnmarshalFeatureCollection(data)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrBadSnapshot, path, err)
		}
		rs, err := geo.RegionsFromFeatures(fc, regionNameProp)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrBadSnapshot, path, err)
		}
		b.AddRegions(name, rs)
	}
	for i, p := range provs {
		b.AddFrom(p, providersFile, 0, i)
	}
	d, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSnapshot, err)
	}
	if m.Text {
		tm, err := textMapping()
		if err != nil {
			return nil, err
		}
		idx, err := bleve.OpenUsing(filepath.Join(dir, textDir), map[string]any{"read_only": true})
		if err != nil {
			return nil, fmt.Errorf("%w: text index: %w", ErrBadSnapshot, err)
		}
		defer idx.Close()
		t, err := d.projectText(idx, tm)
		if err != nil {
			return nil, err
		}
		d.text = t
	}
	return d, nil
}

// asideSnapshot returns the complete snapshot an interrupted Save moved
// aside from dir, or "".
func asideSnapshot(dir string) string {
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	ents, err := os.ReadDir(parent)
	if err != nil {
		return ""
	}
	for _, e := range ents {
		if e.IsDir() && strings.HasPrefix(e.Name(), "."+base+".old-") {
			alt := filepath.Join(parent, e.Name())
			if _, err := os.Stat(filepath.Join(alt, manifestFile)); err == nil {
				return alt
			}
		}
	}
	return ""
}

func readJSONFile(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadSnapshot, err)
	}
	defer f.Close()
	if err := json.NewDecoder(bufio.NewReaderSize(f, 1<<16)).Decode(v); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrBadSnapshot, filepath.Base(path), err)
	}
	return nil
}
