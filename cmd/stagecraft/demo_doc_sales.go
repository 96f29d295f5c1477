package main

import (
	"time"

	"github.com/stagecraft/stagecraft/internal/pdfgen"
)

// northwindCaseStudy is a five-page customer story: the asset whose use
// the demo's scorecard shows raising the win rate.
func northwindCaseStudy(date time.Time) *brochure {
	b := newBrochure("Case Study: Northwind Health",
		"How Northwind Health consolidated twelve reporting tools into Acme Analytics.", "Customer story", date)
	b.cover("Northwind Health forecasts with confidence",
		"How a 4,000-person healthcare network replaced twelve reporting tools with Acme Analytics and raised its "+
			"forecast accuracy from 71% to 93% in two quarters.",
		[]string{"The challenge", "The solution", "The results", "In their words"})

	b.section("The challenge", "Twelve tools, three versions of the truth")
	b.sidebar("At a glance", [][2]string{
		{"Industry", "Healthcare provider network"}, {"Headquarters", "Seattle, Washington"},
		{"Employees", "4,000 across 38 clinics"}, {"Products", "Acme Platform, Acme Analytics"},
		{"Time to go live", "Two weeks"},
	})
	b.narrow(func() {
		b.para("Northwind Health sells occupational health and wellness programmes to employers across the Pacific " +
			"Northwest. Its 60-person commercial team had grown by acquisition, and every acquired team had kept " +
			"its own spreadsheets, dashboards and forecasting habits.")
		b.para("By the start of the year the revenue operations team maintained twelve reporting tools. Each Monday, " +
			"two analysts spent most of the day reconciling them before the leadership call, and the numbers still " +
			"disagreed.")
		b.h2("What was at stake")
		b.bullets(
			"Forecasts missed by up to 29%, so hiring and clinic openings were planned on guesswork.",
			"Managers spent six hours a week on reporting instead of coaching their reps.",
			"Deals slipped between quarters without anyone noticing until the quarter closed.",
		)
	})
	b.quote("We had more dashboards than sales managers, and none of them agreed. Monday mornings were spent "+
		"arguing about whose number was right.", "Priya Raman, VP Revenue Operations, Northwind Health")

	b.section("The solution", "One source of truth, live in two weeks")
	b.para("Northwind chose the Acme Platform with Acme Analytics after a four-week evaluation against two " +
		"alternatives. The deciding factors were time to value, the forecast model's explainability and the " +
		"HIPAA business associate agreement.")
	b.h2("Rollout")
	b.steps("Connect Salesforce", "Import two years of history", "Map pipeline stages", "Train 9 managers", "First forecast")
	b.table([]float64{90, 414}, []string{"When", "What happened"},
		[]string{"Days 1–3", "Salesforce connected through Acme Connect; two years of opportunity history imported and checked."},
		[]string{"Days 4–7", "Pipeline stages from five acquired teams mapped to one process; exit criteria agreed per stage."},
		[]string{"Days 8–10", "Managers trained in two sessions; the Monday reconciliation spreadsheet retired."},
		[]string{"Day 14", "The first forecast call ran entirely in Acme, with the CFO attending."},
	)
	b.h2("What Northwind uses every day")
	b.bullets(
		"Forecast: an AI-assisted call per team, with the deals that move the number called out.",
		"Pipeline inspection: deals without a next step or with slipping close dates flagged every morning.",
		"Analytics: win rates and cycle times by product line, segment and rep, shared with finance.",
	)

	b.section("The results", "Forecasts finance can plan on")
	b.para("Two quarters after go-live, Northwind's forecast was within 7% of the booked number, and the " +
		"revenue operations team had its Mondays back.")
	b.kpis(kpi{"93%", "Forecast accuracy, up from 71%"}, kpi{"12 to 1", "Reporting tools consolidated into Acme"},
		kpi{"6 hours", "Saved per manager every week"}, kpi{"+18%", "Win rate on qualified pipeline"})
	b.barChart(chart{
		title:  "Forecast accuracy by quarter",
		labels: []string{"Before Acme", "Q1", "Q2", "Q3", "Q4"},
		series: []series{{name: "Accuracy", color: brandBlue, values: []float64{71, 78, 86, 91, 93}}},
		lo:     40, hi: 100, format: pct(0), height: 140,
	})
	b.table([]float64{168, 168, 168}, []string{"Measure", "Before Acme", "After two quarters"},
		[]string{"Weekly reporting effort", "2 analysts, 1.5 days", "Automated"},
		[]string{"Forecast variance", "Up to 29%", "Under 7%"},
		[]string{"Deals slipping unnoticed", "About 1 in 4", "Flagged the same day"},
	)

	b.section("In their words", "“We stopped arguing about the number”")
	b.quote("Acme gave us one number that sales, finance and the board all trust. Our managers coach again, "+
		"and our forecast call takes thirty minutes instead of three hours.", "Daniel Okafor, Chief Revenue Officer, Northwind Health")
	b.h2("About Northwind Health")
	b.para("Northwind Health runs 38 occupational health clinics and wellness programmes for more than 1,200 " +
		"employers in Washington, Oregon and Idaho.")
	b.h2("About Acme")
	b.para("Acme helps revenue teams forecast accurately and sell with focus. More than 900 companies run their " +
		"pipeline, forecast and revenue analytics on the Acme Platform.")
	b.contact("See what Acme can do for your forecast.")
	return b
}

