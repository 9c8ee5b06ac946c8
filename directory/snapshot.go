package directory

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
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
//	manifest.json      format version, sequence number, zone, region set
//	                   names, counts, and the size and SHA-256 of every
//	                   other file; sealed by its own SHA-256; written last
//	taxonomy.json      the categories
//	providers.json     the providers in ID order (with their region annotations)
//	regions/N.geojson  region set N of the manifest's region_sets
//	text/              the bleve index (scorch), when the directory has one
//	transit.zip        the GTFS feed of the transit network, when saved
//	                   with SaveOptions.TransitFeed
//
// The manifest file reads as JSON, {"manifest":{…},"sha256":"…"}, where
// the checksum covers every byte before it, so that any change to any
// byte of any file is detected.
//
// Save writes a snapshot into a fresh ".NAME.saving-*" folder beside the
// target, syncs it, moves any previous snapshot aside to ".NAME.old-*",
// renames the new one into place and only then removes the old one. A
// crash before the swap leaves the old snapshot untouched (and a
// ".NAME.saving-*" folder, removed by the next Save or Open); a crash
// between the two renames leaves NAME missing and the old snapshot in
// ".NAME.old-*", which Open falls back to — the one with the highest
// sequence number whose files all check.

// ErrBadSnapshot reports a snapshot folder that cannot be opened:
// missing, extra, damaged or truncated files, an unknown format version,
// or a text index that does not match the providers. Open returns it in a
// *SnapshotError naming the file.
var ErrBadSnapshot = errors.New("directory: bad snapshot")

const (
	// snapshotFormat 2 added checksums and sequence numbers.
	snapshotFormat = 2
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

	// maxManifestBytes bounds the manifest read before it is checked.
	maxManifestBytes = 4 << 20
)

// snapshotNames are the entries a snapshot folder may hold.
var snapshotNames = []string{manifestFile, taxonomyFile, providersFile, regionsDir, textDir, transitFile}

type manifest struct {
	Format int `json:"format"`
	// Seq numbers the Saves to one path: one more than the highest
	// sequence number found there (or aside) when the Save began.
	Seq        uint64   `json:"seq"`
	TextFormat int      `json:"text_format,omitempty"`
	Location   string   `json:"location"`
	Providers  int      `json:"providers"`
	RegionSets []string `json:"region_sets,omitempty"`
	Text       bool     `json:"text"`
	// Transit is the fingerprint (networkPrint) of the network read from
	// transit.zip, when the snapshot has one; TransitReach is the
	// directory's Builder.TransitReach in meters.
	Transit      string    `json:"transit,omitempty"`
	TransitReach float64   `json:"transit_reach,omitempty"`
	Files        []fileSum `json:"files"`
}

// fileSum is the size and checksum of one file of a snapshot.
type fileSum struct {
	Path   string `json:"path"` // slash-separated, inside the snapshot folder
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"` // lower-case hex
}

// Manifest sealing: the file is manifestHead + body + manifestMid + hex
// SHA-256 of everything before it + manifestTail.
const (
	manifestHead = `{"manifest":`
	manifestMid  = `,"sha256":"`
	manifestTail = "\"}\n"
)

func sealManifest(body []byte) []byte {
	out := append([]byte(manifestHead), body...)
	out = append(out, manifestMid...)
	sum := sha256.Sum256(out)
	out = hex.AppendEncode(out, sum[:])
	return append(out, manifestTail...)
}

