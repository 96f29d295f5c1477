package crm

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
)

// readAll reads every row of a file, returning the rows and the line
// errors by line.
func readAll(t *testing.T, file string, users []*stagecraft.User) ([]*Row, map[int]string) {
	t.Helper()
	rd, err := NewReader(strings.NewReader(file), users)
	if err != nil {
		t.Fatal(err)
	}
	var rows []*Row
	errs := map[int]string{}
	for {
		row, err := rd.Next()
		var le *LineError
		switch {
		case errors.Is(err, io.EOF):
			return rows, errs
		case errors.As(err, &le):
			errs[le.Line] = le.Message
		case err != nil:
			t.Fatal(err)
		default:
			rows = append(rows, row)
		}
	}
}

func TestReadCRMExport(t *testing.T) {
	users := []*stagecraft.User{
		{ID: "u1", Email: "moses@example.com", Name: "Moses  FRASE"},
		{ID: "u2", Email: "anna1@example.com", Name: "Anna Snelling"},
		{ID: "u3", Email: "anna2@example.com", Name: "anna snelling"},
	}
	file := "\uFEFFOpportunity_ID,sales_agent,product,account,deal_stage,engage_date,close_date,close_value,region\n" +
		"1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,10/20/2016,3/1/2017,1054,East\n" +
		"6CWZFOHJ,Anna Snelling,GTX Basic,,prospecting,,,,\n" +
		"HAXMC4IX,Nobody Known,MG Advanced,Acme,Engaging,11/3/2016,12/1/2016,,\n" +
		"BAD1,Moses Frase,GTX Basic,Cancity,Won,13/45/2016,,,\n" +
		"BAD2,Moses Frase,GTX Basic\n"
	rows, errs := readAll(t, file, users)
	if len(rows) != 3 || len(errs) != 2 || !strings.Contains(errs[5], "engage_date") || !strings.Contains(errs[6], "fields") {
		t.Fatalf("rows %d, errors %v", len(rows), errs)
	}
	won := rows[0].Upsert
	switch {
	case rows[0].Line != 2, rows[0].ExternalID != "1C1I7A6R":
		t.Errorf("row = %+v", rows[0])
	case *won.Status != "won", won.Stage != nil, *won.Name != "Cancity — GTX Plus Basic", *won.Account != "Cancity":
		t.Errorf("won = %+v", won)
	case *won.Amount.Value != 1054, *won.Currency != "USD", (*won.Products)[0] != "gtx_plus_basic":
		t.Errorf("won = %+v", won)
	case !won.CreatedAt.Equal(time.Date(2016, 10, 20, 0, 0, 0, 0, time.UTC)),
		!won.ClosedAt.Value.Equal(time.Date(2017, 3, 1, 0, 0, 0, 0, time.UTC)):
		t.Errorf("times = %v %v", won.CreatedAt, won.ClosedAt.Value)
	case won.Owner.ID != "u1", won.Owner.Name != "Moses Frase":
		t.Errorf("owner = %+v", won.Owner)
	}
	// Two users share the name: matched to no one, kept by name.
	if p := rows[1].Upsert; *p.Stage != "prospecting" || *p.Status != "open" || p.Owner.ID != "" ||
		p.Owner.Name != "Anna Snelling" || *p.Name != "GTX Basic" || p.Account != nil || p.Amount.Set {
		t.Errorf("prospecting = %+v %+v", p, p.Owner)
	}
	// An open deal's close_date is ignored.
	if g := rows[2].Upsert; *g.Stage != "evaluation" || g.ClosedAt.Set || g.Owner.ID != "" {
		t.Errorf("engaging = %+v", g)
	}
}

func TestReadHeader(t *testing.T) {
	for _, tt := range []struct{ header, want string }{
		{"", "empty"},
		{"id,title", "must name either"},
		{"opportunity_id,account", "deal_stage"},
		{"external_id,stagee", "stagee"},
		{"external_id,opportunity_id,deal_stage", "one layout"},
		{"external_id,name,name", "twice"},
	} {
		_, err := NewReader(strings.NewReader(tt.header), nil)
		if stagecraft.ErrorCode(err) != stagecraft.EINVALID || !strings.Contains(stagecraft.ErrorMessage(err), tt.want) {
			t.Errorf("header %q: %v, want invalid_input mentioning %q", tt.header, err, tt.want)
		}
	}
}

func TestReadFieldNames(t *testing.T) {
	users := []*stagecraft.User{{ID: "u1", Email: "rep@example.com", Name: "Rep"}}
	file := "external_id,amount,owner_email,personas,closed_at,industry\n" +
		"A,12.5,REP@example.com,champion;end_user|x,2026-01-02T03:04:05+01:00,retail\n" +
		"\"B\",,,,,\n" +
		",1,,,,\n" +
		"C,abc,,,,\n" +
		"D,,other@example.com,,,\n" +
		"E,,,,soon,\n" +
		"F\xff,,,,,\n"
	rows, errs := readAll(t, file, users)
	want := map[int]string{4: "external_id", 5: "amount", 6: "owner_email", 7: "closed_at", 8: "UTF-8"}
	if len(rows) != 2 || len(errs) != len(want) {
		t.Fatalf("rows %d, errors %v", len(rows), errs)
	}
	for line, field := range want {
		if !strings.Contains(errs[line], field) {
			t.Errorf("line %d: %q, want it to name %s", line, errs[line], field)
		}
	}
	a := rows[0].Upsert
	if *a.Amount.Value != 12.5 || a.Owner.ID != "u1" || strings.Join(*a.Personas, ",") != "champion,end_user,x" ||
		!a.ClosedAt.Value.Equal(time.Date(2026, 1, 2, 2, 4, 5, 0, time.UTC)) || *a.Industry.Value != "retail" {
		t.Errorf("A = %+v", a)
	}
	if b := rows[1].Upsert; b.Amount.Set || b.Owner != nil || b.Personas != nil || b.Name != nil || b.Industry.Set {
		t.Errorf("B (empty cells) = %+v", b)
	}
}

func TestProductKey(t *testing.T) {
	for in, want := range map[string]string{
		"GTX Plus Basic": "gtx_plus_basic", "GTXPro": "gtxpro", " MG  Special ": "mg_special", "GTK-500": "gtk_500", "": "",
	} {
		if got := productKey(in); got != want {
			t.Errorf("productKey(%q) = %q, want %q", in, got, want)
		}
	}
}
