package directory

import (
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
	for k, i := range t.order {
		p := &d.providers[i]
		want := unknownOK
		if p.Hours.Known() {
			want = p.Hours.OpenAt(at)
		}
		got, sure := t.open.openAt(int32(k), &c)
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
	if err := d.indexText(idx); err != nil {
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