// unsealManifest checks the seal of a manifest file and returns its body.
func unsealManifest(data []byte) ([]byte, error) {
	const hexLen = 2 * sha256.Size
	n := len(data)
	if n < len(manifestHead)+len(manifestMid)+hexLen+len(manifestTail) ||
		!bytes.HasPrefix(data, []byte(manifestHead)) || !bytes.HasSuffix(data, []byte(manifestTail)) {
		return nil, errors.New("not a sealed manifest")
	}
	signed := data[:n-len(manifestTail)-hexLen]
	if !bytes.HasSuffix(signed, []byte(manifestMid)) {
		return nil, errors.New("not a sealed manifest")
	}
	sum := sha256.Sum256(signed)
	if got := data[len(signed) : n-len(manifestTail)]; string(got) != hex.EncodeToString(sum[:]) {
		return nil, errors.New("manifest checksum mismatch")
	}
	return signed[len(manifestHead) : len(signed)-len(manifestMid)], nil
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
// index as an on-disk bleve index, with the size and SHA-256 of every
// file. A transit network is saved only through SaveWith with its feed;
// otherwise give it again to OpenWith.
//
// dir must be missing, empty, or a snapshot (a folder holding only the
// files a snapshot has): Save returns a *SnapshotError wrapping
// ErrNotSnapshot for anything else and deletes nothing.
//
// Save replaces an existing snapshot at dir atomically as far as the file
// system allows: the new snapshot is written to a temporary folder in the
// same parent and renamed into place, so that a process killed at any
// point leaves a complete snapshot — the old one or the new one. Save
// removes what earlier interrupted Saves left beside dir. Saves to the
// same parent folder take turns (an flock on the parent, on Unix); Open
// waits for a Save in progress. Writing the text index re-indexes the
// providers with bleve's offline builder (seconds at n = 100,000); the
// checksums cost one more read of the files (about 0.1 s per 100 MB).
//
// Save looks at ctx between the files it writes and every few thousand
// providers of the text index, up to the swap: once ctx is done it
// returns ctx.Err(), removes the new snapshot's temporary folder and
// leaves dir as it was. Once the new snapshot is renamed into place,
// Save finishes.
func (d *Directory) Save(ctx context.Context, dir string) error {
	return d.save(ctx, dir, SaveOptions{})
}

func (d *Directory) save(ctx context.Context, dir string, opts SaveOptions) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	dir = filepath.Clean(dir)
	parent, base := splitPath(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("directory: save: %w", err)
	}
	unlock, _ := lockFolder(parent, true)
	defer unlock()
	// No other Save runs now: whatever ".saving-" folder is here was left
	// by a killed one.
	removeStale(parent, base, false)
	if err := checkReplaceable(dir); err != nil {
		return err
	}
	removeOlder(dir)
	seq := newestSeq(dir) + 1
	tmp, err := os.MkdirTemp(parent, "."+base+".saving-")
	if err != nil {
		return fmt.Errorf("directory: save: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := d.writeSnapshot(ctx, tmp, seq, opts); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Swap: move the old snapshot aside, the new one in, then drop the
	// old one.
	var old string
	if _, err := os.Lstat(dir); err == nil {
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
	if err := hook("swapped"); err != nil {
		return err
	}
	removeStale(parent, base, true)
	syncDir(parent)
	return nil
}

// splitPath returns the parent folder and the base name of the clean
// path p.
func splitPath(p string) (parent, base string) {
	parent, base = filepath.Split(p)
	if parent == "" {
		parent = "."
	}
	return parent, base
}

// removeStale deletes what interrupted Saves to parent/base left behind:
// half-written ".base.saving-*" folders and, when old is set,
// ".base.old-*" snapshots that were moved aside.
func removeStale(parent, base string, old bool) {
	ents, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() && (strings.HasPrefix(n, "."+base+".saving-") || old && strings.HasPrefix(n, "."+base+".old-")) {
			os.RemoveAll(filepath.Join(parent, n))
		}
	}
}

// removeOlder deletes the snapshots moved aside from dir that are older
// than the one at dir, which Open would never read: dir exists, so Open
// does not fall back. Nothing is deleted when dir's manifest does not
// check, so that a damaged snapshot's predecessor stays for a person to
// recover.
func removeOlder(dir string) {
	m, err := readManifest(dir)
	if err != nil {
		return
	}
	for _, alt := range asideSnapshots(dir) {
		if am, err := readManifest(alt); err != nil || am.Seq < m.Seq {
			os.RemoveAll(alt)
		}
	}
}

// checkReplaceable returns an error unless dir is missing, an empty
// folder, or a folder holding only snapshot files (a snapshot, perhaps a
// damaged or older one).
func checkReplaceable(dir string) error {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("directory: save: %w", err)
	}
	if !fi.IsDir() {
		return &SnapshotError{Dir: dir, Err: fmt.Errorf("%w: %s is not a folder", ErrNotSnapshot, fi.Mode().Type())}
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("directory: save: %w", err)
	}
	for _, e := range ents {
		if !slices.Contains(snapshotNames, e.Name()) {
			return &SnapshotError{Dir: dir, File: e.Name(), Err: fmt.Errorf("%w: it holds files a snapshot does not have; save elsewhere or remove them", ErrNotSnapshot)}
		}
	}
	return nil
}

// newestSeq returns the highest sequence number of the snapshots at dir
// and aside from it whose manifest checks; 0 when there are none.
func newestSeq(dir string) uint64 {
	var seq uint64
	for _, c := range append([]string{dir}, asideSnapshots(dir)...) {
		if m, err := readManifest(c); err == nil {
			seq = max(seq, m.Seq)
		}
	}
	return seq
}

// asideSnapshots returns the ".NAME.old-*" folders beside dir.
func asideSnapshots(dir string) []string {
	parent, base := splitPath(dir)
	ents, err := os.ReadDir(parent)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() && strings.HasPrefix(e.Name(), "."+base+".old-") {
			out = append(out, filepath.Join(parent, e.Name()))
		}
	}
	return out
}

