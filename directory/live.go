package directory

import (
	"context"
	"sync"
	"sync/atomic"
)

// Live holds the newest version of a directory for a long-running
// program. Readers call Load (one atomic read, never blocked by a
// writer) and keep the version they got for as long as they need
// consistent answers; writers call Apply, which makes each batch on the
// newest version, one batch at a time, and publishes the result. The
// zero value holds nothing; make one with NewLive.
type Live struct {
	cur atomic.Pointer[Directory]
	mu  sync.Mutex // serializes writers
}

// NewLive returns a Live holding d.
func NewLive(d *Directory) *Live {
	l := &Live{}
	l.cur.Store(d)
	return l
}

// Load returns the newest version.
func (l *Live) Load() *Directory { return l.cur.Load() }

// Apply applies changes to the newest version (see Directory.Apply) and
// publishes the new version, which it returns. On error nothing changes.
func (l *Live) Apply(ctx context.Context, changes []Change) (*Directory, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	next, err := l.cur.Load().Apply(ctx, changes)
	if err != nil {
		return nil, err
	}
	l.cur.Store(next)
	return next, nil
}

// Store publishes d as the newest version: a fresh Build or Open that
// replaces the directory wholesale.
func (l *Live) Store(d *Directory) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cur.Store(d)
}
