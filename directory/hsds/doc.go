// Package hsds imports and exports the Open Referral Human Services Data
// Specification (HSDS), the format 211 call centres, city resource guides
// and referral tools publish their directories in.
//
// # Model
//
// HSDS describes organizations that run services at locations; the link
// between a service and a location is a service_at_location. Each
// service_at_location becomes one directory.Provider (its ID is the
// service_at_location's ID): the service gives name, description,
// eligibility, cost, languages, service areas and when it was last
// verified; the location gives coordinates, address and accessibility;
// schedules give weekly Hours; taxonomy terms (attributes) give
// categories. A service with no location gives one unplaced provider under
// the service's ID.
//
// Three inputs are read into one relational form and mapped the same way:
//
//   - HSDS 3.0 JSON (ReadJSON): a single service, service_at_location,
//     organization or location; a list; a paginated API page; or the
//     tabular JSON form.
//   - HSDS 3.0 tabular packages (ReadPackage): datapackage.json and one CSV
//     per table.
//   - The older 2.0 CSV layout (ReadPackage): services_at_location.csv,
//     physical_addresses.csv, service_attributes.csv, eligibility.csv,
//     taxonomy.csv and the like.
//
// Columns are matched by header; extra columns the model has room for
// (capacity, enrolled, keywords, confidential) are kept; missing optional
// tables are fine.
//
// # Taxonomies
//
// Terms are mapped onto the directory's taxonomy in order: wraparound's own
// codes (taxonomy "wraparound", as WriteJSON writes them), the caller's
// Mapping (211/AIRS codes, with hierarchical fallback), then the Open
// Eligibility table (OpenEligibility()). Terms that map nowhere are kept as
// keywords and listed in Report.Unmapped. A service none of whose terms
// maps gets a category read from its term names, name and description
// (reported as KindGuessed), or Options.DefaultCategory, or else
// directory.Uncategorised ("other", a root of the default taxonomy),
// reported as KindUncategorised: it stays in the directory and is found
// by text through its terms, kept as keywords. Only with a taxonomy that
// has no "other" is it dropped (KindNoCategory).
//
// # Time zones
//
// A time zone is never assumed. HSDS gives a schedule's zone only as a
// UTC offset (the 3.0 "timezone" field, or "09:00-05:00" on opens_at): a
// provider's hours take Options.Zone when it has that offset (daylight
// saving kept), else the fixed zone of the offset ("Etc/GMT+5"), reported
// when it disagrees with Options.Zone (KindZone). Hours with neither keep
// Hours.Zone empty and one KindZone problem (ErrNoZone) counts them: set
// Options.Zone, and the same zone as directory.Builder.Location.
//
// # Problems
//
// Real exports are messy. An import fails only when the input is not HSDS
// at all (not JSON, no services table) or passes Options.Limits;
// everything else — IDs that resolve to nothing, coordinates that are
// blank, out of range or swapped, times like "9am", monthly schedules,
// duplicate phones, a second record under a used ID, an unterminated
// quote — is a *Problem in the Report, naming the file, the line and
// column (CSV) or JSON path, the table, record ID and field. Providers
// without usable coordinates are kept with Unplaced set: the Builder keeps
// them out of the spatial index and they are found by ID. When no
// provider at all could be placed, a KindNothingPlaced problem comes
// first and names the link that never resolves ("service_at_location.csv
// references location IDs not in locations.csv", with counts). Every
// provider returned passes directory.Builder's validation.
//
// The Report keeps the first Options.MaxProblems problems of each kind
// (100 by default) and counts every one (Report.Counts, Report.Total);
// Report.Err joins at most 100. Memory is bounded: CSV is read by a
// reader that holds one record, caps fields and records
// (Limits.MaxFieldBytes, MaxRecordBytes) and reports an unterminated quote
// at the quote instead of reading the rest of the file into one field;
// rows and bytes in all are capped (Limits.MaxRows, MaxBytes). Peak heap
// above the caller's, measured (TestMemoryBounds): 0.07× the input for a
// 50 MB unterminated quote or a 50 MB field, 3.2× for a 50 MB
// unterminated JSON string, 4.7× for a million rows per table that are
// each a problem; but about 20× for small rows that each become a
// provider, since a directory.Provider takes some 600 bytes — the result
// alone is 5× such input.
//
// Confidential locations (a location flagged "confidential" by column or
// attribute) keep their coordinates for matching, but WriteJSON never
// writes their coordinates or address.
//
// # Export
//
// WriteJSON writes providers back as an HSDS 3.0 page of services that
// validates against the official schemas; importing it again gives the
// same providers (see WriteJSON for the exact guarantees).
//
// Readers are safe to call from many goroutines; a Result is a plain value
// owned by the caller. Import cost is linear in the input.
//
// Typical usage:
//
//	res, err := hsds.Open(ctx, "partners/", hsds.Options{Zone: "America/New_York"})
//	if err != nil {
//		return err // not HSDS at all
//	}
//	for _, p := range res.Report.Problems {
//		log.Print(p) // file:line: table id "…": field "…": cause
//	}
//	b := directory.NewBuilder()
//	res.AddTo(b)
//	dir, err := b.Build(ctx)
//
//	// … and back out:
//	err = hsds.WriteJSON(w, dir.All(), hsds.ExportOptions{Sources: res.Sources})
package hsds
