package directory

import "errors"

// ErrNoTransit is returned for a transit query on a directory built
// without a transit network.
var ErrNoTransit = errors.New("directory: directory has no transit network")

// TransitFilter keeps providers whose entrance is within MaxWalk of a stop
// served at least MinPerHour times an hour in a window.
type TransitFilter struct{}

// StopInfo describes a provider's nearest well-served stop.
type StopInfo struct{}

type transitCheck struct{}

func (d *Directory) compileTransit(*TransitFilter) (*transitCheck, error) { return nil, ErrNoTransit }

func (t *transitCheck) check(*Directory, int32) (*StopInfo, bool) { return nil, false }
