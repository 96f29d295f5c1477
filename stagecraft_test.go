package stagecraft_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
)

func TestErrorCodeAndMessage(t *testing.T) {
	e := stagecraft.Errorf(stagecraft.ENOTFOUND, "Asset not found.")
	wrapped := fmt.Errorf("find asset: %w", e)
	tests := []struct {
		err       error
		code, msg string
	}{
		{nil, "", ""},
		{e, stagecraft.ENOTFOUND, "Asset not found."},
		{wrapped, stagecraft.ENOTFOUND, "Asset not found."},
		{errors.New("pq: secret table"), stagecraft.EINTERNAL, "Internal error."},
		{stagecraft.Unavailable("database", errors.New("refused")), stagecraft.EUNAVAILABLE, "The database service is unavailable; please try again shortly."},
	}
	for _, tt := range tests {
		if got := stagecraft.ErrorCode(tt.err); got != tt.code {
			t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.code)
		}
		if got := stagecraft.ErrorMessage(tt.err); got != tt.msg {
			t.Errorf("ErrorMessage(%v) = %q, want %q", tt.err, got, tt.msg)
		}
	}
}

func TestNewUserValidate(t *testing.T) {
	ok := stagecraft.NewUser{Email: "a@example.com", Role: stagecraft.RoleRep, Password: "long enough pw"}
	tests := []struct {
		name   string
		edit   func(*stagecraft.NewUser)
		substr string
	}{
		{"valid", func(*stagecraft.NewUser) {}, ""},
		{"no email", func(u *stagecraft.NewUser) { u.Email = "" }, "email is required"},
		{"bad email", func(u *stagecraft.NewUser) { u.Email = "not-an-email" }, "not a valid address"},
		{"display-name email", func(u *stagecraft.NewUser) { u.Email = "Bob <b@example.com>" }, "not a valid address"},
		{"bad role", func(u *stagecraft.NewUser) { u.Role = "owner" }, "role must be"},
		{"short password", func(u *stagecraft.NewUser) { u.Password = "short" }, "at least 10"},
		{"huge password", func(u *stagecraft.NewUser) { u.Password = strings.Repeat("x", 2000) }, "at most 1024"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := ok
			tt.edit(&u)
			err := u.Validate()
			checkInvalid(t, err, tt.substr)
		})
	}
	u := stagecraft.NewUser{Email: "  Mixed@Example.COM "}
	u.Normalize()
	if u.Email != "mixed@example.com" {
		t.Errorf("normalised email = %q", u.Email)
	}
}

func TestUserUpdateValidate(t *testing.T) {
	str := func(s string) *string { return &s }
	role := func(r string) *stagecraft.Role { return (*stagecraft.Role)(&r) }
	tests := []struct {
		name   string
		upd    stagecraft.UserUpdate
		substr string
	}{
		{"nothing", stagecraft.UserUpdate{}, ""},
		{"name and role", stagecraft.UserUpdate{Name: str("Ada"), Role: role("marketer")}, ""},
		{"empty name", stagecraft.UserUpdate{Name: str("")}, ""},
		{"longest name", stagecraft.UserUpdate{Name: str(strings.Repeat("x", 200))}, ""},
		{"long name", stagecraft.UserUpdate{Name: str(strings.Repeat("x", 201))}, "at most 200"},
		{"bad role", stagecraft.UserUpdate{Role: role("owner")}, "role must be"},
		{"empty role", stagecraft.UserUpdate{Role: role("")}, "role must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.upd.Validate()
			checkInvalid(t, err, tt.substr)
		})
	}
	u := stagecraft.UserUpdate{Name: str("  Ada Lovelace ")}
	u.Normalize()
	if *u.Name != "Ada Lovelace" {
		t.Errorf("normalised name = %q", *u.Name)
	}
}

func TestTaxonomyValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*stagecraft.Taxonomy)
		substr string
	}{
		{"default", func(*stagecraft.Taxonomy) {}, ""},
		{"no stages", func(t *stagecraft.Taxonomy) { t.Stages = nil }, "at least one stage"},
		{"bad key", func(t *stagecraft.Taxonomy) { t.Personas[0].Key = "Economic Buyer" }, "personas[0].key"},
		{"empty key", func(t *stagecraft.Taxonomy) { t.Products = []stagecraft.Term{{Key: ""}} }, "products[0].key"},
		{"duplicate", func(t *stagecraft.Taxonomy) { t.Stages[1].Key = t.Stages[0].Key }, "repeated"},
		{"long label", func(t *stagecraft.Taxonomy) { t.Stages[0].Label = strings.Repeat("x", 101) }, "label"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tax := stagecraft.DefaultTaxonomy()
			tt.edit(&tax)
			err := tax.Validate()
			if tt.substr == "" {
				if err != nil {
					t.Fatal(err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tt.substr) {
				t.Errorf("err = %v, want one containing %q", err, tt.substr)
			}
		})
	}
}

