package main

import (
	"fmt"
	"time"

	"github.com/stagecraft/stagecraft/internal/pdfgen"
)

// roiGuide is the four-page guide a rep and a champion use to build the
// business case at the proposal stage.
func roiGuide(date time.Time) *brochure {
	b := newBrochure("ROI Calculator Guide",
		"A step-by-step model to size savings, payback and three-year value of the Acme Platform.", "ROI guide", date)
	b.cover("Building the ROI case for Acme",
		"A step-by-step model to size the savings, payback period and three-year value of the Acme Platform, "+
			"built with your champion from numbers they already have.",
		[]string{"The model", "A worked example", "Three-year value", "Editions and pricing"})

	b.section("The model", "Four inputs, one defensible number")
	b.para("Finance teams trust a business case they can check. This model uses four inputs your champion " +
		"can source in an afternoon, and counts only time saved, never revenue uplift, so every figure survives " +
		"a CFO's review.")
	b.formula("Annual savings = hours saved per person per week × people × loaded hourly cost × 46 working weeks")
	b.table([]float64{140, 120, 244}, []string{"Input", "Typical range", "Where to find it"},
		[]string{"Hours saved per week", "3–6 per manager, 4–8 per analyst", "Ask three managers how long the weekly forecast and pipeline review take today."},
		[]string{"People", "Managers and revenue analysts", "The org chart; count only people who build or review reports."},
		[]string{"Loaded hourly cost", "$70–$120", "Salary plus 30% benefits and overhead, divided by 1,840 hours."},
		[]string{"Tools retired", "1–12 licences", "Reporting and BI licences replaced by Acme Analytics."},
	)
	b.callout("Keep it conservative",
		"Use the low end of each range. A case that still pays back within a year on conservative numbers is the "+
			"one that gets signed.")

	b.section("A worked example", "A 40-person sales organisation")
	b.para("The example below is modelled on a mid-market software company with 32 account executives, six " +
		"managers and two revenue analysts, replacing two reporting tools.")
	b.table([]float64{264, 120, 120}, []string{"Line", "Assumption", "Per year"},
		[]string{"Managers: forecast and pipeline reviews", "6 × 5 h/week × $95", "$131,100"},
		[]string{"Analysts: report building and reconciliation", "2 × 8 h/week × $80", "$58,880"},
		[]string{"Account executives: CRM updates and roll-ups", "32 × 1.5 h/week × $85", "$187,680"},
		[]string{"Reporting tools retired", "2 tools", "$36,000"},
		[]string{"Total annual savings", "", "$413,660"},
		[]string{"Acme Enterprise, Acme Analytics (40 seats)", "$104 per seat per month", "–$49,920"},
	)
	b.kpis(kpi{"$363,740", "Net savings per year at full adoption"}, kpi{"3 months", "Payback, onboarding included"},
		kpi{"5.5×", "Three-year return on investment"})
	b.h2("Reading the example")
	b.bullets(
		"Account executives save the most in total: small weekly savings across many people add up.",
		"Managers' savings are the easiest to verify: ask how long Monday's forecast preparation takes today.",
		"Retired tools are the only hard-dollar saving; finance will usually ask to see those invoices.",
	)

	b.section("Three-year value", "Savings compound as adoption grows")
	b.para("Adoption is not instant: the model assumes 60% of the savings in year one, 90% in year two and the " +
		"full amount from year three, against the subscription and a one-time onboarding fee.")
	b.barChart(chart{
		title:  "Cost and savings by year, thousands of USD",
		labels: []string{"Year 1", "Year 2", "Year 3"},
		series: []series{
			{name: "Acme cost", color: brandGray, values: []float64{58, 50, 50}},
			{name: "Savings", color: brandBlue, values: []float64{248, 372, 414}},
		},
		lo: 0, hi: 480, height: 170,
		format: func(v float64) string { return fmt.Sprintf("$%.0fk", v) },
	})
	b.h2("Presenting the case")
	b.bullets(
		"Build the model with the champion, in their spreadsheet, with their numbers.",
		"Lead with payback in months; CFOs compare it with other projects competing for budget.",
		"Name the owner of each saving, so the case can be checked after six months.",
	)

	b.section("Editions and pricing", "Simple, per-seat pricing")
	b.pricing()
	b.h2("Discount guidance")
	b.bullets(
		"Multi-year: up to 10% for a two-year term and 15% for three years, paid annually.",
		"Volume: from 100 seats, ask deal desk; do not quote volume discounts in writing before approval.",
		"Never discount onboarding: it funds the two-week go-live that wins the deal.",
	)
	b.callout("Quoting",
		"Quote from the Pricing Sheet 2026 in the library, which deal desk keeps current. Prices are in USD, per "+
			"seat per month, billed annually.")
	return b
}

