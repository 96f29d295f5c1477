package postgres_test

import (
	"context"
	"slices"
	"testing"

	"github.com/stagecraft/stagecraft"
)

func TestReplaceTaxonomy(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tax := stagecraft.DefaultTaxonomy()
	tax.Products = []stagecraft.Term{{Key: "widget", Label: "Widget", Order: 1}}
	tax.Stages = append(tax.Stages, stagecraft.Term{Key: "closing", Label: "Closing", Order: 6})
	if err := f.db.ReplaceTaxonomy(ctx, f.org.ID, &tax); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.FindTaxonomy(ctx, f.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if keys := got.Keys(stagecraft.FacetProducts); !slices.Equal(keys, []string{"widget"}) {
		t.Errorf("products = %v", keys)
	}
	if got.StageOrder("closing") != 6 || got.StageOrder("prospecting") != 1 {
		t.Errorf("stage order lost: %+v", got.Stages)
	}

	// Another organisation's taxonomy is untouched.
	other := addOrg(t, f.db, "Other")
	ot, _ := f.db.FindTaxonomy(ctx, other.org.ID)
	if len(ot.Products) != 0 {
		t.Errorf("other org products = %v", ot.Products)
	}
}

func TestReplaceTaxonomyRefusesToDropKeysInUse(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	createAsset(t, f, f.marketer, func(a *stagecraft.Asset) {
		a.Stages = []string{"discovery"}
		a.Personas = []string{"champion"}
	})
	tax := stagecraft.DefaultTaxonomy()
	var stages []stagecraft.Term
	for _, s := range tax.Stages {
		if s.Key != "discovery" && s.Key != "negotiation" {
			stages = append(stages, s)
		}
	}
	tax.Stages = stages
	tax.Normalize()
	err := f.db.ReplaceTaxonomy(ctx, f.org.ID, &tax)
	mustCode(t, err, stagecraft.ECONFLICT)
	e, _ := stagecraft.AsError(err)
	inUse, _ := e.Details["in_use"].(map[string][]string)
	if !slices.Equal(inUse["stages"], []string{"discovery"}) {
		t.Errorf("in_use = %v, want only discovery (negotiation is unused)", e.Details)
	}
	// Nothing changed.
	got, _ := f.db.FindTaxonomy(ctx, f.org.ID)
	if len(got.Stages) != 5 {
		t.Errorf("stages = %v, want the 5 defaults kept", got.Keys(stagecraft.FacetStages))
	}
}
