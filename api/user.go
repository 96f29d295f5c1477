package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/auth"
)

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string        `json:"token"`
	ExpiresAt time.Time     `json:"expires_at"`
	User      *UserResponse `json:"user"`
}

// handleLogin handles POST /api/v1/auth/login.
func (s *Server) handleLogin(c *gin.Context) {
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		Error(c, err)
		return
	}
	sess, err := s.Auth.Login(c.Request.Context(), req.Email, req.Password, clientKey(c.ClientIP()))
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, loginResponse{Token: sess.Token, ExpiresAt: sess.ExpiresAt, User: toUserResponse(sess.User)})
}

// handleLogout handles POST /api/v1/auth/logout: the presented session
// token is refused from now on.
func (s *Server) handleLogout(c *gin.Context) {
	if err := s.Auth.Logout(c.Request.Context(), bearerToken(c)); err != nil {
		Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type passwordChangeRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// handlePasswordChange handles POST /api/v1/me/password: the caller's
// other sessions end; this one stays signed in.
func (s *Server) handlePasswordChange(c *gin.Context) {
	var req passwordChangeRequest
	if err := bindJSON(c, &req); err != nil {
		Error(c, err)
		return
	}
	err := s.Auth.ChangePassword(c.Request.Context(), currentUser(c), bearerToken(c), req.CurrentPassword, req.NewPassword)
	if err != nil {
		Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type passwordResetRequest struct {
	Email string `json:"email"`
}

// handlePasswordReset handles POST /api/v1/auth/password-reset. It
// answers 202 whether or not the email is a user's, so it tells nobody
// which addresses have accounts.
func (s *Server) handlePasswordReset(c *gin.Context) {
	var req passwordResetRequest
	if err := bindJSON(c, &req); err != nil {
		Error(c, err)
		return
	}
	// Malformed input is refused before it counts against the client.
	if err := stagecraft.ValidateEmail(stagecraft.NormalizeEmail(req.Email)); err != nil {
		Error(c, err)
		return
	}
	if ok, wait := s.resetLimit.allow(clientKey(c.ClientIP())); !ok {
		Error(c, &stagecraft.Error{Code: stagecraft.ERATELIMITED, RetryAfter: wait,
			Message: "Too many password reset requests; please wait a minute and try again."})
		return
	}
	if err := s.Auth.RequestPasswordReset(c.Request.Context(), req.Email); err != nil {
		Error(c, err)
		return
	}
	c.Status(http.StatusAccepted)
}

type passwordResetConfirmRequest struct {
	Token       string `json:"token"`
	NewPassword string `json:"new_password"`
}

// handlePasswordResetConfirm handles POST /api/v1/auth/password-reset/confirm.
func (s *Server) handlePasswordResetConfirm(c *gin.Context) {
	var req passwordResetConfirmRequest
	if err := bindJSON(c, &req); err != nil {
		Error(c, err)
		return
	}
	if err := s.Auth.ResetPassword(c.Request.Context(), req.Token, req.NewPassword); err != nil {
		Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// handleMe handles GET /api/v1/me.
func (s *Server) handleMe(c *gin.Context) {
	c.JSON(http.StatusOK, toUserResponse(currentUser(c)))
}

// handleUserCreate handles POST /api/v1/users (admin).
func (s *Server) handleUserCreate(c *gin.Context) {
	var req stagecraft.NewUser
	if err := bindValid(c, &req); err != nil {
		Error(c, err)
		return
	}
	hash, err := auth.HashPassword(req.Password)
	if err != nil {
		Error(c, err)
		return
	}
	u, err := s.Users.CreateUser(c.Request.Context(), currentUser(c).OrgID, req, hash)
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusCreated, toUserResponse(u))
}

// UserList is the body of GET /api/v1/users.
type UserList struct {
	Items []*UserResponse `json:"items"`
	Total int             `json:"total"`
}

// handleUserList handles GET /api/v1/users?q=&role=&disabled= (admin): a
// page of the organisation's users by name, then email.
func (s *Server) handleUserList(c *gin.Context) {
	limit, offset, err := listParams(c)
	if err != nil {
		Error(c, err)
		return
	}
	f := stagecraft.UserFilter{OrgID: currentUser(c).OrgID, Query: c.Query("q"),
		Role: stagecraft.Role(c.Query("role")), Limit: limit, Offset: offset}
	switch v := c.Query("disabled"); v {
	case "":
	case "true", "false":
		d := v == "true"
		f.Disabled = &d
	default:
		Error(c, stagecraft.Errorf(stagecraft.EINVALID, "disabled must be true or false.").
			WithDetails(map[string]any{"field": "disabled"}))
		return
	}
	if err := f.Validate(); err != nil {
		Error(c, err)
		return
	}
	users, total, err := s.Users.FindUsers(c.Request.Context(), f)
	if err != nil {
		Error(c, err)
		return
	}
	out := UserList{Items: make([]*UserResponse, len(users)), Total: total}
	for i, u := range users {
		out.Items[i] = toUserResponse(u)
	}
	c.JSON(http.StatusOK, out)
}

// handleUserPatch handles PATCH /api/v1/users/:id (admin): a user's name,
// role or disabled state. Demoting or disabling the organisation's last
// active admin, oneself included, is a conflict.
func (s *Server) handleUserPatch(c *gin.Context) {
	var req stagecraft.UserUpdate
	if err := bindValid(c, &req); err != nil {
		Error(c, err)
		return
	}
	u, err := s.Users.UpdateUser(c.Request.Context(), currentUser(c).OrgID, c.Param("id"), req)
	if err != nil {
		Error(c, err)
		return
	}
	// The cached credentials carry the user's role and name: the user's
	// next request must not be let through under the old role.
	s.forgetCredentials()
	c.JSON(http.StatusOK, toUserResponse(u))
}

type apiTokenRequest struct {
	Name string `json:"name"`
}

// TokenCreated is a new token with its secret, shown this once.
type TokenCreated struct {
	TokenResponse
	Token string `json:"token"`
}

// handleAPITokenCreate handles POST /api/v1/api-tokens. The token is in
// this response only.
func (s *Server) handleAPITokenCreate(c *gin.Context) {
	var req apiTokenRequest
	if err := bindJSON(c, &req); err != nil {
		Error(c, err)
		return
	}
	t, secret, err := s.Auth.CreateAPIToken(c.Request.Context(), currentUser(c), req.Name)
	if err != nil {
		Error(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, TokenCreated{TokenResponse: *toTokenResponse(t), Token: secret})
}

// TokenOwner is the owner shown in an organisation-wide token list.
type TokenOwner struct {
	ID    string `json:"id"`
	Email string `json:"email"`
}

// OrgTokenResponse is a token in GET /api-tokens?user=all.
type OrgTokenResponse struct {
	TokenResponse
	Owner TokenOwner `json:"owner"`
}

// handleAPITokenList handles GET /api/v1/api-tokens: the caller's tokens,
// or with ?user=all (admins) every live token of the organisation.
func (s *Server) handleAPITokenList(c *gin.Context) {
	user := currentUser(c)
	switch c.Query("user") {
	case "":
	case "all":
		if user.Role != stagecraft.RoleAdmin {
			errorf(c, stagecraft.EFORBIDDEN, "Only admins may list the organisation's tokens.")
			return
		}
		tokens, err := s.Users.FindOrgAPITokens(c.Request.Context(), user.OrgID)
		if err != nil {
			Error(c, err)
			return
		}
		items := make([]OrgTokenResponse, len(tokens))
		for i, t := range tokens {
			items[i] = OrgTokenResponse{TokenResponse: *toTokenResponse(t),
				Owner: TokenOwner{ID: t.UserID, Email: t.OwnerEmail}}
		}
		page(c, items)
		return
	default:
		Error(c, stagecraft.Errorf(stagecraft.EINVALID, "user must be all, or left out for your own tokens.").
			WithDetails(map[string]any{"field": "user"}))
		return
	}
	tokens, err := s.Users.FindAPITokens(c.Request.Context(), user.ID)
	if err != nil {
		Error(c, err)
		return
	}
	out := make([]*TokenResponse, len(tokens))
	for i, t := range tokens {
		out[i] = toTokenResponse(t)
	}
	page(c, out)
}

// handleAPITokenDelete handles DELETE /api/v1/api-tokens/:id: one's own
// token, or for an admin any token of the organisation.
func (s *Server) handleAPITokenDelete(c *gin.Context) {
	user := currentUser(c)
	var err error
	if user.Role == stagecraft.RoleAdmin {
		err = s.Users.RevokeOrgAPIToken(c.Request.Context(), user.OrgID, c.Param("id"))
	} else {
		err = s.Users.RevokeAPIToken(c.Request.Context(), user.ID, c.Param("id"))
	}
	if err != nil {
		Error(c, err)
		return
	}
	// Credentials are cached briefly; a revocation here applies at once.
	s.forgetCredentials()
	c.Status(http.StatusNoContent)
}

// forgetCredentials drops the credentials the authenticator caches, when
// it caches any, so that a change made through this server applies to
// the next request. Other replicas see it when their cache expires.
func (s *Server) forgetCredentials() {
	if f, ok := s.Auth.(interface{ Forget() }); ok {
		f.Forget()
	}
}

// UserResponse is a user as the API shows it.
type UserResponse struct {
	ID         string          `json:"id"`
	OrgID      string          `json:"org_id"`
	Email      string          `json:"email"`
	Name       string          `json:"name"`
	Role       stagecraft.Role `json:"role"`
	CreatedAt  time.Time       `json:"created_at"`
	Disabled   bool            `json:"disabled"`
	LastSeenAt *time.Time      `json:"last_seen_at"`
}

func toUserResponse(u *stagecraft.User) *UserResponse {
	return &UserResponse{ID: u.ID, OrgID: u.OrgID, Email: u.Email, Name: u.Name, Role: u.Role,
		CreatedAt: u.CreatedAt, Disabled: u.Disabled, LastSeenAt: u.LastSeenAt}
}

// TokenResponse is a personal API token, without its secret.
type TokenResponse struct {
	ID     string `json:"id"`
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	// Prefix is the token's first characters, to tell tokens apart.
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

func toTokenResponse(t *stagecraft.APIToken) *TokenResponse {
	return &TokenResponse{ID: t.ID, UserID: t.UserID, Name: t.Name, Prefix: t.Prefix,
		CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt}
}