// writeSnapshot writes every file of the snapshot into the empty folder
// dir, the manifest last, and syncs them. It returns ctx.Err() between
// files once ctx is done.
func (d *Directory) writeSnapshot(ctx context.Context, dir string, seq uint64, opts SaveOptions) error {
	if err := writeJSONFile(filepath.Join(dir, taxonomyFile), d.tax.All()); err != nil {
		return err
	}
	if err := hook("taxonomy"); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := writeJSONFile(filepath.Join(dir, providersFile), slices.Collect(d.all())); err != nil {
		return err
	}
	if err := hook("providers"); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m := manifest{
		Format:     snapshotFormat,
		Seq:        seq,
		Location:   d.loc.String(),
		Providers:  d.Len(),
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
				fc.Append(r.Feature(regionNameProp))
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
	if err := ctx.Err(); err != nil {
		return err
	}
	if d.text != nil {
		m.TextFormat = textFormat
		path := filepath.Join(dir, textDir)
		if err := d.writeText(ctx, path); err != nil {
			return err
		}
		syncTree(path)
	}
	if err := hook("text"); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if opts.TransitFeed != nil {
		if err := writeFileSync(filepath.Join(dir, transitFile), opts.TransitFeed); err != nil {
			return err
		}
		m.Transit = networkPrint(d.net)
		m.TransitReach = float64(d.reach)
	}
	sums, err := sumTree(dir)
	if err != nil {
		return fmt.Errorf("directory: save: %w", err)
	}
	m.Files = sums
	if err := hook("sums"); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	body, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("directory: save: %w", err)
	}
	if err := writeFileSync(filepath.Join(dir, manifestFile), sealManifest(body)); err != nil {
		return err
	}
	syncDir(dir)
	return hook("manifest")
}

// sumTree returns the size and SHA-256 of every file under root, in
// lexical order of path.
func sumTree(root string) ([]fileSum, error) {
	var out []fileSum
	err := filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		n, err := io.Copy(h, f)
		if err != nil {
			return err
		}
		out = append(out, fileSum{Path: filepath.ToSlash(rel), Size: n, SHA256: hex.EncodeToString(h.Sum(nil))})
		return nil
	})
	return out, err
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
	return syncClose(f)
}

// writeFileSync writes data to a new file and syncs it.
func writeFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("directory: save: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("directory: save: %w", err)
	}
	return syncClose(f)
}

