package transit

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"
	"github.com/wraparound/wraparound/geo"
)

// Unreachable is the travel time of a place no journey reaches: larger
// than any real duration, so comparisons with a limit need no special
// case.
const Unreachable = time.Duration(math.MaxInt64)

// timeOf returns the service day of at (its civil date in the network's
// zone) and the seconds from that day's noon minus 12 h, rounded up: a
// rider at 10:00:00.5 misses the 10:00:00 bus.
func (n *Network) timeOf(at time.Time) (int32, int32) {
	at = at.In(n.loc)
	day := dayOf(at)
	d := at.Sub(n.dayBase(day))
	return day, int32((d + time.Second - 1) / time.Second)
}

// Arrivals holds the earliest arrival at every stop for one departure
// time from one origin (Router.Depart, Router.DepartFrom). It is
// immutable and safe for concurrent use; it costs 4 bytes per stop.
type Arrivals struct {
	r         *Router
	day, at   int32
	base      time.Time
	origin    orb.Point
	hasOrigin bool
	origins   []StopWalk
	best      []int32 // seconds from base; inf when unreached
}

// Depart finds the earliest arrival at every stop for a rider leaving
// from (lon, lat) at time at: walking to the stops of Access(from),
// riding at most Options().MaxTransfers+1 vehicles with transfers between
// them. The service day is at's civil date in the network's zone; trips
// of the previous days still running (times past 24:00) and of the next
// day are used too. Errors: ErrOutsideService when that date is outside
// the feed's service dates; ctx's error when it is done.
//
// Cost: RAPTOR with marked stops and local pruning, O(rounds × (stop
// times of the patterns scanned + transfers)); well under a millisecond
// on a city network. Safe for concurrent use.
func (r *Router) Depart(ctx context.Context, from orb.Point, at time.Time) (*Arrivals, error) {
	a, err := r.depart(ctx, r.Access(from), at)
	if err != nil {
		return nil, err
	}
	a.origin, a.hasOrigin = from, true
	return a, nil
}

// DepartFrom is Depart from a set of stops with their walking times
// (e.g. Access of a home, shared by homes with the same stops in reach).
// Without an origin point, To cannot count a walk straight to the
// destination. Errors: as Depart, plus ErrUnknownStop for a stop index
// out of range and ErrNegativeWalk for a negative walk.
func (r *Router) DepartFrom(ctx context.Context, origins []StopWalk, at time.Time) (*Arrivals, error) {
	if err := r.checkStops(origins, "origins"); err != nil {
		return nil, err
	}
	return r.depart(ctx, slices.Clone(origins), at)
}

func (r *Router) depart(ctx context.Context, origins []StopWalk, at time.Time) (*Arrivals, error) {
	day, t0 := r.n.timeOf(at)
	if err := r.n.checkDay(day); err != nil {
		return nil, err
	}
	sc := r.pool.Get().(*scratch)
	defer r.pool.Put(sc)
	if err := r.runOnce(ctx, sc, origins, day, t0, nil); err != nil {
		return nil, err
	}
	a := &Arrivals{r: r, day: day, at: t0, base: r.n.dayBase(day), origins: origins,
		best: make([]int32, len(r.n.stops))}
	K := r.maxRounds
	for s := range a.best {
		a.best[s] = min(sc.ride[K][s], sc.ready[0][s])
	}
	return a, nil
}

func (r *Router) runOnce(ctx context.Context, sc *scratch, origins []StopWalk, day, t0 int32, egress []StopWalk) error {
	r.reset(sc, day, t0, t0)
	sc.egress = egress
	r.access(sc, origins, t0)
	return r.rounds(ctx, sc)
}

// Departure returns the departure time asked for.
func (a *Arrivals) Departure() time.Time { return a.base.Add(time.Duration(a.at) * time.Second) }

// Stop returns the travel time from the departure to the earliest arrival
// at stop i — on foot from the origin or alighting from a vehicle (a stop
// reached only by a transfer walk does not count) — and false when no
// journey reaches it or i is out of range.
func (a *Arrivals) Stop(i int) (time.Duration, bool) {
	if i < 0 || i >= len(a.best) || a.best[i] == inf {
		return Unreachable, false
	}
	return time.Duration(a.best[i]-a.at) * time.Second, true
}

// To returns the travel time to p (lon, lat): the best of walking
// straight there (within MaxWalk, when the origin is a point) and
// arriving at a stop of Access(p) then walking on. False when nothing
// reaches p.
func (a *Arrivals) To(p orb.Point) (time.Duration, bool) {
	best := a.ToVia(a.r.Access(p))
	if a.hasOrigin {
		if w, ok := a.r.directWalk(a.origin, p); ok {
			best = min(best, time.Duration(w)*time.Second)
		}
	}
	return best, best != Unreachable
}