func TestTaxonomyNormalize(t *testing.T) {
	tax := stagecraft.Taxonomy{Stages: []stagecraft.Term{
		{Key: "b", Order: 20}, {Key: "a", Order: 10, Label: "  A  "},
	}, Personas: []stagecraft.Term{{Key: "z"}, {Key: "y", Order: 1}}}
	tax.Normalize()
	if got := tax.Keys(stagecraft.FacetStages); strings.Join(got, ",") != "a,b" {
		t.Errorf("stages = %v, want sorted by order", got)
	}
	if tax.Stages[0].Order != 1 || tax.Stages[1].Order != 2 || tax.Stages[0].Label != "A" || tax.Stages[1].Label != "b" {
		t.Errorf("stages = %+v, want renumbered with labels trimmed or defaulted", tax.Stages)
	}
	// Without an order on every term, the list order stands.
	if got := tax.Keys(stagecraft.FacetPersonas); strings.Join(got, ",") != "z,y" {
		t.Errorf("personas = %v", got)
	}
	if tax.Products == nil || tax.Industries == nil {
		t.Error("empty facets must be [] not null")
	}
}

func TestCheckKeysNamesValidKeys(t *testing.T) {
	tax := stagecraft.DefaultTaxonomy()
	if err := tax.CheckKeys(stagecraft.FacetStages, "stages", []string{"discovery"}); err != nil {
		t.Fatal(err)
	}
	err := tax.CheckKeys(stagecraft.FacetStages, "stages", []string{"discovery", "closing"})
	e, ok := stagecraft.AsError(err)
	if !ok || e.Code != stagecraft.EINVALID || !strings.Contains(e.Message, "'closing'") ||
		!strings.Contains(e.Message, "prospecting, discovery, evaluation, proposal, negotiation") {
		t.Fatalf("err = %v", err)
	}
	if e.Details["field"] != "stages" {
		t.Errorf("details = %v", e.Details)
	}
	err = tax.CheckKeys(stagecraft.FacetProducts, "products", []string{"x"})
	if err == nil || !strings.Contains(err.Error(), "(none defined)") {
		t.Errorf("err = %v", err)
	}
}

