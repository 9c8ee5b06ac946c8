// Package match answers a Navigator's question: for this child and
// family, what should we connect them to, and why?
//
// # Model
//
// A Student has a home (and optionally a school), an age and grade, the
// languages spoken at home, the needs of a Success Plan (a taxonomy
// category, a severity 1–3, optional words such as "eye glasses"),
// interests and strengths, and Constraints: travel mode and limit,
// availability windows, free only, wheelchair access, providers to
// exclude. A Matcher, built once over a directory, turns a Student into a
// Plan: for each need and interest, the K best providers with a score and
// an explanation of every component, or, when none fits, the constraint
// that excluded the most candidates.
//
// Hard constraints filter: category (the need's, a narrower one, or a
// broader one a provider is listed under directly), age and grade limits,
// free only, wheelchair, exclusions, residency (decided by home: a
// provider restricted to residents of a region serves only students whose
// home is in it), an open seat (unless Config.IncludeFull), opening hours
// that overlap some availability window (unknown hours pass), and travel
// within the time limit and the optional distance limit.
//
// Soft preferences score. Each component is in [0, 1]:
//
//   - Travel: 1 − t/limit, a linear decay from 1 at the door to 0 at the
//     student's limit (DefaultMaxTravel when none is given).
//   - Transit (transit mode): min(1, f/4), f the trips an hour by bus that
//     reach the provider within the limit in the window (distinct
//     arrivals less one for the window's edge, per hour; 4 an hour, every
//     15 minutes, is transit.HighFrequency); 1 for a trip on foot.
//   - Schedule (with windows): the share of the windows' total time the
//     provider is open; 0.5 when its hours are unknown.
//   - Language (with home languages): 1 when the provider serves the
//     family's first language, 0.5 another of its languages, else 0.
//   - Specificity: 1/(1+g), g the levels between the need's category and
//     the broader one a provider is listed under (0 for the category itself
//     or a narrower one).
//   - Capacity: the share of seats open; 1 when capacity is unknown.
//   - Cost: free 1, sliding scale 0.6, unknown 0.4, fee 0.2.
//   - Words (when the item has words): the share of its words (lower case,
//     stop words dropped, plurals reduced) that begin a word of the
//     provider's name, keywords or description; a word found only among
//     its categories' labels and synonyms counts CategoryWordCredit (½),
//     since every provider of the category shares it.
//
// The score is Σ weight·component / Σ weight over the components that
// apply (Weights, DefaultWeights()), so scores of one item compare across
// providers. Ties are broken by provider ID: same input, same plan. One
// rule comes before the score: for an interest with words, providers
// whose own listing (name, keywords, description) has one of the words
// rank above those that match only through their category — the soccer
// league above the nearer swim team for "soccer", both being Sports.
//
// # Family-facing text
//
// A Match carries its scoring detail for staff (Reasons, Explanation) and
// its Legs, how to get there leg by leg. Match.Family, ItemPlan.Family
// and Plan.Family render a plan for the family instead: what, where,
// when it is open, how to get there (Directions, from the legs), the
// languages spoken and the cost, in short sentences without scores, in
// English or Spanish from one golang.org/x/text/message catalog, with
// category labels from CategoryLabel. Directions renders any list of
// legs, so a timetable itinerary slots in as it is.
//
// # Travel
//
// Walking is the great-circle distance × geo.DetourFactor at geo.WalkSpeed
// (geo.WalkTime). A car or school transport covers the same street
// distance at CarSpeed (35 km/h); school transport starts at the school;
// both are estimates and say so.
//
// A trip by bus comes from the timetable (transit.Router, RAPTOR): for
// each availability window, on the date of the plan week (Config.Week,
// by default the feed's typical week) with that weekday, the door-to-door
// time from home for every departure minute of the window — walk to any
// stop within Config.StopWalk, wait, ride with up to Config.MaxTransfers
// changes, walk on from a stop within StopWalk of the provider — as
// Conveyal R5 reports it. The statistic over the minutes (Config.Travel:
// the median by default, or the quickest, or the 90th percentile) is the
// trip's time; minutes from which nothing arrives count as unreachable.
// Days with the same services and hours share one range query, and a
// provider is reached in the windows it is open in, the best of them
// counting. Without windows the trip leaves on a weekday 15:30–16:30. A
// trip on foot is taken instead when it is quicker and no longer than
// 30 minutes. Explanations give the itinerary of the median departure
// ("walk 6 min to 3rd & Central, route 4 at 15:42 — a trip every 15 min
// — to McCallie & Central (5 stops), walk 2 min: about 24 min door to
// door, leaving Mo-Fr between 15:30 and 16:30"); a plan whose windows
// have no bus near home says so (NoteNoService). Without a transit
// network, ModeTransit is refused (ErrNoTransit).
//
// Range queries are the cost of a plan by bus (milliseconds each, see
// the benchmarks): a Matcher keeps recent ones (Config.ProfileCache,
// keyed by the stops near home with their walks and the window — stop
// indexes and times only), so that planning the same student again
// shares them. Assign shares more, and keeps nothing after: every
// stop near a home of the cohort is routed from once per window
// (transit.StopRanges), each student's travel times are composed from the
// runs of the stops near home — the same times, read as needed — and the
// explanations reuse the runs instead of routing again.
//
// # Search and cost
//
// A Matcher is a view over one directory version: it reads the
// directory's own spatial index, where every placed provider's
// hard-filter fields and score bounds sit in 64-byte records, one grid
// per category with its descendants (about 8 providers a cell), and
// copies nothing, so New costs O(categories) (30 µs at 100,000
// providers). When the directory changes (directory.Directory.Apply),
// Rebase gives a Matcher over the new version at no cost, and
// Assignment.Enrollments writes the seats an assignment takes back as
// changes. For each item, Top reads
// records in rings of cells around the student: the record alone rejects
// most providers and bounds the score of the rest; a provider is scored
// only when its bound can beat the K-th best, and the search ends at the
// first ring too far for any provider to do so. For a student by bus,
// whose nearest providers are often not the quickest to reach, the
// records of the rings read so far wait in a heap and are scored best
// bound first, so no timetable trip is worked out for a provider whose
// bound is below the final K-th score. On the 100,000-provider
// synthetic metro the search of a plan of five items takes well under a
// millisecond beyond its range queries, over fifty times faster than
// scoring every provider (see benchmarks). Timetable travel is bounded
// for the search by the envelope of the least travel time to each stop
// reached plus the straight walk on, and a provider's trip by the least
// time to its own stops (transit.Profile.RankVia then reads those stops
// best first). An unmet item costs one pass over its category.
//
// Prepared exposes the pieces for cohort matching and for tools:
// Candidates streams every eligible provider of an item with its
// component scores, without allocating per candidate; Evaluate scores one
// provider or names the constraints it breaks; Explain puts a candidate
// into words.
//
// # Cohorts
//
// Matcher.Assign matches a whole cohort against limited seats at once, so
// the best seats do not go to whoever is matched first. Each need's
// candidates are its best providers by the single-student score
// (AssignOptions.MaxCandidates, 20 by default), so cohort and single-plan
// answers agree on what "good" means; a pair weighs severity × the score
// scaled to an integer (ScoreScale). Seats are pooled per provider or per
// provider and category (PoolMode). Policies: MaxTotal maximises the total
// weight exactly over the candidate graph (an exact min-cost-flow solver,
// internal/flow); EquityFirst serves as many severity-3 needs as
// possible, then severity 2, then 1, then maximises the total; Stable is
// student-proposing deferred acceptance with provider priorities
// (residency region, severity, a seeded lottery); Greedy is the
// most-severe-first baseline. Interests are a second tier: they take the
// seats the needs leave (exactly, lexicographically after the needs, for
// MaxTotal and EquityFirst; below every need for Stable and Greedy) and
// are reported like needs, with Kind; AssignOptions.SkipInterests turns
// them off. The Assignment lists every need as assigned
// or unmet with a true reason (no eligible provider, every eligible one
// full, or a seat only beyond the candidate bound), per-pool utilisation
// and gaps by category and region (CoverageGap); WriteDIMACS exports the
// instance so any min-cost-flow solver can check the objective.
//
// # Names
//
// Names that trends or geo/transit also use are qualified here: a
// student's TravelMode (trends.Mode is a privacy mode), a WeeklyWindow of
// availability (transit.Window is one date's departure span), a
// CoverageGap of a cohort (trends.Gap is a region's supply against
// demand). Why an item has no provider is an UnmetDiagnosis, made by
// Prepared.Diagnose, held in ItemPlan.Unmet and listed by
// Plan.UnmetItems.
//
// # Privacy and errors
//
// Students are personal data: the package never logs or stores them.
// Validation reports every bad field as a *FieldError naming the field
// ("needs[2].severity") and wrapping a sentinel (ErrOutOfRange,
// ErrUnknownCategory…), joined with errors.Join, and never quotes the
// value.
//
// A Matcher and a Prepared are immutable and safe for concurrent use.
//
// Typical usage:
//
//	dir, err := demo.Directory()
//	m, err := match.New(ctx, dir, match.Config{K: 3})
//	plan, err := m.Plan(ctx, match.Student{
//		Home:      home, // orb.Point{lon, lat}
//		Age:       12,
//		Languages: []string{"es", "en"},
//		Needs:     []match.Need{{Category: "health.vision", Severity: 3, Words: "eye glasses"}},
//		Interests: []match.Interest{{Category: "enrichment.sports", Words: "soccer"}},
//		Constraints: match.Constraints{
//			Mode:         match.ModeTransit,
//			MaxTravel:    45 * time.Minute,
//			Availability: []match.WeeklyWindow{{Days: match.Weekdays, Start: 15*time.Hour + 30*time.Minute, End: 18 * time.Hour}},
//		},
//	})
//	for _, it := range plan.Items {
//		for _, mt := range it.Matches {
//			fmt.Println(mt.Provider.Name(), mt.Score, mt.Explanation)
//		}
//		if it.Unmet != nil {
//			fmt.Println(it.Unmet.Explanation)
//		}
//	}
package match
