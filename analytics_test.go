package stagecraft_test

import (
	"math"
	"strings"
	"testing"

	"github.com/stagecraft/stagecraft"
)

func TestWilson(t *testing.T) {
	// Reference values: Wilson score interval, z = 1.96 (Newcombe 1998).
	tests := []struct {
		won, n int
		lo, hi float64
	}{
		{0, 0, 0, 1},
		{0, 10, 0, 0.2775},
		{10, 10, 0.7225, 1},
		{2, 3, 0.2077, 0.9385},
		{1, 2, 0.0945, 0.9055},
		{81, 263, 0.2553, 0.3662},
		{50, 100, 0.4038, 0.5962},
	}
	for _, tt := range tests {
		lo, hi := stagecraft.Wilson(tt.won, tt.n)
		if math.Abs(lo-tt.lo) > 1e-4 || math.Abs(hi-tt.hi) > 1e-4 {
			t.Errorf("Wilson(%d, %d) = [%.4f, %.4f], want [%.4f, %.4f]", tt.won, tt.n, lo, hi, tt.lo, tt.hi)
		}
	}
}

func TestAssetScoreFinish(t *testing.T) {
	base := 0.4
	s := stagecraft.AssetScore{DealsClosed: 4, DealsWon: 3, BaselineWinRate: &base}
	s.Finish()
	if *s.WinRate != 0.75 || math.Abs(*s.Lift-0.35) > 1e-12 || s.WinRateCI == nil {
		t.Errorf("finish = %+v", s)
	}
	empty := stagecraft.AssetScore{DealsInfluenced: 2, BaselineWinRate: &base}
	empty.Finish()
	if empty.WinRate != nil || empty.Lift != nil || empty.WinRateCI != nil {
		t.Errorf("no closed deals: %+v", empty)
	}
}

func TestRecommend(t *testing.T) {
	tax := stagecraft.DefaultTaxonomy()
	deal := &stagecraft.Deal{Stage: "proposal", Personas: []string{"economic_buyer"}}
	asset := func(id, title string, stages, personas []string) *stagecraft.Asset {
		return &stagecraft.Asset{ID: id, Title: title, Stages: stages, Personas: personas}
	}
	f := func(x float64) *float64 { return &x }
	score := func(won, closed int, base float64) *stagecraft.AssetScore {
		s := &stagecraft.AssetScore{DealsWon: won, DealsClosed: closed, BaselineWinRate: f(base)}
		s.Finish()
		return s
	}
	assets := []*stagecraft.Asset{
		asset("big", "Big sample", nil, nil),     // 60/100 against 0.4: strong evidence
		asset("small", "Small sample", nil, nil), // 3/3 against 0.4: high rate, little evidence
		asset("tagged", "Tagged", []string{"proposal"}, []string{"economic_buyer"}),
		asset("persona", "Persona only", nil, []string{"economic_buyer"}),
		asset("other", "Unrelated", []string{"discovery"}, []string{"end_user"}),
		asset("weak", "Weak", []string{"proposal"}, nil), // 1 closed deal: too few, falls back to tags
	}
	evidence := map[string]*stagecraft.AssetScore{
		"big": score(60, 100, 0.4), "small": score(3, 3, 0.4), "weak": score(1, 1, 0.4),
	}
	recs := stagecraft.Recommend(assets, evidence, deal, &tax, 3)
	var order []string
	for _, r := range recs {
		order = append(order, r.AssetID)
	}
	if strings.Join(order, ",") != "big,small,tagged,weak,persona" {
		t.Errorf("order = %v", order)
	}
	if !strings.Contains(recs[0].Reason, "won 60 of 100 (60%), against 40%") || recs[0].Lift == nil {
		t.Errorf("evidence reason = %q", recs[0].Reason)
	}
	if !strings.Contains(recs[2].Reason, "Tagged for the proposal stage and economic buyer") {
		t.Errorf("tag reason = %q", recs[2].Reason)
	}
	if !strings.Contains(recs[3].Reason, "Too few closed deals") {
		t.Errorf("weak reason = %q", recs[3].Reason)
	}
}
