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
	Token     string           `json:"token"`
	ExpiresAt time.Time        `json:"expires_at"`
	User      *stagecraft.User `json:"user"`
}

// handleLogin handles POST /api/v1/auth/login.
func (s *Server) handleLogin(c *gin.Context) {
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		Error(c, err)
		return
	}
	sess, err := s.Auth.Login(c.Request.Context(), req.Email, req.Password, c.ClientIP())
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, loginResponse{Token: sess.Token, ExpiresAt: sess.ExpiresAt, User: sess.User})
}

// handleMe handles GET /api/v1/me.
func (s *Server) handleMe(c *gin.Context) {
	c.JSON(http.StatusOK, currentUser(c))
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
	c.JSON(http.StatusCreated, u)
}

// handleUserList handles GET /api/v1/users (admin).
func (s *Server) handleUserList(c *gin.Context) {
	users, err := s.Users.FindUsers(c.Request.Context(), currentUser(c).OrgID)
	if err != nil {
		Error(c, err)
		return
	}
	page(c, users)
}

// handleUserPatch handles PATCH /api/v1/users/:id (admin): a user's name
// or role. Demoting the organisation's last admin, oneself included, is
// a conflict.
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
	c.JSON(http.StatusOK, u)
}

type apiTokenRequest struct {
	Name string `json:"name"`
}

type apiTokenCreated struct {
	*stagecraft.APIToken
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
	c.JSON(http.StatusCreated, apiTokenCreated{APIToken: t, Token: secret})
}

// handleAPITokenList handles GET /api/v1/api-tokens.
func (s *Server) handleAPITokenList(c *gin.Context) {
	tokens, err := s.Users.FindAPITokens(c.Request.Context(), currentUser(c).ID)
	if err != nil {
		Error(c, err)
		return
	}
	page(c, tokens)
}

// handleAPITokenDelete handles DELETE /api/v1/api-tokens/:id.
func (s *Server) handleAPITokenDelete(c *gin.Context) {
	if err := s.Users.RevokeAPIToken(c.Request.Context(), currentUser(c).ID, c.Param("id")); err != nil {
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
