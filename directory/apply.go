package directory

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/wraparound/wraparound/internal/spatial"
)

// ChangeOp says what a Change does.
type ChangeOp uint8

// Change operations.
const (
	// OpAdd adds a provider whose ID the directory does not hold.
	OpAdd ChangeOp = iota + 1
	// OpReplace replaces the provider with the same ID, every field.
	OpReplace
	// OpRemove removes the provider with the ID.
	OpRemove
	// OpSetSeats sets a provider's Capacity and Enrolled.
	OpSetSeats
	// OpEnroll adds a number (negative frees seats) to Enrolled.
	OpEnroll
	// OpSetHours sets a provider's opening hours.
	OpSetHours
)

var opNames = [...]string{"", "add", "replace", "remove", "set seats", "enroll", "set hours"}

// String returns "add", "replace", "remove", "set seats", "enroll" or
// "set hours".
func (o ChangeOp) String() string {
	if int(o) < len(opNames) && o > 0 {
		return opNames[o]
	}
	return fmt.Sprintf("ChangeOp(%d)", int(o))
}

// Change is one edit of a directory for Directory.Apply. Make one with
// Add, Replace, Remove, SetSeats, Enroll or SetHours.
type Change struct {
	Op ChangeOp
	// ID names the provider (for OpAdd and OpReplace, Provider.ID).
	ID string
	// Provider is the whole new provider of OpAdd and OpReplace.
	Provider Provider
	// Capacity and Enrolled are OpSetSeats's new values.
	Capacity, Enrolled int
	// Delta is OpEnroll's change to Enrolled.
	Delta int
	// Hours are OpSetHours's new hours.
	Hours Hours
}

// Add returns a change that adds p, whose ID must be new.
func Add(p Provider) Change { return Change{Op: OpAdd, ID: p.ID, Provider: p} }

// Replace returns a change that replaces the provider with p's ID by p.
func Replace(p Provider) Change { return Change{Op: OpReplace, ID: p.ID, Provider: p} }

// Remove returns a change that removes the provider with the ID.
func Remove(id string) Change { return Change{Op: OpRemove, ID: id} }

// SetSeats returns a change that sets a provider's seats: capacity 0
// means unknown (unlimited), as in Provider.Capacity.
func SetSeats(id string, capacity, enrolled int) Change {
	return Change{Op: OpSetSeats, ID: id, Capacity: capacity, Enrolled: enrolled}
}

// Enroll returns a change that adds n to a provider's Enrolled: seats
// taken (n > 0) or freed (n < 0). Enrolled may not go below 0; it may
// exceed Capacity (a waiting list), which leaves no seat free.
func Enroll(id string, n int) Change { return Change{Op: OpEnroll, ID: id, Delta: n} }

// SetHours returns a change that sets a provider's opening hours.
func SetHours(id string, h Hours) Change { return Change{Op: OpSetHours, ID: id, Hours: h} }

// ErrNoProvider is wrapped by a ChangeError whose provider does not
// exist at that point of the batch.
var ErrNoProvider = errors.New("directory: no such provider")

// ChangeError reports one bad change of a batch given to Apply: its
// position in the batch (0-based), what it did, to which provider, which
// field was at fault, and why. Apply reports every bad change, joined
// with errors.Join and cut at MaxReportedErrors.
type ChangeError struct {
	Index int
	Op    ChangeOp
	ID    string
	Field string // empty when the change as a whole is at fault
	Err   error
}

// Error formats the error as `directory: change 3 (replace "p1"): field
// "hours": why`.
func (e *ChangeError) Error() string {
	s := fmt.Sprintf("directory: change %d (%s %q): ", e.Index, e.Op, excerpt(e.ID))
	if e.Field != "" {
		s += fmt.Sprintf("field %q: ", e.Field)
	}
	return s + e.Err.Error()
}

func (e *ChangeError) Unwrap() error { return e.Err }

// versionIDs numbers directory versions.
var versionIDs atomic.Uint64

// Version identifies one version of a directory: a Build, an Open or an
// Apply makes a new one. IDs are unique in the process.
func (d *Directory) Version() uint64 { return d.version }

// lineage records, for the versions that Apply derived from one Build,
// which slots each changed, so that a view over one version (a
// match.Matcher) can follow to a later one without rereading
// everything. It keeps the newest maxLineage entries.
type lineage struct {
	mu      sync.Mutex
	entries map[uint64]lineageEntry
	fifo    []uint64
}