// formula sets a sentence as a formula: centred in a navy band.
func (b *brochure) formula(s string) {
	lines := pdfgen.Wrap(pdfgen.HelveticaBold, 12, docWidth-48, s)
	h := 28 + float64(len(lines))*17
	b.page.RoundRect(docMargin, b.y, docWidth, h, 6, rgb(brandNavy))
	b.page.Paragraph(docMargin+24, b.y+14, docWidth-48, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 12, Leading: 17,
		Color: rgb(brandWhite), Align: pdfgen.Center}, s)
	b.y += h + 16
	b.check()
}

// pricing draws the editions as three columns of cards.
func (b *brochure) pricing() {
	type edition struct {
		name, price, unit, color string
		items                    []string
	}
	eds := []edition{
		{"Team", "$45", "per seat / month", brandTeal, []string{"Pipeline and forecast", "Standard reports", "Salesforce or HubSpot", "Email support"}},
		{"Enterprise", "$79", "per seat / month", brandBlue, []string{"Everything in Team", "AI-assisted forecast", "SSO, SCIM, audit log", "24/7 support"}},
		{"Add-ons", "$15–25", "per seat / month", brandAmber, []string{"Acme Analytics: $25", "Acme Connect: $15", "Data residency: included", "Onboarding: $8,000 once"}},
	}
	const gap = 12.0
	w := (docWidth - 2*gap) / 3
	for i, e := range eds {
		x := docMargin + float64(i)*(w+gap)
		b.page.RoundRect(x, b.y, w, 178, 6, rgb(brandMist))
		b.page.Rect(x, b.y, w, 5, rgb(e.color))
		b.page.Text(x+14, b.y+28, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 12, Color: rgb(brandNavy)}, e.name)
		b.page.Text(x+14, b.y+60, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 24, Color: rgb(e.color)}, e.price)
		b.page.Text(x+14, b.y+75, pdfgen.Style{Size: 8.5, Color: rgb(brandGray)}, e.unit)
		y := b.y + 96
		for _, it := range e.items {
			b.page.Circle(x+17, y-3, 2, rgb(e.color))
			b.page.Text(x+25, y, pdfgen.Style{Size: 9, Color: rgb(brandBody)}, it)
			y += 18
		}
	}
	b.y += 178 + 18
	b.check()
}