// ToVia returns the travel time to a destination reached from the stops
// of egress (as Access returns for it), without a straight walk from the
// origin; Unreachable when none is reached. Stops out of range are
// ignored. O(len(egress)).
func (a *Arrivals) ToVia(egress []StopWalk) time.Duration {
	best := Unreachable
	for _, e := range egress {
		if e.Stop < 0 || e.Stop >= len(a.best) || a.best[e.Stop] == inf || e.Walk < 0 {
			continue
		}
		best = min(best, time.Duration(a.best[e.Stop]-a.at)*time.Second+e.Walk)
	}
	return best
}

// Journey returns the itinerary of an earliest arrival at p: its walk,
// rides and transfers. False when nothing reaches p. It reruns the
// search toward p (pruned by target), so it costs about one Depart.
func (a *Arrivals) Journey(p orb.Point) (Journey, bool) {
	var origin *orb.Point
	if a.hasOrigin {
		origin = &a.origin
	}
	return a.r.journey(origin, a.origins, a.day, a.at, p)
}

// LegKind tells what a leg of a journey is.
type LegKind uint8

// Kinds of legs.
const (
	LegWalk     LegKind = iota // walking from the origin or to the destination
	LegRide                    // riding a vehicle
	LegTransfer                // changing vehicles, walking between stops (or staying at one)
)

// String returns "walk", "ride" or "transfer".
func (k LegKind) String() string {
	switch k {
	case LegWalk:
		return "walk"
	case LegRide:
		return "ride"
	case LegTransfer:
		return "transfer"
	}
	return fmt.Sprintf("LegKind(%d)", uint8(k))
}

// Leg is one part of a journey. Times are in the network's zone.
type Leg struct {
	Kind             LegKind
	FromStop, ToStop int    // indexes in Network.Stops; -1 for the origin or destination point
	From, To         string // stop names; empty for the origin and destination points
	Depart, Arrive   time.Time
	Route            string     // a ride's route, Route.DisplayName
	Headsign         string     // a ride's headsign: stop_headsign at the board stop, else trip_headsign; may be empty
	Stops            int        // a ride's number of stops travelled (1: the next stop)
	Walk             geo.Meters // walking distance of a walk or transfer
	// StayOn marks a ride the rider does not board: the vehicle of the
	// ride before, at its last stop, goes on as this trip of its block
	// (block_id), often as another route, and the rider stays on board.
	// Such a ride follows a ride directly, with no transfer between,
	// and FromStop is that ride's ToStop.
	StayOn bool
}

// Journey is an itinerary from origin to destination. Depart is when the
// rider leaves the origin: as late as still catches the first vehicle, so
// it may be after the time asked for (travel times count from that time).
type Journey struct {
	Depart, Arrive time.Time
	Legs           []Leg
}

// Rides returns the number of vehicles boarded: the ride legs, not
// counting those the rider stays on for (Leg.StayOn).
func (j Journey) Rides() int {
	c := 0
	for _, l := range j.Legs {
		if l.Kind == LegRide && !l.StayOn {
			c++
		}
	}
	return c
}

func (r *Router) stopName(s int) string {
	if s < 0 {
		return ""
	}
	return r.n.stops[s].Name
}

