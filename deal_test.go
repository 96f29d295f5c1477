package stagecraft_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
)

func ptr[T any](v T) *T { return &v }

func TestDealUpsertApply(t *testing.T) {
	tax := stagecraft.DefaultTaxonomy()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	earlier := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	open := func() stagecraft.Deal {
		return stagecraft.Deal{ID: "d", ExternalID: "X-1", Name: "Big deal", Stage: "discovery", Status: "open",
			Currency: "USD", Amount: ptr(10.0), Personas: []string{"champion"}, Products: []string{}, Industry: ptr("retail")}
	}
	won := func() stagecraft.Deal {
		d := open()
		d.Status, d.ClosedAt = "won", &earlier
		return d
	}
	tests := []struct {
		name    string
		deal    func() stagecraft.Deal
		created bool
		up      stagecraft.DealUpsert
		field   string // the error's field; "" when the write is valid
		check   func(t *testing.T, d stagecraft.Deal)
	}{
		{name: "new deal gets defaults", deal: func() stagecraft.Deal { return stagecraft.Deal{ExternalID: "N-1"} }, created: true,
			check: func(t *testing.T, d stagecraft.Deal) {
				if d.Name != "N-1" || d.Stage != "prospecting" || d.Status != "open" || d.Currency != "USD" ||
					d.Personas == nil || d.Products == nil || d.ClosedAt != nil {
					t.Errorf("deal = %+v", d)
				}
			}},
		{name: "new closed deal is at the last stage, closed now", deal: func() stagecraft.Deal { return stagecraft.Deal{ExternalID: "N-2"} },
			created: true, up: stagecraft.DealUpsert{Status: ptr("lost")},
			check: func(t *testing.T, d stagecraft.Deal) {
				if d.Stage != "negotiation" || d.ClosedAt == nil || !d.ClosedAt.Equal(now) {
					t.Errorf("stage %q closed_at %v", d.Stage, d.ClosedAt)
				}
			}},
		{name: "partial update changes only what is given", deal: open, up: stagecraft.DealUpsert{Account: ptr(" Initech ")},
			check: func(t *testing.T, d stagecraft.Deal) {
				if d.Account != "Initech" || d.Name != "Big deal" || d.Stage != "discovery" || *d.Amount != 10 || *d.Industry != "retail" {
					t.Errorf("deal = %+v", d)
				}
			}},
		{name: "closing keeps the stage and stamps now", deal: open, up: stagecraft.DealUpsert{Status: ptr("WON")},
			check: func(t *testing.T, d stagecraft.Deal) {
				if d.Status != "won" || d.Stage != "discovery" || d.ClosedAt == nil || !d.ClosedAt.Equal(now) {
					t.Errorf("deal = %+v", d)
				}
			}},
		{name: "closing at a given time", deal: open, up: stagecraft.DealUpsert{Status: ptr("lost"), ClosedAt: stagecraft.NullableOf(earlier)},
			check: func(t *testing.T, d stagecraft.Deal) {
				if d.ClosedAt == nil || !d.ClosedAt.Equal(earlier) {
					t.Errorf("closed_at = %v", d.ClosedAt)
				}
			}},
		{name: "a closed deal keeps its close time", deal: won, up: stagecraft.DealUpsert{Status: ptr("lost")},
			check: func(t *testing.T, d stagecraft.Deal) {
				if !d.ClosedAt.Equal(earlier) {
					t.Errorf("closed_at = %v", d.ClosedAt)
				}
			}},
		{name: "reopening clears the close time", deal: won, up: stagecraft.DealUpsert{Status: ptr("open")},
			check: func(t *testing.T, d stagecraft.Deal) {
				if d.ClosedAt != nil {
					t.Errorf("closed_at = %v", d.ClosedAt)
				}
			}},
		{name: "null clears amount and industry", deal: open,
			up: stagecraft.DealUpsert{Amount: stagecraft.Nullable[float64]{Set: true}, Industry: stagecraft.Nullable[string]{Set: true}},
			check: func(t *testing.T, d stagecraft.Deal) {
				if d.Amount != nil || d.Industry != nil {
					t.Errorf("amount %v industry %v", d.Amount, d.Industry)
				}
			}},
		{name: "amount is rounded to cents, currency upper-cased", deal: open,
			up: stagecraft.DealUpsert{Amount: stagecraft.NullableOf(99.999), Currency: ptr("eur")},
			check: func(t *testing.T, d stagecraft.Deal) {
				if *d.Amount != 100 || d.Currency != "EUR" {
					t.Errorf("amount %v %s", *d.Amount, d.Currency)
				}
			}},
		{name: "owner", deal: open, up: stagecraft.DealUpsert{Owner: &stagecraft.DealOwner{Name: "Moses Frase"}},
			check: func(t *testing.T, d stagecraft.Deal) {
				if d.OwnerID != "" || d.OwnerName != "Moses Frase" {
					t.Errorf("owner %q %q", d.OwnerID, d.OwnerName)
				}
			}},
		{name: "unknown stage", deal: open, up: stagecraft.DealUpsert{Stage: ptr("closing")}, field: "stage"},
		{name: "unknown persona", deal: open, up: stagecraft.DealUpsert{Personas: &[]string{"champion", "cfo"}}, field: "personas"},
		{name: "unknown industry", deal: open, up: stagecraft.DealUpsert{Industry: stagecraft.NullableOf("mining")}, field: "industry"},
		{name: "bad status", deal: open, up: stagecraft.DealUpsert{Status: ptr("pending")}, field: "status"},
		{name: "negative amount", deal: open, up: stagecraft.DealUpsert{Amount: stagecraft.NullableOf(-1.0)}, field: "amount"},
		{name: "huge amount", deal: open, up: stagecraft.DealUpsert{Amount: stagecraft.NullableOf(1e17)}, field: "amount"},
		{name: "bad currency", deal: open, up: stagecraft.DealUpsert{Currency: ptr("US")}, field: "currency"},
		{name: "unknown currency", deal: open, up: stagecraft.DealUpsert{Currency: ptr("XYZ")}, field: "currency"},
		{name: "long name", deal: open, up: stagecraft.DealUpsert{Name: ptr(strings.Repeat("n", 301))}, field: "name"},
		{name: "NUL in account", deal: open, up: stagecraft.DealUpsert{Account: ptr("a\x00b")}, field: "account"},
		{name: "closed_at on an open deal", deal: open, up: stagecraft.DealUpsert{ClosedAt: stagecraft.NullableOf(earlier)}, field: "closed_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.deal()
			before := d
			err := tt.up.Apply(&d, tt.created, &tax, now)
			if tt.field != "" {
				e, ok := stagecraft.AsError(err)
				if !ok || e.Code != stagecraft.EINVALID || e.Details["field"] != tt.field ||
					!strings.Contains(e.Message, tt.field) {
					t.Fatalf("err = %v (%+v), want invalid_input naming %s", err, e, tt.field)
				}
				if d.Name != before.Name || d.Stage != before.Stage || d.Status != before.Status {
					t.Errorf("a failed write changed the deal: %+v", d)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, d)
		})
	}
}

