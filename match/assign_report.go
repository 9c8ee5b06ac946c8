package match

import (
	"encoding/json"
	"errors"
)

// An Assignment is exported in one of two forms, for two audiences:
//
//   - Staff is per student, for the people who serve those students: who
//     got which provider, why (the explanation may repeat the family's own
//     words), and each unmet need with its reason and home region. It is
//     student data: keep it where the district keeps student records.
//   - Analyst is aggregates only, for planners and the public: totals,
//     provider utilisation and gaps by category, region and reason, with
//     every count below a threshold withheld (and enough others withheld
//     that no withheld count can be recovered from the published totals),
//     as package trends does for need requests.
//
// The JSON of an Assignment (json.Marshal(a)) is its Analyst report at
// DefaultSuppression, so that an Assignment written out by mistake
// publishes no student's data.

// DefaultSuppression is the threshold k of Analyst reports when 0 is
// given: counts from 1 to k−1 are withheld, as in package trends.
const DefaultSuppression = 10

// ErrBadSuppression is returned for a negative suppression threshold.
var ErrBadSuppression = errors.New("match: suppression threshold must be at least 1")

// StaffReport is an Assignment per student, for the people who serve the
// students. It holds student data (see Assignment).
type StaffReport struct {
	Policy Policy   `json:"policy"`
	Pools  PoolMode `json:"pools"`
	// Assigned and Unmet are Assignment's, by student then need.
	Assigned []Assigned  `json:"assigned"`
	Unmet    []UnmetNeed `json:"unmet"`
	// Lottery is each student's Stable lottery rank, nil for the other
	// policies.
	Lottery []int  `json:"lottery,omitempty"`
	Totals  Totals `json:"totals"`
}

// Staff returns the per-student report. Its slices are shared with a.
func (a *Assignment) Staff() StaffReport {
	return StaffReport{Policy: a.Policy, Pools: a.Pools, Assigned: a.Assigned, Unmet: a.Unmet, Lottery: a.Lottery, Totals: a.Totals}
}

// Count is a published count: Value, or withheld (Suppressed, Value 0).
type Count struct {
	Value      int  `json:"value"`
	Suppressed bool `json:"suppressed,omitempty"`
}

// AnalystReport is an Assignment as aggregates only: no student index,
// no explanation, no family's words, and no count from 1 to K−1.
//
// Counts are published in tables, each with its total: needs and assigned
// needs by severity (totals Needs and Assigned), gaps by category, region
// and reason (total Unmet, and one total per reason in UnmetByReason),
// assigned needs and demand per provider pool (totals Assigned and
// Edges). Within every total, the withheld counts add up to 0 or at least
// K, so subtracting the published counts from a total reveals no group
// smaller than K (the smallest published counts are withheld too where
// needed; a total is withheld when nothing else can be).
type AnalystReport struct {
	Policy Policy   `json:"policy"`
	Pools  PoolMode `json:"pools"`
	// K is the suppression threshold.
	K                  int                    `json:"k"`
	Students           Count                  `json:"students"`
	Needs              Count                  `json:"needs"`
	Assigned           Count                  `json:"assigned"`
	Unmet              Count                  `json:"unmet"`
	Edges              Count                  `json:"edges"`
	NeedsBySeverity    [MaxSeverity + 1]Count `json:"needs_by_severity"`
	AssignedBySeverity [MaxSeverity + 1]Count `json:"assigned_by_severity"`
	UnmetByReason      [NumUnmetReasons]Count `json:"unmet_by_reason"`
	Utilisation        []PoolCount            `json:"utilisation"`
	Gaps               []GapCount             `json:"gaps"`
	// Objective is the policy's objective (Totals.Objective); 0 when
	// Students is withheld, as a sum over so few students describes them.
	Objective int64 `json:"objective"`
}

// PoolCount is one seat pool's use in an AnalystReport.
type PoolCount struct {
	ProviderID string `json:"provider_id"`
	Category   string `json:"category,omitempty"`
	// Seats is the pool's open seats before assignment (-1: unlimited):
	// provider data, never withheld.
	Seats    int   `json:"seats"`
	Assigned Count `json:"assigned"`
	Demand   Count `json:"demand"`
}

// GapCount is one cell of unmet needs in an AnalystReport.
type GapCount struct {
	Category string      `json:"category"`
	Region   string      `json:"region"`
	Reason   UnmetReason `json:"reason"`
	Needs    Count       `json:"needs"`
}