// globexBattlecard is the sales team's four-page guide to winning
// against the main competitor.
func globexBattlecard(date time.Time) *brochure {
	b := newBrochure("Competitive Battlecard: Acme vs Globex",
		"Positioning, proof points and objection handling against Globex Revenue Cloud.", "Battlecard · internal", date)
	b.cover("Acme vs Globex",
		"How to win against Globex Revenue Cloud: where we win, where they are strong, the objections you will "+
			"hear and the questions that set the agenda.",
		[]string{"At a glance", "Objection handling", "Winning the evaluation", "Proof points"})

	b.section("At a glance", "Where Acme wins, and where Globex is strong")
	b.table([]float64{128, 188, 188}, []string{"", "Acme", "Globex Revenue Cloud"},
		[]string{"Time to value", "Live in two weeks, with the first forecast on day 14", "Six-month implementation with a systems integrator"},
		[]string{"Pricing", "Per seat, unlimited reports and dashboards", "Per report, plus a platform fee"},
		[]string{"Forecasting", "AI-assisted, every call explained by its deals", "Manual roll-ups; AI add-on in beta"},
		[]string{"Integrations", "120+ native connectors, no-code setup", "About 40 connectors; custom work through services"},
		[]string{"Administration", "Managed by revenue operations", "Needs certified administrators"},
		[]string{"Support", "24/7, included in every plan", "Business hours; 24/7 is a premium tier"},
	)
	b.h2("Where Globex is strong, and how to respond")
	b.bullets(
		"Suite breadth: Globex sells ERP and CPQ too. Respond: Acme connects to Globex ERP natively, so customers keep it.",
		"Install base in manufacturing: references abound. Respond: lead with Fabrikam and Contoso, both ex-Globex.",
		"Executive relationships: Globex sells top-down to the CFO. Respond: bring the CFO our forecast accuracy results early.",
	)
	b.callout("Our positioning in one sentence",
		"Acme gives revenue teams a forecast they can trust in two weeks, not two quarters, at a price that does not "+
			"grow every time someone builds a report.")

	b.section("Objection handling", "What you will hear, and what to say")
	for _, o := range [][2]string{
		{"“We already run Globex ERP; one vendor is simpler.”",
			"One vendor is simpler only if the tools are good. Acme's native Globex connector syncs bookings every 15 minutes, " +
				"and Northwind Health replaced twelve tools with Acme while keeping its ERP."},
		{"“Globex quoted us less per user.”",
			"Compare three-year cost, not list price: Globex charges per report and requires an integrator. In the last ten " +
				"head-to-head deals, Acme's three-year cost was 31% lower on average."},
		{"“Acme is a smaller company.”",
			"Acme serves more than 900 customers with a 99.95% uptime commitment and SOC 2 Type II. Offer a reference call " +
				"with a customer of the prospect's size."},
		{"“We need a long evaluation to be safe.”",
			"Offer a two-week pilot on their own data, with success criteria agreed up front; it is safer than a long slide review."},
	} {
		b.y = b.page.Paragraph(docMargin, b.y, docWidth, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 11, Leading: 15, Color: rgb(brandNavy)}, o[0])
		b.y += 2
		b.para(o[1])
	}
	b.callout("Rules of engagement",
		"Never disparage Globex: customers respect reps who know the competitor well and speak of it fairly. "+
			"Compare on outcomes, time to value and three-year cost, and let references make the case.")
	b.h2("Signals that Globex is in the deal")
	b.bullets(
		"The prospect asks about ERP integration or a single-vendor suite early in discovery.",
		"Evaluation criteria mention a systems integrator or a certified administrator.",
		"The CFO, not the CRO, is leading the evaluation.",
	)

	b.section("Winning the evaluation", "Set the agenda early")
	b.hbars("Time to first forecast, in days (median of customer deployments)",
		hbar{"Acme", 14, brandBlue, "14 days"}, hbar{"Globex", 180, brandRed, "180 days"})
	b.hbars("Three-year cost for 50 seats, thousands of USD",
		hbar{"Acme", 142, brandBlue, "$142k"}, hbar{"Globex", 206, brandRed, "$206k"})
	b.h2("Landmine questions to ask")
	b.bullets(
		"How long did your last reporting project take from kickoff to first use?",
		"Who will build and maintain reports, and what does each new one cost?",
		"How will managers see why the forecast changed this week?",
	)
	b.h2("Proof points")
	b.bullets(
		"Northwind Health: forecast accuracy from 71% to 93% in two quarters.",
		"Fabrikam: moved from Globex in 2025; live in 11 days, 40% less spent on reporting.",
	)
	b.callout("Need help in a Globex deal?",
		"Ask in the #compete-globex channel or book the competitive team for a deal review; bring the prospect's "+
			"evaluation criteria and the Globex quote if you have it.")
	return b
}

// sidebar draws a tinted box of label–value rows at the right of the
// text column; narrow then keeps the text beside it.
func (b *brochure) sidebar(title string, rows [][2]string) {
	const x, w = docMargin + 330, docWidth - 330
	h := 40 + float64(len(rows))*34
	b.page.RoundRect(x, b.y, w, h, 6, rgb(brandMist))
	b.page.Text(x+14, b.y+22, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 10, Color: rgb(brandBlue)}, title)
	y := b.y + 40
	for _, r := range rows {
		b.page.Text(x+14, y, pdfgen.Style{Size: 8, Color: rgb(brandGray)}, r[0])
		b.page.Text(x+14, y+13, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 9.5, Color: rgb(brandInk)}, r[1])
		y += 34
	}
	b.sideBottom = b.y + h + 16
}

// narrow runs fill with the text column narrowed beside a sidebar, then
// moves below whichever of the two is longer.
func (b *brochure) narrow(fill func()) {
	b.col = 310
	fill()
	b.col = 0
	b.y = max(b.y, b.sideBottom)
}