type lineageEntry struct {
	parent uint64
	slots  []int32 // changed, added or removed
}

const maxLineage = 256

func (l *lineage) record(v, parent uint64, slots []int32) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.entries == nil {
		l.entries = map[uint64]lineageEntry{}
	}
	l.entries[v] = lineageEntry{parent: parent, slots: slots}
	l.fifo = append(l.fifo, v)
	if len(l.fifo) > maxLineage {
		delete(l.entries, l.fifo[0])
		l.fifo = l.fifo[1:]
	}
}

// ChangedSince returns the IDs of the providers added, removed or
// changed between version from and d, in no particular order, with ok
// true; ok is false when d does not descend from from by Apply or the
// record of the steps between them is gone (it keeps the newest 256
// versions). Views over a directory (match.Matcher.Rebase) use it to
// redo only what changed.
func (d *Directory) ChangedSince(from uint64) (ids []string, ok bool) {
	slots, ok := d.changedSlots(from)
	if !ok {
		return nil, false
	}
	seen := make(map[string]struct{}, len(slots))
	ids = make([]string, 0, len(slots))
	for _, s := range slots {
		id := d.slotID(s)
		if _, dup := seen[id]; !dup {
			seen[id] = struct{}{}
			ids = append(ids, id)
		}
	}
	return ids, true
}

// changedSlots returns the slots changed between version from and d.
func (d *Directory) changedSlots(from uint64) ([]int32, bool) {
	if from == d.version {
		return nil, true
	}
	if d.lineage == nil {
		return nil, false
	}
	d.lineage.mu.Lock()
	defer d.lineage.mu.Unlock()
	var out []int32
	for v := d.version; v != from; {
		e, ok := d.lineage.entries[v]
		if !ok {
			return nil, false
		}
		out = append(out, e.slots...)
		v = e.parent
	}
	slices.Sort(out)
	return slices.Compact(out), true
}

// slotID returns the ID last held by slot s; slots are never reused, so
// an empty slot keeps the ID of the provider removed from it.
func (d *Directory) slotID(s int32) string {
	if p := d.prov(s); p != nil {
		return p.ID
	}
	return *d.gone.at(s)
}

// Apply returns a new version of the directory with the changes made,
// in order: adds, replacements, removals, seat counts and hours. d is
// not modified, and readers of d keep getting d's answers.
//
// Every change is validated as Build validates providers (an added or
// replacing provider must pass every check Build makes; the provider of
// any other change must exist at that point of the batch). A bad change
// rejects the whole batch: Apply then returns nil and every problem as
// a *ChangeError, joined; nothing is applied.
//
// The new version shares every unchanged part with d: providers, their
// filter records, the spatial grids and trees are copied only where a
// change lands, so a batch of c changes costs O(c·log n) plus O(n/64)
// words for the shared tables, not a rebuild (see BenchmarkApply). The
// text index, when built, is updated for the changed providers. Apply
// may be called on any version, any number of times and concurrently
// (versions may fork). Long-running programs keep the newest version in
// a Live.
func (d *Directory) Apply(ctx context.Context, changes []Change) (*Directory, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	plan, err := d.planChanges(changes)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return d.applyPlan(ctx, plan)
}

// planned is the net effect of a batch on one provider: its slot in d
// (-1 if new) and its final value (nil if removed).
type planned struct {
	id   string
	slot int32
	p    *Provider
}

