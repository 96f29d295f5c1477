package notify

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/stagecraft/stagecraft"
)

// when formats a notification's time for people, in UTC (users' time
// zones are not known).
func when(t time.Time) string { return t.UTC().Format("Mon 2 Jan 2006, 15:04 MST") }

// EmailMessage renders the mail for one notification: the subject says
// what happened (the title names who and what); the text adds the
// details, when, and the link to open.
func EmailMessage(to string, n *stagecraft.Notification, settingsURL string) stagecraft.MailMessage {
	var b strings.Builder
	b.WriteString(n.Title + "\n\n")
	if n.Body != "" {
		b.WriteString(n.Body + "\n\n")
	}
	fmt.Fprintf(&b, "When: %s\n", when(n.CreatedAt))
	if n.URL != "" {
		fmt.Fprintf(&b, "Open: %s\n", n.URL)
	}
	footer(&b, settingsURL)
	return stagecraft.MailMessage{To: to, Subject: oneLine(n.Title), Text: b.String(),
		HTML: render(emailHTML, map[string]any{"Items": []*stagecraft.Notification{n}, "Settings": settingsURL, "Single": true})}
}

// DigestMessage renders a daily digest of ns (oldest first).
func DigestMessage(to string, ns []*stagecraft.Notification, settingsURL string) stagecraft.MailMessage {
	subject := fmt.Sprintf("Stagecraft daily digest: %d notifications", len(ns))
	if len(ns) == 1 {
		subject = "Stagecraft daily digest: " + oneLine(ns[0].Title)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "What happened since your last digest (%d):\n", len(ns))
	for _, n := range ns {
		fmt.Fprintf(&b, "\n- %s\n  %s\n", n.Title, when(n.CreatedAt))
		if n.Body != "" {
			fmt.Fprintf(&b, "  %s\n", strings.ReplaceAll(n.Body, "\n", "\n  "))
		}
		if n.URL != "" {
			fmt.Fprintf(&b, "  Open: %s\n", n.URL)
		}
	}
	footer(&b, settingsURL)
	return stagecraft.MailMessage{To: to, Subject: subject, Text: b.String(),
		HTML: render(emailHTML, map[string]any{"Items": ns, "Settings": settingsURL, "Single": false})}
}

func footer(b *strings.Builder, settingsURL string) {
	if settingsURL != "" {
		fmt.Fprintf(b, "\n--\nChoose which notifications you get, and how: %s\n", settingsURL)
	}
}

// oneLine makes s fit a Subject header: one line, at most 200 characters.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:199]) + "…"
	}
	return s
}

var emailHTML = template.Must(template.New("mail").Funcs(template.FuncMap{"when": when}).Parse(`<!doctype html>
<html><body style="font-family: sans-serif; color: #222; max-width: 600px">
{{range .Items}}<div style="margin: 0 0 20px">
<p style="font-size: 16px; margin: 0 0 6px"><strong>{{.Title}}</strong></p>
{{if .Body}}<p style="margin: 0 0 6px; white-space: pre-line">{{.Body}}</p>{{end}}
<p style="margin: 0 0 6px; color: #666">{{when .CreatedAt}}</p>
{{if .URL}}<p style="margin: 0"><a href="{{.URL}}">Open in Stagecraft</a></p>{{end}}
</div>{{end}}
{{if .Settings}}<p style="color: #888; font-size: 12px">Choose which notifications you get, and how: <a href="{{.Settings}}">notification settings</a></p>{{end}}
</body></html>`))

func render(t *template.Template, data any) string {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "" // the text part is enough
	}
	return b.String()
}

// SlackText renders a notification as the text of a Slack-format message
// (mrkdwn): the title in bold, the details, when, and a link to open.
func SlackText(n *stagecraft.Notification) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*", slackEscape(oneLine(n.Title)))
	if n.Body != "" {
		b.WriteString("\n" + slackEscape(n.Body))
	}
	b.WriteString("\n" + when(n.CreatedAt))
	if n.URL != "" {
		fmt.Fprintf(&b, " · <%s|Open in Stagecraft>", strings.NewReplacer("|", "%7C", ">", "%3E", "<", "%3C").Replace(n.URL))
	}
	return b.String()
}

// slackEscape escapes the three characters Slack's mrkdwn gives meaning
// to, so names cannot make links or mentions.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
