// Package csa is an independent earliest-arrival oracle for the router of
// package geo/transit: it reads a GTFS feed with encoding/csv and answers
// queries with a round-by-round Connection Scan (one scan of the day's
// connections per ride, so the ride cap is exact), with its own calendar,
// frequency expansion, transfer and walking rules. It shares nothing with
// geo/transit but package geo's distance and walking time. It is meant for
// tests and benchmark baselines: simple, not fast.
//
// Model, matching the router's documentation: a query at t seconds from
// the start (noon minus 12 h) of service day D uses the trips of the
// services running on days D-2 … D+2, shifted by the seconds between
// those days' starts; a rider walks to any served stop within MaxWalk
// (walking distance = great-circle × geo.DetourFactor), rides at most
// MaxRides vehicles, and between rides makes one transfer: to a stop
// within TransferWalk (walk + Slack), or as transfers.txt says (type 1:
// the walk alone; type 2: min_transfer_time; type 3: never; a rule naming
// a station applies to its platforms unless one names them). A stop is
// reached at the earlier of alighting there and walking there from the
// origin; a destination point at the earlier of a walk straight there
// (within MaxWalk) and a reached stop within MaxWalk plus the walk on.
//
// Blocks (trips.txt block_id): the timetabled trips (not in
// frequencies.txt) with two stop times or more of one block_id and one
// service_id, ordered by first departure then file order, chain: a trip
// continues as the next when that one departs its last stop no earlier
// than it arrives. A rider on a trip in some round is on its
// continuation in the same round, whatever the pickup and drop-off types
// at that stop.
package csa

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/wraparound/wraparound/geo"
)

// Inf marks an unreached label.
const Inf = int32(math.MaxInt32)

// Options mirror the router's.
type Options struct {
	MaxWalk, TransferWalk geo.Meters
	Slack                 int32 // seconds added to a transfer
	MaxRides              int
	IgnoreBlocks          bool // read no block_id: every ride is boarded (to measure what blocks change)
}

type stopTime struct {
	stop           int
	arr, dep       int32
	pickup, dropof bool
}

type trip struct {
	service string
	times   []stopTime
	cont    int // index in Feed.trips of the trip this one continues as, -1 for none
}

// Feed is a GTFS feed read for the oracle.
type Feed struct {
	Loc     *time.Location
	IDs     []string // stop_ids in file order
	Points  []orb.Point
	served  []bool
	stopIdx map[string]int
	trips   []trip
	weekly  map[string][8]int // service → [7]weekday flags, plus unused
	spans   map[string][2]string
	adds    map[string]map[string]bool // date → service → runs
	opts    Options
	foot    [][]edge // per stop: transfers
}

type edge struct {
	to  int
	dur int32
}

// Read reads a zipped GTFS feed.
func Read(z []byte, opts Options) (*Feed, error) {
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		return nil, err
	}
	return ReadFS(zr, opts)
}

