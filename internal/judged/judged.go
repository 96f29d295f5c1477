// Package judged is a judged query set: sales collateral written for the
// purpose, queries a rep would type, and the assets a person judged right
// for each. It measures search relevance (recall@3 and MRR) for every
// backend, with `stagecraft-bench relevance` and in the tests.
package judged

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
)

// Doc is one piece of collateral of the set.
type Doc struct {
	Name, Title, Description, Body string
	Tags, Stages, Personas         []string
	Type                           stagecraft.AssetType
}

// Query is a search and the documents judged relevant to it.
type Query struct {
	Text     string
	Stages   []string
	Personas []string
	Want     []string
}

// Docs is the collection.
var Docs = []Doc{
	{"overview", "Acme Platform Overview", "What Acme does, in ten slides", "Acme is the revenue platform for mid-market sales teams. Pipeline management, forecasting and analytics in one place. Customers replace spreadsheets and three point tools. Deploys in two weeks and integrates with Salesforce and HubSpot.", []string{"overview"}, []string{"prospecting", "discovery"}, []string{"economic_buyer", "executive_sponsor"}, stagecraft.TypeDeck},
	{"security", "Security and Compliance Whitepaper", "Controls, certifications and data handling", "Customer data is encrypted at rest with AES-256 and in transit with TLS 1.3. Acme is SOC 2 Type II and ISO 27001 certified. Annual penetration tests by an independent firm. Single sign-on through SAML and OIDC, provisioning through SCIM. Data residency in the EU or the US.", []string{"security", "compliance"}, []string{"evaluation"}, []string{"technical_buyer"}, stagecraft.TypePDF},
	{"gdpr", "GDPR Data Processing Addendum", "Standard DPA for European customers", "This addendum governs processing of personal data under the General Data Protection Regulation. Subprocessors are listed in annex two. Standard contractual clauses apply to transfers outside the European Economic Area. Breach notification within 48 hours.", []string{"legal", "privacy"}, []string{"negotiation"}, []string{"procurement"}, stagecraft.TypeDocument},
	{"pricing", "Pricing Sheet 2026", "List prices per seat", "Team edition costs 45 dollars per seat per month. Enterprise edition costs 79 dollars per seat per month and adds single sign-on, audit logs and a dedicated success manager. Volume discounts start at 100 seats. Annual prepayment earns two months free.", []string{"pricing"}, []string{"proposal", "negotiation"}, []string{"economic_buyer", "procurement"}, stagecraft.TypeSpreadsheet},
	{"roi", "ROI Calculator Guide", "How to build the business case", "Estimate hours saved per analyst per week, multiply by the number of analysts and their loaded hourly cost to get annual savings. Typical customers recover the licence cost within seven months. Include the cost of retiring legacy reporting tools.", []string{"roi", "business-case"}, []string{"proposal"}, []string{"economic_buyer", "champion"}, stagecraft.TypeDocument},
	{"northwind", "Case Study: Northwind Health", "A hospital group consolidates reporting", "Northwind Health runs eleven hospitals. They consolidated twelve reporting tools into Acme Analytics. Forecast accuracy rose from 71 percent to 93 percent within two quarters, and month-end close went from nine days to four.", []string{"case-study", "healthcare"}, []string{"evaluation", "proposal"}, []string{"champion", "economic_buyer"}, stagecraft.TypePDF},
	{"contoso", "Case Study: Contoso Bank", "A regional bank modernises its pipeline", "Contoso Bank replaced a homegrown CRM add-on. Relationship managers now see every opportunity in one pipeline, and compliance reviews take hours instead of weeks thanks to the audit trail.", []string{"case-study", "banking"}, []string{"evaluation"}, []string{"champion", "technical_buyer"}, stagecraft.TypePDF},
	{"globex", "Competitive Battlecard: Acme vs Globex", "How to win against Globex", "Globex needs a six month implementation with consultants; Acme goes live in two weeks. Globex charges per report; Acme pricing is per seat with unlimited reports. Globex has no native mobile app. Trap question: ask how they handle forecast roll-ups across regions.", []string{"competitive"}, []string{"evaluation"}, []string{"champion"}, stagecraft.TypeDeck},
	{"initech", "Competitive Battlecard: Acme vs Initech", "How to win against Initech", "Initech is cheaper at first but charges for every integration. Their forecasting module is an add-on. Acme includes integrations and forecasting in every edition. Customers who left Initech cite slow support.", []string{"competitive"}, []string{"evaluation", "negotiation"}, []string{"champion", "economic_buyer"}, stagecraft.TypeDeck},
	{"discovery", "Discovery Call Questions", "What to ask in the first meeting", "How do you build your forecast today, and how long does it take? Which reports does leadership ask for every week? What happens when a deal slips a quarter? Who owns the CRM, and who signs off on new tools?", []string{"playbook"}, []string{"discovery"}, []string{"champion", "end_user"}, stagecraft.TypeText},
	{"implementation", "Implementation Plan", "Two weeks from kickoff to go-live", "Week one: connect the CRM, import two years of history, configure pipeline stages and territories. Week two: train managers, build the first forecast, switch on dashboards. A named onboarding engineer runs every step.", []string{"onboarding"}, []string{"proposal", "negotiation"}, []string{"technical_buyer", "end_user"}, stagecraft.TypeDocument},
	{"api", "API and Integrations Guide", "REST API, webhooks and connectors", "The REST API covers every object with OAuth 2.0 authentication and rate limits of 100 requests per second. Webhooks announce changes to deals and forecasts. Native connectors exist for Salesforce, HubSpot, Snowflake and BigQuery.", []string{"technical", "integrations"}, []string{"evaluation"}, []string{"technical_buyer"}, stagecraft.TypePDF},
	{"exec", "Executive Briefing", "One page for the sponsor", "Acme gives leadership one number they can trust: the forecast. Boards see commit, best case and pipeline coverage updated daily. Payback within one budget cycle.", []string{"executive"}, []string{"prospecting", "proposal"}, []string{"executive_sponsor", "economic_buyer"}, stagecraft.TypePDF},
	{"training", "End-User Training Handbook", "Daily habits for reps", "Update next steps after every call. Use the mobile app to log meetings. Forecast categories: commit, best case, pipeline. Managers review the pipeline every Monday.", []string{"training", "enablement"}, []string{"negotiation"}, []string{"end_user"}, stagecraft.TypeDocument},
	{"sla", "Service Level Agreement", "Uptime, support hours and credits", "Acme commits to 99.9 percent monthly uptime. Priority one incidents get a response within one hour, around the clock. Service credits of ten percent apply for each tenth of a percent below the commitment.", []string{"legal", "support"}, []string{"negotiation"}, []string{"procurement", "technical_buyer"}, stagecraft.TypeDocument},
	{"mobile", "Mobile App Datasheet", "Acme on iOS and Android", "Log calls, update opportunities and review forecasts offline. Push notifications when a deal changes stage. Biometric login and remote wipe for lost devices.", []string{"mobile", "product"}, []string{"discovery", "evaluation"}, []string{"end_user"}, stagecraft.TypePDF},
}

