package main

import (
	"strings"
	"testing"
)

func TestLoadConfigMailAndOutbound(t *testing.T) {
	c, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPURL != "" || c.MailFrom != "Stagecraft <noreply@localhost>" || c.OutboundAllowPrivate || c.DeliveryWorkers != 10 {
		t.Errorf("defaults = %q %q %v %d", c.SMTPURL, c.MailFrom, c.OutboundAllowPrivate, c.DeliveryWorkers)
	}
	c, err = loadConfig(env(map[string]string{
		"PUBLIC_URL": "https://hub.acme.com", "SMTP_URL": "smtps://u:p@mail.acme.com",
		"OUTBOUND_ALLOW_PRIVATE": "true", "DELIVERY_WORKERS": "3",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPURL != "smtps://u:p@mail.acme.com" || c.MailFrom != "Stagecraft <noreply@hub.acme.com>" ||
		!c.OutboundAllowPrivate || c.DeliveryWorkers != 3 {
		t.Errorf("values = %+v", c)
	}
	for name, value := range map[string]string{
		"SMTP_URL":               "http://mail.acme.com",
		"OUTBOUND_ALLOW_PRIVATE": "sometimes",
		"DELIVERY_WORKERS":       "0",
	} {
		_, err := loadConfig(env(map[string]string{name: value}))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: %v", name, value, err)
		}
	}
	_, err = loadConfig(env(map[string]string{"SMTP_URL": "smtp://u:hunter2@mail.acme.com", "MAIL_FROM": "not an address"}))
	if err == nil || !strings.Contains(err.Error(), "SMTP_URL") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("bad MAIL_FROM: %v", err)
	}
}
