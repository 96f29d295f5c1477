package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/api"
)

// notifyUser commits a notification for u, as a producer would.
func (e *env) notifyUser(u *stagecraft.User, title string) {
	e.t.Helper()
	err := e.db.CreateNotification(context.Background(), &stagecraft.NewNotification{OrgID: u.OrgID, UserID: u.ID,
		Type: stagecraft.NotifyLinkOpened, Title: title, URL: e.srv.URL + "/links/x",
		Data: map[string]any{"link_id": "x", "visitor_email": "jane@prospect.com"}})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) notifications(token, query string) api.NotificationList {
	e.t.Helper()
	var l api.NotificationList
	e.json(e.do("GET", "/api/v1/notifications"+query, token, nil), http.StatusOK, &l)
	return l
}

func TestNotificationsListAndRead(t *testing.T) {
	e := newEnv(t)
	for i := range 3 {
		e.notifyUser(e.rep, fmt.Sprintf("visit %d", i))
	}
	e.notifyUser(e.marketer, "someone else's")

	l := e.notifications(e.repTok, "")
	if len(l.Items) != 3 || l.Unread != 3 || l.NextCursor != nil || l.Items[0].Title != "visit 2" {
		t.Fatalf("list = %+v", l)
	}
	n := l.Items[0]
	if n.Type != "link.opened" || n.ReadAt != nil || n.Data["visitor_email"] != "jane@prospect.com" ||
		!strings.HasPrefix(n.URL, "http://") {
		t.Errorf("item = %+v", n)
	}
	// Pages.
	p1 := e.notifications(e.repTok, "?limit=2")
	if len(p1.Items) != 2 || p1.NextCursor == nil {
		t.Fatalf("page 1 = %+v", p1)
	}
	p2 := e.notifications(e.repTok, "?limit=2&cursor="+*p1.NextCursor)
	if len(p2.Items) != 1 || p2.NextCursor != nil || p2.Items[0].Title != "visit 0" {
		t.Fatalf("page 2 = %+v", p2)
	}
	e.fail(e.do("GET", "/api/v1/notifications?cursor=nope", e.repTok, nil), http.StatusBadRequest, "invalid_input")
	e.fail(e.do("GET", "/api/v1/notifications?limit=101", e.repTok, nil), http.StatusBadRequest, "invalid_input")
	e.fail(e.do("GET", "/api/v1/notifications?unread=maybe", e.repTok, nil), http.StatusBadRequest, "invalid_input")

	// Reading one, then someone else's (ignored), then all.
	other := e.notifications(e.marketerTok, "").Items[0].ID
	if got := e.status("POST", "/api/v1/notifications/read", e.repTok, map[string]any{"ids": []string{n.ID, other, "junk"}}); got != http.StatusNoContent {
		t.Fatalf("read: %d", got)
	}
	if l := e.notifications(e.repTok, "?unread=true"); len(l.Items) != 2 || l.Unread != 2 {
		t.Errorf("unread after reading one = %+v", l)
	}
	if l := e.notifications(e.marketerTok, ""); l.Unread != 1 {
		t.Errorf("another user's notification was marked read: %+v", l)
	}
	if got := e.status("POST", "/api/v1/notifications/read", e.repTok, map[string]any{"all": true}); got != http.StatusNoContent {
		t.Fatalf("read all: %d", got)
	}
	if l := e.notifications(e.repTok, ""); l.Unread != 0 || l.Items[0].ReadAt == nil {
		t.Errorf("after read all = %+v", l)
	}
	e.fail(e.do("POST", "/api/v1/notifications/read", e.repTok, map[string]any{}), http.StatusBadRequest, "invalid_input")
	e.fail(e.do("GET", "/api/v1/notifications", "", nil), http.StatusUnauthorized, "unauthorized")
}

func TestNotificationSettingsAPI(t *testing.T) {
	e := newEnv(t)
	var s api.NotificationSettingsResponse
	e.json(e.do("GET", "/api/v1/me/notification-settings", e.repTok, nil), http.StatusOK, &s)
	if s.Email != "instant" || s.SlackWebhookURL != nil || s.SlackFailing != nil || !s.Types["link.opened"] || len(s.Types) != len(stagecraft.NotificationTypes) {
		t.Fatalf("defaults = %+v", s)
	}
	e.json(e.do("PUT", "/api/v1/me/notification-settings", e.repTok, map[string]any{
		"email": "daily", "types": map[string]bool{"room.opened": false}}), http.StatusOK, &s)
	if s.Email != "daily" || s.Types["room.opened"] || !s.Types["link.opened"] {
		t.Fatalf("after PUT = %+v", s)
	}
	// Partial: the other fields stay.
	e.json(e.do("PUT", "/api/v1/me/notification-settings", e.repTok, map[string]any{"types": map[string]bool{"link.opened": false}}), http.StatusOK, &s)
	if s.Email != "daily" || s.Types["room.opened"] || s.Types["link.opened"] {
		t.Fatalf("after a partial PUT = %+v", s)
	}
	// The server runs without OUTBOUND_ALLOW_PRIVATE: loopback is refused.
	for _, u := range []string{e.srv.URL + "/hook", "http://localhost:9/hook", "http://169.254.169.254/", "ftp://example.com/x"} {
		ae := e.fail(e.do("PUT", "/api/v1/me/notification-settings", e.repTok, map[string]any{"slack_webhook_url": u}),
			http.StatusBadRequest, "invalid_input")
		if ae.Error.Details["field"] != "slack_webhook_url" || !strings.Contains(ae.Error.Message, "slack_webhook_url") {
			t.Errorf("%s: %+v", u, ae.Error)
		}
	}
	for name, body := range map[string]any{
		"email":             map[string]any{"email": "weekly"},
		"types":             map[string]any{"types": map[string]bool{"nope": true}},
		"slack_webhook_url": map[string]any{"slack_webhook_url": "https://hooks.slack.com/" + strings.Repeat("x", 2001)},
	} {
		ae := e.fail(e.do("PUT", "/api/v1/me/notification-settings", e.repTok, body), http.StatusBadRequest, "invalid_input")
		if ae.Error.Details["field"] != name {
			t.Errorf("%s: %+v", name, ae.Error)
		}
	}
	e.fail(e.do("PUT", "/api/v1/me/notification-settings", e.repTok, map[string]any{"colour": "red"}), http.StatusBadRequest, "invalid_input")
	// null removes the Slack URL; a user sees only their own settings.
	e.json(e.do("PUT", "/api/v1/me/notification-settings", e.repTok, map[string]any{"slack_webhook_url": nil}), http.StatusOK, &s)
	if s.SlackWebhookURL != nil {
		t.Errorf("slack URL after null = %v", *s.SlackWebhookURL)
	}
	e.json(e.do("GET", "/api/v1/me/notification-settings", e.marketerTok, nil), http.StatusOK, &s)
	if s.Email != "instant" {
		t.Errorf("another user's settings changed: %+v", s)
	}
}

