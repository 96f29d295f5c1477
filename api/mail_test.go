package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft/smtp"
)

// With SMTP configured, a password reset sends real mail: read back
// through Mailpit's API.
func TestPasswordResetMailThroughSMTP(t *testing.T) {
	smtpURL, api := os.Getenv("TEST_SMTP_URL"), os.Getenv("TEST_MAILPIT_API")
	if smtpURL == "" || api == "" {
		t.Skip("TEST_SMTP_URL and TEST_MAILPIT_API are not set: run `eval \"$(scripts/mailpit.sh start DIR)\"` (make test does)")
	}
	m, err := smtp.New(smtp.Config{URL: smtpURL, From: "Stagecraft <noreply@hub.example>"})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, withMailer(m))
	if got := e.status("POST", "/api/v1/auth/password-reset", "", map[string]string{"email": e.rep.Email}); got != http.StatusAccepted {
		t.Fatalf("reset: %d", got)
	}
	var text string
	deadline := time.Now().Add(10 * time.Second)
	for text == "" && time.Now().Before(deadline) {
		var list struct {
			Messages []struct {
				ID      string
				Subject string
			}
		}
		resp, err := http.Get(api + "/api/v1/search?query=" + url.QueryEscape("to:"+e.rep.Email)) //nolint:noctx,gosec // G704: the test's own local Mailpit
		if err != nil {
			t.Fatal(err)
		}
		err = json.NewDecoder(resp.Body).Decode(&list)
		_ = resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Messages) == 0 {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		if list.Messages[0].Subject != "Reset your Stagecraft password" {
			t.Errorf("subject = %q", list.Messages[0].Subject)
		}
		var msg struct{ Text string }
		resp, err = http.Get(api + "/api/v1/message/" + list.Messages[0].ID) //nolint:noctx,gosec // G704: the test's own local Mailpit
		if err != nil {
			t.Fatal(err)
		}
		err = json.NewDecoder(resp.Body).Decode(&msg)
		_ = resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		text = msg.Text
	}
	if !strings.Contains(text, e.srv.URL) || !strings.Contains(text, "token=") {
		t.Errorf("no reset link in the mail:\n%s", text)
	}
}
