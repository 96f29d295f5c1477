package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
)

// SettingsResponse is the body of GET and PUT /api/v1/settings.
type SettingsResponse struct {
	Name            string    `json:"name"`
	LogoURL         *string   `json:"logo_url"`
	InternalDomains []string  `json:"internal_domains"`
	ReviewDays      int       `json:"review_days"`
	PasswordLogin   bool      `json:"password_login"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func toSettingsResponse(s *stagecraft.OrgSettings) SettingsResponse {
	r := SettingsResponse{Name: s.Name, InternalDomains: s.InternalDomains, ReviewDays: s.ReviewDays,
		PasswordLogin: s.PasswordLogin, UpdatedAt: s.UpdatedAt.UTC()}
	if s.LogoURL != "" {
		r.LogoURL = &s.LogoURL
	}
	if r.InternalDomains == nil {
		r.InternalDomains = []string{}
	}
	return r
}

type settingsRequest struct {
	Name            optional[string]   `json:"name"`
	LogoURL         optional[string]   `json:"logo_url"`
	InternalDomains optional[[]string] `json:"internal_domains"`
	ReviewDays      optional[int]      `json:"review_days"`
	PasswordLogin   optional[bool]     `json:"password_login"`
	// Read-only; accepted so a client can send back what it read.
	UpdatedAt optional[string] `json:"updated_at"`
}

func (r *settingsRequest) update() (stagecraft.OrgSettingsUpdate, error) {
	var u stagecraft.OrgSettingsUpdate
	if r.Name.Set {
		u.Name = &r.Name.V // null reads as "", which is refused
	}
	if r.LogoURL.Set {
		u.LogoURL = &r.LogoURL.V // null removes the logo
	}
	if r.InternalDomains.Set {
		d := r.InternalDomains.V
		if d == nil {
			d = []string{}
		}
		u.InternalDomains = &d
	}
	if r.ReviewDays.Set {
		if r.ReviewDays.Null {
			return u, fieldError("review_days", "review_days must be from %d to %d.", stagecraft.MinReviewDays, stagecraft.MaxReviewDays)
		}
		u.ReviewDays = &r.ReviewDays.V
	}
	if r.PasswordLogin.Set {
		if r.PasswordLogin.Null {
			return u, fieldError("password_login", "password_login must be true or false.")
		}
		u.PasswordLogin = &r.PasswordLogin.V
	}
	return u, nil
}

// handleSettingsGet handles GET /api/v1/settings (admin): the
// organisation's settings.
func (s *Server) handleSettingsGet(c *gin.Context) {
	st, err := s.Settings.FindOrgSettings(c.Request.Context(), currentUser(c).OrgID)
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, toSettingsResponse(st))
}

// handleSettingsPut handles PUT /api/v1/settings (admin): the fields
// given change, the others stay; 200 with the whole settings.
func (s *Server) handleSettingsPut(c *gin.Context) {
	var req settingsRequest
	if err := bindJSON(c, &req); err != nil {
		Error(c, err)
		return
	}
	upd, err := req.update()
	if err != nil {
		Error(c, err)
		return
	}
	st, err := s.Settings.UpdateOrgSettings(c.Request.Context(), currentUser(c).OrgID, upd)
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, toSettingsResponse(st))
}
