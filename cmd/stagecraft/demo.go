package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/auth"
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
	// reading is how long a prospect typically spends on each page, in
	// seconds; its length is the page count. Nil for files without pages,
	// which are not shared as links.
	reading []int
	body    func(date time.Time) ([]byte, error)
}

func brochurePDF(f func(time.Time) *brochure) func(time.Time) ([]byte, error) {
	return func(date time.Time) ([]byte, error) { return f(date).bytes(), nil }
}

func deckPPTX(f func(time.Time) *deck) func(time.Time) ([]byte, error) {
	return func(date time.Time) ([]byte, error) { return f(date).bytes() }
}

func text(s string) func(time.Time) ([]byte, error) {
	return func(time.Time) ([]byte, error) { return []byte(strings.TrimLeft(s, "\n")), nil }
}

// demoDescriptions say what each demo asset is for and when to send it,
// as a marketer would write them for reps.
var demoDescriptions = map[string]string{
	"acme-platform-overview.pptx": "The first meeting deck: the problem, the platform, three customer results. Send before a first call.",
	"discovery-call.pptx":         "Questions and talk track for the discovery call, with the qualification checklist.",
	"security-whitepaper.pdf":     "Architecture, controls and certifications for security reviews. Send when IT or a CISO joins the deal.",
	"northwind-case-study.pdf":    "How Northwind Health took forecast accuracy from 71% to 93% in two quarters. Strongest in healthcare evaluations.",
	"globex-battlecard.pdf":       "Where Acme wins against Globex, the traps to avoid and the questions to ask. For reps, not for prospects.",
	"roi-guide.pdf":               "A worked ROI model the buyer can fill in with their own numbers, for the business case.",
	"implementation-plan.pdf":     "Two weeks from kickoff to the first forecast: milestones, owners and sign-off, to show what happens after they sign.",
	"pricing-2026.csv":            "List prices and discount bands for 2026. Negotiation stage only.",
}

// demoAssets are the demo library: two decks and five documents made by
// the generators (designed covers, headings, tables and charts, several
// pages each, so thumbnails, previews and page analytics look real) and
// the pricing sheet as the spreadsheet-like file it would be. The decks
// are converted by LibreOffice when the server indexes them, a few
// seconds each, so there are only two.
var demoAssets = []demoAsset{
	{"acme-platform-overview.pptx", "Acme Platform Overview", []string{"prospecting", "discovery"},
		[]string{"economic_buyer", "executive_sponsor"}, nil, []string{"acme_platform"}, []string{"overview", "deck"},
		[]int{18, 26, 34, 30, 48, 36, 20, 32, 55, 14}, deckPPTX(platformOverview)},
	{"discovery-call.pptx", "Discovery Call Deck", []string{"discovery"},
		[]string{"champion", "end_user"}, nil, []string{"acme_platform"}, []string{"playbook", "deck"},
		[]int{14, 22, 36, 44, 30, 26, 38}, deckPPTX(discoveryDeck)},
	{"security-whitepaper.pdf", "Security and Compliance Whitepaper", []string{"evaluation"},
		[]string{"technical_buyer"}, []string{"financial_services", "healthcare"}, []string{"acme_platform"}, []string{"security"},
		[]int{12, 38, 72, 48, 88, 44, 34, 28}, brochurePDF(securityWhitepaper)},
	{"northwind-case-study.pdf", "Case Study: Northwind Health", []string{"evaluation", "proposal"},
		[]string{"champion", "economic_buyer"}, []string{"healthcare"}, []string{"acme_analytics"}, []string{"case-study"},
		[]int{14, 44, 36, 82, 28}, brochurePDF(northwindCaseStudy)},
	{"globex-battlecard.pdf", "Competitive Battlecard: Acme vs Globex", []string{"evaluation"},
		[]string{"champion", "technical_buyer"}, nil, []string{"acme_platform"}, []string{"competitive"},
		[]int{10, 70, 58, 40}, brochurePDF(globexBattlecard)},
	{"roi-guide.pdf", "ROI Calculator Guide", []string{"proposal"},
		[]string{"economic_buyer"}, nil, []string{"acme_platform", "acme_analytics"}, []string{"roi"},
		[]int{12, 50, 86, 42, 74}, brochurePDF(roiGuide)},
	{"pricing-2026.csv", "Pricing Sheet 2026", []string{"negotiation"},
		[]string{"procurement", "economic_buyer"}, nil, []string{"acme_platform", "acme_analytics", "acme_connect"}, []string{"pricing"},
		nil, text(`
product,edition,price_per_seat_usd
Acme Platform,Team,45
Acme Platform,Enterprise,79
Acme Analytics,Add-on,25
Acme Connect,Add-on,15
`)},
	{"implementation-plan.pdf", "Implementation Plan Template", []string{"proposal", "negotiation"},
		[]string{"technical_buyer", "end_user"}, nil, []string{"acme_platform"}, []string{"onboarding"},
		[]int{12, 62, 34, 46, 52}, brochurePDF(implementationPlan)},
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
	now := time.Now().UTC()
	assets := map[string]string{}
	var shared []demoShared
	for i, d := range demoAssets {
		fmt.Fprintf(stdout, "demo content %d/%d: %s\n", i+1, len(demoAssets), d.filename)
		body, err := d.body(now)
		if err != nil {
			return err
		}
		id := library.NewAssetID()
		f, err := app.Library.StoreFile(ctx, marketer, id, d.filename, bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("demo asset %s: %w", d.filename, err)
		}
		meta := stagecraft.AssetMeta{Title: d.title, Description: demoDescriptions[d.filename], Stages: d.stages,
			Personas: d.personas, Industries: d.industries, Products: d.products, Tags: d.tags}
		a, err := app.Library.CreateAsset(ctx, marketer, id, meta, f)
		if err != nil {
			return fmt.Errorf("demo asset %s: %w", d.filename, err)
		}
		assets[d.filename] = id
		if d.reading != nil {
			shared = append(shared, demoShared{file: d.filename, title: d.title, assetID: a.ID, versionID: f.Version.ID, reading: d.reading})
		}
	}
	fmt.Fprintln(stdout, "demo deals and usage: 80 deals, stage by stage, with shared links and their visits…")
	sharer := newDemoSharer(app, rep, shared, now)
	if err := seedDemoUsage(ctx, app.DB, org.ID, rep, assets, sharer); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo links: %d shared, %d visits, %d page reports\n", sharer.links, sharer.visits, sharer.beacons)
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
