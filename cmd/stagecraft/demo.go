package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/auth"
	"github.com/stagecraft/stagecraft/internal/pdfgen"
	"github.com/stagecraft/stagecraft/library"
)

// The demo organisation's sign-ins. The password is public on purpose:
// the demo is for trying Stagecraft on a laptop, never for production.
const (
	demoAdmin    = "admin@demo.stagecraft.dev"
	demoMarketer = "marketer@demo.stagecraft.dev"
	demoRep      = "rep@demo.stagecraft.dev"
	demoPassword = "stagecraft-demo"
)

type demoAsset struct {
	filename   string
	title      string
	stages     []string
	personas   []string
	industries []string
	products   []string
	tags       []string
	body       func() []byte
}

func pdf(title string, pages ...[]string) func() []byte {
	return func() []byte { return pdfgen.Document{Title: title, Author: "Acme Marketing", Pages: pages}.Bytes() }
}

func text(s string) func() []byte { return func() []byte { return []byte(strings.TrimLeft(s, "\n")) } }

var demoAssets = []demoAsset{
	{"acme-platform-overview.pdf", "Acme Platform Overview", []string{"prospecting", "discovery"},
		[]string{"economic_buyer", "executive_sponsor"}, nil, []string{"acme_platform"}, []string{"overview"},
		pdf("Acme Platform Overview",
			[]string{"Acme Platform Overview", "", "One platform for revenue teams: pipeline, forecasting and analytics.",
				"Customers cut reporting time by 60% in their first quarter."},
			[]string{"Why Acme", "", "Deploys in two weeks. Integrates with Salesforce and HubSpot.",
				"SOC 2 Type II certified; data stays in your region."})},
	{"security-whitepaper.pdf", "Security and Compliance Whitepaper", []string{"evaluation"},
		[]string{"technical_buyer"}, []string{"financial_services", "healthcare"}, []string{"acme_platform"}, []string{"security"},
		pdf("Security and Compliance Whitepaper",
			[]string{"Security and Compliance", "", "Encryption at rest (AES-256) and in transit (TLS 1.3).",
				"Single sign-on with SAML and OIDC; SCIM provisioning.", "Annual penetration tests by an independent firm."})},
	{"northwind-case-study.pdf", "Case Study: Northwind Health", []string{"evaluation", "proposal"},
		[]string{"champion", "economic_buyer"}, []string{"healthcare"}, []string{"acme_analytics"}, []string{"case-study"},
		pdf("Case Study: Northwind Health",
			[]string{"Northwind Health", "", "Northwind consolidated twelve reporting tools into Acme Analytics.",
				"Result: forecast accuracy up from 71% to 93% in two quarters."})},
	{"globex-battlecard.pdf", "Competitive Battlecard: Acme vs Globex", []string{"evaluation"},
		[]string{"champion", "technical_buyer"}, nil, []string{"acme_platform"}, []string{"competitive"},
		pdf("Competitive Battlecard: Acme vs Globex",
			[]string{"Acme vs Globex", "", "Globex needs a six-month implementation; Acme goes live in two weeks.",
				"Globex charges per report; Acme pricing is per seat with unlimited reports."})},
	{"discovery-questions.md", "Discovery Call Questions", []string{"discovery"},
		[]string{"champion", "end_user"}, nil, nil, []string{"playbook"},
		text(`
# Discovery call questions

1. How do you build your forecast today, and how long does it take?
2. Which reports does leadership ask for every week?
3. What happens when a deal slips a quarter?
`)},
	{"roi-guide.md", "ROI Calculator Guide", []string{"proposal"},
		[]string{"economic_buyer"}, nil, []string{"acme_platform", "acme_analytics"}, []string{"roi"},
		text(`
# Building the ROI case

Hours saved per analyst per week x analysts x loaded hourly cost = annual savings.
Typical customers recover the licence cost within seven months.
`)},
	{"pricing-2026.csv", "Pricing Sheet 2026", []string{"negotiation"},
		[]string{"procurement", "economic_buyer"}, nil, []string{"acme_platform", "acme_analytics", "acme_connect"}, []string{"pricing"},
		text(`
product,edition,price_per_seat_usd
Acme Platform,Team,45
Acme Platform,Enterprise,79
Acme Analytics,Add-on,25
Acme Connect,Add-on,15
`)},
	{"implementation-plan.txt", "Implementation Plan Template", []string{"proposal", "negotiation"},
		[]string{"technical_buyer", "end_user"}, nil, []string{"acme_platform"}, []string{"onboarding"},
		text(`
Implementation plan (two weeks)
Week 1: connect the CRM, import history, configure pipeline stages.
Week 2: train managers, build the first forecast, go live.
`)},
}

