package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	c, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != ":8080" || c.PublicURL != "http://localhost:8080" || c.Storage != "local" ||
		c.Search != "postgres" || c.MaxUploadMB != 200 || c.DataDir != "./.data" ||
		c.DatabaseURL != "postgres://localhost:5432/stagecraft?sslmode=disable" {
		t.Errorf("defaults = %+v", c)
	}
}

func TestLoadConfigValues(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "s3secret")
	if err := os.WriteFile(secretFile, []byte("from-a-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := loadConfig(env(map[string]string{
		"PUBLIC_URL": "https://hub.example.com/", "STORAGE": "s3", "S3_ENDPOINT": "minio:9000",
		"S3_ACCESS_KEY": "ak", "S3_SECRET_KEY_FILE": secretFile, "S3_USE_SSL": "true",
		"MAX_UPLOAD_MB": "500", "JWT_SECRET": strings.Repeat("k", 32), "JWT_TTL": "2h",
		"SEARCH": "meilisearch", "MEILI_URL": "http://meili:7700", "TRUSTED_PROXIES": "10.0.0.1, 10.0.0.2",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.PublicURL != "https://hub.example.com" || c.S3SecretKey != "from-a-file" || !c.S3UseSSL ||
		c.MaxUploadMB != 500 || c.JWTTTL != 2*time.Hour || len(c.TrustedProxies) != 2 {
		t.Errorf("config = %+v", c)
	}
}

func TestLoadConfigCORSOrigins(t *testing.T) {
	tests := []struct {
		env  string
		want []string
	}{
		{"", []string{"chrome-extension://*", "moz-extension://*"}},
		{"none", nil},
		{"chrome-extension://abcdef, https://crm.example.com", []string{"chrome-extension://abcdef", " https://crm.example.com"}},
	}
	for _, tt := range tests {
		c, err := loadConfig(env(map[string]string{"CORS_ORIGINS": tt.env}))
		if err != nil {
			t.Fatalf("CORS_ORIGINS=%q: %v", tt.env, err)
		}
		if !slices.Equal(c.CORSOrigins, tt.want) {
			t.Errorf("CORS_ORIGINS=%q: %q, want %q", tt.env, c.CORSOrigins, tt.want)
		}
	}
}

func TestLoadConfigErrorsNameTheVariable(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{"MAX_UPLOAD_MB": "lots"}, []string{"MAX_UPLOAD_MB"}},
		{map[string]string{"MAX_UPLOAD_MB": "0"}, []string{"MAX_UPLOAD_MB"}},
		{map[string]string{"STORAGE": "ftp"}, []string{"STORAGE"}},
		{map[string]string{"STORAGE": "s3"}, []string{"S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY"}},
		{map[string]string{"SEARCH": "meilisearch"}, []string{"MEILI_URL"}},
		{map[string]string{"SEARCH": "elastic"}, []string{"SEARCH"}},
		{map[string]string{"CORS_ORIGINS": "https://*"}, []string{"CORS_ORIGINS"}},
		{map[string]string{"CORS_ORIGINS": "chrome-extension://abc, not an origin"}, []string{"CORS_ORIGINS"}},
		{map[string]string{"JWT_SECRET": "short"}, []string{"JWT_SECRET"}},
		{map[string]string{"JWT_SECRET_FILE": "/nonexistent/secret"}, []string{"JWT_SECRET_FILE"}},
		{map[string]string{"PUBLIC_URL": "localhost:8080"}, []string{"PUBLIC_URL"}},
		{map[string]string{"DATABASE_URL": "mysql://x"}, []string{"DATABASE_URL"}},
		{map[string]string{"S3_USE_SSL": "maybe"}, []string{"S3_USE_SSL"}},
		{map[string]string{"DEBUG_ADDR": ":6060"}, []string{"DEBUG_ADDR"}},
		{map[string]string{"DEBUG_ADDR": "0.0.0.0:6060"}, []string{"DEBUG_ADDR"}},
		{map[string]string{"DEBUG_ADDR": "10.0.0.5:6060"}, []string{"DEBUG_ADDR"}},
		{map[string]string{"DEBUG_ADDR": "127.0.0.1"}, []string{"DEBUG_ADDR"}},
		{map[string]string{"ADMIN_EMAIL": "a@b.c"}, []string{"ADMIN_EMAIL"}},
		{map[string]string{"LOG_LEVEL": "loud", "JWT_TTL": "forever"}, []string{"LOG_LEVEL", "JWT_TTL"}},
		{map[string]string{"CONVERT_TIMEOUT": "2", "CONVERT_MAX_MEMORY_MB": "64", "PREVIEW_MAX_PAGES": "0"},
			[]string{"CONVERT_TIMEOUT", "CONVERT_MAX_MEMORY_MB", "PREVIEW_MAX_PAGES"}},
	}
	for _, tt := range tests {
		_, err := loadConfig(env(tt.env))
		if err == nil {
			t.Errorf("%v: no error", tt.env)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w+":") {
				t.Errorf("%v: error %q does not name %s", tt.env, err, w)
			}
		}
	}
}

func TestEnsureJWTSecretPersists(t *testing.T) {
	c := defaultConfig()
	c.DataDir = filepath.Join(t.TempDir(), "data")
	if err := c.ensureJWTSecret(); err != nil {
		t.Fatal(err)
	}
	first := string(c.JWTSecret)
	c2 := defaultConfig()
	c2.DataDir = c.DataDir
	if err := c2.ensureJWTSecret(); err != nil {
		t.Fatal(err)
	}
	if string(c2.JWTSecret) != first || len(first) < 32 {
		t.Errorf("secret not reused: %q vs %q", c2.JWTSecret, first)
	}
	info, err := os.Stat(filepath.Join(c.DataDir, "jwt_secret"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("secret file mode = %v, %v", info.Mode(), err)
	}
}
