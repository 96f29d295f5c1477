package notify

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/internal/outbound"
)

var at = time.Date(2026, 12, 3, 14, 5, 0, 0, time.UTC)

func sample() *stagecraft.Notification {
	return &stagecraft.Notification{ID: "n1", Type: stagecraft.NotifyLinkOpened, CreatedAt: at,
		Title: "jane@prospect.com opened “Q3 <Pricing> & terms”", Body: "A return visit.\nAsset: Pricing",
		URL: "https://hub.acme.com/links/l1"}
}

func TestEmailMessage(t *testing.T) {
	m := EmailMessage("rep@acme.com", sample(), "https://hub.acme.com/settings/notifications")
	if m.To != "rep@acme.com" || m.Subject != "jane@prospect.com opened “Q3 <Pricing> & terms”" {
		t.Errorf("to/subject = %q / %q", m.To, m.Subject)
	}
	for _, want := range []string{
		"jane@prospect.com opened", // who and what
		"A return visit.",
		"When: Thu 3 Dec 2026, 14:05 UTC", // when
		"Open: https://hub.acme.com/links/l1",
		"https://hub.acme.com/settings/notifications",
	} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if !strings.Contains(m.HTML, "Q3 &lt;Pricing&gt; &amp; terms") || strings.Contains(m.HTML, "<Pricing>") {
		t.Errorf("html does not escape the title:\n%s", m.HTML)
	}
	if !strings.Contains(m.HTML, `href="https://hub.acme.com/links/l1"`) {
		t.Errorf("html lacks the link:\n%s", m.HTML)
	}
}

func TestSubjectIsOneLine(t *testing.T) {
	n := sample()
	n.Title = "line one\r\nBcc: evil@x.com " + strings.Repeat("x", 300)
	m := EmailMessage("rep@acme.com", n, "")
	if strings.ContainsAny(m.Subject, "\r\n") || len([]rune(m.Subject)) > 200 {
		t.Errorf("subject = %q", m.Subject)
	}
	if strings.Contains(m.Text, "settings") {
		t.Errorf("footer without a settings URL:\n%s", m.Text)
	}
}

func TestDigestMessage(t *testing.T) {
	a, b := sample(), sample()
	b.Title, b.URL, b.CreatedAt = "bob@prospect.com opened “Deck”", "https://hub.acme.com/links/l2", at.Add(time.Hour)
	m := DigestMessage("rep@acme.com", []*stagecraft.Notification{a, b}, "")
	if m.Subject != "Stagecraft daily digest: 2 notifications" {
		t.Errorf("subject = %q", m.Subject)
	}
	if i, j := strings.Index(m.Text, "jane@"), strings.Index(m.Text, "bob@"); i < 0 || j < i {
		t.Errorf("digest order:\n%s", m.Text)
	}
	for _, want := range []string{"Open: https://hub.acme.com/links/l1", "Open: https://hub.acme.com/links/l2", "15:05 UTC"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("digest lacks %q:\n%s", want, m.Text)
		}
	}
	one := DigestMessage("rep@acme.com", []*stagecraft.Notification{b}, "")
	if one.Subject != "Stagecraft daily digest: bob@prospect.com opened “Deck”" {
		t.Errorf("one-item subject = %q", one.Subject)
	}
}

func TestSlackText(t *testing.T) {
	got := SlackText(sample())
	want := "*jane@prospect.com opened “Q3 &lt;Pricing&gt; &amp; terms”*\nA return visit.\nAsset: Pricing\n" +
		"Thu 3 Dec 2026, 14:05 UTC · <https://hub.acme.com/links/l1|Open in Stagecraft>"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	n := sample()
	n.Title, n.Body = "<!channel> hi <https://evil|x>", ""
	if got := SlackText(n); strings.Contains(got, "<!channel>") || strings.Contains(got, "<https://evil") {
		t.Errorf("mention or link not escaped: %q", got)
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second}
	for i, w := range want {
		if got := Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if Backoff(0) != 10*time.Second || Backoff(10) != time.Hour || Backoff(500) != time.Hour {
		t.Errorf("edges: %v %v %v", Backoff(0), Backoff(10), Backoff(500))
	}
	// The first retry is within a minute; all attempts span at least a day.
	var total time.Duration
	for n := 1; n < 32; n++ {
		total += Backoff(n)
	}
	if total < 22*time.Hour || Backoff(1) > time.Minute {
		t.Errorf("31 waits add to %v", total)
	}
}

// fakeStore records what the service stores.
type fakeStore struct {
	Store
	mu       sync.Mutex
	delivery *stagecraft.Delivery
	attempts []*stagecraft.DeliveryAttempt
	failing  string
}

func (f *fakeStore) FindDeliveryByID(context.Context, string) (*stagecraft.Delivery, []*stagecraft.Notification, error) {
	return f.delivery, []*stagecraft.Notification{sample()}, nil
}

func (f *fakeStore) RecordDeliveryAttempt(_ context.Context, a *stagecraft.DeliveryAttempt) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts = append(f.attempts, a)
	return nil
}

