package stagecraft

import (
	"fmt"
	"slices"
	"strings"
)

// Recommend ranks assets for a deal at its current stage. An asset with
// evidence — at least minEvidence closed deals it influenced at this stage,
// and a baseline to compare with — is scored by the lower bound of its
// win-rate interval minus the baseline: the evidence of lift, shrunk
// toward nothing when the sample is small. Assets without enough evidence
// fall back to their tags (the stage, then shared personas) and rank below
// any asset whose lower bound is within 0.5 of its baseline. Assets
// neither tagged for the stage or the deal's personas nor with evidence
// are left out. The reason says which applied.
func Recommend(assets []*Asset, evidence map[string]*AssetScore, deal *Deal, tax *Taxonomy, minEvidence int) []*Recommendation {
	stageLabel := label(tax.Stages, deal.Stage)
	var recs []*Recommendation
	for _, a := range assets {
		ev := evidence[a.ID]
		shared := intersect(a.Personas, deal.Personas)
		tagged := slices.Contains(a.Stages, deal.Stage)
		switch {
		case ev != nil && ev.DealsClosed >= minEvidence && ev.BaselineWinRate != nil && ev.WinRateCI != nil:
			r := &Recommendation{AssetID: a.ID, Asset: a, Lift: ev.Lift, DealsWon: ev.DealsWon,
				Score: ev.WinRateCI[0] - *ev.BaselineWinRate}
			r.Reason = fmt.Sprintf("At the %s stage, deals it was used on won %d of %d (%.0f%%), against %.0f%% for comparable deals without it.",
				stageLabel, ev.DealsWon, ev.DealsClosed, 100*float64(ev.DealsWon)/float64(ev.DealsClosed), 100**ev.BaselineWinRate)
			recs = append(recs, r)
		case tagged || len(shared) > 0:
			r := &Recommendation{AssetID: a.ID, Asset: a, Score: -1 + 0.1*float64(len(shared))}
			var parts []string
			if tagged {
				r.Score += 0.3
				parts = append(parts, "the "+stageLabel+" stage")
			}
			if len(shared) > 0 {
				var ls []string
				for _, p := range shared {
					ls = append(ls, label(tax.Personas, p))
				}
				parts = append(parts, strings.Join(ls, ", "))
			}
			r.Reason = "Tagged for " + strings.Join(parts, " and ") + "."
			if ev != nil && ev.DealsClosed > 0 {
				r.DealsWon = ev.DealsWon
				r.Reason += fmt.Sprintf(" Too few closed deals at this stage to judge its effect yet (%d).", ev.DealsClosed)
			} else {
				r.Reason += " No closed deals at this stage to judge it by yet."
			}
			recs = append(recs, r)
		}
	}
	slices.SortStableFunc(recs, func(x, y *Recommendation) int {
		switch {
		case x.Score > y.Score:
			return -1
		case x.Score < y.Score:
			return 1
		}
		return strings.Compare(x.Asset.Title, y.Asset.Title)
	})
	return recs
}

func label(terms []Term, key string) string {
	for _, t := range terms {
		if t.Key == key && t.Label != "" {
			return strings.ToLower(t.Label)
		}
	}
	return key
}

func intersect(a, b []string) []string {
	var out []string
	for _, v := range a {
		if slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}