func TestAssetUpdateApply(t *testing.T) {
	tax := stagecraft.DefaultTaxonomy()
	str := func(s string) *string { return &s }
	list := func(s ...string) *[]string { return &s }
	future := time.Now().Add(time.Hour)
	fp := &future
	var none *time.Time
	base := func() *stagecraft.Asset {
		return &stagecraft.Asset{Title: "Deck", TitleFromFilename: true, Status: stagecraft.StatusDraft,
			Stages: []string{"discovery"}, ExpiresAt: fp}
	}
	tests := []struct {
		name   string
		upd    stagecraft.AssetUpdate
		check  func(*stagecraft.Asset) bool
		substr string
	}{
		{"title", stagecraft.AssetUpdate{Title: str(" New ")}, func(a *stagecraft.Asset) bool {
			return a.Title == "New" && !a.TitleFromFilename
		}, ""},
		{"empty title", stagecraft.AssetUpdate{Title: str("  ")}, nil, "title must not be empty"},
		{"stages cleaned", stagecraft.AssetUpdate{Stages: list(" proposal", "proposal", "")}, func(a *stagecraft.Asset) bool {
			return len(a.Stages) == 1 && a.Stages[0] == "proposal"
		}, ""},
		{"unknown persona", stagecraft.AssetUpdate{Personas: list("cfo")}, nil, "valid keys are"},
		{"bad status", stagecraft.AssetUpdate{Status: (*stagecraft.AssetStatus)(str("deleted"))}, nil, "status must be"},
		{"clear expiry", stagecraft.AssetUpdate{ExpiresAt: &none}, func(a *stagecraft.Asset) bool { return a.ExpiresAt == nil }, ""},
		{"nothing", stagecraft.AssetUpdate{}, func(a *stagecraft.Asset) bool {
			return a.Title == "Deck" && a.TitleFromFilename && a.ExpiresAt == fp
		}, ""},
		{"too many tags", stagecraft.AssetUpdate{Tags: func() *[]string {
			var s []string
			for i := range 51 {
				s = append(s, fmt.Sprint(i))
			}
			return &s
		}()}, nil, "at most 50"},
		{"title of 300 accented characters", stagecraft.AssetUpdate{Title: str(strings.Repeat("é", 300))}, func(a *stagecraft.Asset) bool {
			return a.Title == strings.Repeat("é", 300)
		}, ""},
		{"title of 301 characters", stagecraft.AssetUpdate{Title: str(strings.Repeat("é", 301))}, nil, "title must be at most 300 characters."},
		{"description of 5001 characters", stagecraft.AssetUpdate{Description: str(strings.Repeat("ü", 5001))}, nil,
			"description must be at most 5000 characters."},
		{"tag of 60 characters", stagecraft.AssetUpdate{Tags: list(strings.Repeat("ø", 60))}, func(a *stagecraft.Asset) bool {
			return len(a.Tags) == 1
		}, ""},
		{"tag of 61 characters", stagecraft.AssetUpdate{Tags: list(strings.Repeat("ø", 61))}, nil, "is longer than 60 characters."},
	}
	t.Run("a stored title over the limit does not stop other changes", func(t *testing.T) {
		a := base()
		a.Title = strings.Repeat("t", 400)
		if err := (&stagecraft.AssetUpdate{Tags: list("q3")}).Apply(a, &tax); err != nil || a.Tags[0] != "q3" {
			t.Fatalf("err = %v, tags = %v", err, a.Tags)
		}
		if err := (&stagecraft.AssetUpdate{Title: str(strings.Repeat("t", 400))}).Apply(a, &tax); err == nil {
			t.Fatal("a new title over the limit was taken")
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := base()
			err := tt.upd.Apply(a, &tax)
			if tt.substr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.substr) {
					t.Fatalf("err = %v, want %q", err, tt.substr)
				}
				// Length and tag errors name their field, for forms to show them beside it.
				if field := fieldOf(err); tt.upd.Title != nil || tt.upd.Description != nil || tt.upd.Tags != nil {
					if field == "" {
						t.Errorf("the error names no field: %v", err)
					}
				}
				if a.Title != "Deck" || a.Stages[0] != "discovery" {
					t.Errorf("a failed update changed the asset: %+v", a)
				}
				return
			}
			if err != nil || !tt.check(a) {
				t.Errorf("err = %v, asset = %+v", err, a)
			}
		})
	}
}

func TestVisibleTo(t *testing.T) {
	now := time.Now()
	past, future := now.Add(-time.Minute), now.Add(time.Minute)
	rep := &stagecraft.User{OrgID: "o", Role: stagecraft.RoleRep}
	marketer := &stagecraft.User{OrgID: "o", Role: stagecraft.RoleMarketer}
	stranger := &stagecraft.User{OrgID: "x", Role: stagecraft.RoleAdmin}
	tests := []struct {
		name    string
		asset   stagecraft.Asset
		user    *stagecraft.User
		visible bool
	}{
		{"published to rep", stagecraft.Asset{OrgID: "o", Status: stagecraft.StatusPublished}, rep, true},
		{"draft to rep", stagecraft.Asset{OrgID: "o", Status: stagecraft.StatusDraft}, rep, false},
		{"archived to rep", stagecraft.Asset{OrgID: "o", Status: stagecraft.StatusArchived}, rep, false},
		{"expired to rep", stagecraft.Asset{OrgID: "o", Status: stagecraft.StatusPublished, ExpiresAt: &past}, rep, false},
		{"expiring later to rep", stagecraft.Asset{OrgID: "o", Status: stagecraft.StatusPublished, ExpiresAt: &future}, rep, true},
		{"draft to marketer", stagecraft.Asset{OrgID: "o", Status: stagecraft.StatusDraft}, marketer, true},
		{"other org", stagecraft.Asset{OrgID: "o", Status: stagecraft.StatusPublished}, stranger, false},
	}
	for _, tt := range tests {
		if got := tt.asset.VisibleTo(tt.user, now); got != tt.visible {
			t.Errorf("%s: VisibleTo = %v", tt.name, got)
		}
	}
}

// checkInvalid fails unless err is nil when substr is empty, or EINVALID
// with a message containing substr.
func checkInvalid(t *testing.T, err error, substr string) {
	t.Helper()
	if substr == "" {
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	if stagecraft.ErrorCode(err) != stagecraft.EINVALID || !strings.Contains(err.Error(), substr) {
		t.Errorf("err = %v, want EINVALID containing %q", err, substr)
	}
}

// fieldOf is the field a domain error's details name, or "".
func fieldOf(err error) string {
	var e *stagecraft.Error
	if !errors.As(err, &e) {
		return ""
	}
	f, _ := e.Details["field"].(string)
	return f
}
