package directory

// Versions of a directory share storage: Directory.Apply makes a new
// version that copies only what its changes touch. Providers live in
// slots that never move, so that every index can name a provider by a
// small number that stays valid from one version to the next: a removed
// provider leaves its slot empty, an added one takes a new slot at the
// end. A fresh Build fills the slots in ID order.

// chunkBits sets the chunk size of a cowSlice: 64 elements.
const chunkBits = 6

const chunkLen = 1 << chunkBits

// cowSlice is a slice split into chunks that versions share. A new
// version copies the chunk table (one pointer per 64 elements) and then
// each chunk it writes to: a batch of c changes costs O(n/64 + 64·c)
// words, not O(n) elements.
type cowSlice[T any] struct {
	chunks []*[chunkLen]T
	n      int32
}

// at returns element i; i must be below len.
func (s *cowSlice[T]) at(i int32) *T { return &s.chunks[i>>chunkBits][i&(chunkLen-1)] }

func (s *cowSlice[T]) len() int32 { return s.n }

// makeCow returns a cowSlice holding vs.
func makeCow[T any](vs []T) cowSlice[T] {
	s := cowSlice[T]{n: int32(len(vs))}
	s.chunks = make([]*[chunkLen]T, (len(vs)+chunkLen-1)/chunkLen)
	backing := make([][chunkLen]T, len(s.chunks))
	for c := range s.chunks {
		s.chunks[c] = &backing[c]
		copy(s.chunks[c][:], vs[c*chunkLen:min(len(vs), (c+1)*chunkLen)])
	}
	return s
}

// cowEdit writes a new version of a cowSlice, copying chunks on their
// first write. The original is never modified.
type cowEdit[T any] struct {
	s   cowSlice[T]
	own []uint64 // bit c: chunk c belongs to this version
}

func (s *cowSlice[T]) edit() *cowEdit[T] {
	e := &cowEdit[T]{s: cowSlice[T]{n: s.n, chunks: make([]*[chunkLen]T, len(s.chunks), len(s.chunks)+len(s.chunks)/8+1)}}
	copy(e.s.chunks, s.chunks)
	e.own = make([]uint64, len(s.chunks)/64+1)
	return e
}

func (e *cowEdit[T]) mine(c int32) {
	if int(c/64) >= len(e.own) {
		e.own = append(e.own, make([]uint64, int(c/64)-len(e.own)+1)...)
	}
	if e.own[c/64]&(1<<(c%64)) != 0 {
		return
	}
	cp := *e.s.chunks[c]
	e.s.chunks[c] = &cp
	e.own[c/64] |= 1 << (c % 64)
}

// set writes element i.
func (e *cowEdit[T]) set(i int32, v T) {
	c := i >> chunkBits
	e.mine(c)
	e.s.chunks[c][i&(chunkLen-1)] = v
}

// push appends v and returns its index.
func (e *cowEdit[T]) push(v T) int32 {
	i := e.s.n
	if int(i>>chunkBits) == len(e.s.chunks) {
		e.s.chunks = append(e.s.chunks, new([chunkLen]T))
		c := i >> chunkBits
		if int(c/64) >= len(e.own) {
			e.own = append(e.own, 0)
		}
		e.own[c/64] |= 1 << (c % 64)
	}
	e.s.n++
	e.set(i, v)
	return i
}

// done returns the new version.
func (e *cowEdit[T]) done() cowSlice[T] { return e.s }

// idIndex finds a provider's slot by ID. Versions share the base map; a
// version's own changes since the base sit in a small overlay, merged
// into a new base once it grows past an eighth of the base, so a batch
// of c changes costs O(c) amortized.
type idIndex struct {
	base map[string]int32
	over map[string]int32 // -1: removed
}

func (x *idIndex) get(id string) (int32, bool) {
	if x.over != nil {
		if i, ok := x.over[id]; ok {
			return i, i >= 0
		}
	}
	i, ok := x.base[id]
	return i, ok
}

// with returns a new index with the given slots set (-1 removes).
func (x *idIndex) with(set map[string]int32) idIndex {
	if len(x.over)+len(set) > max(1024, len(x.base)/8) {
		base := make(map[string]int32, len(x.base)+len(set))
		for id, i := range x.base {
			base[id] = i
		}
		for _, m := range []map[string]int32{x.over, set} {
			for id, i := range m {
				if i < 0 {
					delete(base, id)
				} else {
					base[id] = i
				}
			}
		}
		return idIndex{base: base}
	}
	over := make(map[string]int32, len(x.over)+len(set))
	for id, i := range x.over {
		over[id] = i
	}
	for id, i := range set {
		if _, inBase := x.base[id]; i < 0 && !inBase {
			delete(over, id)
			continue
		}
		over[id] = i
	}
	return idIndex{base: x.base, over: over}
}
