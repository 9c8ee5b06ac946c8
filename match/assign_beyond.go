package match

import "github.com/wraparound/wraparound/directory"

// maxSeatList bounds the providers a seatIndex lists for one category:
// past it, streaming Prepared.Candidates finds a provider with a seat
// sooner than evaluating each listed one.
const maxSeatList = 64

// seatIndex lists, for each category of an unmet item whose candidate
// list was cut, the providers related to it (listed at, under or above
// it) whose pool for it still has a seat after assignment: the only
// providers that can make the item UnmetBeyondCandidates. When seats are
// scarce the list is short, and checking it with Prepared.Evaluate is
// much cheaper than streaming every eligible provider, most of them
// full. Read-only once built; safe for concurrent use.
type seatIndex struct {
	lists map[string]seatList
}

// seatList is one category's providers with a seat; long when there are
// more than maxSeatList of them (then not listed).
type seatList struct {
	provs []*directory.Provider
	long  bool
}

// newSeatIndex builds the index for the given categories. O(codes ×
// providers × categories per provider).
func (in *instance) newSeatIndex(codes map[string]bool, hasSeat func(int32) bool) *seatIndex {
	x := &seatIndex{lists: make(map[string]seatList, len(codes))}
	m := in.open
	for code := range codes {
		var sl seatList
		for ord := range m.slots() {
			prov := m.prov(ord)
			if prov == nil {
				continue
			}
			lvl := levelOf(prov, code)
			if lvl < 0 || seatsOf(prov) == 0 {
				continue // unrelated, or full before assignment
			}
			slot := in.slotBase[ord]
			if in.pools == PoolPerCategory {
				slot += int32(matchedCategory(prov, code, lvl))
			}
			if j := in.poolOf[slot]; j >= 0 && !hasSeat(j) {
				continue
			}
			if len(sl.provs) == maxSeatList {
				sl = seatList{long: true}
				break
			}
			sl.provs = append(sl.provs, prov)
		}
		x.lists[code] = sl
	}
	return x
}

// beyond reports whether item it (of category code) of the prepared
// student has an eligible provider with a seat left: by evaluating the
// category's short list, or else by streaming its candidates until one
// has a seat. Both give the same answer.
func (in *instance) beyond(x *seatIndex, pr *Prepared, it int, code string, hasSeat func(int32) bool) (bool, error) {
	if sl, ok := x.lists[code]; ok && !sl.long {
		for _, prov := range sl.provs {
			if _, viol, err := pr.evaluateOwn(it, prov); err != nil {
				return false, err
			} else if viol == 0 {
				return true, nil
			}
		}
		return false, nil
	}
	for c := range pr.Candidates(it) {
		j := in.poolOf[in.slotOf(&c, code)]
		if j < 0 || hasSeat(j) {
			return true, nil
		}
	}
	return false, nil
}
