package api

import "github.com/gin-gonic/gin"

// linkRoutes registers the share-link endpoints: management on the
// authenticated group a, the public viewer on the root router r.
func (s *Server) linkRoutes(r *gin.Engine, a *gin.RouterGroup) {}
