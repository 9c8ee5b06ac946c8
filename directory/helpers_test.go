package directory_test

import (
	"time"

	"github.com/paulmach/orb"
)

const hour = time.Hour

func pt(lon, lat float64) orb.Point { return orb.Point{lon, lat} }