func syncClose(f *os.File) error {
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

// Open reads a snapshot written by Save. Before reading any file it
// checks the manifest's seal and the size and SHA-256 of every file, and
// that the folder holds no other file, so that a damaged or truncated
// snapshot gives a *SnapshotError wrapping ErrBadSnapshot, never a wrong
// directory or a crash. The text index is then opened from disk and
// projected, not rebuilt; the spatial and category indexes are rebuilt
// from the providers (a Build without text). Region filters work as on
// the saved directory, since the region sets are saved too.
//
// If dir is missing because a Save was interrupted between its two
// renames, Open reads the snapshot moved aside with the highest sequence
// number whose files all check. A damaged snapshot at dir is reported,
// not replaced by an older one. Open removes the folders of killed Saves
// beside dir (on Unix, where it can tell them from a Save at work).
//
// Open looks at ctx before and after checking the files, and while
// rebuilding (as Builder.Build does): once ctx is done it returns
// ctx.Err() and no Directory, and changes nothing on disk beyond the
// removal of killed Saves' folders.
func Open(ctx context.Context, dir string) (*Directory, error) { return OpenWith(ctx, dir, nil) }

// OpenWith is Open with a chance to configure the Builder before the
// directory is rebuilt, for what a snapshot does not hold: a transit
// network (Builder.Transit) in particular, when it was not saved with
// SaveOptions.TransitFeed. A network set by setup is used instead of a
// saved one. setup must not add providers or region sets;
// Builder.TextIndex is ignored, as the saved text index is used.
func OpenWith(ctx context.Context, dir string, setup func(*Builder)) (*Directory, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dir = filepath.Clean(dir)
	parent, base := splitPath(dir)
	unlock, locked := lockFolder(parent, false)
	defer unlock()
	if locked {
		// No Save runs now (it would hold the lock exclusively).
		removeStale(parent, base, false)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	snap, err := pickSnapshot(dir)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d, err := snap.build(ctx, setup)
	if err != nil {
		return nil, err
	}
	d.snapshotSeq = snap.m.Seq
	return d, nil
}

// pickSnapshot checks the snapshot at dir or, when dir is missing, the
// newest complete one moved aside from it.
func pickSnapshot(dir string) (*checkedSnapshot, error) {
	if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
		return checkSnapshot(dir)
	}
	type cand struct {
		dir string
		seq uint64
	}
	var cs []cand
	for _, alt := range asideSnapshots(dir) {
		if m, err := readManifest(alt); err == nil {
			cs = append(cs, cand{alt, m.Seq})
		}
	}
	slices.SortFunc(cs, func(a, b cand) int {
		if a.seq != b.seq {
			if a.seq > b.seq {
				return -1
			}
			return 1
		}
		return strings.Compare(a.dir, b.dir)
	})
	for _, c := range cs {
		if s, err := checkSnapshot(c.dir); err == nil {
			return s, nil
		}
	}
	return nil, &SnapshotError{Dir: dir, Err: fmt.Errorf("%w: %w", ErrBadSnapshot, fs.ErrNotExist)}
}

// checkedSnapshot is a snapshot whose files have been checked, with the
// bytes of its JSON files.
type checkedSnapshot struct {
	dir  string
	m    manifest
	data map[string][]byte // JSON files by manifest path
}

// readManifest reads and unseals the manifest of dir and checks its
// fields; it does not look at the other files.
func readManifest(dir string) (*manifest, error) {
	p := filepath.Join(dir, manifestFile)
	fi, err := os.Lstat(p)
	if err != nil {
		return nil, &SnapshotError{Dir: dir, File: manifestFile, Err: fmt.Errorf("%w: %w", ErrBadSnapshot, err)}
	}
	if !fi.Mode().IsRegular() {
		return nil, badSnapshot(dir, manifestFile, "not a regular file")
	}
	if fi.Size() > maxManifestBytes {
		return nil, badSnapshot(dir, manifestFile, "%d bytes, more than %d", fi.Size(), maxManifestBytes)
	}
	data, err := readAtMost(p, maxManifestBytes)
	if err != nil {
		return nil, &SnapshotError{Dir: dir, File: manifestFile, Err: fmt.Errorf("%w: %w", ErrBadSnapshot, err)}
	}
	body, err := unsealManifest(data)
	if err != nil {
		return nil, badSnapshot(dir, manifestFile, "%v", err)
	}
	var m manifest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, badSnapshot(dir, manifestFile, "%v", err)
	}
	if m.Format != snapshotFormat {
		return nil, badSnapshot(dir, manifestFile, "format %d, want %d: save the directory again", m.Format, snapshotFormat)
	}
	if m.Text && m.TextFormat != textFormat {
		return nil, badSnapshot(dir, manifestFile, "text index format %d, want %d: save the directory again", m.TextFormat, textFormat)
	}
	if m.Providers < 0 {
		return nil, badSnapshot(dir, manifestFile, "%d providers", m.Providers)
	}
	seen := make(map[string]bool, len(m.Files))
	for _, f := range m.Files {
		switch {
		case !fs.ValidPath(f.Path) || f.Path == "." || f.Path == manifestFile:
			return nil, badSnapshot(dir, manifestFile, "file path %q", f.Path)
		case seen[f.Path]:
			return nil, badSnapshot(dir, manifestFile, "file %q listed twice", f.Path)
		case f.Size < 0:
			return nil, badSnapshot(dir, manifestFile, "file %q: size %d", f.Path, f.Size)
		case len(f.SHA256) != 2*sha256.Size || strings.ToLower(f.SHA256) != f.SHA256:
			return nil, badSnapshot(dir, manifestFile, "file %q: checksum %q is not lower-case hex SHA-256", f.Path, f.SHA256)
		}
		if _, err := hex.DecodeString(f.SHA256); err != nil {
			return nil, badSnapshot(dir, manifestFile, "file %q: checksum %q is not lower-case hex SHA-256", f.Path, f.SHA256)
		}
		seen[f.Path] = true
	}
	need := []string{taxonomyFile, providersFile}
	for i := range m.RegionSets {
		need = append(need, regionFile(i))
	}
	for _, n := range need {
		if !seen[n] {
			return nil, badSnapshot(dir, manifestFile, "file %s not listed", n)
		}
	}
	if (m.Transit != "") != seen[transitFile] {
		return nil, badSnapshot(dir, manifestFile, "transit feed listed %v, fingerprint %q", seen[transitFile], m.Transit)
	}
	if m.Transit != "" && (math.IsNaN(m.TransitReach) || m.TransitReach <= 0 || m.TransitReach > float64(MaxRadius)) {
		return nil, badSnapshot(dir, manifestFile, "transit reach %v", m.TransitReach)
	}
	if m.Text != slices.ContainsFunc(m.Files, func(f fileSum) bool { return strings.HasPrefix(f.Path, textDir+"/") }) {
		return nil, badSnapshot(dir, manifestFile, "text index files do not match text=%v", m.Text)
	}
	return &m, nil
}

