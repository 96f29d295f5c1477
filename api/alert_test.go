package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft/api"
	"github.com/stagecraft/stagecraft/smtp"
)

// TestVisitAlertReachesMailAndSlack: a prospect who starts reading a
// shared deck alerts its sharer in the app, by mail (read back from a real
// SMTP server, Mailpit) and by a Slack-format message (a local receiver),
// within seconds; the visit then shows the time per page.
func TestVisitAlertReachesMailAndSlack(t *testing.T) {
	smtpURL, mailpit := os.Getenv("TEST_SMTP_URL"), os.Getenv("TEST_MAILPIT_API")
	if smtpURL == "" || mailpit == "" {
		t.Skip("TEST_SMTP_URL and TEST_MAILPIT_API are not set: run `eval \"$(scripts/mailpit.sh start DIR)\"` (make test does)")
	}
	m, err := smtp.New(smtp.Config{URL: smtpURL, From: "Stagecraft <noreply@hub.example>"})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var slack []string
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var msg struct{ Text string }
		if json.Unmarshal(b, &msg) != nil || msg.Text == "" {
			http.Error(w, "no text", http.StatusBadRequest)
			return
		}
		mu.Lock()
		slack = append(slack, msg.Text)
		mu.Unlock()
	}))
	t.Cleanup(receiver.Close)

	e := newEnv(t, withMailer(m), withQueue(), withTrustedProxies("127.0.0.1", "::1"))
	e.json(e.do("PUT", "/api/v1/me/notification-settings", e.repTok, map[string]any{"slack_webhook_url": receiver.URL + "/hooks/T1"}),
		http.StatusOK, nil)
	a := e.createAsset(e.marketerTok, "deck.pdf", multiPagePDF("Northwind proposal", 3), field("title", "Northwind proposal"))
	e.indexAll()
	e.previewAll()
	l := e.share(e.repTok, map[string]any{"asset_id": a.ID, "require_email": true})

	start := time.Now()
	b := e.browser("203.0.113.40")
	e.page(b.access(l.Token, "cio@northwind.example", ""), http.StatusNoContent)
	e.page(b.get("/l/"+l.Token), http.StatusOK)
	e.page(b.beacon(l.Token, "sess-alert-01", 1, 0), http.StatusNoContent)

	// In the app at once.
	var notes api.NotificationList
	e.json(e.do("GET", "/api/v1/notifications?unread=true", e.repTok, nil), http.StatusOK, &notes)
	if len(notes.Items) != 1 || !strings.Contains(notes.Items[0].Title, "cio@northwind.example") ||
		notes.Items[0].Data["visitor_email"] != "cio@northwind.example" {
		t.Fatalf("notifications = %+v", notes.Items)
	}

	// By mail and in Slack, well within the minute.
	deadline := start.Add(60 * time.Second)
	var mail string
	for mail == "" && time.Now().Before(deadline) {
		_, mail = newestMail(t, mailpit, e.rep.Email)
		if mail == "" {
			time.Sleep(100 * time.Millisecond)
		}
	}
	for _, want := range []string{"cio@northwind.example", "Northwind proposal", "/links/" + l.ID + "?visit="} {
		if !strings.Contains(mail, want) {
			t.Errorf("mail lacks %q:\n%s", want, mail)
		}
	}
	var got []string
	for time.Now().Before(deadline) {
		mu.Lock()
		got = append(got[:0], slack...)
		mu.Unlock()
		if len(got) > 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(got) != 1 || !strings.Contains(got[0], "Northwind proposal") || !strings.Contains(got[0], "cio@northwind.example") {
		t.Errorf("Slack messages = %q", got)
	}
	t.Logf("visit start to mail and Slack: %v", time.Since(start).Round(time.Millisecond))

	// Reading goes on: the same visit, no second alert, time per page.
	time.Sleep(1100 * time.Millisecond)
	e.page(b.beacon(l.Token, "sess-alert-01", 2, 1), http.StatusNoContent)
	var vs api.VisitList
	e.json(e.do("GET", "/api/v1/links/"+l.ID+"/visits", e.repTok, nil), http.StatusOK, &vs)
	if len(vs.Items) != 1 || len(vs.Items[0].Pages) != 1 || vs.Items[0].Pages[0].Page != 2 || vs.Items[0].Pages[0].Seconds != 1 {
		t.Errorf("visits = %+v", vs.Items)
	}
	e.json(e.do("GET", "/api/v1/notifications", e.repTok, nil), http.StatusOK, &notes)
	if len(notes.Items) != 1 {
		t.Errorf("%d notifications after more reading, want 1", len(notes.Items))
	}
}

// newestMail is the subject and text of the newest mail to addr in
// Mailpit, or "" and "".
func newestMail(t *testing.T, mailpit, addr string) (subject, text string) {
	t.Helper()
	var list struct {
		Messages []struct{ ID, Subject string }
	}
	resp, err := http.Get(mailpit + "/api/v1/search?query=" + url.QueryEscape("to:"+addr)) //nolint:noctx,gosec // G704: the test's own local Mailpit
	if err != nil {
		t.Fatal(err)
	}
	err = json.NewDecoder(resp.Body).Decode(&list)
	_ = resp.Body.Close()
	if err != nil || len(list.Messages) == 0 {
		return "", ""
	}
	var msg struct{ Text string }
	resp, err = http.Get(mailpit + "/api/v1/message/" + list.Messages[0].ID) //nolint:noctx,gosec // G704: the test's own local Mailpit
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if err := json.NewDecoder(resp.Body).Decode(&msg); err != nil {
		t.Fatal(err)
	}
	return list.Messages[0].Subject, msg.Text
}
