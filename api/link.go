package api

import (
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
		t, err := time.Parse(time.RFC3339, *req.ExpiresAt)
		if err != nil {
			Error(c, linkFieldError("expires_at", "expires_at must be an RFC 3339 time, such as 2030-01-31T17:00:00Z."))
			return
		}
		t = t.UTC()
		n.ExpiresAt = &t
	}
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

// handleLinkList handles GET /api/v1/links?asset_id=&deal_id=: reps see
// the links they shared, marketers and admins all of the organisation's.
func (s *Server) handleLinkList(c *gin.Context) {
	user := currentUser(c)
	limit, offset, err := listParams(c)
	if err != nil {
		Error(c, err)
		return
	}
	f := stagecraft.LinkFilter{OrgID: user.OrgID, AssetID: c.Query("asset_id"), DealID: c.Query("deal_id"),
		Limit: limit, Offset: offset}
	for _, q := range []struct{ name, val string }{{"asset_id", f.AssetID}, {"deal_id", f.DealID}} {
		if q.val != "" && !wellFormedID(q.val) {
			Error(c, linkFieldError(q.name, q.name+" must be a UUID."))
			return
		}
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
}

func (s *Server) toLinkResponse(l *stagecraft.Link) *LinkResponse {
	return &LinkResponse{ID: l.ID, URL: strings.TrimRight(s.PublicURL, "/") + "/l/" + l.Token, Token: l.Token,
		AssetID: l.AssetID, DealID: l.DealID, SharerID: l.SharerID, RecipientEmail: l.RecipientEmail,
		ExpiresAt: l.ExpiresAt, RevokedAt: l.RevokedAt, CreatedAt: l.CreatedAt, Opens: l.Opens,
		LastOpenedAt: l.LastOpenedAt, SecondsViewed: l.SecondsViewed}
}

func wellFormedID(s string) bool { return len(s) == 36 && uuid.Validate(s) == nil }

func linkFieldError(field, msg string) error {
	return stagecraft.Errorf(stagecraft.EINVALID, "%s", msg).WithDetails(map[string]any{"field": field})
}
