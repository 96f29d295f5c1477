package crm

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stagecraft/stagecraft"
)

// crmStage is what a deal_stage value of the CRM export means: a stage
// key of an open deal, or a closing status.
type crmStage struct {
	stage, status string
}

// crmStages maps the export's deal_stage values, compared case-insensitively.
// Won and Lost name no stage: a closed deal keeps the stage it had reached,
// and a deal first seen closed gets the last stage of the taxonomy (see
// stagecraft.DealUpsert.Apply and docs/crm-import.md for why).
var crmStages = map[string]crmStage{
	"prospecting": {stage: "prospecting", status: stagecraft.DealOpen},
	"engaging":    {stage: "evaluation", status: stagecraft.DealOpen},
	"won":         {status: stagecraft.DealWon},
	"lost":        {status: stagecraft.DealLost},
}

// crmDateLayout is the export's date format, M/D/YYYY.
const crmDateLayout = "1/2/2006"

// readCRM maps a row of the CRM export:
//
//	opportunity_id → external_id
//	account        → account
//	account, product → name "account — product" (either alone when the other is empty)
//	product        → products, as one key ("GTX Plus Basic" → gtx_plus_basic)
//	close_value    → amount, in USD
//	engage_date    → created_at (M/D/YYYY, midnight UTC)
//	close_date     → closed_at of a won or lost deal (ignored on open deals)
//	deal_stage     → Prospecting: stage prospecting, open; Engaging: stage
//	                 evaluation, open; Won: status won; Lost: status lost
//	sales_agent    → owner: the user whose name matches case-insensitively,
//	                 else the agent's name alone, with no user
func (rd *Reader) readCRM(rec []string, row *Row) error {
	row.ExternalID = rd.cell(rec, "opportunity_id")
	if row.ExternalID == "" {
		return invalid("opportunity_id is required.")
	}
	up := &row.Upsert
	v := rd.cell(rec, "deal_stage")
	st, ok := crmStages[strings.ToLower(v)]
	if !ok {
		return invalid("deal_stage: unknown value %q; expected Prospecting, Engaging, Won or Lost.", v)
	}
	up.Status = &st.status
	if st.stage != "" {
		up.Stage = &st.stage
	}
	account, product := rd.cell(rec, "account"), rd.cell(rec, "product")
	if account != "" {
		up.Account = &account
	}
	if name := strings.Join(nonEmpty(account, product), " — "); name != "" {
		up.Name = &name
	}
	if key := productKey(product); key != "" {
		up.Products = &[]string{key}
	}
	if v := rd.cell(rec, "close_value"); v != "" {
		a, err := parseAmount("close_value", v)
		if err != nil {
			return err
		}
		usd := "USD"
		up.Amount, up.Currency = stagecraft.NullableOf(a), &usd
	}
	if v := rd.cell(rec, "engage_date"); v != "" {
		t, err := parseDate(v)
		if err != nil {
			return invalid("engage_date: %q is not a date (M/D/YYYY).", v)
		}
		up.CreatedAt = &t
	}
	if v := rd.cell(rec, "close_date"); v != "" {
		t, err := parseDate(v)
		if err != nil {
			return invalid("close_date: %q is not a date (M/D/YYYY).", v)
		}
		if st.status != stagecraft.DealOpen {
			up.ClosedAt = stagecraft.NullableOf(t)
		}
	}
	if agent := strings.Join(strings.Fields(rd.cell(rec, "sales_agent")), " "); agent != "" {
		if utf8.RuneCountInString(agent) > 200 {
			return invalid("sales_agent: longer than 200 characters.")
		}
		up.Owner = &stagecraft.DealOwner{Name: agent}
		if u := rd.owners.byName[nameKey(agent)]; u != nil {
			up.Owner.ID, up.Owner.Email = u.ID, u.Email
		}
	}
	return nil
}

func parseDate(v string) (time.Time, error) {
	if t, err := time.Parse(crmDateLayout, v); err == nil {
		return t, nil
	}
	return time.Parse(time.DateOnly, v)
}

// productKey turns a product name into key form: lower case, runs of
// other characters than letters and digits joined as one '_'.
func productKey(p string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(p) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			sep = false
		} else {
			sep = true
		}
	}
	return b.String()
}

func nonEmpty(vals ...string) []string {
	var out []string
	for _, v := range vals {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