// implementationPlan is the five-page plan template a rep fills in with
// the customer at the proposal and negotiation stages.
func implementationPlan(date time.Time) *brochure {
	b := newBrochure("Implementation Plan Template",
		"Two weeks from kickoff to first forecast: milestones, owners and success criteria.", "Implementation plan", date)
	b.cover("Your Acme implementation plan",
		"Two weeks from kickoff to your first forecast in Acme: the milestones, who owns each one, and how we "+
			"will both know it worked.",
		[]string{"Timeline", "Roles and responsibilities", "Week by week", "Success criteria and sign-off"})

	b.section("Timeline", "Ten working days to go live")
	b.para("Most customers go live in ten working days. The plan below is the standard one; your implementation " +
		"manager adjusts it at kickoff to your systems and calendar.")
	b.gantt([]string{"D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9", "D10"}, []ganttRow{
		{"Kickoff and access", 0, 1, brandNavy},
		{"Connect the CRM", 0, 2, brandBlue},
		{"Import history", 1, 3, brandBlue},
		{"Configure stages and fields", 3, 5, brandTeal},
		{"Build dashboards", 4, 7, brandTeal},
		{"Train managers", 6, 8, brandAmber},
		{"First forecast call", 8, 9, brandAmber},
		{"Go live and handover", 9, 10, brandNavy},
	})
	b.kpis(kpi{"10 days", "Kickoff to first forecast"}, kpi{"4 hours", "Of your admin's time per week"},
		kpi{"2 sessions", "Manager training, 90 minutes each"})
	b.h2("Milestones")
	b.bullets(
		"Day 3: history imported, and the data quality report reviewed with your CRM administrator.",
		"Day 9: the first forecast call runs in Acme, with your implementation manager on the call.",
		"Day 10: go-live sign-off by your executive sponsor; customer success takes over.",
	)

	b.section("Roles and responsibilities", "Who does what")
	b.table([]float64{196, 154, 154}, []string{"Task", "Your team", "Acme"},
		[]string{"Grant CRM and SSO access", "CRM admin (owner)", "Implementation manager (supports)"},
		[]string{"Connect and import data", "CRM admin (reviews)", "Solutions engineer (owner)"},
		[]string{"Agree pipeline stages and exit criteria", "Sales leadership (owner)", "Implementation manager (advises)"},
		[]string{"Build dashboards and forecast views", "Revenue operations (reviews)", "Solutions engineer (owner)"},
		[]string{"Train managers and reps", "Sales managers (attend)", "Customer success (owner)"},
		[]string{"Sign off go-live", "Executive sponsor (owner)", "Account executive (supports)"},
	)
	b.h2("Your project team")
	b.bullets(
		"Executive sponsor: sets the goal, removes blockers, signs off go-live (one hour a week).",
		"Project lead: usually revenue operations; runs the plan day to day (half a day a week).",
		"CRM administrator: grants access and reviews the data mapping (four hours a week).",
	)

	b.section("Week by week", "What happens, and what we need from you")
	b.h2("Week 1: connect and configure")
	b.bullets(
		"Day 1: kickoff call; confirm goals, success criteria and the go-live date.",
		"Days 1–2: connect the CRM through Acme Connect; turn on single sign-on.",
		"Days 2–3: import two years of opportunity history; review the data quality report together.",
		"Days 4–5: agree pipeline stages, exit criteria and forecast categories.",
	)
	b.h2("Week 2: build, train and go live")
	b.bullets(
		"Days 5–7: build dashboards for leadership, managers and reps.",
		"Days 7–8: train managers in two 90-minute sessions; reps get a 20-minute video.",
		"Day 9: run the first forecast call in Acme, with your implementation manager on the call.",
		"Day 10: go-live review and handover to customer success.",
	)
	b.h2("Prerequisites")
	b.bullets(
		"A CRM administrator with API access, and a sandbox if your change process requires one.",
		"An identity provider admin for single sign-on (SAML or OIDC), if it is used.",
	)

	b.section("Success criteria and sign-off", "How we will both know it worked")
	b.table([]float64{200, 120, 184}, []string{"Criterion", "Target", "Measured by"},
		[]string{"Managers running the weekly forecast in Acme", "100% by day 10", "Forecast submissions per week"},
		[]string{"Time spent on weekly reporting", "Down 50% by day 30", "Survey of managers before and after"},
		[]string{"Forecast accuracy", "Within 10% by quarter end", "Forecast against booked revenue"},
		[]string{"Weekly active users", "80% of licences by day 30", "Acme usage report"},
	)
	b.h2("Sign-off")
	b.para("Signing below confirms the plan, the success criteria and the go-live date.")
	b.y += 24
	for i, who := range []string{"Customer executive sponsor", "Acme account executive"} {
		x := docMargin + float64(i)*262
		b.page.Line(x, b.y+28, x+230, b.y+28, 0.75, rgb(brandGray))
		b.page.Text(x, b.y+42, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 9, Color: rgb(brandInk)}, who)
		b.page.Text(x, b.y+56, pdfgen.Style{Size: 8.5, Color: rgb(brandGray)}, "Name, signature and date")
	}
	b.y += 70
	b.check()
	b.contact("Questions about your plan? Your implementation manager will help.")
	return b
}

// ganttRow is a workstream from column start to column end (exclusive).
type ganttRow struct {
	label      string
	start, end int
	color      string
}

// gantt draws a timeline: labels on the left, a column per period, a
// bar per row.
func (b *brochure) gantt(cols []string, rows []ganttRow) {
	const labelW, rowH = 150.0, 26.0
	colW := (docWidth - labelW) / float64(len(cols))
	p := b.page
	for i, c := range cols {
		x := docMargin + labelW + float64(i)*colW
		if i%2 == 0 {
			p.Rect(x, b.y+18, colW, rowH*float64(len(rows))+4, rgb(brandMist))
		}
		p.Text(x+colW/2, b.y+12, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 8.5, Color: rgb(brandGray), Align: pdfgen.Center}, c)
	}
	y := b.y + 22
	for _, r := range rows {
		p.Text(docMargin, y+15, pdfgen.Style{Size: 9.5, Color: rgb(brandInk)}, r.label)
		x := docMargin + labelW + float64(r.start)*colW
		p.RoundRect(x+2, y+4, float64(r.end-r.start)*colW-4, rowH-8, 4, rgb(r.color))
		y += rowH
	}
	p.Line(docMargin, y+4, docMargin+docWidth, y+4, 0.75, rgb(brandRule))
	b.y = y + 22
	b.check()
}