// cmdDemo creates the demo organisation, its users and its collateral. It
// does nothing when the demo admin exists already.
func cmdDemo(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	app, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.Close()
	if _, err := app.DB.FindCredentialByEmail(ctx, demoAdmin); err == nil {
		printDemoLogin(stdout, cfg, false)
		return nil
	} else if stagecraft.ErrorCode(err) != stagecraft.ENOTFOUND {
		return err
	}
	org, admin, err := createOrg(ctx, app.DB, "Acme Demo", demoAdmin, demoPassword, "Ada Admin")
	if err != nil {
		return fmt.Errorf("create demo organisation: %w", err)
	}
	tax := stagecraft.DefaultTaxonomy()
	tax.Products = []stagecraft.Term{
		{Key: "acme_platform", Label: "Acme Platform", Order: 1},
		{Key: "acme_analytics", Label: "Acme Analytics", Order: 2},
		{Key: "acme_connect", Label: "Acme Connect", Order: 3},
	}
	if err := app.DB.ReplaceTaxonomy(ctx, org.ID, &tax); err != nil {
		return err
	}
	var marketer, rep *stagecraft.User
	for _, u := range []stagecraft.NewUser{
		{Email: demoMarketer, Name: "Mia Marketer", Role: stagecraft.RoleMarketer, Password: demoPassword},
		{Email: demoRep, Name: "Ray Rep", Role: stagecraft.RoleRep, Password: demoPassword},
	} {
		hash, err := auth.HashPassword(u.Password)
		if err != nil {
			return err
		}
		created, err := app.DB.CreateUser(ctx, org.ID, u, hash)
		if err != nil {
			return fmt.Errorf("create demo user %s: %w", u.Email, err)
		}
		switch created.Role {
		case stagecraft.RoleMarketer:
			marketer = created
		case stagecraft.RoleRep:
			rep = created
		}
	}
	_ = admin
	assets := map[string]string{}
	for i, d := range demoAssets {
		fmt.Fprintf(stdout, "demo content %d/%d: %s\n", i+1, len(demoAssets), d.filename)
		id := library.NewAssetID()
		f, err := app.Library.StoreFile(ctx, marketer, id, d.filename, bytes.NewReader(d.body()))
		if err != nil {
			return fmt.Errorf("demo asset %s: %w", d.filename, err)
		}
		meta := stagecraft.AssetMeta{Title: d.title, Stages: d.stages, Personas: d.personas,
			Industries: d.industries, Products: d.products, Tags: d.tags}
		if _, err := app.Library.CreateAsset(ctx, marketer, id, meta, f); err != nil {
			return fmt.Errorf("demo asset %s: %w", d.filename, err)
		}
		assets[d.filename] = id
	}
	fmt.Fprintln(stdout, "demo deals and usage: 80 deals, stage by stage…")
	if err := seedDemoUsage(ctx, app.DB, org.ID, rep, assets); err != nil {
		return err
	}
	printDemoLogin(stdout, cfg, true)
	return nil
}

func printDemoLogin(w io.Writer, cfg Config, created bool) {
	state := "is ready"
	if created {
		state = "was created"
	}
	fmt.Fprintf(w, `
The demo organisation "Acme Demo" %s. Sign in at %s with
  admin:    %s
  marketer: %s
  rep:      %s
  password: %s (all three)
`, state, cfg.PublicURL, demoAdmin, demoMarketer, demoRep, demoPassword)
}
