package api

import (
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
)

// linkCreateRequest is the body of POST /api/v1/links. expires_at is read
// as a string so that a bad time is reported by its field name.
type linkCreateRequest struct {
	AssetID        string  `json:"asset_id"`
	DealID         *string `json:"deal_id"`
	RecipientEmail *string `json:"recipient_email"`
	ExpiresAt      *string `json:"expires_at"`
	RequireEmail   *bool   `json:"require_email"`
	Passcode       *string `json:"passcode"`
	AllowDownload  *bool   `json:"allow_download"`
	Notify         *bool   `json:"notify"`
}

// handleLinkCreate handles POST /api/v1/links: any role may share an
// asset it can see, on a deal it can see.
func (s *Server) handleLinkCreate(c *gin.Context) {
	ctx, user := c.Request.Context(), currentUser(c)
	var req linkCreateRequest
	if err := bindJSON(c, &req); err != nil {
		Error(c, err)
		return
	}
	n := stagecraft.NewLink{AssetID: strings.TrimSpace(req.AssetID)}
	if req.DealID != nil {
		n.DealID = strings.TrimSpace(*req.DealID)
	}
	if req.RecipientEmail != nil {
		n.RecipientEmail = *req.RecipientEmail
	}
	if req.ExpiresAt != nil && *req.ExpiresAt != "" {
		t, err := parseExpiry(*req.ExpiresAt)
		if err != nil {
			Error(c, err)
			return
		}
		n.ExpiresAt = &t
	}
	n.RequireEmail = req.RequireEmail != nil && *req.RequireEmail
	if req.Passcode != nil {
		n.Passcode = *req.Passcode
	}
	n.AllowDownload, n.Notify = req.AllowDownload, req.Notify
	l, err := s.Sharer.CreateLink(ctx, user, n)
	if err != nil {
		Error(c, err)
		return
	}
	// The token is the link's whole secret.
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, s.toLinkResponse(l))
}

// LinkList is the body of GET /api/v1/links.
type LinkList struct {
	Items []*LinkResponse `json:"items"`
	Total int             `json:"total"`
}

// handleLinkList handles GET /api/v1/links?q=&asset_id=&deal_id=: newest
// first. Reps see the links they shared, marketers and admins all of the
// organisation's.
func (s *Server) handleLinkList(c *gin.Context) {
	user := currentUser(c)
	limit, offset, err := listParams(c)
	if err != nil {
		Error(c, err)
		return
	}
	f := stagecraft.LinkFilter{OrgID: user.OrgID, AssetID: c.Query("asset_id"), DealID: c.Query("deal_id"),
		Query: c.Query("q"), Limit: limit, Offset: offset}
	for _, q := range []struct{ name, val string }{{"asset_id", f.AssetID}, {"deal_id", f.DealID}} {
		if q.val != "" && !wellFormedID(q.val) {
			Error(c, linkFieldError(q.name, q.name+" must be a UUID."))
			return
		}
	}
	if err := f.Validate(); err != nil {
		Error(c, err)
		return
	}
	if user.Role == stagecraft.RoleRep {
		f.SharerID = user.ID
	}
	links, total, err := s.Links.FindLinks(c.Request.Context(), f)
	if err != nil {
		Error(c, err)
		return
	}
	out := LinkList{Items: make([]*LinkResponse, len(links)), Total: total}
	for i, l := range links {
		out.Items[i] = s.toLinkResponse(l)
	}
	c.JSON(http.StatusOK, out)
}

