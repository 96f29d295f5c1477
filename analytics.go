package stagecraft

import (
	"context"
	"math"
	"time"
)

// AssetScore is one asset's row of the scorecard. Definitions are in
// docs/analytics.md; in short: an asset influenced a deal when it was used
// on the deal before the deal closed; win rates are over influenced deals
// that closed; the baseline is the win rate of closed deals that reached
// the same stage without the asset.
type AssetScore struct {
	AssetID           string      `json:"asset_id"`
	Title             string      `json:"title"`
	Uses              int         `json:"uses"`
	UniqueUsers       int         `json:"unique_users"`
	DealsInfluenced   int         `json:"deals_influenced"`
	DealsClosed       int         `json:"deals_closed"`
	DealsWon          int         `json:"deals_won"`
	WinRate           *float64    `json:"win_rate"`
	WinRateCI         *[2]float64 `json:"win_rate_ci"`
	BaselineWinRate   *float64    `json:"baseline_win_rate"`
	Lift              *float64    `json:"lift"`
	RevenueInfluenced float64     `json:"revenue_influenced"`
	LinkOpens         int         `json:"link_opens"`
	LastUsedAt        *time.Time  `json:"last_used_at"`
	// AvgViewSeconds and Completion are over the external visits of the
	// asset's links (nil without any): mean seconds read, and mean share
	// of the pages read.
	AvgViewSeconds *float64 `json:"avg_view_seconds"`
	Completion     *float64 `json:"completion"`
}

// Finish computes the derived numbers from the counts and the baseline.
func (s *AssetScore) Finish() {
	s.WinRate, s.WinRateCI, s.Lift = nil, nil, nil
	if s.DealsClosed == 0 {
		return
	}
	wr := float64(s.DealsWon) / float64(s.DealsClosed)
	lo, hi := Wilson(s.DealsWon, s.DealsClosed)
	s.WinRate, s.WinRateCI = &wr, &[2]float64{lo, hi}
	if s.BaselineWinRate != nil {
		l := wr - *s.BaselineWinRate
		s.Lift = &l
	}
}

// OverallScore is the organisation's closed deals in the window.
type OverallScore struct {
	DealsClosed int      `json:"deals_closed"`
	DealsWon    int      `json:"deals_won"`
	WinRate     *float64 `json:"win_rate"`
}

// AnalyticsFilter narrows the scorecard. From and To bound when an asset
// was first used on a deal; Stage is the deal's stage at that first use;
// Persona is one of the deal's personas.
type AnalyticsFilter struct {
	OrgID   string
	From    *time.Time
	To      *time.Time
	Stage   string
	Persona string
}

// Breakdown is a count of influenced deals by some key, with their
// outcomes.
type Breakdown struct {
	Key             string   `json:"key"`
	DealsInfluenced int      `json:"deals_influenced"`
	DealsClosed     int      `json:"deals_closed"`
	DealsWon        int      `json:"deals_won"`
	WinRate         *float64 `json:"win_rate"`
}

// UserUse is one user's use of an asset.
type UserUse struct {
	UserID     string    `json:"user_id"`
	Email      string    `json:"email"`
	Name       string    `json:"name"`
	Uses       int       `json:"uses"`
	LastUsedAt time.Time `json:"last_used_at"`
}

// WeekUse is a week's uses and link opens (weeks start on Monday, UTC).
type WeekUse struct {
	Week      string `json:"week"`
	Uses      int    `json:"uses"`
	LinkOpens int    `json:"link_opens"`
}

// PageAttention is how a page of a shared document was read: by how
// many visits, what share of all visits (reach), and for how long, as
// the median over the visits that read it.
type PageAttention struct {
	Page          int     `json:"page"`
	Visits        int     `json:"visits"`
	Reach         float64 `json:"reach"`
	MedianSeconds float64 `json:"median_seconds"`
}

// AssetDetail is the scorecard row of one asset with its breakdowns.
type AssetDetail struct {
	AssetScore
	ByStage   []Breakdown `json:"by_stage"`
	ByPersona []Breakdown `json:"by_persona"`
	ByUser    []UserUse   `json:"by_user"`
	Series    []WeekUse   `json:"series"`
	// Pages is the attention each page of the current version got over
	// the external visits of its links.
	Pages []PageAttention `json:"pages"`
}

// Recommendation is an asset suggested for a deal, and why.
type Recommendation struct {
	AssetID  string   `json:"-"`
	Asset    *Asset   `json:"asset"`
	Reason   string   `json:"reason"`
	Lift     *float64 `json:"lift"`
	DealsWon int      `json:"deals_won"`
	// Score orders recommendations: the lower bound of the win-rate
	// interval at the stage minus the stage's baseline, so that a small
	// sample must show a large effect to rank high.
	Score float64 `json:"-"`
}

// AnalyticsService computes usage and influence numbers.
type AnalyticsService interface {
	Scorecard(ctx context.Context, f AnalyticsFilter) (*OverallScore, []*AssetScore, error)
	AssetDetail(ctx context.Context, f AnalyticsFilter, assetID string) (*AssetDetail, error)
	UnusedAssets(ctx context.Context, orgID string, since time.Time) ([]*Asset, error)
	// StageEvidence returns, per asset, how deals influenced at stage did
	// against the stage's baseline.
	StageEvidence(ctx context.Context, orgID, stage string) (map[string]*AssetScore, error)
	// UsageSeries returns the organisation's uses and human link opens
	// per week (weeks start on Monday, UTC) within f's From and To; weeks
	// without any are left out. Stage and Persona do not apply.
	UsageSeries(ctx context.Context, f AnalyticsFilter) ([]WeekUse, error)
}

// Wilson returns the 95% Wilson score interval of won successes in n
// trials, which stays within [0, 1] and behaves for small n and for rates
// near 0 or 1, unlike the normal approximation.
func Wilson(won, n int) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	const z = 1.959963984540054 // 97.5th percentile of the standard normal
	p := float64(won) / float64(n)
	nf := float64(n)
	den := 1 + z*z/nf
	center := (p + z*z/(2*nf)) / den
	half := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / den
	return math.Max(0, center-half), math.Min(1, center+half)
}
