package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/internal/outbound"
	"github.com/stagecraft/stagecraft/internal/testdb"
	"github.com/stagecraft/stagecraft/internal/wire"
	"github.com/stagecraft/stagecraft/notify"
	"github.com/stagecraft/stagecraft/smtp"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

// env is a database, the notify service over it (wired as the server
// wires it) and, when started, the delivery queue.
type env struct {
	t      testing.TB
	db     *postgres.DB
	svc    *notify.Service
	mailer *switchMailer
	org    string
	user   *stagecraft.User
	queue  *postgres.Queue
}

// switchMailer lets a test change the mail server under a running queue.
type switchMailer struct {
	m atomic.Pointer[stagecraft.Mailer]
}

func (s *switchMailer) Send(ctx context.Context, m stagecraft.MailMessage) error {
	p := s.m.Load()
	if p == nil {
		return stagecraft.Unavailable("mail", fmt.Errorf("no mailer"))
	}
	return (*p).Send(ctx, m)
}

func (s *switchMailer) set(m stagecraft.Mailer) { s.m.Store(&m) }

func testLog() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

func newEnv(t testing.TB, allowPrivate bool) *env {
	t.Helper()
	e := &env{t: t, db: testdb.New(t), mailer: &switchMailer{}}
	e.svc = &notify.Service{Store: e.db, Mailer: e.mailer, Guard: &outbound.Guard{AllowPrivate: allowPrivate},
		HTTPTimeout: 2 * time.Second, PublicURL: "http://hub.example", DigestEvery: 24 * time.Hour,
		Log: testLog(), Now: time.Now}
	org, u, err := e.db.CreateOrganisation(context.Background(), "Acme",
		stagecraft.NewUser{Email: "rep-" + uuid.NewString()[:8] + "@example.com", Name: "Rita Rep", Role: stagecraft.RoleAdmin}, "x")
	if err != nil {
		t.Fatal(err)
	}
	e.org, e.user = org.ID, u
	return e
}

// fastBackoff retries within a test's patience.
func fastBackoff(int) time.Duration { return 200 * time.Millisecond }

// start starts the delivery queue, as the server does, stopped at cleanup.
func (e *env) start() {
	e.t.Helper()
	s := &wire.Services{Notify: e.svc}
	q, err := s.StartQueue(context.Background(), e.db, wire.QueueOptions{Workers: 4, Poll: 50 * time.Millisecond, Backoff: fastBackoff})
	if err != nil {
		e.t.Fatal(err)
	}
	e.queue = q
	e.t.Cleanup(func() { e.stop() })
}

func (e *env) stop() {
	if e.queue == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.queue.Stop(ctx); err != nil {
		e.t.Errorf("stop queue: %v", err)
	}
	e.queue = nil
}

func (e *env) settings(upd stagecraft.NotificationSettingsUpdate) *stagecraft.NotificationSettings {
	e.t.Helper()
	s, err := e.svc.UpdateNotificationSettings(context.Background(), e.org, e.user.ID, upd)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// notify commits a link.opened notification for the env's user.
func (e *env) notify(title string) {
	e.t.Helper()
	err := e.db.CreateNotification(context.Background(), &stagecraft.NewNotification{
		OrgID: e.org, UserID: e.user.ID, Type: stagecraft.NotifyLinkOpened, Title: title,
		Body: "Visitor: jane@prospect.com\nAsset: Pricing 2026", URL: "http://hub.example/links/abc",
		Data: map[string]any{"link_id": "abc", "visitor_email": "jane@prospect.com"}})
	if err != nil {
		e.t.Fatal(err)
	}
}

// deliveries returns the organisation's deliveries of a channel.
func (e *env) deliveries(channel string) []*stagecraft.Delivery {
	e.t.Helper()
	ds, _, err := e.db.FindDeliveries(context.Background(), stagecraft.DeliveryFilter{OrgID: e.org, Channel: channel})
	if err != nil {
		e.t.Fatal(err)
	}
	return ds
}

// waitFor polls cond until it holds or 20 s pass.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// receiver is a Slack-format webhook endpoint that answers with the
// statuses in answers, then 200.
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	texts   []string
	answers []int
	calls   atomic.Int32
}

func newReceiver(t testing.TB, answers ...int) *receiver {
	r := &receiver{answers: answers}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.calls.Add(1)
		var body struct{ Text string }
		b, _ := io.ReadAll(req.Body)
		if err := json.Unmarshal(b, &body); err != nil || req.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		status := http.StatusOK
		if len(r.answers) > 0 {
			status, r.answers = r.answers[0], r.answers[1:]
		}
		if status == http.StatusOK {
			r.texts = append(r.texts, body.Text)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, map[bool]string{true: "ok", false: "no_service"}[status == http.StatusOK])
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) received() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.texts...)
}

// mailpit reads what a test Mailpit received (see scripts/mailpit.sh).
type mailpit struct {
	smtpURL string
	api     string
}

func newMailpit(t testing.TB) *mailpit {
	t.Helper()
	u, api := os.Getenv("TEST_SMTP_URL"), os.Getenv("TEST_MAILPIT_API")
	if u == "" || api == "" {
		t.Skip("TEST_SMTP_URL and TEST_MAILPIT_API are not set: run `eval \"$(scripts/mailpit.sh start DIR)\"` (make test does)")
	}
	return &mailpit{smtpURL: u, api: strings.TrimRight(api, "/")}
}

func (m *mailpit) mailer(t testing.TB) *smtp.Mailer {
	t.Helper()
	s, err := smtp.New(smtp.Config{URL: m.smtpURL, From: "Stagecraft <noreply@hub.example>"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// mail is a message as Mailpit shows it.
type mail struct {
	ID      string
	Subject string
	Text    string
	HTML    string
	Created time.Time
}

// messagesTo returns the messages Mailpit holds for address.
func (m *mailpit) messagesTo(t testing.TB, address string) []mail {
	t.Helper()
	var list struct {
		Messages []struct {
			ID      string
			Subject string
			Created time.Time
			To      []struct{ Address string }
		}
	}
	m.get(t, "/api/v1/search?limit=200&query="+url.QueryEscape("to:"+address), &list)
	var out []mail
	for _, msg := range list.Messages {
		for _, to := range msg.To {
			if strings.EqualFold(to.Address, address) {
				var full mail
				m.get(t, "/api/v1/message/"+msg.ID, &full)
				full.Created = msg.Created
				out = append(out, full)
			}
		}
	}
	return out
}

func (m *mailpit) get(t testing.TB, path string, v any) {
	t.Helper()
	resp, err := http.Get(m.api + path) //nolint:noctx // a test against a local server
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("mailpit %s: %d %s", path, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
