package notify_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/internal/testnet"
	"github.com/stagecraft/stagecraft/smtp"
)

func ptr[T any](v T) *T { return &v }

// A committed notification reaches the user's mail and Slack, and stays
// in the bell.
func TestNotificationDeliveredByMailAndSlack(t *testing.T) {
	mp := newMailpit(t)
	e := newEnv(t, true)
	e.mailer.set(mp.mailer(t))
	slack := newReceiver(t)
	e.settings(stagecraft.NotificationSettingsUpdate{SlackWebhookURL: ptr(slack.URL + "/services/T0/B0/x")})
	e.start()

	e.notify("jane@prospect.com opened “Pricing 2026”")

	var got []mail
	waitFor(t, "the mail in Mailpit", func() bool { got = mp.messagesTo(t, e.user.Email); return len(got) == 1 })
	m := got[0]
	if m.Subject != "jane@prospect.com opened “Pricing 2026”" {
		t.Errorf("subject = %q", m.Subject)
	}
	for _, want := range []string{"jane@prospect.com", "Pricing 2026", "When: ", "UTC", "Open: http://hub.example/links/abc",
		"http://hub.example/settings/notifications"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if !strings.Contains(m.HTML, `href="http://hub.example/links/abc"`) {
		t.Errorf("html lacks the link:\n%s", m.HTML)
	}
	waitFor(t, "the Slack message", func() bool { return len(slack.received()) == 1 })
	if txt := slack.received()[0]; !strings.Contains(txt, "*jane@prospect.com opened “Pricing 2026”*") ||
		!strings.Contains(txt, "<http://hub.example/links/abc|Open in Stagecraft>") {
		t.Errorf("slack text = %q", txt)
	}
	waitFor(t, "both deliveries recorded sent", func() bool {
		ds := e.deliveries("")
		return len(ds) == 2 && ds[0].Status == stagecraft.DeliverySent && ds[1].Status == stagecraft.DeliverySent
	})
	page, err := e.db.FindNotifications(context.Background(), stagecraft.NotificationFilter{OrgID: e.org, UserID: e.user.ID})
	if err != nil || len(page.Items) != 1 || page.Unread != 1 || page.Items[0].Data["link_id"] != "abc" {
		t.Fatalf("bell = %+v, %v", page, err)
	}
}

// With the mail server down, the delivery is retried and nothing is
// lost: the bell lists the notification at once and the mail arrives once
// the server is back.
func TestMailRetriedUntilServerIsBack(t *testing.T) {
	mp := newMailpit(t)
	e := newEnv(t, true)
	host := strings.TrimPrefix(mp.smtpURL, "smtp://")
	proxy := testnet.NewProxy(t, host)
	proxy.Cut()
	down, err := smtp.New(smtp.Config{URL: "smtp://" + proxy.Addr(), From: "noreply@hub.example"})
	if err != nil {
		t.Fatal(err)
	}
	down.Timeout = 2 * time.Second
	e.mailer.set(down)
	e.start()

	e.notify("jane@prospect.com opened “Deck”")
	page, err := e.db.FindNotifications(context.Background(), stagecraft.NotificationFilter{OrgID: e.org, UserID: e.user.ID})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("bell while mail is down = %+v, %v", page, err)
	}
	waitFor(t, "two failed attempts", func() bool {
		ds := e.deliveries(stagecraft.ChannelEmail)
		return len(ds) == 1 && ds[0].Status == stagecraft.DeliveryRetrying && ds[0].Attempt >= 2
	})
	d := e.deliveries(stagecraft.ChannelEmail)[0]
	if d.Error == "" || d.NextAttemptAt == nil {
		t.Errorf("retrying delivery shows no error or next attempt: %+v", d)
	}
	proxy.Restore(t)
	waitFor(t, "the mail once the server is back", func() bool { return len(mp.messagesTo(t, e.user.Email)) == 1 })
	waitFor(t, "the delivery recorded sent", func() bool {
		return e.deliveries(stagecraft.ChannelEmail)[0].Status == stagecraft.DeliverySent
	})
	attempts, err := e.db.FindDeliveryAttempts(context.Background(), d.ID)
	if err != nil || len(attempts) < 3 || attempts[0].OK || !attempts[len(attempts)-1].OK {
		t.Errorf("attempts = %+v, %v", attempts, err)
	}
}