// handleLinkDelete handles DELETE /api/v1/links/:id: the link is revoked
// (its viewer answers 410 from now on) and kept for its history. Reps may
// revoke only the links they shared.
func (s *Server) handleLinkDelete(c *gin.Context) {
	user := currentUser(c)
	sharer := ""
	if user.Role == stagecraft.RoleRep {
		sharer = user.ID
	}
	if err := s.Links.RevokeLink(c.Request.Context(), user.OrgID, c.Param("id"), sharer); err != nil {
		Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func parseExpiry(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, linkFieldError("expires_at", "expires_at must be an RFC 3339 time, such as 2030-01-31T17:00:00Z.")
	}
	return t.UTC(), nil
}

// handleLinkGet handles GET /api/v1/links/:id: the sharer, marketers and
// admins see a link; to other reps it does not exist.
func (s *Server) handleLinkGet(c *gin.Context) {
	l, err := s.Sharer.FindLink(c.Request.Context(), currentUser(c), c.Param("id"))
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, s.toLinkResponse(l))
}

// handleLinkUpdate handles PATCH /api/v1/links/:id: protection, alerts
// and expiry. A field left out stays; "passcode": "" or null removes the
// passcode, "expires_at": null the expiry.
func (s *Server) handleLinkUpdate(c *gin.Context) {
	var raw map[string]json.RawMessage
	if err := bindJSON(c, &raw); err != nil {
		Error(c, err)
		return
	}
	var u stagecraft.LinkUpdate
	for k, v := range raw {
		null := string(v) == "null"
		var err error
		switch k {
		case "require_email":
			err = decodeField(k, v, &u.RequireEmail)
		case "allow_download":
			err = decodeField(k, v, &u.AllowDownload)
		case "notify":
			err = decodeField(k, v, &u.Notify)
		case "passcode":
			empty := ""
			u.Passcode = &empty
			if !null {
				err = decodeField(k, v, u.Passcode)
			}
		case "expires_at":
			if null {
				u.ClearExpiry = true
				break
			}
			var str string
			if err = decodeField(k, v, &str); err == nil {
				var t time.Time
				if t, err = parseExpiry(str); err == nil {
					u.ExpiresAt = &t
				}
			}
		default:
			err = linkFieldError(k, k+" cannot be changed; the fields are require_email, passcode, allow_download, notify and expires_at.")
		}
		if err != nil {
			Error(c, err)
			return
		}
	}
	l, err := s.Sharer.UpdateLink(c.Request.Context(), currentUser(c), c.Param("id"), u)
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, s.toLinkResponse(l))
}

// decodeField decodes one JSON field, naming it when its type is wrong.
func decodeField(name string, raw json.RawMessage, v any) error {
	if string(raw) == "null" {
		return linkFieldError(name, name+" cannot be null.")
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return linkFieldError(name, name+" has the wrong type.")
	}
	return nil
}

// VisitResponse is one visit of a link as the API shows it.
type VisitResponse struct {
	ID           string         `json:"id"`
	LinkID       string         `json:"link_id"`
	AssetID      string         `json:"asset_id"`
	AssetTitle   string         `json:"asset_title"`
	VisitorEmail *string        `json:"visitor_email"`
	StartedAt    time.Time      `json:"started_at"`
	LastSeenAt   time.Time      `json:"last_seen_at"`
	Seconds      int            `json:"seconds"`
	Pages        []PageResponse `json:"pages"`
	PageCount    int            `json:"page_count"`
	Completion   float64        `json:"completion"`
	Device       string         `json:"device"`
	Returning    bool           `json:"returning"`
	Internal     bool           `json:"internal"`
}

// PageResponse is time spent on one page.
type PageResponse struct {
	Page    int `json:"page"`
	Seconds int `json:"seconds"`
}

// VisitList is the body of GET /api/v1/links/:id/visits and
// /api/v1/deals/:id/visits.
type VisitList struct {
	Items      []*VisitResponse `json:"items"`
	NextCursor *string          `json:"next_cursor"`
}

