package share

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/auth"
)

// AdmissionTTL is how long a visitor stays admitted to a protected link
// without giving their email or passcode again.
const AdmissionTTL = 30 * 24 * time.Hour

// Admit checks what a visitor gives at a protected link's gate and
// returns their admission: EINVALID naming the field for a missing or
// malformed email or a missing passcode, EFORBIDDEN for a wrong passcode.
// The email, when given, is kept as the visitor's identity.
func (s *Service) Admit(l *stagecraft.SharedLink, email, passcode string) (string, error) {
	email = stagecraft.NormalizeEmail(email)
	if email != "" || l.RequireEmail {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
			msg := "Enter a valid email address."
			if email == "" {
				msg = "Enter your email address to view this document."
			}
			return "", stagecraft.Errorf(stagecraft.EINVALID, "%s", msg).WithDetails(map[string]any{"field": "email"})
		}
	}
	if l.PasscodeHash != "" {
		if passcode == "" {
			return "", stagecraft.Errorf(stagecraft.EINVALID, "Enter the passcode.").WithDetails(map[string]any{"field": "passcode"})
		}
		if len(passcode) > 4*stagecraft.MaxPasscodeLen {
			return "", wrongPasscode()
		}
		ok, err := auth.VerifyPassword(l.PasscodeHash, passcode)
		if err != nil {
			return "", fmt.Errorf("check passcode: %w", err)
		}
		if !ok {
			return "", wrongPasscode()
		}
	}
	return s.admission(l, email, s.Now().Add(AdmissionTTL)), nil
}

func wrongPasscode() error {
	return stagecraft.Errorf(stagecraft.EFORBIDDEN, "That passcode is not right.").WithDetails(map[string]any{"field": "passcode"})
}

// admission is a signed statement: this visitor, with this email, was
// admitted to this link under its current passcode, until expires.
func (s *Service) admission(l *stagecraft.SharedLink, email string, expires time.Time) string {
	payload := strings.Join([]string{"1", l.ID, passcodeEpoch(l), strconv.FormatInt(expires.Unix(), 10), email}, "\n")
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(s.sign(payload))
}

func (s *Service) sign(payload string) []byte {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte("stagecraft link admission\n" + payload))
	return m.Sum(nil)
}

func passcodeEpoch(l *stagecraft.SharedLink) string {
	if l.PasscodeSetAt == nil {
		return "0"
	}
	return strconv.FormatInt(l.PasscodeSetAt.UnixMicro(), 10)
}

// Admitted reads an admission the visitor's browser holds. An admission
// of another link, under an earlier passcode, expired or forged is not
// one; nor is any admission to a link without protection needed (then ok
// is true and email "").
func (s *Service) Admitted(l *stagecraft.SharedLink, token string) (email string, ok bool) {
	p64, sig64, found := strings.Cut(token, ".")
	if !found || len(token) > 2048 {
		return "", !l.Protected()
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p64)
	sig, err2 := base64.RawURLEncoding.DecodeString(sig64)
	if err1 != nil || err2 != nil || !hmac.Equal(sig, s.sign(string(payload))) {
		return "", !l.Protected()
	}
	f := strings.SplitN(string(payload), "\n", 5)
	if len(f) != 5 || f[0] != "1" || f[1] != l.ID || f[2] != passcodeEpoch(l) {
		return "", !l.Protected()
	}
	exp, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil || !s.Now().Before(time.Unix(exp, 0)) {
		return "", !l.Protected()
	}
	if l.RequireEmail && f[4] == "" {
		return "", false // admitted before an email was required
	}
	return f[4], true
}

// Internal reports whether email is of the organisation's own domains.
func (s *Service) Internal(ctx context.Context, orgID, email string) (bool, error) {
	if email == "" || s.Settings == nil {
		return false, nil
	}
	domains, err := s.Settings.InternalDomains(ctx, orgID)
	if err != nil {
		return false, fmt.Errorf("internal domains: %w", err)
	}
	return stagecraft.IsInternalEmail(domains, email), nil
}

// Reading is a viewer's report of time read, with who reads.
type Reading struct {
	Time stagecraft.LinkTime
	// Email is the admitted email, or "".
	Email string
	// BrowserID is the random id the visitor's browser keeps for the
	// link, or "" when it keeps none.
	BrowserID string
	UserAgent string
	// AssetTitle names the document in the sharer's alert.
	AssetTitle string
}

// RecordTime credits a viewer's report to its session and visit. The
// first report of a visit starts it and, unless the link is muted or the
// visitor internal, alerts the sharer in the same transaction.
func (s *Service) RecordTime(ctx context.Context, l *stagecraft.SharedLink, r *Reading) (*stagecraft.Visit, error) {
	t := &r.Time
	internal, err := s.Internal(ctx, l.OrgID, r.Email)
	if err != nil {
		return nil, err
	}
	t.Visitor = stagecraft.Visitor{Email: r.Email, Device: stagecraft.DeviceClass(r.UserAgent), Internal: internal}
	switch {
	case r.Email != "":
		t.Visitor.Key = "email:" + r.Email
	case r.BrowserID != "":
		t.Visitor.Key = "browser:" + r.BrowserID
	default:
		t.Visitor.Key = "session:" + t.SessionID
	}
	if l.Notify && !internal && l.SharerID != "" {
		t.OnVisitStart = func(v *stagecraft.Visit) *stagecraft.NewNotification {
			return s.visitAlert(l, v, r.AssetTitle)
		}
	}
	return s.Links.AddLinkTime(ctx, t)
}

// visitAlert is the sharer's notification of a visit that started.
func (s *Service) visitAlert(l *stagecraft.SharedLink, v *stagecraft.Visit, title string) *stagecraft.NewNotification {
	who := v.VisitorEmail
	if who == "" {
		who = "Someone"
	}
	verb := "opened"
	if v.Returning {
		verb = "came back to"
	}
	body := fmt.Sprintf("Started reading on a %s at %s.", deviceNoun(v.Device),
		v.StartedAt.UTC().Format("Mon 2 Jan 2006, 15:04 MST"))
	if v.Returning {
		body += " This is a return visit."
	}
	data := map[string]any{"link_id": l.ID, "visit_id": v.ID, "asset_id": l.AssetID, "returning": v.Returning}
	if l.DealID != nil {
		data["deal_id"] = *l.DealID
	}
	if v.VisitorEmail != "" {
		data["visitor_email"] = v.VisitorEmail
	}
	return &stagecraft.NewNotification{
		OrgID: l.OrgID, UserID: l.SharerID, Type: stagecraft.NotifyLinkOpened,
		Title: fmt.Sprintf("%s %s %q", who, verb, title), Body: body,
		URL:  strings.TrimRight(s.PublicURL, "/") + "/links/" + l.ID + "?visit=" + v.ID,
		Data: data,
	}
}

func deviceNoun(d string) string {
	switch d {
	case stagecraft.DeviceMobile:
		return "phone"
	case stagecraft.DeviceTablet:
		return "tablet"
	}
	return "computer"
}
