package directory

import "github.com/wraparound/wraparound/internal/spatial"

// The index is shared with package match through spatial.Of, so that a
// matcher reads a directory version's grids and providers by slot
// instead of copying them.
func init() {
	spatial.View = func(p any) any { return listing(p.(*Provider)) }
	spatial.Of = func(x any) *spatial.Source {
		d, ok := x.(*Directory)
		if !ok || d == nil {
			return nil
		}
		return &spatial.Source{
			Grid: func(code string) *spatial.Grid {
				if g := d.grids[code]; g != nil && g.N > 0 {
					return g
				}
				return nil
			},
			Slots: d.slots(),
			Provider: func(slot int32) any {
				if p := d.prov(slot); p != nil {
					return p
				}
				return nil
			},
			// A pointer: boxing the slice itself would allocate on
			// every call, and plans ask once per provider they weigh.
			Stops: func(slot int32) any {
				if d.net == nil {
					return (*[]NearStop)(nil)
				}
				return d.stopsNear.at(slot)
			},
			SlotOf:  d.ids.get,
			Direct:  func(code string) int { return d.catCount[code] },
			Router:  d.routerFor,
			Version: d.version,
			Changed: d.changedSlots,
		}
	}
}
