package api

import "github.com/gin-gonic/gin"

// eventRoutes registers the usage-event endpoints.
func (s *Server) eventRoutes(a *gin.RouterGroup) {}