// Queries are what reps type, with the judged answers.
var Queries = []Query{
	{Text: "security whitepaper", Want: []string{"security"}},
	{Text: "SOC 2", Want: []string{"security"}},
	{Text: "encryption", Want: []string{"security"}},
	{Text: "penetration test", Want: []string{"security"}},
	{Text: "single sign-on", Want: []string{"security", "pricing"}},
	{Text: "GDPR", Want: []string{"gdpr"}},
	{Text: "data processing agreement", Want: []string{"gdpr"}},
	{Text: "pricing", Want: []string{"pricing"}},
	{Text: "price per seat", Want: []string{"pricing"}},
	{Text: "volume discount", Want: []string{"pricing"}},
	{Text: "ROI", Want: []string{"roi"}},
	{Text: "business case", Want: []string{"roi"}},
	{Text: "healthcare case study", Want: []string{"northwind"}},
	{Text: "hospital", Want: []string{"northwind"}},
	{Text: "bank", Want: []string{"contoso"}},
	{Text: "case study", Want: []string{"northwind", "contoso"}},
	{Text: "globex", Want: []string{"globex"}},
	{Text: "competitor battlecard", Want: []string{"globex", "initech"}},
	{Text: "discovery questions", Want: []string{"discovery"}},
	{Text: "implementation timeline", Want: []string{"implementation"}},
	{Text: "onboarding", Want: []string{"implementation"}},
	{Text: "API", Want: []string{"api"}},
	{Text: "webhooks", Want: []string{"api"}},
	{Text: "salesforce integration", Want: []string{"api", "overview"}},
	{Text: "uptime", Want: []string{"sla"}},
	{Text: "mobile app", Want: []string{"mobile"}},
	{Text: "training", Want: []string{"training"}},
	{Text: "board forecast", Want: []string{"exec"}},
	// Typos: one edit in a word of five letters or more.
	{Text: "encryted", Want: []string{"security"}},
	{Text: "pricng", Want: []string{"pricing"}},
	{Text: "penetraton", Want: []string{"security"}}, //nolint:misspell // a typo on purpose: the query under test
	{Text: "hospitl", Want: []string{"northwind"}},
	{Text: "webhoks", Want: []string{"api"}},
	{Text: "compliance reveiw", Want: []string{"contoso"}}, //nolint:misspell // a typo on purpose: the query under test
	// A deal's stage and personas applied as filters.
	{Text: "case study", Stages: []string{"evaluation"}, Personas: []string{"technical_buyer"}, Want: []string{"contoso"}},
	{Text: "forecast", Stages: []string{"discovery"}, Want: []string{"discovery"}},
	{Stages: []string{"negotiation"}, Personas: []string{"procurement"}, Want: []string{"gdpr", "pricing", "sla"}},
}

