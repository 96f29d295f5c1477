package api

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gin-gonic/gin"
)

// openAPIMethods are the operation keys of an OpenAPI path item.
var openAPIMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

type openAPIOperation struct {
	OperationID string            `json:"operationId"`
	Summary     string            `json:"summary"`
	Security    *[]map[string]any `json:"security"`
	Parameters  []map[string]any  `json:"parameters"`
	Responses   map[string]any    `json:"responses"`
}

// loadOpenAPI parses the embedded document, both generically (for $ref
// resolution) and as path -> method -> operation.
func loadOpenAPI(t *testing.T) (doc map[string]any, ops map[string]map[string]openAPIOperation) {
	t.Helper()
	if err := json.Unmarshal(openapiJSON, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	var typed struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openapiJSON, &typed); err != nil {
		t.Fatalf("openapi.json paths: %v", err)
	}
	ops = map[string]map[string]openAPIOperation{}
	for path, item := range typed.Paths {
		ops[path] = map[string]openAPIOperation{}
		for key, raw := range item {
			if !isOpenAPIMethod(key) {
				continue
			}
			var op openAPIOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", strings.ToUpper(key), path, err)
			}
			ops[path][key] = op
		}
	}
	return doc, ops
}

func isOpenAPIMethod(s string) bool {
	for _, m := range openAPIMethods {
		if s == m {
			return true
		}
	}
	return false
}

func TestOpenAPIIsValidJSONAndVersion(t *testing.T) {
	doc, ops := loadOpenAPI(t)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.") {
		t.Errorf("openapi = %q, want 3.x", v)
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] != "Stagecraft API" || info["version"] == nil {
		t.Errorf("info = %v", info)
	}

	// Every $ref resolves to an existing component.
	var refs []string
	collectRefs(doc, &refs)
	if len(refs) == 0 {
		t.Error("no $ref found; components are expected to be shared")
	}
	for _, ref := range refs {
		if !strings.HasPrefix(ref, "#/components/") {
			t.Errorf("$ref %q does not point into #/components/", ref)
			continue
		}
		if _, ok := resolvePointer(doc, strings.TrimPrefix(ref, "#")); !ok {
			t.Errorf("$ref %q does not resolve", ref)
		}
	}

	// Operations are complete, ids are unique and path parameters declared.
	templ := regexp.MustCompile(`\{([^}]+)\}`)
	paths, _ := doc["paths"].(map[string]any)
	seen := map[string]string{}
	for path, methods := range ops {
		item, _ := paths[path].(map[string]any)
		for method, op := range methods {
			name := strings.ToUpper(method) + " " + path
			if op.OperationID == "" || op.Summary == "" || len(op.Responses) == 0 {
				t.Errorf("%s: operationId, summary and responses are required", name)
			}
			if prev, dup := seen[op.OperationID]; dup {
				t.Errorf("operationId %q used by both %s and %s", op.OperationID, prev, name)
			}
			seen[op.OperationID] = name
			declared := map[string]bool{}
			params := op.Parameters
			if shared, ok := item["parameters"].([]any); ok {
				for _, p := range shared {
					m, _ := p.(map[string]any)
					params = append(params, m)
				}
			}
			for _, p := range params {
				if r, ok := p["$ref"].(string); ok {
					resolved, _ := resolvePointer(doc, strings.TrimPrefix(r, "#"))
					p, _ = resolved.(map[string]any)
				}
				if p["in"] == "path" {
					name, _ := p["name"].(string)
					declared[name] = true
				}
			}
			for _, m := range templ.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s: path parameter {%s} is not declared", name, m[1])
				}
			}
		}
	}
}

func collectRefs(v any, refs *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				*refs = append(*refs, s)
				continue
			}
			collectRefs(x, refs)
		}
	case []any:
		for _, x := range v {
			collectRefs(x, refs)
		}
	}
}

// resolvePointer follows a JSON pointer (RFC 6901) such as
// /components/schemas/Asset into doc.
func resolvePointer(doc any, ptr string) (any, bool) {
	cur := doc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[tok]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// testEngine builds the router with zero-value dependencies; only routes
// that need none (or fail before using them) may be requested through it.
// It serves a web app, as the binary does: the app's pages answer paths
// that no route matches, so they are not routes to document.
func testEngine(t *testing.T) *gin.Engine {
	t.Helper()
	app := fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}}
	s := &Server{BlobHandler: http.NotFoundHandler(), WebApp: app, Log: slog.New(slog.DiscardHandler)}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	engine, ok := h.(*gin.Engine)
	if !ok {
		t.Fatalf("Handler() returned %T, want *gin.Engine", h)
	}
	return engine
}

var ginParam = regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)

// openAPIPath turns a gin route path into an OpenAPI path template.
func openAPIPath(ginPath string) string { return ginParam.ReplaceAllString(ginPath, "{$1}") }

func TestOpenAPICoversEveryRoute(t *testing.T) {
	_, ops := loadOpenAPI(t)
	routes := testEngine(t).Routes()
	registered := map[string]bool{} // "METHOD /path"
	for _, r := range routes {
		registered[r.Method+" "+openAPIPath(r.Path)] = true
	}
	for _, r := range routes {
		path, method := openAPIPath(r.Path), strings.ToLower(r.Method)
		if _, ok := ops[path][method]; ok {
			continue
		}
		if _, ok := ops[path]["get"]; ok && method == "head" && registered["GET "+path] {
			continue // a HEAD twin of a documented GET
		}
		t.Errorf("route %s %s (gin %s) is not documented in openapi.json paths", r.Method, path, r.Path)
	}
	var documented []string
	for path, methods := range ops {
		for method := range methods {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(documented)
	for _, d := range documented {
		if !registered[d] {
			t.Errorf("openapi.json documents %s, but Handler() registers no such route", d)
		}
	}
}

// TestOpenAPISecurityMatchesRoutes checks that the operations marked public
// (security: []) are the ones the router serves without credentials, and
// that every other one answers 401 without them.
func TestOpenAPISecurityMatchesRoutes(t *testing.T) {
	_, ops := loadOpenAPI(t)
	engine := testEngine(t)
	fill := regexp.MustCompile(`\{([^}]+)\}`)
	for path, methods := range ops {
		for method, op := range methods {
			name := strings.ToUpper(method) + " " + path
			url := fill.ReplaceAllStringFunc(path, func(p string) string {
				if p == "{id}" {
					return "00000000-0000-0000-0000-000000000000"
				}
				return "x"
			})
			public := op.Security != nil && len(*op.Security) == 0
			w := httptest.NewRecorder()
			engine.ServeHTTP(w, httptest.NewRequest(strings.ToUpper(method), url, nil))
			switch {
			case public && w.Code == http.StatusUnauthorized:
				t.Errorf("%s is documented as public (security: []) but answers 401 without credentials", name)
			case !public && w.Code != http.StatusUnauthorized:
				t.Errorf("%s is documented as requiring bearer auth but answers %d without credentials", name, w.Code)
			}
		}
	}
}

func TestOpenAPIIsServed(t *testing.T) {
	onDisk, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	testEngine(t).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: status %d: %s", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" && !strings.HasPrefix(ct, "application/json;") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if !bytes.Equal(w.Body.Bytes(), onDisk) {
		t.Errorf("served document (%d bytes) differs from api/openapi.json (%d bytes)", w.Body.Len(), len(onDisk))
	}
}
