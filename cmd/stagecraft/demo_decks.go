package main

import (
	"fmt"
	"time"

	"github.com/stagecraft/stagecraft/internal/pptxgen"
)

// platformOverview is the first-meeting deck: ten slides on the problem,
// the platform, proof, integrations, security and plans.
func platformOverview(date time.Time) *deck {
	d := newDeck("Acme Platform Overview", "One platform for revenue teams: pipeline, forecasting and analytics.", date)
	d.cover("Platform overview", "Acme Platform Overview", "One platform for revenue teams: pipeline, forecasting and analytics.")

	s := d.slide("Revenue teams are flying blind")
	tiles(s, deckTop+12, kpi{"67%", "of sales leaders do not trust their own forecast"},
		kpi{"6 hours", "a week each manager spends building reports"}, kpi{"1 in 4", "deals slip a quarter without anyone noticing"})
	bullets(s, pptxgen.Box{X: deckMargin, Y: 270, W: deckWidth, H: 220}, 20,
		"Pipeline data lives in the CRM, spreadsheets and a dozen dashboards that never agree.",
		"Forecast calls become debates about whose number is right, not how to win deals.",
		"Leaders find out a quarter is lost when it is already over.")

	s = d.slide("One platform for the whole revenue team")
	cards(s, deckTop+14, 290,
		card{"Pipeline", "Every deal's health at a glance, flagged each morning.", brandTeal,
			[]string{"Deals without a next step", "Slipping close dates", "Stalled stages by owner"}},
		card{"Forecasting", "An AI-assisted call per team, with the deals that move it.", brandBlue,
			[]string{"Commit, best case and pipeline", "Changes since last week, explained", "Roll-ups by region and product"}},
		card{"Analytics", "Conversion and velocity by segment, product and rep.", brandAmber,
			[]string{"Win rates and cycle times", "Stage-to-stage conversion", "Shared dashboards for finance"}})
	s.Text(pptxgen.Box{X: deckMargin, Y: 436, W: deckWidth, H: 40}, pptxgen.Para{
		Text: "One data model, one login, one number for sales, finance and the board.", Size: 18, Bold: true, Color: col(brandBlue)})

	s = d.slide("How it works")
	for i, st := range []struct{ head, text string }{
		{"Connect", "Salesforce, HubSpot or Dynamics in an afternoon through Acme Connect; no code."},
		{"Model", "Acme learns your sales motion from two years of history and scores every open deal."},
		{"Act", "Managers coach on the deals that matter; leaders call the quarter with confidence."},
	} {
		x := deckMargin + float64(i)*290
		s.Add(pptxgen.Shape{Box: pptxgen.Box{X: x, Y: deckTop + 20, W: 270, H: 80}, Geom: pptxgen.Chevron,
			Fill: col([]string{brandTeal, brandBlue, brandNavy}[i]), Anchor: pptxgen.Middle,
			Paras: []pptxgen.Para{{Text: st.head, Size: 24, Bold: true, Color: col(brandWhite), Align: pptxgen.Center}}})
		s.Text(pptxgen.Box{X: x + 10, Y: deckTop + 124, W: 250, H: 160}, pptxgen.Para{Text: st.text, Size: 17, Color: col(brandBody)})
	}
	s.Add(pptxgen.Shape{Box: pptxgen.Box{X: deckMargin, Y: 400, W: deckWidth, H: 70}, Geom: pptxgen.RoundRect, Fill: col(brandSky),
		Anchor: pptxgen.Middle, Inset: 18, Paras: []pptxgen.Para{{Text: "Live in two weeks: most customers run their first forecast call in Acme on day 14.",
			Size: 18, Bold: true, Color: col(brandNavy)}}})

	s = d.slide("Forecasts you can trust")
	columnChart(s, pptxgen.Box{X: deckMargin, Y: deckTop + 6, W: 520, H: 370}, "Forecast accuracy, customer average",
		[]string{"Before", "Q1", "Q2", "Q3", "Q4"}, []float64{72, 80, 87, 91, 93}, 100, func(v float64) string { return fmt.Sprintf("%.0f%%", v) }, 4)
	bullets(s, pptxgen.Box{X: 610, Y: deckTop + 10, W: 302, H: 360}, 17,
		"Every forecast call comes with the deals that moved it and why.",
		"Managers see risk by deal, not just by total.",
		"Finance plans on the same number sales commits to.")

	s = d.slide("Results our customers see")
	tiles(s, deckTop+12, kpi{"93%", "forecast accuracy at Northwind Health"}, kpi{"14 days", "median time to first forecast"},
		kpi{"6 hours", "saved per manager every week"}, kpi{"+18%", "win rate on qualified pipeline"})
	s.Add(pptxgen.Shape{Box: pptxgen.Box{X: deckMargin, Y: 280, W: deckWidth, H: 190}, Geom: pptxgen.RoundRect, Fill: col(brandMist),
		Inset: 24, Anchor: pptxgen.Middle, Paras: []pptxgen.Para{
			{Text: "“Acme gave us one number that sales, finance and the board all trust. Our forecast call takes thirty minutes instead of three hours.”",
				Size: 22, Italic: true, Color: col(brandNavy)},
			{Text: "Daniel Okafor, Chief Revenue Officer, Northwind Health", Size: 14, Bold: true, Color: col(brandGray), SpaceBefore: 12},
		}})

	s = d.slide("Connects to the tools you already use")
	for i, name := range []string{"Salesforce", "HubSpot", "Microsoft Dynamics", "Snowflake", "BigQuery", "Slack",
		"Microsoft Teams", "Gong", "Outreach", "Globex ERP", "Okta", "Zoom"} {
		x, y := deckMargin+float64(i%4)*219, deckTop+14+float64(i/4)*96
		s.Add(pptxgen.Shape{Box: pptxgen.Box{X: x, Y: y, W: 199, H: 78}, Geom: pptxgen.RoundRect, Fill: col(brandMist),
			Line: col(brandRule), Anchor: pptxgen.Middle,
			Paras: []pptxgen.Para{{Text: name, Size: 18, Bold: true, Color: col(brandNavy), Align: pptxgen.Center}}})
	}
	s.Text(pptxgen.Box{X: deckMargin, Y: 420, W: deckWidth, H: 40},
		pptxgen.Para{Text: "120+ native connectors, and an open API for everything else.", Size: 18, Color: col(brandBody)})

	s = d.slide("Enterprise-ready security")
	bullets(s, pptxgen.Box{X: deckMargin, Y: deckTop, W: 500, H: 370}, 18,
		"Encryption everywhere: TLS 1.3 in transit, AES-256 at rest, per-tenant keys.",
		"Single sign-on with SAML and OIDC; SCIM provisioning; MFA enforced.",
		"Your region: US, EU or UK, with data and backups kept there.",
		"99.95% uptime commitment, 24/7 security operations.")
	for i, badge := range []string{"SOC 2 Type II", "ISO/IEC 27001", "HIPAA BAA", "GDPR"} {
		s.Add(pptxgen.Shape{Box: pptxgen.Box{X: 600, Y: deckTop + 10 + float64(i)*88, W: 312, H: 70}, Geom: pptxgen.RoundRect,
			Fill: col(brandNavy), Anchor: pptxgen.Middle,
			Paras: []pptxgen.Para{{Text: badge, Size: 22, Bold: true, Color: col(brandWhite), Align: pptxgen.Center}}})
	}

	s = d.slide("Plans that grow with you")
	for i, p := range []struct{ name, price, text, color string }{
		{"Team", "$45", "Pipeline and forecast, standard reports, Salesforce or HubSpot, email support.", brandTeal},
		{"Enterprise", "$79", "Everything in Team, AI-assisted forecast, SSO and SCIM, audit log, 24/7 support.", brandBlue},
		{"Add-ons", "$15–25", "Acme Analytics ($25) and Acme Connect ($15), per seat per month.", brandAmber},
	} {
		x := deckMargin + float64(i)*297
		s.Add(pptxgen.Shape{Box: pptxgen.Box{X: x, Y: deckTop + 14, W: 277, H: 270}, Geom: pptxgen.RoundRect, Fill: col(brandMist)})
		s.Rect(pptxgen.Box{X: x, Y: deckTop + 14, W: 277, H: 8}, col(p.color))
		s.Add(pptxgen.Shape{Box: pptxgen.Box{X: x + 22, Y: deckTop + 40, W: 233, H: 236}, Paras: []pptxgen.Para{
			{Text: p.name, Size: 22, Bold: true, Color: col(brandNavy)},
			{Text: p.price, Size: 44, Bold: true, Color: col(p.color), SpaceBefore: 10},
			{Text: "per seat per month", Size: 13, Color: col(brandGray)},
			{Text: p.text, Size: 15, Color: col(brandBody), SpaceBefore: 18},
		}})
	}
	s.Add(pptxgen.Shape{Box: pptxgen.Box{X: deckMargin, Y: 414, W: deckWidth, H: 64}, Geom: pptxgen.RoundRect, Fill: col(brandSky),
		Anchor: pptxgen.Middle, Inset: 18, Paras: []pptxgen.Para{{Text: "Every plan: unlimited reports, two-week onboarding, annual billing in USD.",
			Size: 17, Bold: true, Color: col(brandNavy)}}})

	d.closing("Let's build your forecast", "A discovery call about your goals", "A tailored demo on your pipeline",
		"A two-week pilot on your own data")
	return d
}