// A Slack URL answering 4xx is marked failing with the reason and gets no
// further attempts, nor new messages until the user sets a URL again.
func TestSlackRefusalMarksSettingsFailing(t *testing.T) {
	e := newEnv(t, true)
	slack := newReceiver(t, 404, 404, 404)
	e.settings(stagecraft.NotificationSettingsUpdate{Email: ptr(stagecraft.EmailOff), SlackWebhookURL: ptr(slack.URL)})
	e.start()

	e.notify("jane@prospect.com opened “Deck”")
	waitFor(t, "the delivery failed", func() bool {
		ds := e.deliveries(stagecraft.ChannelSlack)
		return len(ds) == 1 && ds[0].Status == stagecraft.DeliveryFailed
	})
	s, err := e.svc.FindNotificationSettings(context.Background(), e.org, e.user.ID)
	if err != nil || s.SlackFailedAt == nil || !strings.Contains(s.SlackError, "HTTP 404") || !strings.Contains(s.SlackError, "no_service") {
		t.Fatalf("settings = %+v, %v", s, err)
	}
	time.Sleep(time.Second) // several backoffs
	if n := slack.calls.Load(); n != 1 {
		t.Errorf("Slack called %d times, want 1", n)
	}
	e.notify("jane@prospect.com opened “Deck” again")
	if ds := e.deliveries(stagecraft.ChannelSlack); len(ds) != 1 {
		t.Errorf("a failing URL got another delivery: %d", len(ds))
	}
	// Setting the URL again clears the failing state.
	s = e.settings(stagecraft.NotificationSettingsUpdate{SlackWebhookURL: ptr(slack.URL)})
	if s.SlackFailedAt != nil || s.SlackError != "" {
		t.Errorf("settings after a new URL = %+v", s)
	}
}

// A Slack URL answering 5xx is retried until it takes the message.
func TestSlackServerErrorRetried(t *testing.T) {
	e := newEnv(t, true)
	slack := newReceiver(t, 500, 503)
	e.settings(stagecraft.NotificationSettingsUpdate{Email: ptr(stagecraft.EmailOff), SlackWebhookURL: ptr(slack.URL)})
	e.start()
	e.notify("jane@prospect.com opened “Deck”")
	waitFor(t, "the message on the third attempt", func() bool { return len(slack.received()) == 1 })
	waitFor(t, "the delivery recorded sent", func() bool {
		ds := e.deliveries(stagecraft.ChannelSlack)
		return len(ds) == 1 && ds[0].Status == stagecraft.DeliverySent && ds[0].Attempt == 3
	})
	attempts, err := e.db.FindDeliveryAttempts(context.Background(), e.deliveries(stagecraft.ChannelSlack)[0].ID)
	if err != nil || len(attempts) != 3 || attempts[0].StatusCode != http.StatusInternalServerError ||
		attempts[1].StatusCode != http.StatusServiceUnavailable || attempts[2].StatusCode != http.StatusOK {
		t.Errorf("attempts = %+v, %v", attempts, err)
	}
	s, _ := e.svc.FindNotificationSettings(context.Background(), e.org, e.user.ID)
	if s.SlackFailedAt != nil {
		t.Errorf("5xx marked the URL failing: %+v", s)
	}
}

// Without OUTBOUND_ALLOW_PRIVATE a loopback URL is refused when set, and
// refused at connect time if it got into the settings anyway (or a name
// resolves to loopback).
func TestLoopbackSlackURLRefused(t *testing.T) {
	e := newEnv(t, false)
	slack := newReceiver(t)
	_, err := e.svc.UpdateNotificationSettings(context.Background(), e.org, e.user.ID,
		stagecraft.NotificationSettingsUpdate{SlackWebhookURL: ptr(slack.URL)})
	if stagecraft.ErrorCode(err) != stagecraft.EINVALID || !strings.Contains(stagecraft.ErrorMessage(err), "slack_webhook_url") {
		t.Fatalf("loopback URL: %v", err)
	}
	if e, ok := stagecraft.AsError(err); !ok || e.Details["field"] != "slack_webhook_url" {
		t.Errorf("error names no field: %+v", err)
	}
	// "localhost" passes the literal check and is refused when connecting.
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(slack.URL, "http://"))
	if _, err := e.db.UpdateNotificationSettings(context.Background(), e.org, e.user.ID, stagecraft.NotificationSettingsUpdate{
		Email: ptr(stagecraft.EmailOff), SlackWebhookURL: ptr("http://localhost:" + port + "/hook")}); err != nil {
		t.Fatal(err)
	}
	e.start()
	e.notify("jane@prospect.com opened “Deck”")
	waitFor(t, "the delivery refused", func() bool {
		ds := e.deliveries(stagecraft.ChannelSlack)
		return len(ds) == 1 && ds[0].Status == stagecraft.DeliveryFailed
	})
	if n := slack.calls.Load(); n != 0 {
		t.Errorf("the loopback receiver was called %d times", n)
	}
	d := e.deliveries(stagecraft.ChannelSlack)[0]
	if !strings.Contains(d.Error, "not allowed") {
		t.Errorf("error = %q", d.Error)
	}
}

