package stagecraft

import (
	"strings"
	"testing"
	"time"
)

func TestNotificationSettingsUpdate(t *testing.T) {
	s := func(v string) *string { return &v }
	cases := []struct {
		name  string
		upd   NotificationSettingsUpdate
		field string
	}{
		{"email daily", NotificationSettingsUpdate{Email: s("daily")}, ""},
		{"email bad", NotificationSettingsUpdate{Email: s("weekly")}, "email"},
		{"slack", NotificationSettingsUpdate{SlackWebhookURL: s("https://hooks.slack.com/x")}, ""},
		{"slack removed", NotificationSettingsUpdate{SlackWebhookURL: s("")}, ""},
		{"slack too long", NotificationSettingsUpdate{SlackWebhookURL: s("https://a.com/" + strings.Repeat("x", MaxWebhookURLLength))}, "slack_webhook_url"},
		{"types", NotificationSettingsUpdate{Types: map[string]bool{NotifyLinkOpened: false}}, ""},
		{"unknown type", NotificationSettingsUpdate{Types: map[string]bool{"link.exploded": true}}, "types"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.upd.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if e, ok := AsError(err); !ok || e.Code != EINVALID || e.Details["field"] != c.field {
				t.Fatalf("err = %v, want EINVALID naming %s", err, c.field)
			}
		})
	}
}

func TestNotificationSettingsApplyKeepsOtherFields(t *testing.T) {
	now := time.Now()
	cur := *DefaultNotificationSettings("u")
	cur.SlackWebhookURL, cur.SlackFailedAt, cur.SlackError = "https://hooks.slack.com/old", &now, "HTTP 404"
	daily := EmailDaily
	got := (&NotificationSettingsUpdate{Email: &daily, Types: map[string]bool{NotifyRoomOpened: false}}).Apply(cur)
	if got.Email != EmailDaily || got.SlackWebhookURL != cur.SlackWebhookURL || got.SlackFailedAt == nil {
		t.Errorf("partial update lost fields: %+v", got)
	}
	if got.Wants(NotifyRoomOpened) || !got.Wants(NotifyLinkOpened) {
		t.Errorf("types = %v", got.Types)
	}
	if !cur.Wants(NotifyRoomOpened) {
		t.Error("Apply changed the settings it was given")
	}
	url := "https://hooks.slack.com/new"
	got = (&NotificationSettingsUpdate{SlackWebhookURL: &url}).Apply(cur)
	if got.SlackFailedAt != nil || got.SlackError != "" || got.Email != EmailInstant {
		t.Errorf("a new URL keeps the failing state: %+v", got)
	}
}

func TestNewNotificationValidate(t *testing.T) {
	n := NewNotification{OrgID: "o", UserID: "u", Type: NotifyLinkOpened, Title: strings.Repeat("t", MaxNotificationTitle+10)}
	if err := n.Validate(); err != nil {
		t.Fatal(err)
	}
	if len([]rune(n.Title)) != MaxNotificationTitle || !strings.HasSuffix(n.Title, "…") {
		t.Errorf("title not cut: %d runes", len([]rune(n.Title)))
	}
	for _, bad := range []NewNotification{
		{UserID: "u", Type: NotifyLinkOpened, Title: "x"},
		{OrgID: "o", UserID: "u", Type: "nope", Title: "x"},
		{OrgID: "o", UserID: "u", Type: NotifyLinkOpened},
	} {
		if err := bad.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%+v: err = %v", bad, err)
		}
	}
}