// Load indexes the collection into idx for a new organisation and returns
// the organisation and the asset id of each document name.
func Load(ctx context.Context, idx stagecraft.SearchIndex) (string, map[string]string, error) {
	org := uuid.NewString()
	ids := map[string]string{}
	now := time.Now().UTC()
	var docs []*stagecraft.SearchDoc
	for i, d := range Docs {
		id := uuid.NewString()
		ids[d.Name] = id
		docs = append(docs, &stagecraft.SearchDoc{AssetID: id, OrgID: org, Title: d.Title, Description: d.Description,
			Tags: d.Tags, Body: d.Body, Language: "english", Type: d.Type, Status: stagecraft.StatusPublished,
			Stages: d.Stages, Personas: d.Personas, UpdatedAt: now.Add(time.Duration(i) * time.Second)})
	}
	if err := idx.Index(ctx, docs...); err != nil {
		return "", nil, fmt.Errorf("load judged set: %w", err)
	}
	return org, ids, nil
}

// Score is a relevance measurement.
type Score struct {
	Queries   int
	RecallAt3 float64  // mean over queries of |relevant ∩ top 3| / min(|relevant|, 3)
	MRR       float64  // mean reciprocal rank of the first relevant hit
	Misses    []string // queries with no relevant hit in the top 3
}

// Evaluate runs every query against idx.
func Evaluate(ctx context.Context, idx stagecraft.SearchIndex) (*Score, error) {
	org, ids, err := Load(ctx, idx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for n, id := range ids {
		names[id] = n
	}
	s := &Score{Queries: len(Queries)}
	for _, q := range Queries {
		res, err := idx.Search(ctx, stagecraft.SearchQuery{OrgID: org, Text: q.Text, Stages: q.Stages, Personas: q.Personas, Limit: 10})
		if err != nil {
			return nil, fmt.Errorf("query %q: %w", q.Text, err)
		}
		want := map[string]bool{}
		for _, w := range q.Want {
			want[w] = true
		}
		found, rr := 0, 0.0
		for rank, h := range res.Hits {
			if !want[names[h.AssetID]] {
				continue
			}
			if rr == 0 {
				rr = 1 / float64(rank+1)
			}
			if rank < 3 {
				found++
			}
		}
		s.RecallAt3 += float64(found) / float64(min(len(q.Want), 3))
		s.MRR += rr
		if found == 0 {
			s.Misses = append(s.Misses, fmt.Sprintf("%q %v %v", q.Text, q.Stages, q.Personas))
		}
	}
	s.RecallAt3 /= float64(len(Queries))
	s.MRR /= float64(len(Queries))
	return s, nil
}
