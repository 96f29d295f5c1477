package stagecraft

import (
	"strings"
	"testing"
)

func TestOrgSettingsUpdateValidate(t *testing.T) {
	str := func(s string) *string { return &s }
	num := func(n int) *int { return &n }
	doms := func(d ...string) *[]string { return &d }
	cases := []struct {
		name  string
		upd   OrgSettingsUpdate
		field string // "" when valid
	}{
		{"empty", OrgSettingsUpdate{}, ""},
		{"name", OrgSettingsUpdate{Name: str("  Acme  ")}, ""},
		{"blank name", OrgSettingsUpdate{Name: str("   ")}, "name"},
		{"long name", OrgSettingsUpdate{Name: str(strings.Repeat("é", MaxOrgNameLength+1))}, "name"},
		{"name at the limit", OrgSettingsUpdate{Name: str(strings.Repeat("é", MaxOrgNameLength))}, ""},
		{"logo", OrgSettingsUpdate{LogoURL: str("https://cdn.acme.com/logo.png")}, ""},
		{"no logo", OrgSettingsUpdate{LogoURL: str("")}, ""},
		{"relative logo", OrgSettingsUpdate{LogoURL: str("/logo.png")}, "logo_url"},
		{"javascript logo", OrgSettingsUpdate{LogoURL: str("javascript:alert(1)")}, "logo_url"},
		{"long logo", OrgSettingsUpdate{LogoURL: str("https://a.com/" + strings.Repeat("x", MaxLogoURLLength))}, "logo_url"},
		{"domains", OrgSettingsUpdate{InternalDomains: doms("acme.com", "ACME.co.uk", "@sub.acme.com", "acme.com")}, ""},
		{"no domains", OrgSettingsUpdate{InternalDomains: doms()}, ""},
		{"single label", OrgSettingsUpdate{InternalDomains: doms("localhost")}, "internal_domains"},
		{"email not domain", OrgSettingsUpdate{InternalDomains: doms("bob@acme.com")}, "internal_domains"},
		{"spaces", OrgSettingsUpdate{InternalDomains: doms("ac me.com")}, "internal_domains"},
		{"ip", OrgSettingsUpdate{InternalDomains: doms("10.0.0.1")}, "internal_domains"},
		{"empty domain", OrgSettingsUpdate{InternalDomains: doms("")}, "internal_domains"},
		{"leading hyphen", OrgSettingsUpdate{InternalDomains: doms("-acme.com")}, "internal_domains"},
		{"long label", OrgSettingsUpdate{InternalDomains: doms(strings.Repeat("a", 64) + ".com")}, "internal_domains"},
		{"too many", OrgSettingsUpdate{InternalDomains: func() *[]string {
			d := make([]string, MaxInternalDomains+1)
			for i := range d {
				d[i] = strings.Repeat("a", i+1) + ".com"
			}
			return &d
		}()}, "internal_domains"},
		{"review days", OrgSettingsUpdate{ReviewDays: num(90)}, ""},
		{"zero review days", OrgSettingsUpdate{ReviewDays: num(0)}, "review_days"},
		{"too many review days", OrgSettingsUpdate{ReviewDays: num(MaxReviewDays + 1)}, "review_days"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.upd.Normalize()
			err := c.upd.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			e, ok := AsError(err)
			if !ok || e.Code != EINVALID || e.Details["field"] != c.field || !strings.Contains(e.Message, c.field) {
				t.Fatalf("err = %#v, want EINVALID naming %s", err, c.field)
			}
		})
	}
}

func TestOrgSettingsUpdateNormalizeAndApply(t *testing.T) {
	d := []string{" ACME.com ", "@Sub.Acme.com", "acme.com", "acme.io."}
	name := "  New name "
	u := OrgSettingsUpdate{InternalDomains: &d, Name: &name}
	u.Normalize()
	if err := u.Validate(); err != nil {
		t.Fatal(err)
	}
	s := u.Apply(*DefaultOrgSettings("org", "Old"))
	if got := strings.Join(s.InternalDomains, ","); got != "acme.com,sub.acme.com,acme.io" {
		t.Errorf("domains = %s", got)
	}
	if s.Name != "New name" || s.ReviewDays != DefaultReviewDays || !s.PasswordLogin {
		t.Errorf("settings = %+v", s)
	}
}

func TestIsInternalEmail(t *testing.T) {
	domains := []string{"acme.com", "acme.io"}
	cases := map[string]bool{
		"bob@acme.com":       true,
		"Bob@ACME.com":       true,
		"bob@eu.acme.com":    true,
		"bob@acme.io":        true,
		"bob@notacme.com":    false,
		"bob@acme.com.evil":  false,
		"bob@prospect.com":   false,
		"acme.com":           false,
		"":                   false,
		"bob@acme.com.":      true,
		"x@y@acme.com":       true,
		"bob@acme.community": false,
	}
	for email, want := range cases {
		if got := IsInternalEmail(domains, email); got != want {
			t.Errorf("IsInternalEmail(%q) = %v, want %v", email, got, want)
		}
	}
}