// A job committed while no worker runs (the server stopped) is delivered
// by the next one.
func TestDeliveredAfterRestart(t *testing.T) {
	e := newEnv(t, true)
	slack := newReceiver(t)
	e.settings(stagecraft.NotificationSettingsUpdate{Email: ptr(stagecraft.EmailOff), SlackWebhookURL: ptr(slack.URL)})
	e.start()
	e.stop()
	e.notify("jane@prospect.com opened “Deck” while the server was down")
	time.Sleep(300 * time.Millisecond)
	if n := slack.calls.Load(); n != 0 {
		t.Fatalf("delivered with no worker running: %d", n)
	}
	e.start()
	waitFor(t, "the message after the restart", func() bool { return len(slack.received()) == 1 })
}

// Settings decide what is sent: a type turned off records nothing; the
// daily digest collects the day's notifications into one mail.
func TestSettingsTypesAndDailyDigest(t *testing.T) {
	mp := newMailpit(t)
	e := newEnv(t, true)
	e.mailer.set(mp.mailer(t))
	e.settings(stagecraft.NotificationSettingsUpdate{Email: ptr(stagecraft.EmailDaily),
		Types: map[string]bool{stagecraft.NotifyRoomOpened: false}})
	ctx := context.Background()
	if err := e.db.CreateNotification(ctx, &stagecraft.NewNotification{OrgID: e.org, UserID: e.user.ID,
		Type: stagecraft.NotifyRoomOpened, Title: "a room was opened"}); err != nil {
		t.Fatal(err)
	}
	e.notify("jane@prospect.com opened “Deck”")
	e.notify("bob@prospect.com opened “Pricing”")
	page, _ := e.db.FindNotifications(ctx, stagecraft.NotificationFilter{OrgID: e.org, UserID: e.user.ID})
	if len(page.Items) != 2 {
		t.Fatalf("bell holds %d notifications, want 2 (room.opened is off)", len(page.Items))
	}
	if ds := e.deliveries(""); len(ds) != 0 {
		t.Fatalf("daily mail queued %d deliveries before the digest", len(ds))
	}
	e.start()
	if err := e.svc.SendDigests(ctx); err != nil {
		t.Fatal(err)
	}
	var got []mail
	waitFor(t, "the digest", func() bool { got = mp.messagesTo(t, e.user.Email); return len(got) == 1 })
	if !strings.Contains(got[0].Subject, "2 notifications") || !strings.Contains(got[0].Text, "jane@prospect.com opened") ||
		!strings.Contains(got[0].Text, "bob@prospect.com opened") {
		t.Errorf("digest = %q\n%s", got[0].Subject, got[0].Text)
	}
	// Once a day at most, and never the same notification twice.
	e.notify("carol@prospect.com opened “Deck”")
	if err := e.svc.SendDigests(ctx); err != nil {
		t.Fatal(err)
	}
	if ds := e.deliveries(stagecraft.ChannelEmail); len(ds) != 1 {
		t.Errorf("a second digest within a day: %d deliveries", len(ds))
	}
}

