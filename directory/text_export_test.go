package directory

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// Hooks for the tests of package directory_test.

// Candidate drivers of SearchText, to check that each gives the same
// answer.
const (
	DriveAuto  = driveAuto
	DriveWords = driveWords
	DriveSpace = driveSpace
)

// SearchTextWith runs q with candidates enumerated by drive.
func SearchTextWith(d *Directory, q TextQuery, drive int) (*TextResults, error) {
	return d.searchText(&q, drive)
}

// SearchTextRings runs q with the K best of a query without a radius
// always ranked ring by ring, however many matches there are.
func SearchTextRings(d *Directory, q TextQuery) (*TextResults, error) {
	return d.searchText(&q, driveAuto|driveRings)
}

// SetSaveHook makes Save call fn after each step; an error from fn stops
// the save there, as a crash would. It returns a function that removes
// the hook.
func SetSaveHook(fn func(step string) error) (restore func()) {
	saveHook = fn
	return func() { saveHook = nil }
}

// OpenDisagreements returns the IDs of the providers whose opening at
// instant at, as the text index reads it, differs from Hours.OpenAt (with
// unknown hours open only when unknownOK, as filter.keep has it).
func OpenDisagreements(d *Directory, at time.Time, unknownOK bool) []string {
	t := d.text
	c := t.open.clock(at, unknownOK, nil)
	var out []string
	for k := range t.n {
		if *t.flags.at(k)&numDead != 0 {
			continue
		}
		p := d.prov(t.slot(k))
		want := unknownOK
		if p.Hours.Known() {
			want = p.Hours.OpenAt(at)
		}
		got, sure := t.open.openAt(k, &c)
		if sure && got != want || !sure && !got {
			out = append(out, p.ID)
		}
	}
	return out
}

// BleveIndex builds an in-memory bleve index of d's providers, as
// Builder.Build does for the text index, for comparing bleve's own
// queries with SearchText.
func BleveIndex(d *Directory) (bleve.Index, error) {
	m, err := textMapping()
	if err != nil {
		return nil, err
	}
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, err
	}
	if err := d.indexText(context.Background(), idx); err != nil {
		idx.Close()
		return nil, err
	}
	return idx, nil
}

// BleveFields are the bleve fields a word is looked for in.
func BleveFields() []string {
	var out []string
	for f := range numTextFields {
		for l := range numLangs {
			out = append(out, bleveField(f, l))
		}
	}
	for l := range numLangs {
		out = append(out, catField+"_"+langNames[l])
	}
	return out
}

// SnapshotSeq returns the sequence number of the snapshot d was opened
// from; 0 for a directory built in memory.
func SnapshotSeq(d *Directory) uint64 { return d.snapshotSeq }

// SnapshotManifest returns the body of the manifest of the snapshot at
// dir, after checking its seal.
func SnapshotManifest(dir string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil {
		return nil, err
	}
	return unsealManifest(data)
}

// ResealSnapshot writes body as the manifest of the snapshot at dir,
// sealed, after setting the size and checksum of every listed file not
// under text/ to those of the file as it now is (with resum), as a
// writer with a bug or a hostile one would: this lets tests reach the
// checks behind the checksums.
func ResealSnapshot(dir string, body []byte, resum bool) error {
	if resum {
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			return err
		}
		files, _ := m["files"].([]any)
		for _, f := range files {
			f, ok := f.(map[string]any)
			if !ok {
				continue
			}
			p, _ := f["path"].(string)
			if strings.HasPrefix(p, textDir+"/") || !fs.ValidPath(p) {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
			if err != nil {
				continue
			}
			sum := sha256.Sum256(data)
			f["size"], f["sha256"] = len(data), hex.EncodeToString(sum[:])
		}
		var err error
		if body, err = json.Marshal(m); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, manifestFile), sealManifest(body), 0o644)
}

// CheckSnapshot checks the files of the snapshot at dir against its
// manifest, as Open does before reading them.
func CheckSnapshot(dir string) error {
	_, err := checkSnapshot(dir)
	return err
}

// TextLayoutState describes the numbering of a directory's text index.
type TextLayoutState struct {
	Live     int // numbers of live providers
	Dead     int // numbers of providers gone since the layout
	Appended int // numbers added since the layout
}

// TextLayout returns the numbering state of d's text index.
func TextLayout(d *Directory) TextLayoutState {
	t := d.text
	return TextLayoutState{Live: int(t.live), Dead: int(t.dead), Appended: int(t.n - t.tail)}
}

// RebuildText builds the text index of d's providers from scratch, as
// Apply did before it followed changes, and discards it.
func RebuildText(d *Directory) error {
	_, err := d.newText(context.Background())
	return err
}

// TextAnalysisMismatch returns how the token-by-token analysis of p that
// Apply uses differs from bleve's analysis of p's document, or "" when it
// does not.
func TextAnalysisMismatch(d *Directory, p *Provider) string {
	t := d.text
	var got, want docText
	got.read(t.tokens, d, p)
	want.read(t.tokens, d, &Provider{}) // empty maps
	for f, s := range textFields(p) {
		if s == "" {
			continue
		}
		for l := range numLangs {
			for _, tok := range t.analyzers[l].Analyze([]byte(s)) {
				want.terms[l][string(tok.Term)] |= 1 << f
			}
		}
	}
	for _, tok := range t.surface.Analyze([]byte(d.textDocument(p)[wordsField].(string))) {
		want.words[string(tok.Term)] = struct{}{}
	}
	for l := range numLangs {
		if !maps.Equal(got.terms[l], want.terms[l]) {
			return fmt.Sprintf("language %s: got %v, want %v", langNames[l], got.terms[l], want.terms[l])
		}
	}
	if !maps.Equal(got.words, want.words) {
		return fmt.Sprintf("words: got %v, want %v", got.words, want.words)
	}
	return ""
}
