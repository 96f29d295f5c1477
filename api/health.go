package api

import (
	"context"
	_ "embed"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

//go:embed openapi.json
var openapiJSON []byte

// handleHealthz answers GET /healthz while the process runs.
func (s *Server) handleHealthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// handleReadyz answers GET /readyz: 200 when every dependency answers,
// else 503 naming the ones that do not. Checks run in parallel, each
// within a short deadline, so a hung dependency cannot hang the probe.
// The probe is public, so a failure is only "down" here; its cause
// (addresses, bucket names, driver errors) goes to the log.
func (s *Server) handleReadyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	log := loggerFrom(c)
	checks := make(map[string]string, len(s.Checks))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, ch := range s.Checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status := "ok"
			if err := ch.Ping(ctx); err != nil {
				status = "down"
				log.WarnContext(ctx, "readiness check failed", slog.String("check", ch.Name), slog.Any("error", err))
			}
			mu.Lock()
			checks[ch.Name] = status
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, v := range checks {
		if v != "ok" {
			c.Header("Retry-After", "5")
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "degraded", "checks": checks})
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "checks": checks})
}

// handleOpenAPI serves GET /api/v1/openapi.json.
func (s *Server) handleOpenAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", openapiJSON)
}
