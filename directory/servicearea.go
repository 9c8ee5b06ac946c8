package directory

import (
	"strings"

	"github.com/paulmach/orb"
)

// servedAreas are the regions containing a query point, keyed as a
// Provider.ServiceAreas entry may name them, for Query.Serves.
type servedAreas struct {
	// key (lower case "set:name" or "name") → canonical "set:name"
	keys map[string]string
}

// servedAt locates p in every region set of d. Cost: one region lookup
// per set.
func (d *Directory) servedAt(p orb.Point) *servedAreas {
	s := &servedAreas{keys: map[string]string{}}
	for _, set := range d.regionNames {
		rs := d.regionSet[set]
		all := rs.All()
		for _, i := range rs.LocateAll(p) {
			name := all[i].Name
			canon := set + ":" + name
			s.keys[strings.ToLower(canon)] = canon
			if _, taken := s.keys[strings.ToLower(name)]; !taken {
				s.keys[strings.ToLower(name)] = canon
			}
		}
	}
	return s
}

// none reports whether the point lies in no region at all, so that no
// provider can serve it.
func (s *servedAreas) none() bool { return len(s.keys) == 0 }

// match returns the region ("set:name") by which p serves the point: the
// first of p's service areas that names a region containing it; "" when
// none does.
func (s *servedAreas) match(p *Provider) string {
	for _, a := range p.ServiceAreas {
		if canon, ok := s.keys[strings.ToLower(strings.TrimSpace(a))]; ok {
			return canon
		}
	}
	return ""
}