func toVisitList(visits []*stagecraft.Visit, next string) *VisitList {
	out := &VisitList{Items: make([]*VisitResponse, len(visits))}
	if next != "" {
		out.NextCursor = &next
	}
	for i, v := range visits {
		r := &VisitResponse{ID: v.ID, LinkID: v.LinkID, AssetID: v.AssetID, AssetTitle: v.AssetTitle,
			StartedAt: v.StartedAt, LastSeenAt: v.LastSeenAt, Seconds: v.Seconds, PageCount: v.PageCount,
			Pages: make([]PageResponse, len(v.Pages)), Completion: math.Round(v.Completion()*1000) / 1000,
			Device: v.Device, Returning: v.Returning, Internal: v.Internal}
		if v.VisitorEmail != "" {
			r.VisitorEmail = &v.VisitorEmail
		}
		for j, p := range v.Pages {
			r.Pages[j] = PageResponse{Page: p.Page, Seconds: p.Seconds}
		}
		out.Items[i] = r
	}
	return out
}

// handleLinkVisits handles GET /api/v1/links/:id/visits: who read a link,
// when, how long and which pages, newest first.
func (s *Server) handleLinkVisits(c *gin.Context) {
	limit, cursor, err := cursorParams(c)
	if err != nil {
		Error(c, err)
		return
	}
	visits, next, err := s.Sharer.LinkVisits(c.Request.Context(), currentUser(c), c.Param("id"), limit, cursor)
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, toVisitList(visits, next))
}

// handleDealVisits handles GET /api/v1/deals/:id/visits: the visits of
// every link shared on a deal the caller may see.
func (s *Server) handleDealVisits(c *gin.Context) {
	limit, cursor, err := cursorParams(c)
	if err != nil {
		Error(c, err)
		return
	}
	visits, next, err := s.Sharer.DealVisits(c.Request.Context(), currentUser(c), c.Param("id"), limit, cursor)
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, toVisitList(visits, next))
}

// LinkResponse is a share link as the API shows it.
type LinkResponse struct {
	ID string `json:"id"`
	// URL is the link to send: PUBLIC_URL/l/<token>.
	URL            string     `json:"url"`
	Token          string     `json:"token"`
	AssetID        string     `json:"asset_id"`
	DealID         *string    `json:"deal_id"`
	SharerID       string     `json:"sharer_id"`
	RecipientEmail *string    `json:"recipient_email"`
	ExpiresAt      *time.Time `json:"expires_at"`
	RevokedAt      *time.Time `json:"revoked_at"`
	CreatedAt      time.Time  `json:"created_at"`
	Opens          int        `json:"opens"`
	LastOpenedAt   *time.Time `json:"last_opened_at"`
	SecondsViewed  int        `json:"seconds_viewed"`
	Visits         int        `json:"visits"`
	RequireEmail   bool       `json:"require_email"`
	HasPasscode    bool       `json:"has_passcode"`
	AllowDownload  bool       `json:"allow_download"`
	Notify         bool       `json:"notify"`
	UpdatedAt      *time.Time `json:"updated_at"`
}

func (s *Server) toLinkResponse(l *stagecraft.Link) *LinkResponse {
	return &LinkResponse{ID: l.ID, URL: strings.TrimRight(s.PublicURL, "/") + "/l/" + l.Token, Token: l.Token,
		AssetID: l.AssetID, DealID: l.DealID, SharerID: l.SharerID, RecipientEmail: l.RecipientEmail,
		ExpiresAt: l.ExpiresAt, RevokedAt: l.RevokedAt, CreatedAt: l.CreatedAt, Opens: l.Opens,
		LastOpenedAt: l.LastOpenedAt, SecondsViewed: l.SecondsViewed, Visits: l.Visits,
		RequireEmail: l.RequireEmail, HasPasscode: l.PasscodeHash != "", AllowDownload: l.AllowDownload,
		Notify: l.Notify, UpdatedAt: l.UpdatedAt}
}

func wellFormedID(s string) bool { return len(s) == 36 && uuid.Validate(s) == nil }

func linkFieldError(field, msg string) error {
	return stagecraft.Errorf(stagecraft.EINVALID, "%s", msg).WithDetails(map[string]any{"field": field})
}
