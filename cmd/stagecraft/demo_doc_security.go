package main

import (
	"fmt"
	"time"
)

// securityWhitepaper is the demo's longest document: eight pages a
// technical buyer reads during evaluation.
func securityWhitepaper(date time.Time) *brochure {
	b := newBrochure("Security and Compliance Whitepaper",
		"How the Acme Platform protects revenue data: architecture, access, certifications and operations.", "Whitepaper", date)
	b.cover("Security and Compliance at Acme",
		"How the Acme Platform protects your revenue data: architecture, controls, certifications and the people behind them.",
		[]string{"Executive summary", "Data protection", "Identity and access", "Compliance and certifications",
			"Operations and resilience", "Incident response"})

	b.section("01 Executive summary", "Security is part of the product, not a feature of it")
	b.para("Revenue teams trust Acme with their pipeline, their forecasts and their customers' names. This paper " +
		"explains how the Acme Platform keeps that data confidential, intact and available, and how independent " +
		"auditors verify that it does. It is written for security architects, compliance officers and IT leaders " +
		"evaluating Acme.")
	b.kpis(kpi{"SOC 2", "Type II report, audited every year"}, kpi{"99.95%", "Uptime commitment in every contract"},
		kpi{"AES-256", "Encryption of all data at rest"}, kpi{"24/7", "Security operations coverage"})
	b.h2("Our commitments")
	b.bullets(
		"Your data is yours: it is never sold, never used to train shared models, and deleted within 30 days of termination.",
		"Least privilege by default: no Acme employee can read customer data without a ticket, an approval and an audit trail.",
		"Independent verification: SOC 2 Type II and ISO/IEC 27001 audits every year, penetration tests twice a year.",
		"Transparency: our trust center publishes sub-processors, uptime history and security advisories.",
	)
	b.callout("Who this paper is for",
		"Security reviewers completing a vendor assessment. Acme answers the SIG Lite and CAIQ questionnaires in full; "+
			"ask your account executive for the current versions along with our SOC 2 report.")

	b.section("02 Data protection", "Encryption, isolation and residency")
	b.para("Every byte a customer sends to Acme is encrypted in transit and at rest, with keys that are unique " +
		"to the customer and rotated on a schedule. The table below lists the controls at each layer.")
	b.table([]float64{110, 150, 244}, []string{"Layer", "Control", "Detail"},
		[]string{"In transit", "TLS 1.3 (1.2 minimum)", "HSTS on every domain; modern cipher suites only; certificates rotated automatically every 60 days."},
		[]string{"At rest", "AES-256-GCM", "Databases, object storage, search indexes and backups are all encrypted."},
		[]string{"Keys", "Per-tenant data keys", "Envelope encryption under a cloud KMS; master keys rotated every 90 days; bring-your-own-key on Enterprise."},
		[]string{"Backups", "Encrypted, immutable", "Point-in-time recovery for 35 days; restores tested every quarter."},
		[]string{"Residency", "US, EU or UK region", "Chosen at signup; data and backups never leave the region."},
	)
	b.h2("Tenant isolation")
	b.para("Each customer's data lives in its own logical schema, and every query is scoped by tenant in the " +
		"data-access layer, so no code path can read across tenants. Automated tests attempt cross-tenant access " +
		"on every release and block the deploy if one succeeds.")
	b.h2("Data minimisation")
	b.para("Acme stores the CRM fields needed for pipeline and forecast analysis, and nothing else. Administrators " +
		"choose which objects and fields sync, and can exclude personal data such as contact phone numbers entirely.")

	b.section("03 Identity and access", "Every login is known, every action is logged")
	b.para("Customers control who reaches their workspace and what each person can do, through the identity " +
		"provider they already run.")
	b.bullets(
		"Single sign-on: SAML 2.0 and OpenID Connect with Okta, Microsoft Entra ID, Google Workspace and others.",
		"Provisioning: SCIM 2.0 creates, updates and removes users and groups as your directory changes.",
		"Multi-factor authentication: enforced for every password login; WebAuthn security keys supported.",
		"Roles: admin, manager, analyst and viewer roles, with custom roles and field-level permissions on Enterprise.",
		"Audit log: every sign-in, export, permission change and API call, retained for one year and streamable to your SIEM.",
	)
	b.h2("Acme employee access")
	b.para("Acme engineers have no standing access to production data. Access for a support case is granted just " +
		"in time, for at most four hours, after a second engineer approves it, and the customer can require their own " +
		"approval as well.")
	b.table([]float64{150, 354}, []string{"Safeguard", "How it works"},
		[]string{"Just-in-time access", "Requested per ticket, approved by a second engineer, expires after four hours."},
		[]string{"Hardware keys", "All employees sign in with FIDO2 security keys; passwords alone never suffice."},
		[]string{"Background checks", "Every employee with production access is screened before their first day."},
		[]string{"Training", "Security and privacy training at hiring and every year, with phishing simulations."},
	)

	b.section("04 Compliance and certifications", "Audited by independent firms, every year")
	b.para("Acme's controls are mapped to the frameworks our customers answer to. Reports and certificates are " +
		"available under NDA from the trust center.")
	b.table([]float64{140, 90, 164, 110}, []string{"Framework", "Status", "Scope", "Last audit"},
		[]string{"SOC 2 Type II", "Certified", "Security, availability, confidentiality", fmt.Sprint("March ", date.Year())},
		[]string{"ISO/IEC 27001:2022", "Certified", "The Acme Platform and its operations", fmt.Sprint("January ", date.Year())},
		[]string{"ISO/IEC 27701", "Certified", "Privacy information management", fmt.Sprint("January ", date.Year())},
		[]string{"HIPAA", "BAA available", "Acme Platform, Acme Analytics", "Assessed yearly"},
		[]string{"GDPR and UK GDPR", "Compliant", "DPA with standard contractual clauses", "Reviewed yearly"},
		[]string{"CCPA / CPRA", "Compliant", "Service-provider terms in every contract", "Reviewed yearly"},
	)
	b.h2("Privacy by design")
	b.bullets(
		"A data processing agreement is part of every contract, with our sub-processors listed and 30 days' notice of changes.",
		"Data subject requests (access, correction, deletion) are answered through the admin console within one business day.",
		"A privacy impact assessment is completed before any new feature that processes personal data ships.",
	)
	b.callout("Healthcare and financial services",
		"Customers in regulated industries can sign a HIPAA business associate agreement, keep data in a dedicated "+
			"region, and receive our bridge letter between SOC 2 reporting periods.")

	b.section("05 Operations and resilience", "Built to stay up, and to recover fast")
	b.para("The platform runs in three availability zones per region with automatic failover. We publish our " +
		"uptime every month and credit customers when we miss our commitment.")
	b.barChart(chart{
		title:  "Monthly uptime, last six months",
		labels: lastMonths(date, 6),
		series: []series{{name: "Uptime", color: brandBlue, values: []float64{99.98, 99.99, 99.96, 100, 99.97, 99.99}}},
		lo:     99.9, hi: 100, format: pct(2), height: 130,
	})
	b.kpis(kpi{"15 min", "Recovery point objective (RPO)"}, kpi{"4 hours", "Recovery time objective (RTO)"},
		kpi{"2 per year", "Independent penetration tests"})
	b.h2("Vulnerability management")
	b.table([]float64{126, 126, 252}, []string{"Severity", "Fix within", "Examples"},
		[]string{"Critical", "72 hours", "Remote code execution, authentication bypass"},
		[]string{"High", "7 days", "Privilege escalation, exposure of another tenant's metadata"},
		[]string{"Medium", "30 days", "Stored cross-site scripting behind authentication"},
	)

	b.section("06 Incident response", "When something goes wrong, you hear it from us first")
	b.para("Acme runs a documented incident response plan, rehearsed every quarter with tabletop exercises. " +
		"Each incident follows the same six steps, with a named incident commander from detection to review.")
	b.steps("Detect", "Triage", "Contain", "Notify customers", "Recover", "Review and improve")
	b.bullets(
		"Detection: centralised logging and intrusion detection, watched by a 24/7 security operations team.",
		"Notification: customers affected by a confirmed data breach are told within 48 hours, sooner where law requires.",
		"Communication: a status page with real-time updates, and a written root-cause report within five business days.",
		"Improvement: every incident ends with a blameless review whose actions are tracked to completion.",
	)
	b.quote("Acme's security team answered our 300-question assessment in four days, and their SOC 2 report had "+
		"no exceptions. It was the easiest vendor review we ran all year.", "Chief Information Security Officer, Northwind Health")

	b.section("07 Next steps", "Complete your security review with us")
	b.h2("Frequently asked questions")
	for _, qa := range [][2]string{
		{"Can we run a penetration test of our own?", "Yes. Enterprise customers may test their workspace once a year with 10 days' notice; we share our own reports under NDA."},
		{"Does Acme use our data to train AI models?", "No. Forecast models are trained per customer, on that customer's data only, and are deleted with it."},
		{"Where is support provided from?", "Support engineers work from the US, Ireland and the UK. EU-only support is available for EU-region customers."},
		{"What happens to our data if we leave?", "You can export everything at any time. After termination, data is deleted within 30 days and backups within 35."},
	} {
		b.y = b.page.Paragraph(docMargin, b.y, docWidth, brochureBold, qa[0])
		b.para(qa[1])
	}
	b.callout("Request our security package",
		"Our SOC 2 Type II report, ISO certificates, penetration test summary and completed questionnaires are one "+
			"request away: write to security@acme.example or ask your account executive.")
	b.contact("Questions from your security team? We will join the call.")
	return b
}

// lastMonths names the n months before date's, oldest first ("Oct").
func lastMonths(date time.Time, n int) []string {
	first := time.Date(date.Year(), date.Month(), 1, 0, 0, 0, 0, time.UTC)
	out := make([]string, n)
	for i := range n {
		out[i] = first.AddDate(0, i-n, 0).Format("Jan")
	}
	return out
}