// ReadFS reads a GTFS feed whose files are at the root of fsys.
func ReadFS(fsys fs.FS, opts Options) (*Feed, error) {
	table := func(name string) ([]map[string]string, error) {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, nil // optional files may be absent; required ones fail below
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			return nil, err
		}
		b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		var out []map[string]string
		for _, r := range recs[1:] {
			m := map[string]string{}
			for i, h := range recs[0] {
				if i < len(r) {
					m[strings.TrimSpace(h)] = strings.TrimSpace(r[i])
				}
			}
			out = append(out, m)
		}
		return out, nil
	}
	f := &Feed{stopIdx: map[string]int{}, weekly: map[string][8]int{}, spans: map[string][2]string{},
		adds: map[string]map[string]bool{}, opts: opts}
	agency, err := table("agency.txt")
	if err != nil || len(agency) == 0 {
		return nil, fmt.Errorf("agency.txt: %v", err)
	}
	if f.Loc, err = time.LoadLocation(agency[0]["agency_timezone"]); err != nil {
		return nil, err
	}
	stops, err := table("stops.txt")
	if err != nil {
		return nil, err
	}
	for _, s := range stops {
		lat, _ := strconv.ParseFloat(s["stop_lat"], 64)
		lon, _ := strconv.ParseFloat(s["stop_lon"], 64)
		f.stopIdx[s["stop_id"]] = len(f.IDs)
		f.IDs = append(f.IDs, s["stop_id"])
		f.Points = append(f.Points, orb.Point{lon, lat})
		f.served = append(f.served, false)
		if lt := s["location_type"]; lt != "" && lt != "0" {
			f.served[len(f.served)-1] = false
		}
	}
	isStop := map[int]bool{}
	for _, s := range stops {
		if lt := s["location_type"]; lt == "" || lt == "0" {
			isStop[f.stopIdx[s["stop_id"]]] = true
		}
	}
	cal, err := table("calendar.txt")
	if err != nil {
		return nil, err
	}
	days := []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}
	for _, c := range cal {
		var w [8]int
		for i, d := range days {
			w[i], _ = strconv.Atoi(c[d])
		}
		f.weekly[c["service_id"]] = w
		f.spans[c["service_id"]] = [2]string{c["start_date"], c["end_date"]}
	}
	cd, err := table("calendar_dates.txt")
	if err != nil {
		return nil, err
	}
	for _, c := range cd {
		if f.adds[c["date"]] == nil {
			f.adds[c["date"]] = map[string]bool{}
		}
		f.adds[c["date"]][c["service_id"]] = c["exception_type"] == "1"
	}
	trips, err := table("trips.txt")
	if err != nil {
		return nil, err
	}
	tripIdx := map[string]int{}
	for _, t := range trips {
		tripIdx[t["trip_id"]] = len(f.trips)
		f.trips = append(f.trips, trip{service: t["service_id"], cont: -1})
	}
	sts, err := table("stop_times.txt")
	if err != nil {
		return nil, err
	}
	type seqd struct {
		seq int
		st  stopTime
	}
	bySeq := make([][]seqd, len(f.trips))
	for _, s := range sts {
		ti := tripIdx[s["trip_id"]]
		seq, _ := strconv.Atoi(s["stop_sequence"])
		arr, dep := clock(s["arrival_time"]), clock(s["departure_time"])
		if arr < 0 {
			arr = dep
		}
		if dep < 0 {
			dep = arr
		}
		bySeq[ti] = append(bySeq[ti], seqd{seq, stopTime{stop: f.stopIdx[s["stop_id"]], arr: arr, dep: dep,
			pickup: s["pickup_type"] != "1", dropof: s["drop_off_type"] != "1"}})
	}
	for i, rows := range bySeq {
		slices.SortFunc(rows, func(a, b seqd) int { return a.seq - b.seq })
		for _, r := range rows {
			f.trips[i].times = append(f.trips[i].times, r.st)
		}
		if len(rows) >= 2 {
			for _, r := range rows {
				if isStop[r.st.stop] {
					f.served[r.st.stop] = true
				}
			}
		}
	}
	freqs, err := table("frequencies.txt")
	if err != nil {
		return nil, err
	}
	var expanded []trip
	freqTrip := map[int]bool{}
	for _, fr := range freqs {
		ti := tripIdx[fr["trip_id"]]
		freqTrip[ti] = true
		start, end := clock(fr["start_time"]), clock(fr["end_time"])
		h, _ := strconv.Atoi(fr["headway_secs"])
		base := f.trips[ti].times[0].dep
		for st := start; st < end; st += int32(h) {
			t := trip{service: f.trips[ti].service, cont: -1}
			for _, x := range f.trips[ti].times {
				x.arr += st - base
				x.dep += st - base
				t.times = append(t.times, x)
			}
			expanded = append(expanded, t)
		}
	}
	var keep []trip
	kept := map[int]int{} // trips.txt index → index in keep
	for i, t := range f.trips {
		if !freqTrip[i] && len(t.times) >= 2 {
			kept[i] = len(keep)
			keep = append(keep, t)
		}
	}
	// Chain the kept trips of each block and service by first departure.
	chains := map[[2]string][]int{}
	for i, t := range trips {
		if b := t["block_id"]; b != "" && !opts.IgnoreBlocks {
			if _, ok := kept[i]; ok {
				k := [2]string{b, t["service_id"]}
				chains[k] = append(chains[k], i)
			}
		}
	}
	for _, c := range chains {
		slices.SortStableFunc(c, func(a, b int) int {
			return int(f.trips[a].times[0].dep - f.trips[b].times[0].dep)
		})
		for i := 1; i < len(c); i++ {
			a, b := f.trips[c[i-1]].times, f.trips[c[i]].times
			if b[0].stop == a[len(a)-1].stop && b[0].dep >= a[len(a)-1].arr {
				keep[kept[c[i-1]]].cont = kept[c[i]]
			}
		}
	}
	f.trips = append(keep, expanded...)

	// Transfers, by brute force over all pairs of served stops.
	// A rule naming a station (location_type 1) applies to each of its
	// platforms (location_type 0 with that parent_station); a rule
	// naming platforms themselves beats one naming their station, and
	// the later of two equally specific rules wins.
	platforms := map[string][]string{}
	kind := map[string]string{}
	for _, s := range stops {
		lt := s["location_type"]
		if lt == "" {
			lt = "0"
		}
		kind[s["stop_id"]] = lt
		if lt == "0" && s["parent_station"] != "" {
			platforms[s["parent_station"]] = append(platforms[s["parent_station"]], s["stop_id"])
		}
	}
	expand := func(id string) ([]string, int) {
		switch kind[id] {
		case "0":
			return []string{id}, 1
		case "1":
			return platforms[id], 0
		}
		return nil, 0
	}
	rules := map[[2]int]map[string]string{}
	specific := map[[2]int]int{}
	tr, err := table("transfers.txt")
	if err != nil {
		return nil, err
	}
	for _, t := range tr {
		if t["from_route_id"] != "" || t["to_route_id"] != "" || t["from_trip_id"] != "" || t["to_trip_id"] != "" {
			continue
		}
		if ty := t["transfer_type"]; ty == "4" || ty == "5" {
			continue
		}
		froms, sf := expand(t["from_stop_id"])
		tos, st := expand(t["to_stop_id"])
		for _, x := range froms {
			for _, y := range tos {
				k := [2]int{f.stopIdx[x], f.stopIdx[y]}
				if old, ok := specific[k]; ok && old > sf+st {
					continue
				}
				rules[k], specific[k] = t, sf+st
			}
		}
	}
	f.foot = make([][]edge, len(f.IDs))
	for a := range f.IDs {
		if !f.served[a] {
			continue
		}
		for b := range f.IDs {
			if !f.served[b] {
				continue
			}
			d := geo.Distance(f.Points[a], f.Points[b])
			walk := int32(geo.WalkTime(d).Seconds())
			dur := walk + opts.Slack
			rule, has := rules[[2]int{a, b}]
			if !has && geo.WalkDistance(d) > opts.TransferWalk {
				continue
			}
			if has {
				switch rule["transfer_type"] {
				case "3":
					continue
				case "1":
					dur = walk
				case "2":
					m, _ := strconv.Atoi(rule["min_transfer_time"])
					dur = int32(m)
				}
			}
			f.foot[a] = append(f.foot[a], edge{b, dur})
		}
	}
	return f, nil
}