func TestDealUnknownKeysNameTheValidOnes(t *testing.T) {
	tax := stagecraft.DefaultTaxonomy()
	d := stagecraft.Deal{ExternalID: "X"}
	err := (&stagecraft.DealUpsert{Stage: ptr("closing")}).Apply(&d, true, &tax, time.Now())
	e, _ := stagecraft.AsError(err)
	if e == nil || !strings.Contains(e.Message, "prospecting, discovery, evaluation, proposal, negotiation") {
		t.Fatalf("err = %v", err)
	}
}

func TestDealAuthorize(t *testing.T) {
	rep := &stagecraft.User{ID: "rep", OrgID: "o", Role: stagecraft.RoleRep, Email: "rep@x", Name: "Rep"}
	marketer := &stagecraft.User{ID: "m", OrgID: "o", Role: stagecraft.RoleMarketer}
	tax := stagecraft.DefaultTaxonomy()
	now := time.Now()
	others := &stagecraft.Deal{ExternalID: "X", OwnerID: "someone", Stage: "discovery", Status: "open"}
	own := &stagecraft.Deal{ExternalID: "X", OwnerID: "rep", Stage: "discovery", Status: "open"}
	tests := []struct {
		name    string
		user    *stagecraft.User
		deal    *stagecraft.Deal
		created bool
		up      stagecraft.DealUpsert
		code    string
	}{
		{"rep creates own", rep, &stagecraft.Deal{ExternalID: "X"}, true, stagecraft.DealUpsert{}, ""},
		{"rep creates for another", rep, &stagecraft.Deal{ExternalID: "X"}, true,
			stagecraft.DealUpsert{Owner: &stagecraft.DealOwner{ID: "someone"}}, stagecraft.EFORBIDDEN},
		{"rep updates own", rep, own, false, stagecraft.DealUpsert{Stage: ptr("proposal")}, ""},
		{"rep gives own away", rep, own, false, stagecraft.DealUpsert{Owner: &stagecraft.DealOwner{}}, stagecraft.EFORBIDDEN},
		{"rep updates another's", rep, others, false, stagecraft.DealUpsert{}, stagecraft.EFORBIDDEN},
		{"marketer updates another's", marketer, others, false,
			stagecraft.DealUpsert{Owner: &stagecraft.DealOwner{ID: "rep"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := *tt.deal
			err := tt.up.ApplyAs(tt.user, &d, tt.created, &tax, now)
			if got := stagecraft.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q (%v), want %q", got, err, tt.code)
			}
			if tt.name == "rep creates own" && (d.OwnerID != "rep" || d.OwnerEmail != "rep@x" || d.OwnerName != "Rep") {
				t.Errorf("a rep's new deal is owned by %q", d.OwnerID)
			}
		})
	}
}

func TestValidateExternalID(t *testing.T) {
	for id, ok := range map[string]bool{
		"1C1I7A6R": true, "opp/42 x": true, strings.Repeat("é", 200): true,
		"": false, strings.Repeat("x", 201): false, " x": false, "x\n": false, "a\x00b": false,
	} {
		if err := stagecraft.ValidateExternalID(id); (err == nil) != ok {
			t.Errorf("ValidateExternalID(%q) = %v", id, err)
		}
	}
}
