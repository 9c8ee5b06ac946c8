// Package ctxtest helps tests cancel long calls at each of their looks at
// a context in turn.
package ctxtest

import (
	"context"
	"sync/atomic"
)

// Countdown is a context whose Err turns to context.Canceled after a
// number of calls: it cancels a long call at its (n+1)-th look at the
// context, wherever that falls, so that every cancellation point of the
// call can be hit in turn.
type Countdown struct {
	context.Context
	left atomic.Int64
}

// NewCountdown returns a Countdown that lets n looks pass.
func NewCountdown(n int) *Countdown {
	c := &Countdown{Context: context.Background()}
	c.left.Store(int64(n))
	return c
}

// Err returns nil for the first n calls, then context.Canceled.
func (c *Countdown) Err() error {
	if c.left.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}
