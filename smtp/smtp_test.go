package smtp

import (
	"context"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
)

func TestNew(t *testing.T) {
	cases := []struct {
		url, from string
		ok        bool
		addr      string
		implicit  bool
		user      string
	}{
		{"smtp://mail.acme.com:587", "hub@acme.com", true, "mail.acme.com:587", false, ""},
		{"smtp://mail.acme.com", "hub@acme.com", true, "mail.acme.com:25", false, ""},
		{"smtps://mail.acme.com", "Hub <hub@acme.com>", true, "mail.acme.com:465", true, ""},
		{"smtp://user%40acme.com:p%40ss@mail.acme.com:2525", "hub@acme.com", true, "mail.acme.com:2525", false, "user@acme.com"},
		{"http://mail.acme.com", "hub@acme.com", false, "", false, ""},
		{"smtp://", "hub@acme.com", false, "", false, ""},
		{"smtp://mail.acme.com:0", "hub@acme.com", false, "", false, ""},
		{"smtp://mail.acme.com:99999", "hub@acme.com", false, "", false, ""},
		{"smtp://mail.acme.com", "", false, "", false, ""},
		{"smtp://mail.acme.com", "not an address", false, "", false, ""},
	}
	for _, c := range cases {
		t.Run(c.url, func(t *testing.T) {
			m, err := New(Config{URL: c.url, From: c.from})
			if (err == nil) != c.ok {
				t.Fatalf("err = %v, want ok=%v", err, c.ok)
			}
			if err != nil {
				if strings.Contains(err.Error(), "p@ss") {
					t.Errorf("error shows the password: %v", err)
				}
				return
			}
			if m.Addr() != c.addr || m.implicit != c.implicit || m.user != c.user {
				t.Errorf("mailer = %+v", m)
			}
		})
	}
}

// A server that cannot be reached is EUNAVAILABLE (retried), quickly.
func TestSendServerDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	m, err := New(Config{URL: "smtp://" + addr, From: "hub@acme.com"})
	if err != nil {
		t.Fatal(err)
	}
	m.Timeout = time.Second
	err = m.Send(context.Background(), stagecraft.MailMessage{To: "rep@acme.com", Subject: "s", Text: "t"})
	if stagecraft.ErrorCode(err) != stagecraft.EUNAVAILABLE {
		t.Errorf("err = %v", err)
	}
	err = m.Send(context.Background(), stagecraft.MailMessage{To: "not an address", Subject: "s", Text: "t"})
	if stagecraft.ErrorCode(err) != stagecraft.EINVALID {
		t.Errorf("bad recipient: %v", err)
	}
}

// With credentials in the URL the mailer authenticates (Mailpit accepts
// any); without, it sends without AUTH.
func TestSendThroughMailpit(t *testing.T) {
	u := os.Getenv("TEST_SMTP_URL")
	if u == "" {
		t.Skip("TEST_SMTP_URL is not set: run `eval \"$(scripts/mailpit.sh start DIR)\"` (make test does)")
	}
	for _, url := range []string{u, strings.Replace(u, "smtp://", "smtp://user:secret@", 1)} {
		m, err := New(Config{URL: url, From: "Stagecraft <hub@acme.com>"})
		if err != nil {
			t.Fatal(err)
		}
		err = m.Send(context.Background(), stagecraft.MailMessage{To: "smtp-test@acme.com", Subject: "Hello",
			Text: "plain", HTML: "<p>html</p>"})
		if err != nil {
			t.Errorf("%s: %v", url, err)
		}
	}
}
