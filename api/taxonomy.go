package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
)

// handleTaxonomyGet handles GET /api/v1/taxonomy.
func (s *Server) handleTaxonomyGet(c *gin.Context) {
	t, err := s.Taxonomy.FindTaxonomy(c.Request.Context(), currentUser(c).OrgID)
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

// handleTaxonomyPut handles PUT /api/v1/taxonomy (admin): the body
// replaces the whole taxonomy.
func (s *Server) handleTaxonomyPut(c *gin.Context) {
	var t stagecraft.Taxonomy
	if err := bindValid(c, &t); err != nil {
		Error(c, err)
		return
	}
	orgID := currentUser(c).OrgID
	if err := s.Taxonomy.ReplaceTaxonomy(c.Request.Context(), orgID, &t); err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}
