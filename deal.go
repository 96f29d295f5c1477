package stagecraft

import (
	"context"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Deal statuses: a deal is open until it is won or lost.
const (
	DealOpen = "open"
	DealWon  = "won"
	DealLost = "lost"
)

// DealStatuses lists the statuses in display order.
var DealStatuses = []string{DealOpen, DealWon, DealLost}

// Limits on a deal's fields.
const (
	MaxExternalIDLength = 200
	maxDealText         = 300
	// maxAmount keeps amounts inside the column's numeric(18, 2).
	maxAmount = 1e16
)

// Deal is an opportunity from the CRM that collateral is used on.
type Deal struct {
	ID         string
	OrgID      string
	ExternalID string
	Name       string
	Account    string
	Amount     *float64
	Currency   string
	Stage      string
	Status     string
	OwnerID    string
	OwnerEmail string
	Personas   []string
	Industry   *string
	ClosedAt   *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time

	// OwnerName is the owner's name: the user's, or the CRM's name for an
	// owner who is not a user of the organisation (OwnerID empty).
	OwnerName string
	// Products are the CRM's products on the deal, in key form. They are
	// informational and not checked against the taxonomy.
	Products []string
}

// Closed reports whether the deal is won or lost.
func (d *Deal) Closed() bool { return d.Status == DealWon || d.Status == DealLost }

// VisibleTo reports whether u may see the deal: reps see their own deals,
// marketers and admins all of their organisation's.
func (d *Deal) VisibleTo(u *User) bool {
	return d.OrgID == u.OrgID && (u.Role != RoleRep || d.OwnerID == u.ID)
}

// FindVisibleDeal returns the deal id of u's organisation when u may see
// it, and ENOTFOUND otherwise: to a rep, another rep's deal does not
// exist. Every path that takes a deal from a user goes through here.
func FindVisibleDeal(ctx context.Context, deals DealService, u *User, id string) (*Deal, error) {
	d, err := deals.FindDealByID(ctx, u.OrgID, id)
	if err != nil {
		return nil, err
	}
	if !d.VisibleTo(u) {
		return nil, Errorf(ENOTFOUND, "Deal not found.")
	}
	return d, nil
}

// DealStageChange is one entry of a deal's stage history: the stage (and
// status) the deal was in, and when that was first seen.
type DealStageChange struct {
	Stage  string
	Status string
	SeenAt time.Time
}

// ValidateExternalID checks a deal's CRM id: 1 to 200 characters, no
// control characters and no surrounding spaces.
func ValidateExternalID(id string) error {
	n := utf8.RuneCountInString(id)
	switch {
	case n == 0 || n > MaxExternalIDLength:
		return fieldErrorf("external_id", "external_id must be 1 to %d characters.", MaxExternalIDLength)
	case !cleanText(id) || strings.TrimSpace(id) != id:
		return fieldErrorf("external_id", "external_id must be valid UTF-8 without control characters or surrounding spaces.")
	}
	return nil
}

// DealOwner is the owner a write gives a deal: a user (ID set), or, for a
// CRM owner who is not a user, just a name. The zero value means no owner.
type DealOwner struct {
	ID    string
	Email string
	Name  string
}

// Nullable is a field of a partial update that may be left out, set to
// null or set to a value; Set tells the first apart from the other two.
type Nullable[T any] struct {
	Set   bool
	Value *T
}

// NullableOf returns a Nullable set to v.
func NullableOf[T any](v T) Nullable[T] { return Nullable[T]{Set: true, Value: &v} }

// DealUpsert is a write of one deal, by its external id, as the API's PUT
// body or a row of a CRM import gives it. A new deal takes the fields
// given and defaults for the others; an existing one changes only the
// fields given (nil or not Set). Amount and Industry may be cleared with
// null; a null ClosedAt is as if it were left out (closing sets it).
type DealUpsert struct {
	Name       *string
	Account    *string
	Amount     Nullable[float64]
	Currency   *string
	Stage      *string
	Status     *string
	OwnerEmail *string
	Personas   *[]string
	Industry   Nullable[string]
	ClosedAt   Nullable[time.Time]

	// Owner is the owner resolved from OwnerEmail (or a CRM agent's name)
	// by the caller; nil leaves the owner alone.
	Owner *DealOwner
	// Products and CreatedAt come from CRM imports only.
	Products  *[]string
	CreatedAt *time.Time
}

// Authorize returns EFORBIDDEN unless u may make this write. Admins and
// marketers may write any deal of their organisation; a rep may create
// deals and update the deals the rep owns, and never give one to another
// user. created tells whether d is a new deal.
func (up *DealUpsert) Authorize(u *User, d *Deal, created bool) error {
	if u.Role != RoleRep {
		return nil
	}
	if !created && d.OwnerID != u.ID {
		return Errorf(EFORBIDDEN, "Reps may update only their own deals; this deal belongs to someone else.")
	}
	if up.Owner != nil && up.Owner.ID != u.ID {
		return Errorf(EFORBIDDEN, "owner_email: reps may not give a deal to another user.").
			WithDetails(map[string]any{"field": "owner_email"})
	}
	return nil
}

// ApplyAs authorizes the write for u and applies it. A deal a rep creates
// is the rep's.
func (up *DealUpsert) ApplyAs(u *User, d *Deal, created bool, tax *Taxonomy, now time.Time) error {
	if err := up.Authorize(u, d, created); err != nil {
		return err
	}
	w := *up
	if created && w.Owner == nil && u.Role == RoleRep {
		w.Owner = &DealOwner{ID: u.ID, Email: u.Email, Name: u.Name}
	}
	return w.Apply(d, created, tax, now)
}

// Apply validates the write against the organisation's taxonomy and
// applies it to d: the deal as stored or, when created, a new deal holding
// only its ids. On error d is unchanged.
//
// A new deal without a stage starts at the taxonomy's first stage, or its
// last when it is created closed (a deal that closed had been through the
// funnel). Status won or lost closes the deal: closed_at defaults to now
// when it closes, and reopening clears it.
func (up *DealUpsert) Apply(d *Deal, created bool, tax *Taxonomy, now time.Time) error {
	n := *d
	if created {
		n.Status, n.Currency, n.Personas, n.Products = DealOpen, "USD", []string{}, []string{}
	}
	if err := up.applyText(&n); err != nil {
		return err
	}
	if created && n.Name == "" {
		n.Name = n.ExternalID
	}
	if up.Amount.Set {
		n.Amount = nil
		if v := up.Amount.Value; v != nil {
			if math.IsNaN(*v) || *v < 0 || *v >= maxAmount {
				return fieldErrorf("amount", "amount must be a number from 0 to 9999999999999999.99.")
			}
			a := math.Round(*v*100) / 100
			n.Amount = &a
		}
	}
	if up.Currency != nil {
		c := strings.ToUpper(strings.TrimSpace(*up.Currency))
		if !validCurrency(c) {
			return fieldErrorf("currency", "currency must be a 3-letter ISO 4217 code such as USD or EUR.")
		}
		n.Currency = c
	}
	if up.Status != nil {
		s := strings.ToLower(strings.TrimSpace(*up.Status))
		if !contains(DealStatuses, s) {
			return Errorf(EINVALID, "status must be one of open, won, lost.").
				WithDetails(map[string]any{"field": "status", "valid": DealStatuses})
		}
		n.Status = s
	}
	if err := up.applyKeys(&n, tax); err != nil {
		return err
	}
	if n.Stage == "" && len(tax.Stages) > 0 {
		n.Stage = tax.Stages[0].Key
		if n.Closed() {
			n.Stage = tax.Stages[len(tax.Stages)-1].Key
		}
	}
	if up.Owner != nil {
		n.OwnerID, n.OwnerEmail, n.OwnerName = up.Owner.ID, up.Owner.Email, strings.TrimSpace(up.Owner.Name)
		if len(n.OwnerName) > maxDealText || !cleanText(n.OwnerName) {
			return fieldErrorf("owner", "owner name must be at most %d characters of text.", maxDealText)
		}
	}
	if up.CreatedAt != nil {
		n.CreatedAt = up.CreatedAt.UTC()
	}
	switch {
	case !n.Closed():
		if up.ClosedAt.Value != nil {
			return fieldErrorf("closed_at", "closed_at: an open deal has no close time; set status to won or lost.")
		}
		n.ClosedAt = nil
	case up.ClosedAt.Value != nil:
		t := up.ClosedAt.Value.UTC()
		n.ClosedAt = &t
	case n.ClosedAt == nil || !d.Closed():
		t := now.UTC()
		n.ClosedAt = &t
	}
	*d = n
	return nil
}

// applyText sets the free-text fields.
func (up *DealUpsert) applyText(n *Deal) error {
	for _, f := range []struct {
		name string
		src  *string
		dst  *string
	}{{"name", up.Name, &n.Name}, {"account", up.Account, &n.Account}} {
		if f.src == nil {
			continue
		}
		v := strings.TrimSpace(*f.src)
		if utf8.RuneCountInString(v) > maxDealText || !cleanText(v) {
			return fieldErrorf(f.name, "%s must be at most %d characters of text.", f.name, maxDealText)
		}
		*f.dst = v
	}
	if up.Products != nil {
		ps := CleanList(*up.Products)
		for _, p := range ps {
			if len(p) > 100 || !cleanText(p) {
				return fieldErrorf("products", "products: %q is not a product key of at most 100 characters.", p)
			}
		}
		n.Products = ps
	}
	return nil
}

// applyKeys sets the fields that hold taxonomy keys, checking them.
func (up *DealUpsert) applyKeys(n *Deal, tax *Taxonomy) error {
	if up.Stage != nil {
		s := strings.TrimSpace(*up.Stage)
		if err := tax.CheckKeys(FacetStages, "stage", []string{s}); err != nil {
			return err
		}
		n.Stage = s
	}
	if up.Personas != nil {
		ps := CleanList(*up.Personas)
		if err := tax.CheckKeys(FacetPersonas, "personas", ps); err != nil {
			return err
		}
		n.Personas = ps
	}
	if up.Industry.Set {
		n.Industry = nil
		if v := up.Industry.Value; v != nil && strings.TrimSpace(*v) != "" {
			s := strings.TrimSpace(*v)
			if err := tax.CheckKeys(FacetIndustries, "industry", []string{s}); err != nil {
				return err
			}
			n.Industry = &s
		}
	}
	return nil
}

// DealFilter selects deals. Zero values do not filter.
type DealFilter struct {
	OrgID    string
	Statuses []string
	OwnerID  string
	// Query keeps the deals whose name, account or external id contains
	// every word of it, ignoring case (each word may match another field).
	Query  string
	Limit  int
	Offset int
}

// Validate checks the filter's search text.
func (f *DealFilter) Validate() error { return ValidateListQuery(f.Query) }

// DealApplyFunc changes d, the i-th deal of an upsert, as stored or (when
// created) new, checking the change against the organisation's taxonomy.
type DealApplyFunc func(i int, d *Deal, created bool, tax *Taxonomy) error

// DealUpsertResult is the outcome of one deal of an upsert.
type DealUpsertResult struct {
	// Deal is the deal as saved; nil when Err is set.
	Deal    *Deal
	Created bool
	// Err is the *Error apply returned; the deal was left as it was.
	Err error
}

// DealService stores deals.
type DealService interface {
	// FindDealByID returns ENOTFOUND unless the deal exists in orgID.
	FindDealByID(ctx context.Context, orgID, id string) (*Deal, error)
	// FindDeals returns a page of deals, most recently updated first, and
	// the number matching. Returns EINVALID if f does not validate.
	FindDeals(ctx context.Context, f DealFilter) ([]*Deal, int, error)
	// FindDealStageHistory returns the stages a deal was seen in, oldest
	// first. Returns ENOTFOUND unless the deal exists in orgID.
	FindDealStageHistory(ctx context.Context, orgID, id string) ([]DealStageChange, error)
	// UpsertDeals creates or updates the deals of orgID with the given
	// external ids, in one transaction, concurrency-safely. For each id in
	// order, apply gets the deal as stored (under a row lock), or a new
	// deal, and the organisation's taxonomy as of the transaction; the
	// same id may come more than once, each seeing the last's result. A
	// deal whose apply returns an *Error is not written and gets that
	// error in its result; any other error aborts the whole call. Each
	// new deal and each change of stage appends a stage-history entry
	// seen now; a deal apply leaves unchanged is not written at all.
	UpsertDeals(ctx context.Context, orgID string, externalIDs []string, apply DealApplyFunc) ([]DealUpsertResult, error)
}

func fieldErrorf(field, format string, args ...any) *Error {
	return Errorf(EINVALID, format, args...).WithDetails(map[string]any{"field": field})
}

// cleanText reports whether s is valid UTF-8 without control characters,
// which PostgreSQL (NUL) or displays (the rest) would choke on.
func cleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	return strings.IndexFunc(s, unicode.IsControl) < 0
}

// currencies are the active ISO 4217 codes.
var currencies = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(`AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND
		BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
		FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF
		KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD
		NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE
		SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF
		XCD XCG XOF XPF YER ZAR ZMW ZWG`) {
		m[c] = true
	}
	return m
}()

func validCurrency(c string) bool { return currencies[c] }
