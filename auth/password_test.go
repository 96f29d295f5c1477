package auth

import (
	"strings"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash = %q", h)
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt missing")
	}
	tests := []struct {
		name, hash, password string
		ok                   bool
		wantErr              bool
	}{
		{"right", h, "correct horse battery", true, false},
		{"wrong", h, "correct horse battery!", false, false},
		{"empty", h, "", false, false},
		{"not a hash", "plaintext", "plaintext", false, true},
		{"bcrypt", "$2a$10$abcdefghijklmnopqrstuv", "x", false, true},
		{"bad params", "$argon2id$v=19$m=x$salt$key", "x", false, true},
		{"bad version", strings.Replace(h, "v=19", "v=16", 1), "correct horse battery", false, true},
		{"bad salt", strings.Replace(h, "p=1$", "p=1$!!!", 1), "correct horse battery", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := VerifyPassword(tt.hash, tt.password)
			if ok != tt.ok || (err != nil) != tt.wantErr {
				t.Errorf("VerifyPassword = %v, %v; want %v, err %v", ok, err, tt.ok, tt.wantErr)
			}
		})
	}
}

func TestAPIToken(t *testing.T) {
	tok, prefix, hash, err := NewAPIToken()
	if err != nil {
		t.Fatal(err)
	}
	if !IsAPIToken(tok) || !strings.HasPrefix(tok, prefix) || len(tok) < 40 {
		t.Errorf("token %q prefix %q", tok, prefix)
	}
	if string(HashAPIToken(tok)) != string(hash) {
		t.Error("stored hash differs from HashAPIToken")
	}
	tok2, _, _, _ := NewAPIToken()
	if tok == tok2 {
		t.Error("two tokens are equal")
	}
	if IsAPIToken("eyJhbGciOi") {
		t.Error("a JWT is taken for an API token")
	}
}
