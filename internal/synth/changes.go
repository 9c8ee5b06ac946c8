package synth

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/wraparound/wraparound/directory"
)

// Model is a set of providers kept as a plain map, changed by Changes the
// way a district's directory changes, from which a directory can be
// built afresh: the independent side of tests and benchmarks of
// Directory.Apply.
type Model struct {
	Provs map[string]directory.Provider
	IDs   []string // sorted
	next  int      // last new ID drawn
}

// NewModel returns a model holding provs.
func NewModel(provs []directory.Provider) *Model {
	m := &Model{Provs: make(map[string]directory.Provider, len(provs))}
	for _, p := range provs {
		m.Provs[p.ID] = p
		m.IDs = append(m.IDs, p.ID)
	}
	slices.Sort(m.IDs)
	return m
}

// Clone returns an independent copy of m.
func (m *Model) Clone() *Model {
	c := &Model{Provs: make(map[string]directory.Provider, len(m.Provs)), IDs: slices.Clone(m.IDs), next: m.next}
	for id, p := range m.Provs {
		c.Provs[id] = p
	}
	return c
}

// Build builds a directory of the model's providers with b's settings
// (a new Builder when b is nil); b must hold no providers.
func (m *Model) Build(ctx context.Context, b *directory.Builder) (*directory.Directory, error) {
	if b == nil {
		b = directory.NewBuilder()
	}
	for _, id := range m.IDs {
		b.Add(m.Provs[id])
	}
	return b.Build(ctx)
}

// Put adds or replaces p in the model.
func (m *Model) Put(p directory.Provider) {
	if _, ok := m.Provs[p.ID]; !ok {
		i, _ := slices.BinarySearch(m.IDs, p.ID)
		m.IDs = slices.Insert(m.IDs, i, p.ID)
	}
	m.Provs[p.ID] = p
}

// Remove removes the provider with the ID from the model.
func (m *Model) Remove(id string) {
	delete(m.Provs, id)
	if i, ok := slices.BinarySearch(m.IDs, id); ok {
		m.IDs = slices.Delete(m.IDs, i, i+1)
	}
}

// Changes draws a batch of n changes, applies them to the model and
// returns them, in the mix a district sends: seats and enrolment most
// (32%, 15%), then replacements (20%: new details, half of them moved,
// some with a second category), adds (20%, 5% of them without a
// location), removals (15%) and hours (13%). A provider may be changed
// several times in a batch.
func (m *Model) Changes(rng *rand.Rand, n int) []directory.Change {
	cats := Categories()
	out := make([]directory.Change, 0, n)
	for len(out) < n {
		r := rng.Float64()
		if r < 0.2 || len(m.Provs) < 10 {
			m.next++
			id := fmt.Sprintf("q%07d", m.next)
			p := Provider(rng, id, cats[rng.IntN(len(cats))], "", Point(rng, 0))
			if rng.Float64() < 0.05 {
				p.Unplaced, p.Point = true, [2]float64{}
			}
			m.Put(p)
			out = append(out, directory.Add(p))
			continue
		}
		id := m.IDs[rng.IntN(len(m.IDs))]
		p := m.Provs[id]
		switch {
		case r < 0.4:
			unplaced := p.Unplaced
			p = Provider(rng, id, cats[rng.IntN(len(cats))], "", p.Point)
			if unplaced {
				p.Unplaced, p.Point = rng.Float64() < 0.5, Point(rng, 0)
			} else if rng.Float64() < 0.5 {
				p.Point = Point(rng, 0)
			}
			if rng.Float64() < 0.3 {
				p.Categories = append(p.Categories, cats[rng.IntN(len(cats))])
				slices.Sort(p.Categories)
				p.Categories = slices.Compact(p.Categories)
			}
			m.Provs[id] = p
			out = append(out, directory.Replace(p))
		case r < 0.55:
			m.Remove(id)
			out = append(out, directory.Remove(id))
		case r < 0.72:
			p.Capacity = rng.IntN(40)
			p.Enrolled = 0
			if p.Capacity > 0 {
				p.Enrolled = rng.IntN(p.Capacity + 1)
			}
			m.Provs[id] = p
			out = append(out, directory.SetSeats(id, p.Capacity, p.Enrolled))
		case r < 0.87:
			delta := rng.IntN(5) - 2
			if p.Enrolled+delta < 0 {
				delta = -p.Enrolled
			}
			p.Enrolled += delta
			m.Provs[id] = p
			out = append(out, directory.Enroll(id, delta))
		default:
			p.Hours = Hours(rng)
			m.Provs[id] = p
			out = append(out, directory.SetHours(id, p.Hours))
		}
	}
	return out
}