func clock(s string) int32 {
	p := strings.Split(s, ":")
	if len(p) != 3 {
		return -1
	}
	h, _ := strconv.Atoi(p[0])
	m, _ := strconv.Atoi(p[1])
	sec, _ := strconv.Atoi(p[2])
	return int32(h*3600 + m*60 + sec)
}

func (f *Feed) runs(svc string, d time.Time) bool {
	key := d.Format("20060102")
	if v, ok := f.adds[key][svc]; ok {
		return v
	}
	w, ok := f.weekly[svc]
	if !ok {
		return false
	}
	sp := f.spans[svc]
	return key >= sp[0] && key <= sp[1] && w[d.Weekday()] == 1
}

type conn struct {
	inst     int32
	seq      int32
	from, to int
	dep, arr int32
	pickup   bool
	drop     bool
}

// Day is the connections usable on one service day.
type Day struct {
	f     *Feed
	Start time.Time // noon minus 12 h of the day
	conns []conn
	insts int
	cont  []int32 // per instance: the instance it continues as, -1 for none
}

func dayStart(y int, m time.Month, d int, loc *time.Location) time.Time {
	return time.Date(y, m, d, 12, 0, 0, 0, loc).Add(-12 * time.Hour)
}

// Day returns the connections of date y-m-d, times in seconds from its
// start: trips of days D-2 … D+2 shifted onto it.
func (f *Feed) Day(y int, m time.Month, d int) *Day {
	day := &Day{f: f, Start: dayStart(y, m, d, f.Loc)}
	for k := -2; k <= 2; k++ {
		other := dayStart(y, m, d+k, f.Loc)
		civil := time.Date(y, m, d+k, 0, 0, 0, 0, time.UTC)
		sh := int32(other.Sub(day.Start) / time.Second)
		instOf := make([]int32, len(f.trips))
		for i, t := range f.trips {
			instOf[i] = -1
			if !f.runs(t.service, civil) {
				continue
			}
			inst := int32(day.insts)
			instOf[i] = inst
			day.insts++
			for i := 0; i+1 < len(t.times); i++ {
				a, b := t.times[i], t.times[i+1]
				day.conns = append(day.conns, conn{inst: inst, seq: int32(i), from: a.stop, to: b.stop,
					dep: a.dep + sh, arr: b.arr + sh, pickup: a.pickup, drop: b.dropof})
			}
		}
		for i, t := range f.trips {
			if instOf[i] < 0 {
				continue
			}
			c := int32(-1)
			if t.cont >= 0 {
				c = instOf[t.cont] // the same service: it runs that day too
			}
			day.cont = append(day.cont, c)
		}
	}
	slices.SortFunc(day.conns, func(a, b conn) int {
		if a.dep != b.dep {
			return int(a.dep - b.dep)
		}
		if a.inst != b.inst {
			return int(a.inst - b.inst)
		}
		return int(a.seq - b.seq)
	})
	return day
}