// Analyst returns the aggregate report with counts below k withheld; k =
// 0 means DefaultSuppression, k = 1 withholds nothing.
// O(pools + gaps · log gaps).
func (a *Assignment) Analyst(k int) (AnalystReport, error) {
	if k == 0 {
		k = DefaultSuppression
	}
	if k < 1 {
		return AnalystReport{}, ErrBadSuppression
	}
	t := &a.Totals
	r := AnalystReport{Policy: a.Policy, Pools: a.Pools, K: k, Objective: t.Objective}

	// Severity tables: needs and assigned needs, each with its total.
	var needs, assigned []int
	for s := 1; s <= MaxSeverity; s++ {
		needs = append(needs, t.NeedsBySeverity[s])
		assigned = append(assigned, t.AssignedBySeverity[s])
	}
	nc, ntot := suppressTable(needs, t.Needs, k)
	ac, atot := suppressTable(assigned, t.Assigned, k)
	for s := 1; s <= MaxSeverity; s++ {
		r.NeedsBySeverity[s] = nc[s-1]
		r.AssignedBySeverity[s] = ac[s-1]
	}
	r.Needs, r.Assigned = ntot, atot
	r.Students = suppressOne(t.Students, k)

	// Gaps: one table per reason with its total, and the grand total.
	// The reasons partition the cells, so per-reason safety makes the
	// grand total safe too.
	r.Gaps = make([]GapCount, len(a.Gaps))
	for i, g := range a.Gaps {
		r.Gaps[i] = GapCount{Category: g.Category, Region: g.Region, Reason: g.Reason}
	}
	reasonTotals := make([]Count, NumUnmetReasons)
	for reason := range UnmetReason(NumUnmetReasons) {
		var idx, vals []int
		for i, g := range a.Gaps {
			if g.Reason == reason {
				idx = append(idx, i)
				vals = append(vals, g.Needs)
			}
		}
		cs, tot := suppressTable(vals, t.UnmetByReason[reason], k)
		for j, i := range idx {
			r.Gaps[i].Needs = cs[j]
		}
		reasonTotals[reason] = tot
	}
	r.Unmet = complement(reasonTotals, t.UnmetByReason[:], t.Unmet, k)
	copy(r.UnmetByReason[:], reasonTotals)

	// Utilisation: assigned needs per pool (total Assigned) and demand
	// per pool (total Edges).
	r.Utilisation = make([]PoolCount, len(a.Utilisation))
	as := make([]int, len(a.Utilisation))
	ds := make([]int, len(a.Utilisation))
	for i, u := range a.Utilisation {
		r.Utilisation[i] = PoolCount{ProviderID: u.ProviderID, Category: u.Category, Seats: u.Seats}
		as[i], ds[i] = u.Assigned, u.Demand
	}
	acs, atot2 := suppressTable(as, t.Assigned, k)
	dcs, etot := suppressTable(ds, t.Edges, k)
	for i := range r.Utilisation {
		r.Utilisation[i].Assigned = acs[i]
		r.Utilisation[i].Demand = dcs[i]
	}
	if atot2.Suppressed {
		r.Assigned = atot2
	}
	r.Edges = etot
	if r.Students.Suppressed {
		r.Objective = 0
	}
	return r, nil
}

// MarshalJSON writes the Analyst report at DefaultSuppression: an
// Assignment serialised as it is never carries student data. Use Staff
// for the per-student report.
func (a *Assignment) MarshalJSON() ([]byte, error) {
	r, err := a.Analyst(0)
	if err != nil {
		return nil, err
	}
	return json.Marshal(r)
}

func suppressOne(v, k int) Count {
	if v > 0 && v < k {
		return Count{Suppressed: true}
	}
	return Count{Value: v}
}

// suppressTable withholds the cells of one table whose published total
// is total: every cell from 1 to k−1, then complementary cells (see
// complement). Zero cells are published: an empty group reveals nobody.
func suppressTable(vals []int, total, k int) ([]Count, Count) {
	out := make([]Count, len(vals))
	for i, v := range vals {
		out[i] = suppressOne(v, k)
	}
	return out, complement(out, vals, total, k)
}

// complement withholds, while the withheld cells of out add up to more
// than 0 but less than k, the smallest published non-zero cell (ties:
// the first), so that the total less the published cells reveals no
// group smaller than k. It returns the total's Count: withheld when below
// k, or when no cell is left to withhold.
func complement(out []Count, vals []int, total, k int) Count {
	sum := 0
	for i, c := range out {
		if c.Suppressed {
			sum += vals[i]
		}
	}
	for sum > 0 && sum < k {
		best := -1
		for i, c := range out {
			if !c.Suppressed && vals[i] > 0 && (best < 0 || vals[i] < vals[best]) {
				best = i
			}
		}
		if best < 0 {
			return Count{Suppressed: true}
		}
		out[best] = Count{Suppressed: true}
		sum += vals[best]
	}
	return suppressOne(total, k)
}
