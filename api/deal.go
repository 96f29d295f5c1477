package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"reflect"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/crm"
)

// Limits of a CSV import.
const (
	// maxImportBody caps an import's body; larger files are 413.
	maxImportBody = 50 << 20
	// importTimeout replaces requestTimeout for imports, which stream a
	// body that may take longer to send and write than a request may last.
	importTimeout = 10 * time.Minute
)

// handleDealPut handles PUT /api/v1/deals/{external_id}: create (201) or
// update (200) the deal the CRM knows by that id. Only the fields given
// change an existing deal.
func (s *Server) handleDealPut(c *gin.Context) {
	ctx, user := c.Request.Context(), currentUser(c)
	externalID := c.Param("id")
	if err := stagecraft.ValidateExternalID(externalID); err != nil {
		Error(c, err)
		return
	}
	var req dealUpsertRequest
	if err := bindJSON(c, &req); err != nil {
		Error(c, err)
		return
	}
	up := req.toDealUpsert()
	if up.OwnerEmail != nil {
		owner, err := s.dealOwner(ctx, user, *up.OwnerEmail)
		if err != nil {
			Error(c, err)
			return
		}
		up.Owner = owner
	}
	now := s.now()
	results, err := s.Deals.UpsertDeals(ctx, user.OrgID, []string{externalID},
		func(_ int, d *stagecraft.Deal, created bool, tax *stagecraft.Taxonomy) error {
			return up.ApplyAs(user, d, created, tax, now)
		})
	if err != nil {
		Error(c, err)
		return
	}
	r := results[0]
	if r.Err != nil {
		Error(c, r.Err)
		return
	}
	status := http.StatusOK
	if r.Created {
		status = http.StatusCreated
		c.Header("Location", "/api/v1/deals/"+r.Deal.ID)
	}
	c.JSON(status, toDealResponse(r.Deal))
}

// dealOwner resolves an owner_email: the user of the organisation with
// that email, or no owner for "". Reps may name only themselves.
func (s *Server) dealOwner(ctx context.Context, user *stagecraft.User, email string) (*stagecraft.DealOwner, error) {
	email = stagecraft.NormalizeEmail(email)
	if email == "" {
		return &stagecraft.DealOwner{}, nil
	}
	if email == user.Email {
		return &stagecraft.DealOwner{ID: user.ID, Email: user.Email, Name: user.Name}, nil
	}
	users, _, err := s.Users.FindUsers(ctx, stagecraft.UserFilter{OrgID: user.OrgID, Email: email, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(users) == 1 {
		u := users[0]
		return &stagecraft.DealOwner{ID: u.ID, Email: u.Email, Name: u.Name}, nil
	}
	return nil, stagecraft.Errorf(stagecraft.EINVALID, "owner_email: no user of this organisation has the email %q.", email).
		WithDetails(map[string]any{"field": "owner_email"})
}

// DealList is the body of GET /api/v1/deals.
type DealList struct {
	Items []*DealResponse `json:"items"`
	Total int             `json:"total"`
}

// handleDealList handles GET /api/v1/deals?q=&status=&owner=me: most
// recently updated first. Reps see only their own deals, as if owner=me.
func (s *Server) handleDealList(c *gin.Context) {
	ctx, user := c.Request.Context(), currentUser(c)
	limit, offset, err := listParams(c)
	if err != nil {
		Error(c, err)
		return
	}
	f := stagecraft.DealFilter{OrgID: user.OrgID, Query: c.Query("q"), Limit: limit, Offset: offset}
	if err := f.Validate(); err != nil {
		Error(c, err)
		return
	}
	for _, st := range splitList(c.QueryArray("status")) {
		if st != stagecraft.DealOpen && st != stagecraft.DealWon && st != stagecraft.DealLost {
			Error(c, stagecraft.Errorf(stagecraft.EINVALID, "status must be one of open, won, lost.").
				WithDetails(map[string]any{"field": "status", "valid": stagecraft.DealStatuses}))
			return
		}
		f.Statuses = append(f.Statuses, st)
	}
	switch owner := c.Query("owner"); {
	case owner != "" && owner != "me":
		Error(c, stagecraft.Errorf(stagecraft.EINVALID, "owner: the only value accepted is 'me'.").
			WithDetails(map[string]any{"field": "owner"}))
		return
	case owner == "me" || user.Role == stagecraft.RoleRep:
		f.OwnerID = user.ID
	}
	deals, total, err := s.Deals.FindDeals(ctx, f)
	if err != nil {
		Error(c, err)
		return
	}
	out := DealList{Items: make([]*DealResponse, len(deals)), Total: total}
	for i, d := range deals {
		out.Items[i] = toDealResponse(d)
	}
	c.JSON(http.StatusOK, out)
}

// dealUpsertRequest is the body of PUT /api/v1/deals/{external_id}: a
// field left out is left alone; amount, industry and closed_at may also
// be null.
type dealUpsertRequest struct {
	Name       *string             `json:"name"`
	Account    *string             `json:"account"`
	Amount     nullable[float64]   `json:"amount"`
	Currency   *string             `json:"currency"`
	Stage      *string             `json:"stage"`
	Status     *string             `json:"status"`
	OwnerEmail *string             `json:"owner_email"`
	Personas   *[]string           `json:"personas"`
	Industry   nullable[string]    `json:"industry"`
	ClosedAt   nullable[time.Time] `json:"closed_at"`
}

func (r *dealUpsertRequest) toDealUpsert() stagecraft.DealUpsert {
	return stagecraft.DealUpsert{Name: r.Name, Account: r.Account, Amount: stagecraft.Nullable[float64](r.Amount),
		Currency: r.Currency, Stage: r.Stage, Status: r.Status, OwnerEmail: r.OwnerEmail, Personas: r.Personas,
		Industry: stagecraft.Nullable[string](r.Industry), ClosedAt: stagecraft.Nullable[time.Time](r.ClosedAt)}
}

// nullable decodes a field that may be left out, null or a value into a
// stagecraft.Nullable.
type nullable[T any] stagecraft.Nullable[T]

// UnmarshalJSON records that the field was given, and its value or null.
func (n *nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set, n.Value = true, nil
	if string(b) == "null" {
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		// A type error lets the decoder name the field; a value that
		// does not parse (a malformed time) becomes one too.
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			te = &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeFor[T]()}
		}
		return te
	}
	n.Value = &v
	return nil
}