func (f *fakeStore) MarkSlackFailing(_ context.Context, _, _, reason string) error {
	f.failing = reason
	return nil
}

// Which Slack answers are retried, refused for good or successes.
func TestSlackOutcomes(t *testing.T) {
	cases := []struct {
		status    int
		code      string // "" for success
		final     bool
		markFails bool
	}{
		{200, "", false, false},
		{204, "", false, false},
		{400, stagecraft.EUNPROCESSABLE, true, true},
		{403, stagecraft.EUNPROCESSABLE, true, true},
		{404, stagecraft.EUNPROCESSABLE, true, true},
		{410, stagecraft.EUNPROCESSABLE, true, true},
		{408, stagecraft.EUNAVAILABLE, false, false},
		{429, stagecraft.EUNAVAILABLE, false, false},
		{500, stagecraft.EUNAVAILABLE, false, false},
		{502, stagecraft.EUNAVAILABLE, false, false},
		{503, stagecraft.EUNAVAILABLE, false, false},
	}
	for _, c := range cases {
		t.Run(http.StatusText(c.status), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte("invalid_token"))
			}))
			defer srv.Close()
			st := &fakeStore{delivery: &stagecraft.Delivery{ID: "d1", UserID: "u1", Channel: stagecraft.ChannelSlack,
				Target: srv.URL, Status: stagecraft.DeliveryPending}}
			s := &Service{Store: st, Guard: &outbound.Guard{AllowPrivate: true}, Now: func() time.Time { return at }}
			err := s.Deliver(context.Background(), "d1", 1, false)
			if stagecraft.ErrorCode(err) != c.code && (c.code != "" || err != nil) {
				t.Fatalf("err = %v (%s), want %q", err, stagecraft.ErrorCode(err), c.code)
			}
			a := st.attempts[0]
			if a.OK != (c.code == "") || a.Final != c.final || a.StatusCode != c.status {
				t.Errorf("attempt = %+v", a)
			}
			if !a.OK && !a.Final && (a.NextAttemptAt == nil || !a.NextAttemptAt.Equal(at.Add(10*time.Second))) {
				t.Errorf("next attempt = %v", a.NextAttemptAt)
			}
			if (st.failing != "") != c.markFails {
				t.Errorf("failing = %q", st.failing)
			}
			if c.markFails && !strings.Contains(st.failing, "invalid_token") {
				t.Errorf("reason = %q", st.failing)
			}
		})
	}
}

// The last attempt's failure is recorded as final; a delivery already
// sent is not sent again.
func TestDeliverFinalAndIdempotent(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls++
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer srv.Close()
	st := &fakeStore{delivery: &stagecraft.Delivery{ID: "d1", Channel: stagecraft.ChannelSlack, Target: srv.URL}}
	s := &Service{Store: st, Guard: &outbound.Guard{AllowPrivate: true}}
	if err := s.Deliver(context.Background(), "d1", 32, true); err == nil {
		t.Fatal("no error")
	}
	if a := st.attempts[0]; !a.Final || a.NextAttemptAt != nil {
		t.Errorf("attempt = %+v", a)
	}
	st.delivery.Status = stagecraft.DeliverySent
	if err := s.Deliver(context.Background(), "d1", 33, true); err != nil || calls != 1 {
		t.Errorf("sent delivery sent again: err=%v calls=%d", err, calls)
	}
}

// Without a mailer, email deliveries fail for good with the reason.
func TestEmailWithoutMailer(t *testing.T) {
	st := &fakeStore{delivery: &stagecraft.Delivery{ID: "d1", Channel: stagecraft.ChannelEmail, Target: "rep@acme.com"}}
	s := &Service{Store: st}
	err := s.Deliver(context.Background(), "d1", 1, false)
	if stagecraft.ErrorCode(err) != stagecraft.EUNPROCESSABLE || !st.attempts[0].Final ||
		!strings.Contains(st.attempts[0].Error, "SMTP_URL") {
		t.Errorf("err = %v, attempt = %+v", err, st.attempts[0])
	}
}
