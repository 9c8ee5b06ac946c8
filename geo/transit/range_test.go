package transit_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/geo/transit"
	"github.com/wraparound/wraparound/internal/synth"
)

// TestRangeMaxTravel checks range profiles, with and without a travel
// bound, against single-departure runs minute by minute (Depart, which
// shares no code with the range query's minute skipping, bound or sparse
// rows): every stop's time at every minute equals Depart's, made
// Unreachable past the bound (inclusive). Windows of 150 minutes on the
// synthetic metro and of an hour on CARTA, from homes near stops.
func TestRangeMaxTravel(t *testing.T) {
	ctx := context.Background()
	carta, _ := cartaRouting(t)
	net, err := synth.Transit(1)
	require.NoError(t, err)
	metro, err := transit.NewRouter(net, transit.RouterOptions{})
	require.NoError(t, err)
	long := 150 * time.Minute
	light := testing.Short() || raceEnabled
	if light {
		long = 30 * time.Minute
	}
	cases := []struct {
		name string
		r    *transit.Router
		w    transit.Window
	}{
		{"metro weekday afternoon", metro, transit.Window{Date: net.Date(2026, 6, 9), Start: hm(15, 0), End: hm(15, 0) + long}},
		{"metro saturday", metro, transit.Window{Date: net.Date(2026, 6, 13), Start: hm(9, 30), End: hm(9, 30) + long/2}},
		{"carta wednesday", carta, transit.Window{Date: carta.Network().Date(2026, 5, 27), Start: hm(15, 30), End: hm(16, 30)}},
		{"carta saturday past midnight", carta, transit.Window{Date: carta.Network().Date(2026, 5, 30), Start: hm(23, 30), End: hm(24, 20)}},
	}
	if light {
		cases = []struct {
			name string
			r    *transit.Router
			w    transit.Window
		}{cases[0], cases[3]}
	}
	bounds := []time.Duration{0, time.Minute, 20*time.Minute + 30*time.Second, 45 * time.Minute, 90 * time.Minute}
	rng := rand.New(rand.NewPCG(45, 1))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stops := tc.r.Network().Stops()
			from := randomPlace(rng, stops)
			probe, err := tc.r.Range(ctx, from, tc.w)
			require.NoError(t, err)
			want := make([][]time.Duration, len(stops)) // [stop][minute], by Depart
			for m := range probe.Minutes() {
				a, err := tc.r.Depart(ctx, from, probe.Departure(m))
				require.NoError(t, err)
				for s := range stops {
					v, _ := a.Stop(s)
					want[s] = append(want[s], capped(v))
				}
			}
			reached := 0
			for _, bound := range bounds {
				w := tc.w
				w.MaxTravel = bound
				p, err := tc.r.Range(ctx, from, w)
				require.NoError(t, err)
				q, err := tc.r.RangeFrom(ctx, tc.r.Access(from), w)
				require.NoError(t, err)
				for s := range stops {
					exp := make([]time.Duration, len(want[s]))
					for m, v := range want[s] {
						if bound > 0 && v > bound {
							v = transit.Unreachable
						}
						exp[m] = v
						if v != transit.Unreachable && bound == 0 {
							reached++
						}
					}
					require.Equal(t, exp, p.StopTimes(s, nil), "stop %d bound %v window %+v", s, bound, w)
					require.Equal(t, exp, q.StopTimes(s, nil), "RangeFrom: stop %d bound %v window %+v", s, bound, w)
				}
				if bound > 0 {
					assert.LessOrEqual(t, p.Size(), probe.Size(), "bound %v", bound)
				}
			}
			require.Positive(t, reached, "the case reaches no stop: it tests nothing")
		})
	}
}

func TestRangeMaxTravelNegative(t *testing.T) {
	r, _ := cartaRouting(t)
	w := transit.Window{Date: r.Network().Date(2026, 5, 27), Start: hm(8, 0), End: hm(9, 0), MaxTravel: -time.Second}
	_, err := r.RangeFrom(context.Background(), []transit.StopWalk{{Stop: 0}}, w)
	assert.True(t, errors.Is(err, transit.ErrBadWindow), "got %v", err)
}
