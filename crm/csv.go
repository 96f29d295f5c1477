// Package crm reads deals from CSV files and imports them in batches. It
// accepts two layouts, told apart by the header row:
//
//   - the CRM export (a header with opportunity_id): the columns
//     opportunity_id, sales_agent, product, account, deal_stage,
//     engage_date, close_date and close_value, mapped as described on
//     readCRM and in docs/crm-import.md;
//   - the upsert's own field names (a header with external_id):
//     external_id, name, account, amount, currency, stage, status,
//     owner_email, personas, industry and closed_at, meaning what they
//     mean in PUT /api/v1/deals/{external_id}.
//
// An empty cell leaves the field alone (on a new deal, its default). A bad
// row is reported by its line in the file (the header is line 1) and the
// rest are kept.
package crm

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stagecraft/stagecraft"
)

// Row is one deal read from a file.
type Row struct {
	Line       int
	ExternalID string
	Upsert     stagecraft.DealUpsert
}

// LineError is a row that could not be read or written.
type LineError struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Message) }

// The CRM export's columns.
var crmColumns = []string{"opportunity_id", "sales_agent", "product", "account", "deal_stage",
	"engage_date", "close_date", "close_value"}

// The upsert body's field names, with the deal's external id.
var fieldColumns = []string{"external_id", "name", "account", "amount", "currency", "stage", "status",
	"owner_email", "personas", "industry", "closed_at"}

// Reader reads deals from a CSV file, one row at a time.
type Reader struct {
	csv    *csv.Reader
	crm    bool           // the CRM export layout
	col    map[string]int // column name to index
	width  int
	owners *owners
}

// NewReader reads the header row of r and returns a reader of its rows.
// users are the organisation's, to whom sales agents and owner emails are
// matched. Returns EINVALID when the header names neither layout.
func NewReader(r io.Reader, users []*stagecraft.User) (*Reader, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, stagecraft.Errorf(stagecraft.EINVALID, "The file is empty; a header row naming the columns is required.")
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, stagecraft.Errorf(stagecraft.EINVALID, "line 1: the header row is not valid CSV: %v.", pe.Err)
	} else if err != nil {
		return nil, err
	}
	rd := &Reader{csv: cr, col: map[string]int{}, width: len(header), owners: newOwners(users)}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		if _, dup := rd.col[h]; dup && h != "" {
			return nil, stagecraft.Errorf(stagecraft.EINVALID, "line 1: column %q appears twice.", h)
		}
		rd.col[h] = i
	}
	_, rd.crm = rd.col["opportunity_id"]
	_, fields := rd.col["external_id"]
	switch {
	case rd.crm && fields:
		return nil, stagecraft.Errorf(stagecraft.EINVALID,
			"line 1: the header has both opportunity_id (CRM export) and external_id (field names); use one layout.")
	case rd.crm:
		if _, ok := rd.col["deal_stage"]; !ok {
			return nil, stagecraft.Errorf(stagecraft.EINVALID, "line 1: a CRM export needs a deal_stage column.")
		}
	case fields:
		for h := range rd.col {
			if h != "" && !contains(fieldColumns, h) {
				return nil, stagecraft.Errorf(stagecraft.EINVALID, "line 1: unknown column %q; expected %s.",
					h, strings.Join(fieldColumns, ", "))
			}
		}
	default:
		return nil, stagecraft.Errorf(stagecraft.EINVALID,
			"line 1: the header row must name either the CRM export's columns (%s) or the deal fields (%s).",
			strings.Join(crmColumns, ", "), strings.Join(fieldColumns, ", "))
	}
	return rd, nil
}

