package api

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
)

// analyticsFilter reads from, to (RFC 3339 times or YYYY-MM-DD dates; to
// is exclusive), stage and persona.
func (s *Server) analyticsFilter(c *gin.Context) (stagecraft.AnalyticsFilter, error) {
	user := currentUser(c)
	f := stagecraft.AnalyticsFilter{OrgID: user.OrgID, Stage: c.Query("stage"), Persona: c.Query("persona")}
	for _, p := range []struct {
		name string
		dst  **time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		v := c.Query(p.name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			t, err = time.Parse(time.DateOnly, v)
		}
		if err != nil {
			return f, stagecraft.Errorf(stagecraft.EINVALID, "%s must be an RFC 3339 time or a date (YYYY-MM-DD).", p.name).
				WithDetails(map[string]any{"field": p.name})
		}
		t = t.UTC()
		*p.dst = &t
	}
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		return f, stagecraft.Errorf(stagecraft.EINVALID, "from must be before to.")
	}
	if f.Stage != "" || f.Persona != "" {
		tax, err := s.Taxonomy.FindTaxonomy(c.Request.Context(), user.OrgID)
		if err != nil {
			return f, err
		}
		if f.Stage != "" {
			if err := tax.CheckKeys(stagecraft.FacetStages, "stage", []string{f.Stage}); err != nil {
				return f, err
			}
		}
		if f.Persona != "" {
			if err := tax.CheckKeys(stagecraft.FacetPersonas, "persona", []string{f.Persona}); err != nil {
				return f, err
			}
		}
	}
	return f, nil
}

// scorecardColumns are the sortable columns, in CSV order.
var scorecardColumns = []string{"asset_id", "title", "uses", "unique_users", "deals_influenced", "deals_closed", "deals_won",
	"win_rate", "win_rate_ci_low", "win_rate_ci_high", "baseline_win_rate", "lift", "revenue_influenced", "link_opens", "last_used_at"}

// handleScorecard handles GET /api/v1/analytics/assets: every asset's
// usage and influence, sortable (?sort=lift, -lift for descending), as
// JSON or (format=csv) CSV.
func (s *Server) handleScorecard(c *gin.Context) {
	f, err := s.analyticsFilter(c)
	if err != nil {
		Error(c, err)
		return
	}
	sortKey := c.DefaultQuery("sort", "-deals_influenced")
	desc := strings.HasPrefix(sortKey, "-")
	field := strings.TrimPrefix(sortKey, "-")
	if !slices.Contains(scorecardColumns, field) || strings.HasPrefix(field, "win_rate_ci") {
		errorf(c, stagecraft.EINVALID, "sort must be one of %s, optionally prefixed with - for descending.",
			strings.Join(slices.DeleteFunc(slices.Clone(scorecardColumns), func(c string) bool { return strings.HasPrefix(c, "win_rate_ci") }), ", "))
		return
	}
	format := c.DefaultQuery("format", "json")
	if format != "json" && format != "csv" {
		errorf(c, stagecraft.EINVALID, "format must be json or csv.")
		return
	}
	overall, scores, err := s.Analytics.Scorecard(c.Request.Context(), f)
	if err != nil {
		Error(c, err)
		return
	}
	sortScores(scores, field, desc)
	if format == "csv" {
		writeScorecardCSV(c, scores)
		return
	}
	c.JSON(http.StatusOK, gin.H{"overall": overall, "assets": scores})
}

