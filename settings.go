package stagecraft

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// Limits of the organisation's settings.
const (
	MaxOrgNameLength     = 200
	MaxLogoURLLength     = 2000
	MaxInternalDomains   = 50
	MaxDomainLength      = 253
	MinReviewDays        = 1
	MaxReviewDays        = 3650
	DefaultReviewDays    = 180
	defaultPasswordLogin = true
)

// OrgSettings are an organisation's settings.
type OrgSettings struct {
	OrgID   string
	Name    string
	LogoURL string
	// InternalDomains are the email domains of the organisation's own
	// people: visitors from them never notify and never count as prospects.
	InternalDomains []string
	// ReviewDays is how long after its last review an asset is due again.
	ReviewDays int
	// PasswordLogin is false when users must sign in through SSO.
	PasswordLogin bool
	UpdatedAt     time.Time
}

// DefaultOrgSettings are the settings of an organisation that never
// changed them.
func DefaultOrgSettings(orgID, name string) *OrgSettings {
	return &OrgSettings{OrgID: orgID, Name: name, InternalDomains: []string{},
		ReviewDays: DefaultReviewDays, PasswordLogin: defaultPasswordLogin}
}

// IsInternalEmail reports whether email belongs to one of the internal
// domains (or a subdomain of one).
func (s *OrgSettings) IsInternalEmail(email string) bool {
	return IsInternalEmail(s.InternalDomains, email)
}

// IsInternalEmail reports whether email's domain is one of domains or a
// subdomain of one, ignoring case.
func IsInternalEmail(domains []string, email string) bool {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return false
	}
	host := strings.ToLower(strings.TrimSuffix(email[at+1:], "."))
	for _, d := range domains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// OrgSettingsUpdate changes the fields that are set.
type OrgSettingsUpdate struct {
	Name            *string
	LogoURL         *string
	InternalDomains *[]string
	ReviewDays      *int
	PasswordLogin   *bool
}

// Normalize trims the strings and lower-cases the domains.
func (u *OrgSettingsUpdate) Normalize() {
	if u.Name != nil {
		*u.Name = strings.TrimSpace(*u.Name)
	}
	if u.LogoURL != nil {
		*u.LogoURL = strings.TrimSpace(*u.LogoURL)
	}
	if u.InternalDomains != nil {
		seen := map[string]bool{}
		out := []string{}
		for _, d := range *u.InternalDomains {
			d = strings.TrimSuffix(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "@"), ".")
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
		*u.InternalDomains = out
	}
}

// Validate checks the fields that are set, naming the first one at fault.
func (u *OrgSettingsUpdate) Validate() error {
	if u.Name != nil {
		if *u.Name == "" {
			return fieldErrorf("name", "name is required.")
		}
		if len([]rune(*u.Name)) > MaxOrgNameLength {
			return fieldErrorf("name", "name must be at most %d characters.", MaxOrgNameLength)
		}
	}
	if u.LogoURL != nil && *u.LogoURL != "" {
		if len(*u.LogoURL) > MaxLogoURLLength {
			return fieldErrorf("logo_url", "logo_url must be at most %d characters.", MaxLogoURLLength)
		}
		p, err := url.Parse(*u.LogoURL)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return fieldErrorf("logo_url", "logo_url must be an absolute http(s) URL.")
		}
	}
	if u.InternalDomains != nil {
		if len(*u.InternalDomains) > MaxInternalDomains {
			return fieldErrorf("internal_domains", "internal_domains holds at most %d domains.", MaxInternalDomains)
		}
		for _, d := range *u.InternalDomains {
			if !ValidDomain(d) {
				return fieldErrorf("internal_domains", "internal_domains: %q is not a domain name like acme.com.", truncate(d, 100))
			}
		}
	}
	if u.ReviewDays != nil && (*u.ReviewDays < MinReviewDays || *u.ReviewDays > MaxReviewDays) {
		return fieldErrorf("review_days", "review_days must be from %d to %d.", MinReviewDays, MaxReviewDays)
	}
	return nil
}

// ValidDomain reports whether d is a lower-case DNS name with at least two
// labels, each of letters, digits and inner hyphens.
func ValidDomain(d string) bool {
	if d == "" || len(d) > MaxDomainLength {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, c := range l {
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
				return false
			}
		}
	}
	// The top-level label is never all digits (that is an IP address).
	return strings.Trim(labels[len(labels)-1], "0123456789") != ""
}

// Apply returns s with u's changes.
func (u *OrgSettingsUpdate) Apply(s OrgSettings) OrgSettings {
	if u.Name != nil {
		s.Name = *u.Name
	}
	if u.LogoURL != nil {
		s.LogoURL = *u.LogoURL
	}
	if u.InternalDomains != nil {
		s.InternalDomains = append([]string{}, *u.InternalDomains...)
	}
	if u.ReviewDays != nil {
		s.ReviewDays = *u.ReviewDays
	}
	if u.PasswordLogin != nil {
		s.PasswordLogin = *u.PasswordLogin
	}
	return s
}

// OrgSettingsService reads and changes an organisation's settings.
type OrgSettingsService interface {
	// FindOrgSettings returns the organisation's settings.
	FindOrgSettings(ctx context.Context, orgID string) (*OrgSettings, error)
	// UpdateOrgSettings changes the fields set in upd, records
	// settings.updated in the audit log in the same transaction, and
	// returns the whole settings. Returns EINVALID naming the field.
	UpdateOrgSettings(ctx context.Context, orgID string, upd OrgSettingsUpdate) (*OrgSettings, error)
	// InternalDomains returns the organisation's internal email domains.
	InternalDomains(ctx context.Context, orgID string) ([]string, error)
}
