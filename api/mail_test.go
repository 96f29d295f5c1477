package api_test

import (
	"net/http"
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
	var subject, text string
	for deadline := time.Now().Add(10 * time.Second); text == "" && time.Now().Before(deadline); {
		if subject, text = newestMail(t, api, e.rep.Email); text == "" {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if subject != "Reset your Stagecraft password" {
		t.Errorf("subject = %q", subject)
	}
	if !strings.Contains(text, e.srv.URL) || !strings.Contains(text, "token=") {
		t.Errorf("no reset link in the mail:\n%s", text)
	}
}