// DealResponse is a deal as the API shows it. A deal without an owner
// who is a user has null owner_id and owner_email, as clients expect of
// an absent id, rather than empty strings.
type DealResponse struct {
	ID         string     `json:"id"`
	ExternalID string     `json:"external_id"`
	Name       string     `json:"name"`
	Account    string     `json:"account"`
	Amount     *float64   `json:"amount"`
	Currency   string     `json:"currency"`
	Stage      string     `json:"stage"`
	Status     string     `json:"status"`
	Personas   []string   `json:"personas"`
	Industry   *string    `json:"industry"`
	ClosedAt   *time.Time `json:"closed_at"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	// OwnerName is the user's name, or the CRM's for an owner who is not
	// a user.
	OwnerName  string   `json:"owner_name"`
	Products   []string `json:"products"`
	OwnerID    *string  `json:"owner_id"`
	OwnerEmail *string  `json:"owner_email"`
}

// DealDetailResponse is a deal with its stage history.
type DealDetailResponse struct {
	DealResponse
	StageHistory []DealStageResponse `json:"stage_history"`
}

// DealStageResponse is a stage (and status) a deal was seen in.
type DealStageResponse struct {
	Stage  string    `json:"stage"`
	Status string    `json:"status"`
	SeenAt time.Time `json:"seen_at"`
}

func toDealResponse(d *stagecraft.Deal) *DealResponse {
	return &DealResponse{ID: d.ID, ExternalID: d.ExternalID, Name: d.Name, Account: d.Account, Amount: d.Amount,
		Currency: d.Currency, Stage: d.Stage, Status: d.Status, Personas: d.Personas, Industry: d.Industry,
		ClosedAt: d.ClosedAt, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, OwnerName: d.OwnerName,
		Products: d.Products, OwnerID: emptyNil(d.OwnerID), OwnerEmail: emptyNil(d.OwnerEmail)}
}

func emptyNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// handleDealGet handles GET /api/v1/deals/:id: the deal and its stage
// history. Another rep's deal is 404 to a rep.
func (s *Server) handleDealGet(c *gin.Context) {
	ctx, user := c.Request.Context(), currentUser(c)
	d, err := stagecraft.FindVisibleDeal(ctx, s.Deals, user, c.Param("id"))
	if err != nil {
		Error(c, err)
		return
	}
	hist, err := s.Deals.FindDealStageHistory(ctx, user.OrgID, d.ID)
	if err != nil {
		Error(c, err)
		return
	}
	out := DealDetailResponse{DealResponse: *toDealResponse(d), StageHistory: make([]DealStageResponse, len(hist))}
	for i, h := range hist {
		out.StageHistory[i] = DealStageResponse{Stage: h.Stage, Status: h.Status, SeenAt: h.SeenAt}
	}
	c.JSON(http.StatusOK, out)
}

// handleDealImport handles POST /api/v1/deals/import (admin, marketer): a
// text/csv body, streamed row by row and written in batches.
func (s *Server) handleDealImport(c *gin.Context) {
	user := currentUser(c)
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt != "text/csv" {
		errorf(c, stagecraft.EUNSUPPORTED, "Content-Type must be text/csv.")
		return
	}
	if c.Request.ContentLength > maxImportBody {
		Error(c, importTooLarge(nil))
		return
	}
	// The import outlives requestTimeout on large files. A client that
	// goes away still stops it: reading the body then fails.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), importTimeout)
	defer cancel()
	// The whole roster: rows name owners by email or by name.
	users, _, err := s.Users.FindUsers(ctx, stagecraft.UserFilter{OrgID: user.OrgID})
	if err != nil {
		Error(c, err)
		return
	}
	im := &crm.Importer{Deals: s.Deals, Now: s.now}
	body := &bodyReader{r: http.MaxBytesReader(c.Writer, c.Request.Body, maxImportBody)}
	res, err := im.Import(ctx, user, users, body)
	if err == nil {
		c.JSON(http.StatusOK, res)
		return
	}
	if res.Created+res.Updated > 0 {
		loggerFrom(c).WarnContext(ctx, "deal import stopped part way", slog.Int("created", res.Created),
			slog.Int("updated", res.Updated), slog.Any("error", err))
	}
	switch {
	case isMaxBytes(body.err):
		err = importTooLarge(res)
	case body.err != nil:
		err = &stagecraft.Error{Code: stagecraft.EINVALID, Err: err,
			Message: "The upload was interrupted; the rows before the interruption were imported (see details).",
			Details: map[string]any{"created": res.Created, "updated": res.Updated}}
	}
	Error(c, err)
}

// importTooLarge is the 413 of an import; res, when the body turned out
// too large part way, tells what was written before.
func importTooLarge(res *crm.Result) error {
	e := stagecraft.Errorf(stagecraft.ETOOLARGE, "The file is larger than %d MB; split it into smaller files.", maxImportBody>>20)
	d := map[string]any{"max_bytes": maxImportBody}
	if res != nil {
		d["created"], d["updated"] = res.Created, res.Updated
		if res.Created+res.Updated > 0 {
			e.Message += " The rows before the limit were imported (see details)."
		}
	}
	return e.WithDetails(d)
}

type attachRequest struct {
	AssetID string `json:"asset_id"`
}

type attachResponse struct {
	DealID     string    `json:"deal_id"`
	AssetID    string    `json:"asset_id"`
	AttachedAt time.Time `json:"attached_at"`
}

// handleDealAttach handles POST /api/v1/deals/:id/assets: attach an asset
// to a deal, recorded as an attach event at the deal's current stage.
// The deal and the asset must both be visible to the user, else 404.
func (s *Server) handleDealAttach(c *gin.Context) {
	ctx, user := c.Request.Context(), currentUser(c)
	var req attachRequest
	if err := bindJSON(c, &req); err != nil {
		Error(c, err)
		return
	}
	if req.AssetID == "" {
		Error(c, stagecraft.Errorf(stagecraft.EINVALID, "asset_id is required.").
			WithDetails(map[string]any{"field": "asset_id"}))
		return
	} else if uuid.Validate(req.AssetID) != nil {
		Error(c, stagecraft.Errorf(stagecraft.EINVALID, "asset_id must be a UUID.").
			WithDetails(map[string]any{"field": "asset_id"}))
		return
	}
	ev, err := s.Library.AttachToDeal(ctx, user, c.Param("id"), req.AssetID)
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusCreated, attachResponse{DealID: ev.DealID, AssetID: ev.AssetID, AttachedAt: ev.OccurredAt})
}
