package api

import (
	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
)

// routes registers every route: the whole HTTP surface, read as a table.
//
// Groups say who may call and how long a request may take: public routes
// need no credential, authenticated ones a bearer token; "timed" routes
// get requestTimeout, "streams" (uploads, imports, file bodies) none, as
// a large file on a slow link takes as long as it takes; their lookups
// set deadlines of their own.
func (s *Server) routes(r *gin.Engine) {
	admin := requireRole(stagecraft.RoleAdmin)
	managers := requireRole(stagecraft.RoleAdmin, stagecraft.RoleMarketer)

	r.GET("/healthz", s.handleHealthz)
	r.GET("/readyz", s.handleReadyz)
	if s.BlobHandler != nil {
		r.GET("/blobs/*key", gin.WrapH(s.BlobHandler))
		r.HEAD("/blobs/*key", gin.WrapH(s.BlobHandler))
	}

	v1 := r.Group("/api/v1")
	v1.GET("/openapi.json", s.handleOpenAPI)

	public := v1.Group("", s.deadline)
	public.POST("/auth/login", s.handleLogin)
	public.POST("/auth/password-reset", s.handlePasswordReset)
	public.POST("/auth/password-reset/confirm", s.handlePasswordResetConfirm)

	timed := v1.Group("", s.deadline, s.authenticate)
	streams := v1.Group("", s.authenticate)

	timed.POST("/auth/logout", s.handleLogout)
	timed.GET("/me", s.handleMe)
	timed.POST("/me/password", s.handlePasswordChange)
	timed.POST("/api-tokens", s.handleAPITokenCreate)
	timed.GET("/api-tokens", s.handleAPITokenList)
	timed.DELETE("/api-tokens/:id", s.handleAPITokenDelete)

	timed.POST("/users", admin, s.handleUserCreate)
	timed.GET("/users", admin, s.handleUserList)
	timed.PATCH("/users/:id", admin, s.handleUserPatch)
	// The audit log sets its own deadline: a CSV of every entry streams
	// for as long as it takes.
	streams.GET("/audit", admin, s.handleAuditList)
	timed.GET("/settings", admin, s.handleSettingsGet)
	timed.PUT("/settings", admin, s.handleSettingsPut)
	timed.GET("/deliveries", admin, s.handleDeliveryList)

	timed.GET("/notifications", s.handleNotificationList)
	timed.POST("/notifications/read", s.handleNotificationsRead)
	timed.GET("/me/notification-settings", s.handleNotificationSettingsGet)
	timed.PUT("/me/notification-settings", s.handleNotificationSettingsPut)

	timed.GET("/taxonomy", s.handleTaxonomyGet)
	timed.PUT("/taxonomy", admin, s.handleTaxonomyPut)

	streams.POST("/assets", managers, s.handleAssetCreate)
	timed.GET("/assets", s.handleAssetList)
	timed.GET("/assets/:id", s.handleAssetGet)
	timed.PATCH("/assets/:id", managers, s.handleAssetPatch)
	timed.DELETE("/assets/:id", managers, s.handleAssetDelete)
	streams.POST("/assets/:id/versions", managers, s.handleVersionCreate)
	timed.GET("/assets/:id/versions", s.handleVersionList)
	timed.GET("/assets/:id/download", s.handleAssetDownload)
	timed.GET("/assets/:id/thumbnail", s.handleAssetThumbnail)
	timed.GET("/assets/:id/pages/:n", s.handleAssetPage)
	streams.GET("/assets/:id/preview", s.handleAssetPreview)

	timed.GET("/search", s.handleSearch)
	timed.GET("/recommendations", s.handleRecommendations)

	// PUT takes the CRM's external id where the other deal routes take
	// the deal's id: gin needs one parameter name per position.
	timed.GET("/deals", s.handleDealList)
	streams.POST("/deals/import", managers, s.handleDealImport)
	timed.GET("/deals/:id", s.handleDealGet)
	timed.PUT("/deals/:id", s.handleDealPut)
	timed.POST("/deals/:id/assets", s.handleDealAttach)

	timed.POST("/links", s.handleLinkCreate)
	timed.GET("/links", s.handleLinkList)
	timed.GET("/links/:id", s.handleLinkGet)
	timed.PATCH("/links/:id", s.handleLinkUpdate)
	timed.DELETE("/links/:id", s.handleLinkDelete)
	timed.GET("/links/:id/visits", s.handleLinkVisits)
	timed.GET("/deals/:id/visits", s.handleDealVisits)

	timed.POST("/events", s.handleEventsCreate)

	timed.GET("/analytics/assets", managers, s.handleScorecard)
	timed.GET("/analytics/assets/:id", managers, s.handleAssetAnalytics)
	timed.GET("/analytics/unused", managers, s.handleUnused)
	timed.GET("/analytics/usage", managers, s.handleUsageSeries)

	// The public link viewer: the token is the whole credential. Every
	// route is rate limited per client; the file streams.
	v := newViewer(s)
	pages, beacons := v.limit(v.limits.pages), v.limit(v.limits.beacons)
	l := r.Group("/l/:token", viewerHeaders, htmlErrors)
	l.GET("", pages, s.deadline, v.handlePage)
	l.HEAD("", pages, s.deadline, v.handlePage)
	l.GET("/file", pages, v.handleFile)
	l.GET("/view", pages, v.handleView)
	l.GET("/pages/:n", v.limit(v.limits.images), v.handlePageImage)
	l.POST("/access", pages, s.deadline, v.handleAccess)
	l.POST("/events", beacons, s.deadline, v.handleBeacon)
}
