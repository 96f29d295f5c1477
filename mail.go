package stagecraft

import "context"

// MailMessage is one email: a plain-text part always, HTML optionally.
type MailMessage struct {
	To      string
	Subject string
	Text    string
	HTML    string
}

// Mailer sends email.
type Mailer interface {
	// Send delivers m or returns why it could not; EUNAVAILABLE when the
	// mail server cannot be reached.
	Send(ctx context.Context, m MailMessage) error
}