func TestOrgSettingsAPI(t *testing.T) {
	e := newEnv(t)
	var s api.SettingsResponse
	e.json(e.do("GET", "/api/v1/settings", e.adminTok, nil), http.StatusOK, &s)
	if s.Name != "Acme" || s.LogoURL != nil || len(s.InternalDomains) != 0 || s.ReviewDays != 180 || !s.PasswordLogin {
		t.Fatalf("defaults = %+v", s)
	}
	e.fail(e.do("GET", "/api/v1/settings", e.repTok, nil), http.StatusForbidden, "forbidden")
	e.fail(e.do("PUT", "/api/v1/settings", e.marketerTok, map[string]any{"review_days": 30}), http.StatusForbidden, "forbidden")

	e.json(e.do("PUT", "/api/v1/settings", e.adminTok, map[string]any{
		"internal_domains": []string{"Acme.com", "@acme.io"}, "review_days": 90}), http.StatusOK, &s)
	if strings.Join(s.InternalDomains, ",") != "acme.com,acme.io" || s.ReviewDays != 90 || s.Name != "Acme" {
		t.Fatalf("after PUT = %+v", s)
	}
	e.json(e.do("PUT", "/api/v1/settings", e.adminTok, map[string]any{"name": "Acme Corp", "logo_url": "https://cdn.acme.com/l.png",
		"password_login": false}), http.StatusOK, &s)
	if s.Name != "Acme Corp" || s.LogoURL == nil || s.PasswordLogin || s.ReviewDays != 90 || len(s.InternalDomains) != 2 {
		t.Fatalf("after a partial PUT = %+v", s)
	}
	domains, err := e.db.InternalDomains(context.Background(), e.org)
	if err != nil || strings.Join(domains, ",") != "acme.com,acme.io" {
		t.Errorf("InternalDomains = %v, %v", domains, err)
	}
	for field, body := range map[string]any{
		"name":             map[string]any{"name": strings.Repeat("n", 201)},
		"logo_url":         map[string]any{"logo_url": "javascript:alert(1)"},
		"internal_domains": map[string]any{"internal_domains": []string{"not a domain"}},
		"review_days":      map[string]any{"review_days": 0},
	} {
		ae := e.fail(e.do("PUT", "/api/v1/settings", e.adminTok, body), http.StatusBadRequest, "invalid_input")
		if ae.Error.Details["field"] != field || !strings.Contains(ae.Error.Message, field) {
			t.Errorf("%s: %+v", field, ae.Error)
		}
	}
	// Every change is in the audit log, with what changed.
	l := e.audit("action=settings.updated")
	if len(l.Items) != 2 || l.Items[0].Target.Type != "settings" || l.Items[0].Details["name"] != "Acme Corp" ||
		l.Items[0].Actor == nil || *l.Items[0].Actor.ID != e.admin.ID {
		t.Errorf("audit = %+v", l.Items)
	}
}

func TestDeliveriesAPI(t *testing.T) {
	e := newEnv(t)
	e.notifyUser(e.rep, "visit")
	var l api.DeliveryList
	e.json(e.do("GET", "/api/v1/deliveries", e.adminTok, nil), http.StatusOK, &l)
	if len(l.Items) != 1 || l.Items[0].Channel != "email" || l.Items[0].Target != e.rep.Email || l.Items[0].Status != "pending" {
		t.Fatalf("deliveries = %+v", l)
	}
	e.json(e.do("GET", "/api/v1/deliveries?status=failed", e.adminTok, nil), http.StatusOK, &l)
	if len(l.Items) != 0 {
		t.Errorf("failed = %+v", l)
	}
	e.fail(e.do("GET", "/api/v1/deliveries?status=lost", e.adminTok, nil), http.StatusBadRequest, "invalid_input")
	e.fail(e.do("GET", "/api/v1/deliveries", e.repTok, nil), http.StatusForbidden, "forbidden")
	// Another organisation's admin sees none of them.
	_, _, otherTok := e.newOrg("Globex")
	e.json(e.do("GET", "/api/v1/deliveries", otherTok, nil), http.StatusOK, &l)
	if len(l.Items) != 0 {
		t.Errorf("another org's deliveries: %+v", l)
	}
}