// discoveryDeck is the rep's deck for a first discovery call: agenda,
// what we hear, questions, where time goes and the next steps.
func discoveryDeck(date time.Time) *deck {
	d := newDeck("Discovery Call Deck", "Agenda, questions and next steps for a first conversation with a prospect.", date)
	d.cover("Discovery call", "Let's understand your revenue process", "Agenda, questions and next steps for our first conversation.")

	s := d.slide("Today's agenda")
	for i, it := range []struct{ item, mins string }{
		{"Introductions", "5 min"}, {"Your goals and priorities this year", "15 min"}, {"How you forecast and review pipeline today", "15 min"},
		{"A short look at Acme", "10 min"}, {"Agree next steps", "5 min"},
	} {
		y := deckTop + 8 + float64(i)*72
		s.Add(pptxgen.Shape{Box: pptxgen.Box{X: deckMargin, Y: y, W: 50, H: 50}, Geom: pptxgen.Ellipse, Fill: col(brandBlue), Anchor: pptxgen.Middle,
			Paras: []pptxgen.Para{{Text: fmt.Sprint(i + 1), Size: 20, Bold: true, Color: col(brandWhite), Align: pptxgen.Center}}})
		s.Add(pptxgen.Shape{Box: pptxgen.Box{X: deckMargin + 70, Y: y, W: 600, H: 50}, Anchor: pptxgen.Middle,
			Paras: []pptxgen.Para{{Text: it.item, Size: 22, Color: col(brandInk)}}})
		s.Add(pptxgen.Shape{Box: pptxgen.Box{X: 790, Y: y + 8, W: 122, H: 34}, Geom: pptxgen.RoundRect, Fill: col(brandSky), Anchor: pptxgen.Middle,
			Paras: []pptxgen.Para{{Text: it.mins, Size: 15, Bold: true, Color: col(brandBlue), Align: pptxgen.Center}}})
	}

	s = d.slide("What we hear from revenue leaders")
	cards(s, deckTop+14, 170,
		card{"Forecast debates", "The call is spent arguing about the number, not changing it.", brandBlue,
			[]string{"Three versions of the number", "Calls that run past an hour"}},
		card{"Reporting eats the week", "Managers build slides on Sunday night instead of coaching.", brandTeal,
			[]string{"Six hours a week per manager", "Analysts reconciling spreadsheets"}})
	cards(s, deckTop+200, 170,
		card{"Deals slip unseen", "Close dates move quietly until the quarter is lost.", brandAmber,
			[]string{"One deal in four slips", "Surprises at quarter end"}},
		card{"Tools do not talk", "CRM, spreadsheets and BI each tell a different story.", brandRed,
			[]string{"Data copied by hand", "No history of what changed"}})

	s = d.slide("Questions for you")
	for i, q := range []struct {
		head  string
		items []string
	}{
		{"Forecasting", []string{"How do you build the forecast today, and how long does it take?", "How close was last quarter's call to the result?"}},
		{"Pipeline", []string{"What happens when a deal slips a quarter?", "Which reports does leadership ask for every week?"}},
		{"Tools and data", []string{"Where does pipeline data live besides the CRM?", "Who maintains your reports and dashboards?"}},
		{"Decision", []string{"Who else cares about forecast accuracy?", "What would make this a priority this quarter?"}},
	} {
		x, y := deckMargin+float64(i%2)*442, deckTop+6+float64(i/2)*188
		ps := []pptxgen.Para{{Text: q.head, Size: 20, Bold: true, Color: col(brandBlue)}}
		for _, it := range q.items {
			ps = append(ps, pptxgen.Para{Text: it, Size: 16, Color: col(brandBody), Bullet: true, SpaceBefore: 8})
		}
		s.Text(pptxgen.Box{X: x, Y: y, W: 422, H: 176}, ps...)
	}

	s = d.slide("Where a sales manager's week goes")
	rows := []struct {
		label string
		hours float64
		color string
	}{{"Building reports", 6, brandRed}, {"Forecast calls", 4.5, brandAmber}, {"Pipeline reviews", 3.5, brandBlue}, {"Coaching reps", 2, brandTeal}}
	for i, r := range rows {
		y := deckTop + 20 + float64(i)*70
		s.Text(pptxgen.Box{X: deckMargin, Y: y + 6, W: 200, H: 30}, pptxgen.Para{Text: r.label, Size: 18, Bold: true, Color: col(brandInk)})
		w := 520 * r.hours / 6
		s.Add(pptxgen.Shape{Box: pptxgen.Box{X: 260, Y: y, W: w, H: 42}, Geom: pptxgen.RoundRect, Fill: col(r.color)})
		s.Text(pptxgen.Box{X: 270 + w, Y: y + 8, W: 120, H: 30}, pptxgen.Para{Text: fmt.Sprintf("%.1f h", r.hours), Size: 16, Color: col(brandBody)})
	}
	s.Text(pptxgen.Box{X: deckMargin, Y: 418, W: deckWidth, H: 60}, pptxgen.Para{
		Text: "Hours per week, median of 140 sales managers surveyed. Acme customers move five of them back to coaching.",
		Size: 16, Italic: true, Color: col(brandGray)})

	s = d.slide("Acme in one slide")
	cards(s, deckTop+14, 150,
		card{"Pipeline", "Deal health flagged every morning, so nothing slips unseen.", brandTeal, nil},
		card{"Forecasting", "An AI-assisted call per team, with every change explained.", brandBlue, nil},
		card{"Analytics", "Win rates and cycle times, shared with finance.", brandAmber, nil})
	tiles(s, 310, kpi{"14 days", "to the first forecast"}, kpi{"93%", "forecast accuracy"}, kpi{"900+", "revenue teams"})

	s = d.slide("Proposed next steps")
	for i, st := range []struct{ head, when string }{
		{"Discovery", "Today"}, {"Tailored demo", "Next week"}, {"Pilot on your data", "Two weeks"}, {"Business case", "Week 4"}, {"Decision", "Week 5"},
	} {
		x := deckMargin + float64(i)*176
		fill := col(brandPale)
		text := col(brandNavy)
		if i == 0 {
			fill, text = col(brandBlue), col(brandWhite)
		}
		s.Add(pptxgen.Shape{Box: pptxgen.Box{X: x, Y: deckTop + 40, W: 180, H: 90}, Geom: pptxgen.Chevron, Fill: fill, Anchor: pptxgen.Middle,
			Paras: []pptxgen.Para{{Text: st.head, Size: 15, Bold: true, Color: text, Align: pptxgen.Center}}})
		s.Text(pptxgen.Box{X: x + 10, Y: deckTop + 144, W: 160, H: 30}, pptxgen.Para{Text: st.when, Size: 15, Color: col(brandGray), Align: pptxgen.Center})
	}
	bullets(s, pptxgen.Box{X: deckMargin, Y: 330, W: deckWidth, H: 150}, 18,
		"Before the demo: two or three example deals and the reports your leadership reviews weekly.",
		"For the pilot: read-only CRM access and a success measure we agree on together.")
	return d
}