// Access is a stop within MaxWalk of p with its walking seconds, by brute
// force.
func (f *Feed) Access(p orb.Point) [][2]int32 {
	var out [][2]int32
	for s, q := range f.Points {
		if !f.served[s] {
			continue
		}
		d := geo.Distance(p, q)
		if geo.WalkDistance(d) <= f.opts.MaxWalk {
			out = append(out, [2]int32{int32(s), int32(geo.WalkTime(d).Seconds())})
		}
	}
	return out
}

// Run returns, per stop, the earliest arrival (seconds from the day's
// start) departing at t from the access stops, Inf where unreached.
func (d *Day) Run(access [][2]int32, t int32) []int32 {
	return d.run(access, t, nil, Inf)
}

// run is Run, scanning connections only while they depart before the
// best arrival at the destination reached from egress (a connection
// leaving later cannot improve it) and before limit.
func (d *Day) run(access [][2]int32, t int32, egress [][2]int32, limit int32) []int32 {
	n := len(d.f.IDs)
	ready := make([]int32, n)
	ride := make([]int32, n)
	for i := range ready {
		ready[i], ride[i] = Inf, Inf
	}
	for _, a := range access {
		ready[a[0]] = min(ready[a[0]], t+a[1])
	}
	walked := slices.Clone(ready)
	on := make([]bool, d.insts)
	first, _ := slices.BinarySearchFunc(d.conns, t, func(c conn, t int32) int { return int(c.dep - t) })
	for range d.f.opts.MaxRides {
		for _, e := range egress {
			if v := min(ride[e[0]], walked[e[0]]); v != Inf {
				limit = min(limit, v+e[1])
			}
		}
		clear(on)
		next := slices.Clone(ride)
		for _, c := range d.conns[first:] {
			if c.dep >= limit {
				break
			}
			if !on[c.inst] {
				if !c.pickup || ready[c.from] > c.dep {
					continue
				}
				on[c.inst] = true
				// Its continuations depart after it arrives: the rider
				// is on them too, in this round.
				for x := d.cont[c.inst]; x >= 0 && !on[x]; x = d.cont[x] {
					on[x] = true
				}
			}
			if c.drop && c.arr < next[c.to] {
				next[c.to] = c.arr
			}
		}
		ride = next
		nready := slices.Clone(ready)
		for q, v := range ride {
			if v == Inf {
				continue
			}
			for _, e := range d.f.foot[q] {
				nready[e.to] = min(nready[e.to], v+e.dur)
			}
		}
		ready = nready
	}
	for s := range ride {
		ride[s] = min(ride[s], walked[s])
	}
	return ride
}

// To returns the earliest arrival at dest for a rider leaving origin at t
// (seconds from the day's start), Inf when unreached.
func (d *Day) To(origin, dest orb.Point, t int32) int32 {
	best := Inf
	if dd := geo.Distance(origin, dest); geo.WalkDistance(dd) <= d.f.opts.MaxWalk {
		best = t + int32(geo.WalkTime(dd).Seconds())
	}
	egress := d.f.Access(dest)
	if len(egress) == 0 {
		return best
	}
	arr := d.run(d.f.Access(origin), t, egress, best)
	for _, e := range egress {
		if v := arr[e[0]]; v != Inf {
			best = min(best, v+e[1])
		}
	}
	return best
}