// planChanges validates changes in order and returns their net effect
// per provider, in ID order.
func (d *Directory) planChanges(changes []Change) ([]planned, error) {
	var errs errList
	zc := zoneCache{}
	ck := checker{tax: d.tax, zc: zc, regionSet: d.regionSet, needZone: d.loc == nil, text: true}
	cur := map[string]*Provider{} // touched so far; nil: removed
	get := func(id string) *Provider {
		if p, ok := cur[id]; ok {
			return p
		}
		return d.provider(id)
	}
	for k, c := range changes {
		fail := func(field string, err error) {
			errs.add(&ChangeError{Index: k, Op: c.Op, ID: c.ID, Field: field, Err: err})
		}
		switch c.Op {
		case OpAdd, OpReplace:
			if c.ID != c.Provider.ID {
				fail("id", fmt.Errorf("%w: change names %q, provider %q", ErrBadValue, excerpt(c.ID), excerpt(c.Provider.ID)))
				continue
			}
			if c.ID == "" {
				fail("id", ErrMissingID)
				continue
			}
			old := get(c.ID)
			if c.Op == OpAdd && old != nil {
				fail("id", ErrDuplicateID)
				continue
			}
			if c.Op == OpReplace && old == nil {
				fail("id", ErrNoProvider)
				continue
			}
			p := cloneProvider(c.Provider)
			bad := false
			for _, fe := range ck.check(&p) {
				fail(fe.field, fe.err)
				bad = true
			}
			if bad {
				continue
			}
			p.Hours.resolve(zc, d.loc)
			cur[c.ID] = &p
		case OpRemove, OpSetSeats, OpEnroll, OpSetHours:
			old := get(c.ID)
			if old == nil {
				fail("", ErrNoProvider)
				continue
			}
			if c.Op == OpRemove {
				cur[c.ID] = nil
				continue
			}
			p := *old // shares slices with old, which nobody writes
			switch c.Op {
			case OpSetSeats:
				if c.Capacity < 0 || c.Enrolled < 0 {
					fail("capacity", fmt.Errorf("%w: negative capacity or enrolment", ErrBadValue))
					continue
				}
				p.Capacity, p.Enrolled = c.Capacity, c.Enrolled
			case OpEnroll:
				if p.Enrolled+c.Delta < 0 || c.Delta > math.MaxInt32 || c.Delta < -math.MaxInt32 {
					fail("enrolled", fmt.Errorf("%w: enrolled %d%+d is negative", ErrBadValue, p.Enrolled, c.Delta))
					continue
				}
				p.Enrolled += c.Delta
			case OpSetHours:
				h := c.Hours
				h.Week = cloneWeek(h.Week)
				if err := h.validate(zc); errors.Is(err, ErrUnknownZone) {
					fail("timezone", err)
					continue
				} else if err != nil {
					fail("hours", err)
					continue
				} else if ck.needZone && h.Zone == "" && h.Known() && !h.Always {
					fail("timezone", fmt.Errorf("%w: name one in the hours or Builder.Location", ErrNoZone))
					continue
				}
				h.resolve(zc, d.loc)
				p.Hours = h
			}
			cur[c.ID] = &p
		default:
			fail("op", fmt.Errorf("%w: change operation %d", ErrBadValue, int(c.Op)))
		}
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	out := make([]planned, 0, len(cur))
	for id, p := range cur {
		slot, ok := d.ids.get(id)
		if !ok {
			if p == nil {
				continue // added and removed in the batch
			}
			slot = -1
		}
		out = append(out, planned{id: id, slot: slot, p: p})
	}
	slices.SortFunc(out, func(a, b planned) int { return strings.Compare(a.id, b.id) })
	return out, nil
}

func cloneWeek(w [7][]Span) [7][]Span {
	for i := range w {
		w[i] = slices.Clone(w[i])
	}
	return w
}

// applyPlan makes the new version.
func (d *Directory) applyPlan(ctx context.Context, plan []planned) (*Directory, error) {
	next := &Directory{
		tax: d.tax, loc: d.loc, recZone: d.recZone,
		regionSet: d.regionSet, regionNames: d.regionNames,
		net: d.net, reach: d.reach, routing: d.routing,
		version: versionIDs.Add(1), lineage: d.lineage,
		catSum:   make(map[string]*catSummary, len(d.catSum)),
		catCount: make(map[string]int, len(d.catCount)),
		grids:    make(map[string]*catGrid, len(d.grids)),
	}
	if next.lineage == nil {
		next.lineage = new(lineage)
	}
	for k, v := range d.catSum {
		next.catSum[k] = v
	}
	for k, v := range d.catCount {
		next.catCount[k] = v
	}
	for k, v := range d.grids {
		next.grids[k] = v
	}

	provs, metas, gone := d.provs.edit(), d.metas.edit(), d.gone.edit()
	var stops *cowEdit[[]NearStop]
	if d.net != nil {
		stops = d.stopsNear.edit()
	}
	// Before any index is touched, give new providers their slots, so
	// the grids can read them.
	setIDs := make(map[string]int32, len(plan))
	for j := range plan {
		c := &plan[j]
		if c.p != nil {
			d.locate(c.p)
		}
		switch {
		case c.slot < 0:
			c.slot = provs.push(c.p)
			metas.push(newMeta(c.p))
			gone.push("")
			if stops != nil {
				stops.push(nil)
			}
			setIDs[c.id] = c.slot
		case c.p == nil:
			provs.set(c.slot, nil)
			metas.set(c.slot, meta{})
			gone.set(c.slot, c.id)
			if stops != nil {
				stops.set(c.slot, nil)
			}
			setIDs[c.id] = -1
		default:
			provs.set(c.slot, c.p)
			metas.set(c.slot, newMeta(c.p))
		}
		if stops != nil && c.p != nil {
			stops.set(c.slot, next.stopsOf(c.p))
		}
	}
	next.provs, next.metas, next.gone = provs.done(), metas.done(), gone.done()
	if stops != nil {
		next.stopsNear = stops.done()
	}
	next.ids = d.ids.with(setIDs)
	next.order = nextOrder(d, next, plan)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// Spatial indexes: take the old entry out, put the new one in.
	ed := gridEdits{next: next, copied: map[string]bool{}, sums: map[string]bool{}, pending: map[string][]int32{}}
	for _, c := range plan {
		var old *Provider
		if c.slot < d.slots() {
			old = d.prov(c.slot)
		}
		if old != nil && c.p != nil && samePlace(old, c.p) {
			// Seats, hours or other fields: the trees hold the slot
			// only, so just the grid records change.
			ed.refresh(c.slot, c.p)
			continue
		}
		if old != nil {
			ed.remove(c.slot, old)
		}
		if c.p != nil {
			ed.insert(c.slot, c.p)
		}
	}
	ed.finish()

	changed := make([]int32, len(plan))
	var removed, added []int32
	for j, c := range plan {
		changed[j] = c.slot
		if c.slot < d.slots() && d.prov(c.slot) != nil {
			removed = append(removed, c.slot)
		}
		if c.p != nil {
			added = append(added, c.slot)
		}
	}
	if d.text != nil {
		t, err := d.text.apply(ctx, d, next, removed, added)
		if err != nil {
			return nil, err
		}
		next.text = t
	}
	next.lineage.record(next.version, d.version, changed)
	return next, nil
}

// nextOrder returns next's occupied slots in ID order: d's order without
// the removed slots, with the added ones in place. Each change finds its
// position by binary search (O(log n)); the rest is copied in runs, one
// memmove of 4 bytes per provider (about 40 µs at 100,000). d's order is
// shared when nothing is added or removed.
func nextOrder(d, next *Directory, plan []planned) []int32 {
	type edit struct {
		pos  int   // position in d.order
		slot int32 // added slot, or -1 to drop d.order[pos]
	}
	var edits []edit
	idAt := func(i int) string { return d.prov(d.order[i]).ID }
	for _, c := range plan { // in ID order
		switch {
		case c.p == nil:
			pos, _ := slices.BinarySearchFunc(d.order, c.id, func(s int32, id string) int { return strings.Compare(d.prov(s).ID, id) })
			if pos < len(d.order) && idAt(pos) == c.id {
				edits = append(edits, edit{pos, -1})
			}
		case c.slot >= d.slots():
			pos, _ := slices.BinarySearchFunc(d.order, c.id, func(s int32, id string) int { return strings.Compare(d.prov(s).ID, id) })
			edits = append(edits, edit{pos, c.slot})
		}
	}
	if len(edits) == 0 {
		return d.order
	}
	out := make([]int32, 0, len(d.order)+len(edits))
	at := 0
	for _, e := range edits { // positions ascend with the IDs
		out = append(out, d.order[at:e.pos]...)
		at = e.pos
		if e.slot >= 0 {
			out = append(out, e.slot)
		} else {
			at++ // drop it
		}
	}
	return append(out, d.order[at:]...)
}

// samePlace reports whether a and b sit in the same place of every
// spatial index: same location and categories.
func samePlace(a, b *Provider) bool {
	return a.Unplaced == b.Unplaced && (a.Unplaced || a.Point == b.Point) && slices.Equal(a.Categories, b.Categories)
}

// gridEdits updates the spatial indexes of a new version, copying each
// tree, grid and grid cell on its first change.
type gridEdits struct {
	next    *Directory
	copied  map[string]bool    // grids copied
	sums    map[string]bool    // summaries copied
	pending map[string][]int32 // slots added to grids without cells, laid out by finish
}

func (e *gridEdits) grid(code string) *catGrid {
	g := e.next.grids[code]
	if g == nil {
		g = &catGrid{}
		e.next.grids[code] = g
		e.copied[code] = true
		return g
	}
	if !e.copied[code] {
		g2 := *g
		g2.Cells = slices.Clone(g.Cells)
		g2.Sums = slices.Clone(g.Sums)
		g = &g2
		e.next.grids[code] = g
		e.copied[code] = true
	}
	return g
}

func (e *gridEdits) sum(code string) *catSummary {
	sum := e.next.catSum[code]
	if !e.sums[code] {
		s := new(catSummary)
		if sum != nil {
			*s = *sum
		}
		sum = s
		e.next.catSum[code] = sum
		e.sums[code] = true
	}
	return sum
}

// refresh rewrites the grid records of a provider whose place and
// categories are unchanged.
func (e *gridEdits) refresh(slot int32, p *Provider) {
	if p.Unplaced {
		return
	}
	for _, code := range append(p.treeCodes(), "") {
		if code != "" {
			e.sum(code).add(p)
		}
		g := e.grid(code)
		if len(g.Cells) == 0 {
			continue // pending: laid out by finish
		}
		c := g.Cell(p.Point[0], p.Point[1])
		cell := slices.Clone(g.Cells[c])
		for k := range cell {
			if cell[k].Slot == slot {
				cell[k] = e.next.gridRec(slot)
			}
		}
		g.Cells[c] = cell
		g.Sums[c] = spatial.Summarize(cell)
		g.Moved++
	}
}

func (e *gridEdits) remove(slot int32, p *Provider) {
	next := e.next
	for _, c := range p.Categories {
		next.catCount[c]--
		if next.catCount[c] == 0 {
			delete(next.catCount, c)
		}
	}
	if p.Unplaced {
		return
	}
	for _, code := range append(p.treeCodes(), "") {
		g := e.grid(code)
		if len(g.Cells) == 0 {
			if pend := e.pending[code]; slices.Contains(pend, slot) {
				e.pending[code] = slices.DeleteFunc(pend, func(s int32) bool { return s == slot })
				g.N--
			}
			continue
		}
		c := g.Cell(p.Point[0], p.Point[1])
		old := g.Cells[c]
		cell := make([]gridRec, 0, len(old))
		for _, r := range old {
			if r.Slot != slot {
				cell = append(cell, r)
			}
		}
		g.Cells[c] = cell
		g.Sums[c] = spatial.Summarize(cell)
		g.Moved++
		g.N--
	}
}

func (e *gridEdits) insert(slot int32, p *Provider) {
	next := e.next
	for _, c := range p.Categories {
		next.catCount[c]++
	}
	if p.Unplaced {
		return
	}
	for _, code := range append(p.treeCodes(), "") {
		if code != "" {
			e.sum(code).add(p)
		}
		g := e.grid(code)
		if len(g.Cells) == 0 {
			g.N++
			e.pending[code] = append(e.pending[code], slot)
			continue
		}
		c := g.Cell(p.Point[0], p.Point[1])
		old := g.Cells[c]
		cell := make([]gridRec, len(old), len(old)+1)
		copy(cell, old)
		g.Cells[c] = append(cell, next.gridRec(slot))
		g.Sums[c] = spatial.Summarize(g.Cells[c])
		g.Moved++
		g.N++
		g.CosMax = math.Min(g.CosMax, math.Cos(math.Abs(p.Point[1])*math.Pi/180))
	}
}

// finish lays out afresh the grids that were empty or whose size has
// left the range their cells were sized for (half to twice), so that
// cells keep about recsPerCell records: a grid is rebuilt after as many
// changes as it has records, O(1) amortized per change.
func (e *gridEdits) finish() {
	for code, ok := range e.copied {
		if !ok {
			continue
		}
		g, isGrid := e.next.grids[code]
		if !isGrid {
			continue
		}
		if len(g.Cells) > 0 && g.N <= 2*g.Built+2*recsPerCell && 2*g.N >= g.Built-2*recsPerCell {
			if 8*g.Moved > len(g.Cells) {
				// Changed cells are separate allocations; once an eighth
				// of them are, pack the records together again for
				// locality: O(records) after Ω(cells) changes.
				e.next.grids[code] = g.Packed()
			}
			continue
		}
		if g.N == 0 {
			delete(e.next.grids, code)
			delete(e.next.catSum, code)
			continue
		}
		members := e.pending[code]
		g.All(func(r *gridRec) bool {
			members = append(members, r.Slot)
			return true
		})
		slices.Sort(members)
		e.next.grids[code] = newCatGrid(e.next, members)
		if code != "" {
			s := new(catSummary)
			for _, i := range members {
				s.add(e.next.prov(i))
			}
			e.next.catSum[code] = s
		}
	}
}