// sortScores orders rows by field; missing values (no closed deals) sort
// last either way, ties by title.
func sortScores(scores []*stagecraft.AssetScore, field string, desc bool) {
	key := func(s *stagecraft.AssetScore) (float64, bool) {
		switch field {
		case "uses":
			return float64(s.Uses), true
		case "unique_users":
			return float64(s.UniqueUsers), true
		case "deals_influenced":
			return float64(s.DealsInfluenced), true
		case "deals_closed":
			return float64(s.DealsClosed), true
		case "deals_won":
			return float64(s.DealsWon), true
		case "win_rate":
			return deref(s.WinRate)
		case "baseline_win_rate":
			return deref(s.BaselineWinRate)
		case "lift":
			return deref(s.Lift)
		case "revenue_influenced":
			return s.RevenueInfluenced, true
		case "link_opens":
			return float64(s.LinkOpens), true
		case "last_used_at":
			if s.LastUsedAt == nil {
				return 0, false
			}
			return float64(s.LastUsedAt.Unix()), true
		}
		return 0, true
	}
	slices.SortStableFunc(scores, func(a, b *stagecraft.AssetScore) int {
		if field == "title" || field == "asset_id" {
			x, y := a.Title, b.Title
			if field == "asset_id" {
				x, y = a.AssetID, b.AssetID
			}
			if desc {
				x, y = y, x
			}
			return strings.Compare(x, y)
		}
		ka, oka := key(a)
		kb, okb := key(b)
		switch {
		case oka != okb:
			if oka {
				return -1
			}
			return 1
		case ka != kb:
			if (ka < kb) != desc {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Title, b.Title)
	})
}

func deref(p *float64) (float64, bool) {
	if p == nil {
		return 0, false
	}
	return *p, true
}

func writeScorecardCSV(c *gin.Context, scores []*stagecraft.AssetScore) {
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="asset-scorecard.csv"`)
	c.Status(http.StatusOK)
	w := csv.NewWriter(c.Writer)
	_ = w.Write(scorecardColumns)
	num := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', 4, 64)
	}
	for _, s := range scores {
		lo, hi := "", ""
		if s.WinRateCI != nil {
			lo, hi = strconv.FormatFloat(s.WinRateCI[0], 'f', 4, 64), strconv.FormatFloat(s.WinRateCI[1], 'f', 4, 64)
		}
		last := ""
		if s.LastUsedAt != nil {
			last = s.LastUsedAt.UTC().Format(time.RFC3339)
		}
		_ = w.Write([]string{s.AssetID, csvSafe(s.Title), strconv.Itoa(s.Uses), strconv.Itoa(s.UniqueUsers),
			strconv.Itoa(s.DealsInfluenced), strconv.Itoa(s.DealsClosed), strconv.Itoa(s.DealsWon),
			num(s.WinRate), lo, hi, num(s.BaselineWinRate), num(s.Lift),
			strconv.FormatFloat(s.RevenueInfluenced, 'f', 2, 64), strconv.Itoa(s.LinkOpens), last})
	}
	w.Flush()
}

// csvSafe defuses spreadsheet formulas in text a user typed (a title
// starting with =, +, - or @ would run when the CSV is opened).
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// handleAssetAnalytics handles GET /api/v1/analytics/assets/:id.
func (s *Server) handleAssetAnalytics(c *gin.Context) {
	f, err := s.analyticsFilter(c)
	if err != nil {
		Error(c, err)
		return
	}
	d, err := s.Analytics.AssetDetail(c.Request.Context(), f, c.Param("id"))
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

// handleUsageSeries handles GET /api/v1/analytics/usage?from=&to=: the
// organisation's uses and link opens per week, for the usage trend.
func (s *Server) handleUsageSeries(c *gin.Context) {
	// Refused before the filter is read, which would look the keys up.
	if c.Query("stage") != "" || c.Query("persona") != "" {
		errorf(c, stagecraft.EINVALID, "stage and persona do not apply to the usage series; use from and to.")
		return
	}
	f, err := s.analyticsFilter(c)
	if err != nil {
		Error(c, err)
		return
	}
	series, err := s.Analytics.UsageSeries(c.Request.Context(), f)
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"series": series})
}

// handleUnused handles GET /api/v1/analytics/unused?days=90: published
// assets nobody used in that many days.
func (s *Server) handleUnused(c *gin.Context) {
	days := 90
	if v := c.Query("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 3650 {
			errorf(c, stagecraft.EINVALID, "days must be a whole number from 1 to 3650.")
			return
		}
		days = n
	}
	user := currentUser(c)
	assets, err := s.Analytics.UnusedAssets(c.Request.Context(), user.OrgID, s.now().AddDate(0, 0, -days))
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, unusedResponse{Items: s.toAssetResponses(assets), Total: len(assets), Days: days})
}

// handleRecommendations handles GET /api/v1/recommendations?deal_id=&limit=:
// assets for the deal's current stage and personas, ranked by evidence of
// lift at that stage, falling back to tags.
func (s *Server) handleRecommendations(c *gin.Context) {
	limit := 10
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 50 {
			errorf(c, stagecraft.EINVALID, "limit must be a whole number from 1 to 50.")
			return
		}
		limit = n
	}
	dealID := c.Query("deal_id")
	if dealID == "" {
		errorf(c, stagecraft.EINVALID, "deal_id is required.")
		return
	}
	recs, err := s.Finder.Recommend(c.Request.Context(), currentUser(c), dealID, limit)
	if err != nil {
		Error(c, err)
		return
	}
	out := recommendationsResponse{Items: make([]recommendationResponse, len(recs.Items)), // an empty list, not null
		DealID: recs.Deal.ID, Stage: recs.Deal.Stage, Personas: recs.Deal.Personas}
	for i, r := range recs.Items {
		out.Items[i] = recommendationResponse{Asset: s.toAssetResponse(r.Asset), Reason: r.Reason, Lift: r.Lift, DealsWon: r.DealsWon}
	}
	c.JSON(http.StatusOK, out)
}

// unusedResponse is the body of GET /api/v1/analytics/unused.
type unusedResponse struct {
	Days  int              `json:"days"`
	Items []*AssetResponse `json:"items"`
	Total int              `json:"total"`
}

// recommendationResponse is one recommended asset and why.
type recommendationResponse struct {
	Asset    *AssetResponse `json:"asset"`
	Reason   string         `json:"reason"`
	Lift     *float64       `json:"lift"`
	DealsWon int            `json:"deals_won"`
}

// recommendationsResponse is the body of GET /api/v1/recommendations.
type recommendationsResponse struct {
	DealID   string                   `json:"deal_id"`
	Items    []recommendationResponse `json:"items"`
	Personas []string                 `json:"personas"`
	Stage    string                   `json:"stage"`
}
