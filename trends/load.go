package trends

import (
	"errors"
	"fmt"
	"strings"
)

// columnIndex maps the lower-cased, trimmed column names of a header to
// their positions, refusing a duplicate or a missing required column
// with the error at makes for that column.
func columnIndex(names []string, at func(column string, err error) error) (map[string]int, error) {
	col := map[string]int{}
	for i, h := range names {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, dup := col[h]; dup {
			return nil, at(h, errors.New("trends: duplicate column"))
		}
		col[h] = i
	}
	for _, need := range []string{ColRequestedAt, ColCategory} {
		if _, ok := col[need]; !ok {
			return nil, at(need, errors.New("trends: missing column"))
		}
	}
	return col, nil
}

// loader is what ReadCSV and ReadRows share: the requests prepared so
// far and the bad rows found, kept up to maxCSVErrors, so that a load is
// committed whole or not at all.
type loader struct {
	s    *Store
	z    zoneCache
	sh   *studentHasher
	ps   []prepared
	errs []error
	nbad int
}

func (s *Store) newLoader() *loader {
	l := &loader{s: s, z: zoneCache{loc: s.loc}}
	if s.hasher.New != nil {
		l.sh = s.hasher.Get().(*studentHasher)
	}
	return l
}

// release returns the loader's hasher to the store's pool.
func (l *loader) release() {
	if l.sh != nil {
		l.s.hasher.Put(l.sh)
		l.sh = nil
	}
}

// seen counts the rows read so far, good or bad.
func (l *loader) seen() int { return len(l.ps) + l.nbad }

// bad records a bad row.
func (l *loader) bad(err error) {
	l.nbad++
	if len(l.errs) < maxCSVErrors {
		l.errs = append(l.errs, err)
	}
}

// add reads one row through get (see requestFrom) and prepares its
// request; every problem is recorded as the error at makes for the
// column at fault.
func (l *loader) add(get func(name string) any, at func(column string, err error) error) {
	ok := true
	req := requestFrom(get, func(column string, err error) {
		l.bad(at(column, err))
		ok = false
	})
	if !ok {
		return
	}
	var p prepared
	if err := l.s.prepare(&req, 0, &l.z, l.sh, &p); err != nil {
		column, why := columnOf(err)
		l.bad(at(column, why))
		return
	}
	l.ps = append(l.ps, p)
}

// commit adds every prepared request to the store when no row was bad,
// else adds nothing and returns the bad rows joined (with the count of
// those left out). It returns the number added.
func (l *loader) commit() (int, error) {
	if l.nbad > 0 {
		errs := l.errs
		if l.nbad > len(errs) {
			errs = append(errs, fmt.Errorf("%w: %d bad rows, the first %d listed", ErrTooManyErrors, l.nbad, len(errs)))
		}
		return 0, errors.Join(errs...)
	}
	for lo := 0; lo < len(l.ps); lo += chunk {
		l.s.commit(l.ps[lo:min(lo+chunk, len(l.ps))])
	}
	return len(l.ps), nil
}
