package api

import "github.com/gin-gonic/gin"

// dealRoutes registers the deal endpoints on the authenticated group.
func (s *Server) dealRoutes(a *gin.RouterGroup) {}