func regionFile(i int) string { return path.Join(regionsDir, fmt.Sprintf("%d.geojson", i)) }

// readAtMost reads a file of at most limit bytes.
func readAtMost(p string, limit int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("more than %d bytes", limit)
	}
	return data, nil
}

// checkSnapshot checks every file of the snapshot at dir against its
// manifest: first that the folder holds exactly the listed files with
// the listed sizes (and any folders), then their checksums. Nothing is parsed
// but the manifest, and no file is opened by bleve, until all check.
func checkSnapshot(dir string) (*checkedSnapshot, error) {
	m, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	listed := make(map[string]fileSum, len(m.Files))
	for _, f := range m.Files {
		listed[f.Path] = f
	}
	found := 0
	err = filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == "." || rel == manifestFile {
			return nil
		}
		if de.IsDir() {
			// Folders hold no data of their own: the files in them
			// are checked.
			return nil
		}
		f, ok := listed[rel]
		if !ok {
			return badSnapshot(dir, rel, "file not in the manifest")
		}
		if !de.Type().IsRegular() {
			return badSnapshot(dir, rel, "not a regular file")
		}
		fi, err := de.Info()
		if err != nil {
			return err
		}
		if fi.Size() != f.Size {
			return badSnapshot(dir, rel, "%d bytes, manifest says %d", fi.Size(), f.Size)
		}
		found++
		return nil
	})
	if err != nil {
		var se *SnapshotError
		if errors.As(err, &se) {
			return nil, err
		}
		return nil, &SnapshotError{Dir: dir, Err: fmt.Errorf("%w: %w", ErrBadSnapshot, err)}
	}
	if found != len(m.Files) {
		for _, f := range m.Files {
			if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(f.Path))); err != nil {
				return nil, badSnapshot(dir, f.Path, "missing")
			}
		}
		return nil, badSnapshot(dir, "", "%d of %d files found", found, len(m.Files))
	}
	s := &checkedSnapshot{dir: dir, m: *m, data: map[string][]byte{}}
	for _, f := range m.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		keep := !strings.HasPrefix(f.Path, textDir+"/")
		data, sum, err := hashFile(p, f.Size, keep)
		if err != nil {
			return nil, &SnapshotError{Dir: dir, File: f.Path, Err: fmt.Errorf("%w: %w", ErrBadSnapshot, err)}
		}
		if sum != f.SHA256 {
			return nil, badSnapshot(dir, f.Path, "checksum mismatch")
		}
		if keep {
			s.data[f.Path] = data
		}
	}
	return s, nil
}