// Next returns the next row. A row that cannot be read or mapped comes
// back as a *LineError, after which reading may go on; io.EOF ends the
// file; any other error is the body's and ends the import.
func (rd *Reader) Next() (*Row, error) {
	rec, err := rd.csv.Read()
	line, _ := rd.csv.FieldPos(0)
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe):
		return nil, &LineError{Line: pe.StartLine, Message: fmt.Sprintf("not valid CSV: %v.", pe.Err)}
	case err != nil:
		return nil, err
	case len(rec) != rd.width:
		return nil, &LineError{Line: line, Message: fmt.Sprintf("the row has %d fields; the header has %d.", len(rec), rd.width)}
	}
	for _, v := range rec {
		if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			return nil, &LineError{Line: line, Message: "the row is not valid UTF-8 text; save the file as UTF-8."}
		}
	}
	row := &Row{Line: line}
	if rd.crm {
		err = rd.readCRM(rec, row)
	} else {
		err = rd.readFields(rec, row)
	}
	if err != nil {
		return nil, &LineError{Line: line, Message: stagecraft.ErrorMessage(err)}
	}
	if err := stagecraft.ValidateExternalID(row.ExternalID); err != nil {
		return nil, &LineError{Line: line, Message: stagecraft.ErrorMessage(err)}
	}
	return row, nil
}

// cell returns the trimmed value of a column, "" when absent.
func (rd *Reader) cell(rec []string, name string) string {
	if i, ok := rd.col[name]; ok {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

// readFields maps a row of the field-name layout.
func (rd *Reader) readFields(rec []string, row *Row) error {
	row.ExternalID = rd.cell(rec, "external_id")
	if row.ExternalID == "" {
		return invalid("external_id is required.")
	}
	up := &row.Upsert
	for _, f := range []struct {
		name string
		dst  **string
	}{{"name", &up.Name}, {"account", &up.Account}, {"currency", &up.Currency},
		{"stage", &up.Stage}, {"status", &up.Status}} {
		if v := rd.cell(rec, f.name); v != "" {
			*f.dst = &v
		}
	}
	if v := rd.cell(rec, "amount"); v != "" {
		a, err := parseAmount("amount", v)
		if err != nil {
			return err
		}
		up.Amount = stagecraft.NullableOf(a)
	}
	if v := rd.cell(rec, "owner_email"); v != "" {
		u := rd.owners.byEmail[stagecraft.NormalizeEmail(v)]
		if u == nil {
			return invalid("owner_email: no user of this organisation has the email %q.", v)
		}
		up.Owner = &stagecraft.DealOwner{ID: u.ID, Email: u.Email, Name: u.Name}
	}
	if v := rd.cell(rec, "personas"); v != "" {
		ps := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '|' })
		up.Personas = &ps
	}
	if v := rd.cell(rec, "industry"); v != "" {
		up.Industry = stagecraft.NullableOf(v)
	}
	if v := rd.cell(rec, "closed_at"); v != "" {
		t, err := parseTime(v)
		if err != nil {
			return invalid("closed_at: %q is not an RFC 3339 time or a YYYY-MM-DD date.", v)
		}
		up.ClosedAt = stagecraft.NullableOf(t)
	}
	return nil
}

// parseAmount reads a non-negative decimal number.
func parseAmount(field, v string) (float64, error) {
	a, err := strconv.ParseFloat(v, 64)
	if err != nil || a != a || a < 0 || a > 1e15 {
		return 0, invalid("%s: %q is not an amount (a number of at least 0, such as 1054 or 99.50).", field, v)
	}
	return a, nil
}

func parseTime(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	return time.Parse(time.DateOnly, v)
}

// owners finds the organisation's users by email and by name.
type owners struct {
	byEmail map[string]*stagecraft.User
	// byName maps a lower-cased name to its user, or to nil when two
	// users share the name (then no one is matched).
	byName map[string]*stagecraft.User
}

func newOwners(users []*stagecraft.User) *owners {
	o := &owners{byEmail: map[string]*stagecraft.User{}, byName: map[string]*stagecraft.User{}}
	for _, u := range users {
		o.byEmail[stagecraft.NormalizeEmail(u.Email)] = u
		key := nameKey(u.Name)
		if key == "" {
			continue
		}
		if _, dup := o.byName[key]; dup {
			o.byName[key] = nil
		} else {
			o.byName[key] = u
		}
	}
	return o
}

// nameKey folds a name for matching: lower case, single spaces.
func nameKey(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), " ")) }

// invalid returns an EINVALID error whose message names the field.
func invalid(format string, args ...any) error {
	return stagecraft.Errorf(stagecraft.EINVALID, format, args...)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
