package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// DefaultCORSOrigins lets any browser extension call the API: the
// Stagecraft extension runs at an origin such as chrome-extension://<id>
// whose id differs by browser and by how it was installed. This is safe
// because the API never reads cookies: a caller needs a bearer token the
// user gave it.
var DefaultCORSOrigins = []string{"chrome-extension://*", "moz-extension://*"}

// extensionSchemes are the schemes whose every origin a "scheme://*"
// pattern may allow. Web schemes must be named origin by origin.
var extensionSchemes = map[string]bool{
	"chrome-extension": true, "moz-extension": true, "safari-web-extension": true,
}

// OriginPolicy decides which cross-origin callers may use the API.
type OriginPolicy struct {
	exact   map[string]bool
	schemes map[string]bool
}

// NewOriginPolicy parses patterns: exact origins ("https://crm.example.com")
// or a whole extension scheme ("chrome-extension://*").
func NewOriginPolicy(patterns []string) (*OriginPolicy, error) {
	p := &OriginPolicy{exact: map[string]bool{}, schemes: map[string]bool{}}
	for _, pat := range patterns {
		pat = strings.TrimSpace(pat)
		if pat == "" {
			continue
		}
		if scheme, ok := strings.CutSuffix(pat, "://*"); ok {
			if !extensionSchemes[scheme] {
				return nil, fmt.Errorf("%q: only browser-extension schemes (chrome-extension, moz-extension, safari-web-extension) may be allowed whole", pat)
			}
			p.schemes[scheme] = true
			continue
		}
		u, err := url.Parse(pat)
		if err != nil || u.Scheme == "" || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return nil, fmt.Errorf("%q is not an origin such as https://app.example.com", pat)
		}
		p.exact[strings.ToLower(u.Scheme+"://"+u.Host)] = true
	}
	return p, nil
}

// Allows reports whether a request with this Origin header may read the
// API's answers.
func (p *OriginPolicy) Allows(origin string) bool {
	if p == nil || origin == "" || origin == "null" {
		return false
	}
	o := strings.ToLower(origin)
	if p.exact[o] {
		return true
	}
	scheme, rest, ok := strings.Cut(o, "://")
	return ok && p.schemes[scheme] && rest != "" && !strings.ContainsAny(rest, "/?#@")
}

// cors answers cross-origin requests to the API from allowed origins,
// preflights included. Credentials (cookies) are never allowed: callers
// authenticate with bearer tokens only.
func (s *Server) cors(c *gin.Context) {
	origin := c.GetHeader("Origin")
	if !strings.HasPrefix(c.Request.URL.Path, "/api/") || origin == "" {
		c.Next()
		return
	}
	h := c.Writer.Header()
	h.Add("Vary", "Origin")
	if !s.CORS.Allows(origin) {
		c.Next()
		return
	}
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Expose-Headers", "Retry-After, X-Request-ID, Location")
	if c.Request.Method == http.MethodOptions && c.GetHeader("Access-Control-Request-Method") != "" {
		h.Add("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers")
		h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-ID")
		h.Set("Access-Control-Max-Age", "600")
		c.AbortWithStatus(http.StatusNoContent)
		return
	}
	c.Next()
}
