package csa

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo"
)

// TestOracleHandWorked checks the oracle itself on Google's sample feed
// against times worked out from its files: the city loop (frequencies
// every 10 minutes from 08:00) leaves Stagecoach at 08:10 and reaches
// Emerald Isle 26 minutes later; a ride cap of zero leaves only walking.
func TestOracleHandWorked(t *testing.T) {
	f, err := ReadFS(os.DirFS("../../geo/transit/testdata/gtfs-sample"), Options{MaxWalk: 1000, TransferWalk: 400, Slack: 60, MaxRides: 4})
	require.NoError(t, err)
	day := f.Day(2007, time.June, 5)
	stage, emsi := f.Points[f.stopIdx["STAGECOACH"]], f.Points[f.stopIdx["EMSI"]]
	at := int32(8*3600 + 3*60)
	assert.Equal(t, int32(8*3600+36*60), day.To(stage, emsi, at))
	arr := day.Run(f.Access(stage), at)
	assert.Equal(t, at, arr[f.stopIdx["STAGECOACH"]], "the origin stop is reached on foot at once")
	assert.Equal(t, int32(8*3600+15*60), arr[f.stopIdx["NANAA"]], "NANAA: 08:10 + 5 min, its arrival time (it leaves at +7)")

	f.opts.MaxRides = 0
	near := geo.WalkTime(geo.Distance(stage, emsi))
	want := Inf
	if geo.WalkDistance(geo.Distance(stage, emsi)) <= 1000 {
		want = at + int32(near/time.Second)
	}
	assert.Equal(t, want, day.To(stage, emsi, at))
}
