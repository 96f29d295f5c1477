package share

import (
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/auth"
)

func TestAdmission(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	clock := now
	s := &Service{Key: []byte("0123456789abcdef0123456789abcdef"), Now: func() time.Time { return clock }}
	hash, err := auth.HashPassword("open sesame")
	if err != nil {
		t.Fatal(err)
	}
	set := now.Add(-time.Hour)
	link := func(requireEmail bool, passcode bool) *stagecraft.SharedLink {
		l := &stagecraft.SharedLink{Link: stagecraft.Link{ID: "7b2f3c1e-0000-4000-8000-000000000001", RequireEmail: requireEmail}}
		if passcode {
			l.PasscodeHash, l.PasscodeSetAt = hash, &set
		}
		return l
	}
	tests := []struct {
		name          string
		l             *stagecraft.SharedLink
		email, pass   string
		code, field   string
		admittedEmail string
	}{
		{"email only", link(true, false), " Buyer@Example.COM ", "", "", "", "buyer@example.com"},
		{"email missing", link(true, false), "", "", stagecraft.EINVALID, "email", ""},
		{"email malformed", link(true, false), "buyer at example", "", stagecraft.EINVALID, "email", ""},
		{"email too long", link(true, false), strings.Repeat("a", 250) + "@x.io", "", stagecraft.EINVALID, "email", ""},
		{"passcode right", link(false, true), "", "open sesame", "", "", ""},
		{"passcode wrong", link(false, true), "", "open says me", stagecraft.EFORBIDDEN, "passcode", ""},
		{"passcode missing", link(false, true), "", "", stagecraft.EINVALID, "passcode", ""},
		{"passcode huge", link(false, true), "", strings.Repeat("x", 10000), stagecraft.EFORBIDDEN, "passcode", ""},
		{"both", link(true, true), "a@b.io", "open sesame", "", "", "a@b.io"},
		{"both, email missing", link(true, true), "", "open sesame", stagecraft.EINVALID, "email", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock = now
			tok, err := s.Admit(tt.l, tt.email, tt.pass)
			if tt.code != "" {
				e, ok := stagecraft.AsError(err)
				if !ok || e.Code != tt.code || e.Details["field"] != tt.field {
					t.Fatalf("Admit = %v, want %s naming %s", err, tt.code, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			email, ok := s.Admitted(tt.l, tok)
			if !ok || email != tt.admittedEmail {
				t.Fatalf("Admitted = %q, %v; want %q, true", email, ok, tt.admittedEmail)
			}
			// Not for another link, not after the TTL, not when tampered.
			other := *tt.l
			other.ID = "7b2f3c1e-0000-4000-8000-000000000002"
			if _, ok := s.Admitted(&other, tok); ok {
				t.Error("admitted to another link")
			}
			if _, ok := s.Admitted(tt.l, tok[:len(tok)-2]+"AA"); ok {
				t.Error("admitted with a forged signature")
			}
			clock = now.Add(AdmissionTTL + time.Second)
			if _, ok := s.Admitted(tt.l, tok); ok {
				t.Error("admitted after the admission expired")
			}
			clock = now
			if tt.l.PasscodeHash != "" {
				later := set.Add(time.Minute)
				changed := *tt.l
				changed.PasscodeSetAt = &later
				if _, ok := s.Admitted(&changed, tok); ok {
					t.Error("admitted after the passcode changed")
				}
			}
		})
	}
	open := link(false, false)
	if email, ok := s.Admitted(open, ""); !ok || email != "" {
		t.Errorf("open link: Admitted = %q, %v", email, ok)
	}
	if _, ok := s.Admitted(link(true, false), ""); ok {
		t.Error("protected link admitted without a cookie")
	}
	// An admission given before an email was required does not do.
	tok, err := s.Admit(link(false, true), "", "open sesame")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Admitted(link(true, true), tok); ok {
		t.Error("admission without email accepted once email is required")
	}
}

func TestVisitAlert(t *testing.T) {
	s := &Service{PublicURL: "https://hub.example.com/"}
	deal := "d-1"
	l := &stagecraft.SharedLink{Link: stagecraft.Link{ID: "l-1", OrgID: "o-1", AssetID: "a-1", SharerID: "u-1", DealID: &deal}}
	at := time.Date(2026, 12, 3, 14, 5, 0, 0, time.UTC)
	tests := []struct {
		name  string
		v     stagecraft.Visit
		title string
		body  []string
	}{
		{"first, known", stagecraft.Visit{ID: "v-1", VisitorEmail: "jo@buyer.io", Device: "mobile", StartedAt: at},
			`jo@buyer.io opened "Pricing"`, []string{"on a phone", "Thu 3 Dec 2026, 14:05 UTC"}},
		{"return, anonymous", stagecraft.Visit{ID: "v-2", Returning: true, Device: "desktop", StartedAt: at},
			`Someone came back to "Pricing"`, []string{"return visit", "on a computer"}},
	}
	for _, tt := range tests {
		n := s.visitAlert(l, &tt.v, "Pricing")
		if n.Title != tt.title || n.UserID != "u-1" || n.Type != stagecraft.NotifyLinkOpened {
			t.Errorf("%s: %+v", tt.name, n)
		}
		for _, w := range tt.body {
			if !strings.Contains(n.Body, w) {
				t.Errorf("%s: body %q lacks %q", tt.name, n.Body, w)
			}
		}
		if want := "https://hub.example.com/links/l-1?visit=" + tt.v.ID; n.URL != want {
			t.Errorf("%s: url %q, want %q", tt.name, n.URL, want)
		}
		if n.Data["deal_id"] != "d-1" || n.Data["visit_id"] != tt.v.ID {
			t.Errorf("%s: data %v", tt.name, n.Data)
		}
	}
}