// A delivery cut short by a stop (its worker cancelled mid-request) is
// delivered by the next queue.
func TestDeliveryInterruptedByStopIsDeliveredAfterRestart(t *testing.T) {
	e := newEnv(t, true)
	var hung atomic.Bool
	var got atomic.Int32
	slack := newReceiver(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // before the receiver closes
	slack.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hung.CompareAndSwap(false, true) {
			// The first attempt hangs until cut off.
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		got.Add(1)
		w.WriteHeader(http.StatusOK)
	})
	e.settings(stagecraft.NotificationSettingsUpdate{Email: ptr(stagecraft.EmailOff), SlackWebhookURL: ptr(slack.URL)})
	e.start()
	e.notify("jane@prospect.com opened “Deck”")
	waitFor(t, "the first attempt to hang", hung.Load)
	// Stop with a short deadline: the running job is cancelled.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	_ = e.queue.Stop(ctx)
	cancel()
	e.queue = nil
	if got.Load() != 0 {
		t.Fatal("delivered before the restart")
	}
	e.start()
	waitFor(t, "the message after the restart", func() bool { return got.Load() == 1 })
	waitFor(t, "the delivery recorded sent", func() bool {
		ds := e.deliveries(stagecraft.ChannelSlack)
		return len(ds) == 1 && ds[0].Status == stagecraft.DeliverySent
	})
}

// Turning mail off drops what waited for the digest; moving to instant
// mail sends it in a last digest.
func TestDigestAfterSettingsChange(t *testing.T) {
	e := newEnv(t, true)
	ctx := context.Background()
	e.settings(stagecraft.NotificationSettingsUpdate{Email: ptr(stagecraft.EmailDaily)})
	e.notify("one")
	e.settings(stagecraft.NotificationSettingsUpdate{Email: ptr(stagecraft.EmailOff)})
	if n, err := e.db.QueueDigests(ctx, 24*time.Hour); err != nil || n != 0 {
		t.Fatalf("digests after mail off = %d, %v", n, err)
	}
	e.settings(stagecraft.NotificationSettingsUpdate{Email: ptr(stagecraft.EmailDaily)})
	e.notify("two")
	e.settings(stagecraft.NotificationSettingsUpdate{Email: ptr(stagecraft.EmailInstant)})
	if n, err := e.db.QueueDigests(ctx, 24*time.Hour); err != nil || n != 1 {
		t.Fatalf("digests after moving to instant = %d, %v", n, err)
	}
	ds := e.deliveries(stagecraft.ChannelEmail)
	if len(ds) != 1 || len(ds[0].NotificationIDs) != 1 {
		t.Errorf("deliveries = %+v", ds)
	}
}

// A notification, its deliveries and their jobs exist if and only if the
// producer's transaction commits.
func TestNotifyFollowsTheProducersTransaction(t *testing.T) {
	e := newEnv(t, true)
	ctx := context.Background()
	n := &stagecraft.NewNotification{OrgID: e.org, UserID: e.user.ID, Type: stagecraft.NotifyLinkOpened, Title: "rolled back"}
	tx, err := e.db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.Notify(ctx, tx, n); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	var jobs int
	if err := e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job`).Scan(&jobs); err != nil {
		t.Fatal(err)
	}
	page, _ := e.db.FindNotifications(ctx, stagecraft.NotificationFilter{OrgID: e.org, UserID: e.user.ID})
	if jobs != 0 || len(page.Items) != 0 || len(e.deliveries("")) != 0 {
		t.Fatalf("after rollback: %d jobs, %d notifications, %d deliveries", jobs, len(page.Items), len(e.deliveries("")))
	}
	e.notify("committed")
	if err := e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'delivery'`).Scan(&jobs); err != nil || jobs != 1 {
		t.Fatalf("after commit: %d jobs, %v", jobs, err)
	}
	// Another organisation's user, or no such user: not found.
	other, _, err := e.db.CreateOrganisation(ctx, "Other", stagecraft.NewUser{Email: "o-" + e.user.Email, Name: "O", Role: stagecraft.RoleAdmin}, "x")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []*stagecraft.NewNotification{
		{OrgID: other.ID, UserID: e.user.ID, Type: stagecraft.NotifyLinkOpened, Title: "x"},
		{OrgID: e.org, UserID: "not-a-uuid", Type: stagecraft.NotifyLinkOpened, Title: "x"},
	} {
		if err := e.db.CreateNotification(ctx, bad); stagecraft.ErrorCode(err) != stagecraft.ENOTFOUND {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if err := e.db.CreateNotification(ctx, &stagecraft.NewNotification{OrgID: e.org, UserID: e.user.ID, Type: "nope", Title: "x"}); stagecraft.ErrorCode(err) != stagecraft.EINVALID {
		t.Errorf("unknown type: %v", err)
	}
}