func (r *Router) journey(origin *orb.Point, origins []StopWalk, day, t0 int32, dest orb.Point) (Journey, bool) {
	egress := r.Access(dest)
	sc := r.pool.Get().(*scratch)
	defer r.pool.Put(sc)
	if err := r.runOnce(context.Background(), sc, origins, day, t0, egress); err != nil {
		return Journey{}, false
	}
	base := r.n.dayBase(day)
	at := func(s int32) time.Time { return base.Add(time.Duration(s) * time.Second) }
	K := r.maxRounds

	// The best way in: straight walk, access then egress on foot, or a ride.
	bestT, bestStop, onFoot := inf, -1, false
	if origin != nil {
		if w, ok := r.directWalk(*origin, dest); ok {
			bestT = t0 + w
		}
	}
	for _, e := range egress {
		w := int32(e.Walk / time.Second)
		if v := sc.ride[K][e.Stop]; v != inf && v+w < bestT {
			bestT, bestStop, onFoot = v+w, e.Stop, false
		}
		if v := sc.ready[0][e.Stop]; v != inf && v+w < bestT {
			bestT, bestStop, onFoot = v+w, e.Stop, true
		}
	}
	if bestT == inf {
		return Journey{}, false
	}
	originWalk := func(stop int) (int32, geo.Meters) {
		w := int32(0)
		for _, o := range origins {
			if o.Stop == stop {
				w = int32(o.Walk / time.Second)
				break
			}
		}
		if origin != nil {
			return w, geo.WalkDistance(geo.Distance(*origin, r.n.stops[stop].Point))
		}
		return w, geo.WalkDistance(geo.Meters(float64(w) * geo.WalkSpeed / geo.DetourFactor))
	}
	destWalk := func(stop int) geo.Meters { return geo.WalkDistance(geo.Distance(r.n.stops[stop].Point, dest)) }
	var j Journey
	switch {
	case bestStop < 0:
		d := geo.Meters(0)
		if origin != nil {
			d = geo.WalkDistance(geo.Distance(*origin, dest))
		}
		j.Legs = []Leg{{Kind: LegWalk, FromStop: -1, ToStop: -1, Depart: at(t0), Arrive: at(bestT), Walk: d}}
	case onFoot: // to a stop and on to the destination, without riding
		w, d := originWalk(bestStop)
		j.Legs = []Leg{
			{Kind: LegWalk, FromStop: -1, ToStop: bestStop, To: r.stopName(bestStop), Depart: at(t0), Arrive: at(t0 + w), Walk: d},
			{Kind: LegWalk, FromStop: bestStop, ToStop: -1, From: r.stopName(bestStop), Depart: at(t0 + w), Arrive: at(bestT), Walk: destWalk(bestStop)},
		}
	default:
		var rev []Leg
		a := sc.ride[K][bestStop]
		rev = append(rev, Leg{Kind: LegWalk, FromStop: bestStop, ToStop: -1, From: r.stopName(bestStop),
			Depart: at(a), Arrive: at(bestT), Walk: destWalk(bestStop)})
		stop, k := int32(bestStop), int32(K)
		for range 2*K + 2 {
			rp := sc.rideP[k][stop]
			// A ride the rider stayed on for, then the rides before it
			// back to the one they boarded.
			for rp.seat > 0 {
				rev = append(rev, r.rideLeg(rp, at, true))
				s := sc.seats[rp.seat-1]
				p := &r.pats[s.pat]
				rp = rideParent{pat: s.pat, trip: s.trip, alight: p.nStops - 1, shift: s.shift, round: s.round}
				if s.prev >= 0 {
					rp.seat = s.prev + 1
				} else {
					rp.board = r.boardAt(sc, rp)
				}
			}
			ride := r.rideLeg(rp, at, false)
			rev = append(rev, ride)
			bs := int32(ride.FromStop)
			rd := sc.readyP[rp.round-1][bs]
			if rd.from < 0 {
				w, d := originWalk(int(bs))
				rev = append(rev, Leg{Kind: LegWalk, FromStop: -1, ToStop: int(bs), To: r.stopName(int(bs)),
					Depart: ride.Depart.Add(-time.Duration(w) * time.Second), Arrive: ride.Depart, Walk: d})
				break
			}
			alight := sc.ride[rd.round][rd.from]
			w := walkSeconds(r.n.stops[rd.from].Point, r.n.stops[bs].Point)
			rev = append(rev, Leg{Kind: LegTransfer, FromStop: int(rd.from), ToStop: int(bs),
				From: r.stopName(int(rd.from)), To: r.stopName(int(bs)), Depart: at(alight), Arrive: at(alight + w),
				Walk: geo.WalkDistance(geo.Distance(r.n.stops[rd.from].Point, r.n.stops[bs].Point))})
			stop, k = rd.from, rd.round
		}
		slices.Reverse(rev)
		j.Legs = rev
	}
	j.Depart, j.Arrive = j.Legs[0].Depart, j.Legs[len(j.Legs)-1].Arrive
	return j, true
}

// rideLeg returns the ride leg of rp: boarded, or stayed on for (stayOn).
func (r *Router) rideLeg(rp rideParent, at func(int32) time.Time, stayOn bool) Leg {
	p := &r.pats[rp.pat]
	T := p.nTrips
	bs := r.patStops[p.stop0+rp.board]
	as := r.patStops[p.stop0+rp.alight]
	dep := r.dep[p.time0+rp.board*T+rp.trip] + rp.shift
	arr := r.arr[p.time0+rp.alight*T+rp.trip] + rp.shift
	trip := r.tripOf[p.trip0+rp.trip]
	sign := r.n.headsigns[trip]
	if c := r.n.calls[r.n.callStart[trip]+rp.board]; c.sign != 0 {
		sign = r.n.signs[c.sign]
	}
	return Leg{Kind: LegRide, FromStop: int(bs), ToStop: int(as),
		From: r.stopName(int(bs)), To: r.stopName(int(as)), Depart: at(dep), Arrive: at(arr),
		Route: r.n.routes[p.route].DisplayName(), Headsign: sign,
		Stops: int(rp.alight - rp.board), StayOn: stayOn}
}

// boardAt returns a position where a rider ready in round rp.round−1
// catches rp's trip: one exists, as the trip was entered from such a
// label (ready labels only improve).
func (r *Router) boardAt(sc *scratch, rp rideParent) int32 {
	p := &r.pats[rp.pat]
	T := p.nTrips
	ready := sc.ready[rp.round-1]
	for i := range p.nStops - 1 {
		s := r.patStops[p.stop0+i]
		if !r.noPick[p.stop0+i] && ready[s] <= r.dep[p.time0+i*T+rp.trip]+rp.shift {
			return i
		}
	}
	return 0
}
