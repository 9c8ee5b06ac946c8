package trends

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/geo"
)

// checkPoint validates a request's point (usually a family's home) and
// returns an error that says what is wrong without quoting the
// coordinates: geo.ValidatePoint's messages carry the values, which are
// personal here. The geo sentinels stay reachable with errors.Is.
func checkPoint(p orb.Point) error {
	if p == (orb.Point{}) {
		return fmt.Errorf("%w: (0, 0) is a failed geocode, not a place", ErrBadPoint)
	}
	err := geo.ValidatePoint(p)
	if err == nil {
		return nil
	}
	for _, why := range []error{geo.ErrNotFinite, geo.ErrLikelySwapped, geo.ErrLatitude, geo.ErrLongitude} {
		if errors.Is(err, why) {
			return fmt.Errorf("%w: %w", ErrBadPoint, why)
		}
	}
	return ErrBadPoint
}
