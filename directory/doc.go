// Package directory holds the providers a district connects students to —
// food pantries, clinics, tutoring, sports, jobs — and answers "what is near
// this point that fits?".
//
// The model follows Open Referral HSDS: a Provider is one service at one
// location, with categories from a hierarchical Taxonomy (dot-separated
// codes such as "basic.food.pantry"; a query for "basic.food" includes all
// its descendants), weekly Hours in a time zone, Eligibility (ages, grades,
// residency, income), Cost, Capacity, languages and accessibility.
//
// A Builder validates records and builds an immutable *Directory. Its one
// spatial index is a packed grid of compact filter records (categories
// with ancestors, ages, flags, a weekly open mask) over every placed
// provider and one per category (with descendants). Nearest-k, radius and
// streaming queries (Nearby) visit it cell by cell in rings around the
// query point with a proven lower bound of the distance of every cell not
// yet visited, so a selective query rejects candidates from contiguous
// memory and stops as soon as nothing farther can enter the answer.
// Distances are great-circle meters (package geo); the k nearest are exact.
// A Directory is safe for any number of concurrent readers.
//
// Answers hand out Listings: read-only views of the providers, with
// accessor methods (r.Provider.Name(), r.Provider.Categories(), …) that
// copy lists and maps, and Provider() for a deep copy to edit and pass
// back through Apply. Nothing a caller does to what it was given can
// change an answer or race with another reader; the Builder and Apply
// likewise take deep copies of the providers they are given.
//
// A directory changes by versions: Directory.Apply takes a batch of
// changes (Add, Replace, Remove, SetSeats, Enroll, SetHours), validates
// it as a whole, and returns a new *Directory sharing every unchanged
// part with the old one, which keeps answering as before. A Live holds
// the newest version for a long-running service:
//
//	live := directory.NewLive(dir)
//	next, err := live.Apply(ctx, []directory.Change{
//		directory.Enroll("p-17", 2),
//		directory.SetHours("p-40", summerHours),
//	})
//	res, err := live.Load().Search(q) // never blocked by a writer
//
// Typical usage (compiled as ExampleDirectory_Search):
//
//	f, err := os.Open("providers.csv")
//	if err != nil { … }
//	provs, err := directory.ReadCSV(ctx, f, directory.ReadOptions{
//		Name: "providers.csv",     // named in every error
//		Zone: "America/New_York", // for hours with an empty timezone column
//	})
//	if err != nil { … } // every bad row, with line, column, ID and field
//	b := directory.NewBuilder()
//	for _, p := range provs {
//		b.Add(p)
//	}
//	dir, err := b.Build(ctx)
//	res, err := dir.Search(directory.Query{
//		Near:       home,
//		K:          5,
//		Categories: []string{"health.vision"},
//		Age:        12,
//		FreeOnly:   true,
//	})
//	for _, r := range res {
//		fmt.Println(r.Provider.Name(), r.Distance, r.Walk)
//	}
//
// Time zones are never assumed: hours are read in the zone their record
// names, else ReadOptions.Zone, else Builder.Location; Build refuses
// hours with none of the three (ErrNoZone).
//
// Text search: built with Builder.TextIndex, a Directory also answers
// SearchText — the family's own words ("free eye glasses", "comida",
// "tutorng") in English or Spanish, matched against names, descriptions,
// keywords and the labels and synonyms of each provider's categories, with
// typos corrected, combined with every spatial and hard filter of Query,
// ranked by a documented blend of relevance and distance (Ranking), with
// category facets and the categories the words were understood as. The
// text index is bleve's, read back into sorted arrays numbered by the
// cells of the spatial index, beside each provider's filter record, so a
// query costs a fraction of a millisecond at 100,000 providers; the K
// best of a query without a radius are ranked ring by ring around its
// point with the spatial index's distance bound, stopping early. Apply
// updates it for
// the changed providers only (their postings, words, categories and
// hours, in copy-on-write lists), with answers equal to a fresh build's.
// Save writes a snapshot
// (providers, taxonomy, region sets, bleve index; with SaveWith also the
// transit feed) atomically to a folder, with a sealed manifest of every
// file's size and SHA-256: a crash mid-save leaves the previous snapshot
// loadable, and Open checks every file before reading any, so a truncated
// or altered snapshot is a *SnapshotError, never a crash or a silent load.
// Open falls back to the newest complete copy kept aside when the folder
// itself is missing, and reads the snapshot back without re-indexing.
// Save replaces only a folder that is a snapshot (ErrNotSnapshot).
// Build, Save, SaveWith, Open and OpenWith take a context first and stop
// with its error once it is done, returning no Directory and leaving on
// disk what was there before.
//
// Trips by transit: Query.Trip keeps the providers a family reaches from
// Near within a time, leaving in a window, from the timetable
// (TripFilter; transit.Router), quickest first with each trip's
// distribution and itinerary.
//
// Bad input is reported as *RecordError values (file, line and column or
// record index, ID, field, cause) joined with errors.Join, at most
// MaxReportedErrors of them with the rest counted (ProblemCount); nothing
// is half-loaded. The importers make every check Build makes, so each
// problem is reported where it is in the file.
package directory
