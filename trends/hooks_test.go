package trends

// CachedYear returns the suppression lattice cached for a calendar year,
// nil when none: tests compare it across ingests to see which years were
// recomputed.
func CachedYear(s *Store, year int) any {
	st := s.yearState(int32(year-1970), false)
	if st == nil {
		return nil
	}
	if p := st.prot.Load(); p != nil {
		return p
	}
	return nil
}

// SaveMarkedOnly is the first half of Log.Checkpoint: the store saved
// with its log mark, the log not yet emptied — the state a crash between
// the two steps leaves.
func SaveMarkedOnly(l *Log, path string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.saveMarked(path)
}
