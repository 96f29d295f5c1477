// Package smtp sends Stagecraft's mail through an SMTP server (via
// wneessen/go-mail). It implements stagecraft.Mailer.
package smtp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/stagecraft/stagecraft"
)

var _ stagecraft.Mailer = (*Mailer)(nil)

// Mailer sends mail through one SMTP server.
type Mailer struct {
	host     string
	port     int
	implicit bool // smtps://: TLS from the first byte
	user     string
	password string
	from     string
	// Timeout bounds connecting and each SMTP exchange.
	Timeout time.Duration
}

// Config names the server and the sender.
type Config struct {
	// URL is smtp://[user:pass@]host[:port] (port 25 by default; STARTTLS
	// when the server offers it) or smtps://[user:pass@]host[:port]
	// (implicit TLS, port 465 by default). AUTH is used only when
	// credentials are given.
	URL string
	// From is the sender address, e.g. "Stagecraft <hub@acme.com>".
	From string
}

// New checks an SMTP_URL and returns a Mailer for it, without
// connecting.
func New(cfg Config) (*Mailer, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, errors.New("not a URL")
	}
	m := &Mailer{host: u.Hostname(), from: cfg.From, Timeout: 15 * time.Second}
	switch u.Scheme {
	case "smtp":
		m.port = 25
	case "smtps":
		m.port, m.implicit = 465, true
	default:
		return nil, fmt.Errorf("scheme %q is not smtp or smtps", u.Scheme)
	}
	if m.host == "" {
		return nil, errors.New("no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("port %q is not a number from 1 to 65535", p)
		}
		m.port = n
	}
	if u.User != nil {
		m.user = u.User.Username()
		m.password, _ = u.User.Password()
	}
	if m.from == "" {
		return nil, errors.New("a sender address (MAIL_FROM) is required")
	}
	if err := mail.NewMsg().From(m.from); err != nil {
		return nil, fmt.Errorf("MAIL_FROM %q is not an address: %w", m.from, err)
	}
	return m, nil
}

// Addr returns host:port, for logs.
func (m *Mailer) Addr() string { return net.JoinHostPort(m.host, strconv.Itoa(m.port)) }

// Send delivers msg. Returns EINVALID for an address the message cannot be
// built with, EUNPROCESSABLE when the server refuses it for good (5xx),
// and EUNAVAILABLE when the server cannot be reached or asks to try later.
func (m *Mailer) Send(ctx context.Context, msg stagecraft.MailMessage) error {
	mm := mail.NewMsg()
	if err := mm.From(m.from); err != nil {
		return stagecraft.Errorf(stagecraft.EINVALID, "The sender address is not valid.")
	}
	if err := mm.To(msg.To); err != nil {
		return &stagecraft.Error{Code: stagecraft.EINVALID, Message: "The recipient address is not valid.", Err: err}
	}
	mm.Subject(msg.Subject)
	mm.SetDate()
	mm.SetMessageID()
	mm.SetBodyString(mail.TypeTextPlain, msg.Text)
	if msg.HTML != "" {
		mm.AddAlternativeString(mail.TypeTextHTML, msg.HTML)
	}
	opts := []mail.Option{mail.WithPort(m.port), mail.WithTimeout(m.Timeout)}
	if m.implicit {
		opts = append(opts, mail.WithSSL())
	} else {
		// STARTTLS when the server offers it, plain otherwise.
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	}
	if m.user != "" {
		// The strongest mechanism the server offers; over a connection
		// without TLS that excludes those sending the password in clear
		// (PLAIN, LOGIN), except to a server on this machine.
		auth := mail.SMTPAuthAutoDiscover
		if ip := net.ParseIP(m.host); m.host == "localhost" || (ip != nil && ip.IsLoopback()) {
			auth = mail.SMTPAuthPlain
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(m.user), mail.WithPassword(m.password))
	}
	c, err := mail.NewClient(m.host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*m.Timeout)
	defer cancel()
	if err := c.DialAndSendWithContext(ctx, mm); err != nil {
		var se *mail.SendError
		// A recipient refused for good (5xx to RCPT TO) stays refused;
		// anything else (the server down, a 4xx, a refused sender that an
		// operator may fix) is worth another try.
		if errors.As(err, &se) && !se.IsTemp() && se.Reason == mail.ErrSMTPRcptTo {
			return &stagecraft.Error{Code: stagecraft.EUNPROCESSABLE, Message: "The mail server refused the recipient.", Err: err}
		}
		return stagecraft.Unavailable("mail", err)
	}
	return nil
}
