// Package trends aggregates students' need requests by region, time and
// category — "over the past six months, requests for housing rose in this
// part of the city" — and sets demand against provider supply, publishing
// only figures that cannot single out a student.
//
// # Model
//
// A Request has a time, a place (a point, or only a region name), a
// category code of the taxonomy (package directory), an Outcome and an
// optional opaque student key. A Store assigns each request, at ingest,
// to a region of every configured region set (neighborhoods, zip codes,
// council districts…; points outside every region of a set go to that
// set's Outside row, never lost), to its civil day, ISO week and month in
// Config.Location, and to its category. It keeps:
//
//   - rollups: for day, week and month buckets, one row of counters per
//     region tuple (the combination of regions a request falls in, one per
//     set) with one counter per category and outcome. A category's figure
//     is the sum over its subtree, which is a contiguous run of codes
//     because codes are kept sorted; quarters, halves and years are sums
//     of months. Queries never rescan requests.
//   - for requests with a student key, per month × region tuple × category
//     up to K distinct keyed hashes (HMAC-SHA256 with Config.StudentKey,
//     truncated to 8 bytes): enough to know whether a cell has K distinct
//     students, which is all suppression needs. Keys are never kept.
//
// No request-level record is kept in memory: time of day, the point and
// the student key are dropped at ingest.
//
// Memory: the rollups cost a fixed ~600 bytes per (day, region tuple) and
// per (week, region tuple) row touched and ~750 per month row, whatever
// the volume; with 119 neighborhoods over two years that is ~60 MB, about
// 6 bytes a request at 10 million requests.
//
// # Queries
//
// Counts returns a Table (regions × periods for one category node);
// RisingNeeds tests every region × category of a subtree for a rise
// against the previous window or the same window a year before, with an
// exact conditional binomial test, a minimum volume and a
// Benjamini–Hochberg correction; SupplyGaps sets each region's demand
// against the free seats (capacity minus enrolled) of providers of a
// directory snapshot in or near it and ranks regions by shortfall. Tables export as CSV and as GeoJSON
// for maps, suppressed cells marked as such.
//
// # Privacy
//
// Every query is answered in the store's Mode. The default, Suppress,
// publishes only cells of a fixed lattice — calendar months, quarters,
// halves and years; the configured region sets and their totals; taxonomy
// nodes, with the part of an inner node coded exactly at it — and
// withholds every cell below K requests or K distinct students plus
// complementary cells chosen so that each withheld cell has a witness: a
// way of moving one request between cells holding requests that changes
// it but nothing published. No arithmetic on published figures (totals,
// adjacent buckets, parent minus children, one region set minus another)
// recovers a withheld cell. Noise mode adds two-sided geometric noise for
// ε-differential privacy per release. THREATS.md states what each mode
// guarantees and what it does not.
//
// # Concurrency and cost
//
// A Store is safe for concurrent use. AddBatch resolves requests (region
// lookup, calendar, category, HMAC) with no lock, in parallel for large
// batches, then adds counters atomically under a shared lock: concurrent
// writers run in parallel. A batch is all or nothing, but readers may see
// part of a batch that is being committed. Queries read counters without
// blocking writers. In Suppress mode the first query touching a year runs
// one suppression pass over that year's lattice (milliseconds to seconds
// depending on how many small cells there are) and caches it until the
// year gains data: an ingest reruns the pass only for the years it
// touched (years share no published cell), on their next query. Queries
// of cached years are lock-free (an atomic pointer per year), so they
// run concurrently; the cache is bounded by Config.MaxCacheBytes (least
// recently used years are dropped and recomputed when asked again), and
// one query's working memory by Config.MaxQueryBytes (*LimitError).
//
// # Persistence, request log and budget
//
// Store.Save writes the rollups crash-safely (temporary file, fsync,
// rename, fsync of the folder) in a versioned format with CRC-32C
// checksums; Open reads it back under the same region sets, taxonomy,
// zone, K and student key, refusing a truncated or altered file with
// ErrCorrupt. A Log (Store.OpenLog) is an append-only file a service
// writes every batch to before it is counted; Store.Replay rebuilds a
// store from it, ignoring a torn tail. Log.Checkpoint saves the store and
// empties the log; the saved store records how much of the log it
// counts, so a crash between the two steps neither loses nor doubles a
// batch. Neither file holds a point, a student key or a time of day:
// only civil days, region indexes, categories, outcomes and keyed
// student hashes. In Noise mode every release spends Epsilon from
// Config.Budget and is refused past it; the spent figure is saved with
// the store.
//
//	st, err := trends.Open(ctx, "trends.store", cfg) // trends.New(cfg) on first start
//	if f, err := os.Open("requests.log"); err == nil {
//		res, err := st.Replay(ctx, f) // batches since the checkpoint
//		_ = res.TornBytes             // a batch a crash cut short
//		f.Close()
//	}
//	lg, err := st.OpenLog("requests.log") // cuts a torn tail, appends
//	err = lg.AddBatch(ctx, reqs)          // logged, then counted
//	err = lg.Sync()                       // at the pace durability needs
//	err = lg.Checkpoint("trends.store")   // now and then: save, empty the log
//
// # More than one machine
//
// One Store holds a state's decade (100M requests) in well under 2 GB,
// because it keeps rollups, not requests. Past one machine — several
// services ingesting, or raw requests kept for audit — the design is:
// raw requests live in the district's PostgreSQL, and each analysis
// process builds its own Store from them, keeping only rollups. The
// library has no cluster of its own. The table the loader expects:
//
//	CREATE TABLE need_requests (
//	  id           bigserial PRIMARY KEY,
//	  requested_at timestamptz NOT NULL,  -- an instant, never a local time
//	  category     text NOT NULL,         -- taxonomy code, "basic.food.pantry"
//	  outcome      text,                  -- unknown, referred, served, unmet
//	  lon double precision, lat double precision, -- the need's place, or:
//	  region_set   text, region text,     -- a region of a configured set
//	  student      text                   -- opaque key, hashed at ingest
//	);
//
// exported with psql as
//
//	\copy (SELECT requested_at, category, outcome, lon, lat, region_set, region, student
//	       FROM need_requests WHERE requested_at >= '2025-01-01') TO 'requests.csv' CSV HEADER
//
// and loaded with Store.ReadCSV, all or nothing, bad rows reported by
// line and column without their values. Or, with no file in between,
// read the table through database/sql with the district's PostgreSQL
// driver (pgx's stdlib or lib/pq; the package itself needs none) and
// Store.ReadRows, which takes the *sql.Rows, applies the same checks
// and reports bad rows by row number and column:
//
//	rows, err := db.QueryContext(ctx, `
//	    SELECT requested_at, category, outcome, lon, lat, region_set, region, student
//	    FROM need_requests
//	    WHERE requested_at >= $1 AND requested_at < $2`, from, to)
//	if err != nil { … }
//	defer rows.Close()
//	n, err := st.ReadRows(ctx, rows)
//
// requested_at must be selected as timestamptz: drivers hand a column of
// type timestamp (without time zone) to Go as a wall clock labelled
// UTC, a zone the library would then assume; convert such a column in
// the query ("requested_at AT TIME ZONE 'America/New_York'" gives the
// timestamptz of a local wall clock). Load by month or year to bound
// memory (about 40 bytes per row until the commit), Save the store, and
// replay only the newer rows on restart. The export itself holds personal
// data: keep it inside the district's systems and delete it after
// loading.
//
// Typical usage:
//
//	hoods, _ := demo.Regions(demo.Neighborhoods)
//	st, err := trends.New(trends.Config{
//		Sets:     []trends.Set{{Name: "neighborhoods", Regions: hoods}},
//		Location: nyc, // America/New_York
//		StudentKey: key, // secret, kept by the caller
//	})
//	err = st.AddBatch(ctx, requests)
//	tab, err := st.Counts(ctx, trends.Query{Set: "neighborhoods",
//		Category: "basic.housing", Bucket: trends.Month})
//	rising, err := st.RisingNeeds(ctx, trends.RisingQuery{Set: "neighborhoods",
//		Category: "basic", Bucket: trends.Half, At: time.Now()})
//	gaps, err := st.SupplyGaps(ctx, dir, trends.GapQuery{Set: "neighborhoods",
//		Category: "basic.food", Bucket: trends.Month, At: time.Now(), Near: 1500})
//	err = tab.WriteGeoJSON(w, hoods, len(tab.Periods)-1)
package trends