// hashFile returns the hex SHA-256 of the file at p, which must have
// size bytes, and its bytes when keep is set.
func hashFile(p string, size int64, keep bool) ([]byte, string, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	h := sha256.New()
	var buf *bytes.Buffer
	var w io.Writer = h
	if keep {
		buf = bytes.NewBuffer(make([]byte, 0, size))
		w = io.MultiWriter(h, buf)
	}
	n, err := io.Copy(w, io.LimitReader(f, size+1))
	if err != nil {
		return nil, "", err
	}
	if n != size {
		return nil, "", fmt.Errorf("%d bytes, manifest says %d", n, size)
	}
	var data []byte
	if keep {
		data = buf.Bytes()
	}
	return data, hex.EncodeToString(h.Sum(nil)), nil
}

// build decodes a checked snapshot into a Directory.
func (s *checkedSnapshot) build(ctx context.Context, setup func(*Builder)) (*Directory, error) {
	dir, m := s.dir, &s.m
	var cats []Category
	if err := decodeJSON(s.data[taxonomyFile], &cats); err != nil {
		return nil, badSnapshot(dir, taxonomyFile, "%v", err)
	}
	tax, err := NewTaxonomy(cats)
	if err != nil {
		return nil, &SnapshotError{Dir: dir, File: taxonomyFile, Err: fmt.Errorf("%w: %w", ErrBadSnapshot, err)}
	}
	loc, err := time.LoadLocation(m.Location)
	if err != nil || m.Location == "" {
		return nil, badSnapshot(dir, manifestFile, "zone %q unknown", m.Location)
	}
	var provs []Provider
	if err := decodeJSON(s.data[providersFile], &provs); err != nil {
		return nil, badSnapshot(dir, providersFile, "%v", err)
	}
	if len(provs) != m.Providers {
		return nil, badSnapshot(dir, providersFile, "%d providers, manifest says %d", len(provs), m.Providers)
	}
	b := NewBuilder()
	if setup != nil {
		setup(b)
	}
	if m.Transit != "" && b.Transit == nil {
		net, err := readFeed(ctx, s.data[transitFile])
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &SnapshotError{Dir: dir, File: transitFile, Err: fmt.Errorf("%w: %w", ErrBadSnapshot, err)}
		}
		if networkPrint(net) != m.Transit {
			return nil, badSnapshot(dir, transitFile, "the feed does not give the network saved")
		}
		b.Transit, b.TransitReach = net, geo.Meters(m.TransitReach)
	}
	b.Taxonomy, b.Location, b.TextIndex = tax, loc, false
	b.recs, b.regionSets = b.recs[:0], b.regionSets[:0]
	for i, name := range m.RegionSets {
		file := regionFile(i)
		fc, err := geojson.UnmarshalFeatureCollection(s.data[file])
		if err != nil {
			return nil, badSnapshot(dir, file, "%v", err)
		}
		rs, err := geo.RegionsFromFeatures(fc, regionNameProp)
		if err != nil {
			return nil, &SnapshotError{Dir: dir, File: file, Err: fmt.Errorf("%w: %w", ErrBadSnapshot, err)}
		}
		b.AddRegions(name, rs)
	}
	for i, p := range provs {
		b.AddFrom(p, providersFile, 0, i)
	}
	d, err := b.Build(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &SnapshotError{Dir: dir, File: providersFile, Err: fmt.Errorf("%w: %w", ErrBadSnapshot, err)}
	}
	if m.Text {
		t, err := openText(d, filepath.Join(dir, textDir))
		if err != nil {
			return nil, &SnapshotError{Dir: dir, File: textDir, Err: fmt.Errorf("%w: %w", ErrBadSnapshot, err)}
		}
		d.text = t
	}
	return d, nil
}

// openText opens the bleve index at path read-only and projects it. Its
// files have been checked against the manifest, so a panic inside bleve
// means a snapshot written wrongly; it is reported as an error.
func openText(d *Directory, path string) (t *textIndex, err error) {
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("text index: %v", r)
		}
	}()
	tm, err := textMapping()
	if err != nil {
		return nil, err
	}
	idx, err := bleve.OpenUsing(path, map[string]any{"read_only": true})
	if err != nil {
		return nil, fmt.Errorf("text index: %w", err)
	}
	defer idx.Close()
	return d.projectText(idx, tm)
}

// decodeJSON decodes one JSON value that must fill data.
func decodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}
