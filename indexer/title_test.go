package indexer_test

import (
	"archive/zip"
	"bytes"
	"context"
	"testing"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/library"
)

// deckFile returns a one-slide PowerPoint file whose core properties hold
// title and whose slide's title placeholder holds slideTitle.
func deckFile(t *testing.T, title, slideTitle string) []byte {
	t.Helper()
	const (
		rel = `http://schemas.openxmlformats.org/officeDocument/2006/relationships/`
		ns  = `xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="` +
			`http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"`
	)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/><Override PartName="/ppt/presentation.xml" ` +
			`ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>`},
		{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + rel + `officeDocument" Target="ppt/presentation.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`},
		{"docProps/core.xml", `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
			`xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>` + title + `</dc:title></cp:coreProperties>`},
		{"ppt/presentation.xml", `<p:presentation ` + ns + `><p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst></p:presentation>`},
		{"ppt/_rels/presentation.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId2" Type="` + rel + `slide" Target="slides/slide1.xml"/></Relationships>`},
		{"ppt/slides/slide1.xml", `<p:sld ` + ns + `><p:cSld><p:spTree>` +
			`<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title 1"/><p:cNvSpPr/><p:nvPr><p:ph type="ctrTitle"/></p:nvPr></p:nvSpPr>` +
			`<p:spPr/><p:txBody><a:bodyPr/><a:p><a:r><a:t>` + slideTitle + `</a:t></a:r></a:p></p:txBody></p:sp>` +
			`<p:sp><p:nvSpPr><p:cNvPr id="3" name="Subtitle 2"/><p:cNvSpPr/><p:nvPr><p:ph type="subTitle" idx="1"/></p:nvPr></p:nvSpPr>` +
			`<p:spPr/><p:txBody><a:bodyPr/><a:p><a:r><a:t>Prepared by the sales team</a:t></a:r></a:p></p:txBody></p:sp>` +
			`</p:spTree></p:cSld></p:sld>`},
	}
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, p := range parts {
		f, err := w.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(p.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWorkerTitlesDecks uploads decks without a title: each is named by
// its own title when that says something, else by its first slide's title,
// else by its file name, on the asset and in the search index alike. A
// title someone chose, at upload or since, is never replaced.
func TestWorkerTitlesDecks(t *testing.T) {
	f := newIndexFixture(t)
	ctx := context.Background()

	store := func(id, filename string, data []byte) *library.StoredFile {
		t.Helper()
		sf, err := f.lib.StoreFile(ctx, f.user, id, filename, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		return sf
	}
	create := func(filename, title string, data []byte) *stagecraft.Asset {
		t.Helper()
		id := library.NewAssetID()
		a, err := f.lib.CreateAsset(ctx, f.user, id, stagecraft.AssetMeta{Title: title}, store(id, filename, data))
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	indexAll := func() {
		t.Helper()
		for {
			did, err := f.worker.ProcessOne(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !did {
				return
			}
		}
	}
	check := func(id, want string, defaulted bool) {
		t.Helper()
		a, err := f.db.FindAssetByID(ctx, f.user.OrgID, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Title != want || a.TitleFromFilename != defaulted || a.IndexStatus != stagecraft.IndexIndexed {
			t.Errorf("title %q (defaulted %v, %s), want %q (defaulted %v)", a.Title, a.TitleFromFilename, a.IndexStatus,
				want, defaulted)
		}
	}

	// A generic core title gives way to the first slide's title.
	slide := create("deck_FINAL_v2.pptx", "", deckFile(t, "PowerPoint Presentation", "Northwind Renewal Plan"))
	if slide.Title != "deck" || !slide.TitleFromFilename {
		t.Errorf("before indexing: title %q, defaulted %v", slide.Title, slide.TitleFromFilename)
	}
	// A generic title and a generic first slide give way to the file
	// name, tidied; a word found only there is found through the title.
	named := create("Zephyr_Onboarding_FINAL (1).pptx", "", deckFile(t, "Presentation1", "Agenda"))
	// A meaningful core title is taken as it is.
	own := create("x.pptx", "", deckFile(t, "Quokka Security Whitepaper", "Why Security Matters"))
	// A title given at upload stays.
	given := create("y.pptx", "Given Title", deckFile(t, "Wombat Pricing", "Pricing"))
	indexAll()
	check(slide.ID, "Northwind Renewal Plan", true)
	check(named.ID, "Zephyr Onboarding", true)
	check(own.ID, "Quokka Security Whitepaper", true)
	check(given.ID, "Given Title", false)
	for q, id := range map[string]string{"zephyr": named.ID, "quokka": own.ID, "given": given.ID} {
		if !f.finds(q, id) {
			t.Errorf("%q does not find %s", q, id)
		}
	}
	if f.finds("wombat", given.ID) {
		t.Error("the document's own title replaced the given one in the index")
	}

	// Indexing again from the cached text keeps the titles; text cached
	// before titles were judged ("Slide 1") is judged now.
	v := named.CurrentVersion
	if err := f.db.SaveAssetText(ctx, &stagecraft.AssetText{VersionID: v.ID, OrgID: f.user.OrgID, Title: "Slide 1",
		Body: "Agenda", Language: "english"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.EnqueueAllIndexJobs(ctx, false); err != nil {
		t.Fatal(err)
	}
	indexAll()
	check(slide.ID, "Northwind Renewal Plan", true)
	check(named.ID, "Zephyr Onboarding", true)

	// While nobody has edited it, the title follows the current version.
	if _, err := f.lib.AddVersion(ctx, f.user, store(slide.ID, "deck_v3.pptx", deckFile(t, "Slide 1", "Northwind Renewal Plan 2025"))); err != nil {
		t.Fatal(err)
	}
	indexAll()
	check(slide.ID, "Northwind Renewal Plan 2025", true)

	// Once edited, a new version's title does not replace it.
	tax, err := f.db.FindTaxonomy(ctx, f.user.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	edited := "Renewal Deck"
	if _, err := f.db.UpdateAsset(ctx, f.user.OrgID, slide.ID, func(a *stagecraft.Asset) error {
		return (&stagecraft.AssetUpdate{Title: &edited}).Apply(a, tax)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.lib.AddVersion(ctx, f.user, store(slide.ID, "deck_v4.pptx", deckFile(t, "Platypus Renewal Plan", "Platypus"))); err != nil {
		t.Fatal(err)
	}
	indexAll()
	check(slide.ID, "Renewal Deck", false)
	// "Plan" is only in the new version's own title.
	if !f.finds("deck", slide.ID) || f.finds("plan", slide.ID) {
		t.Error("the search index does not hold the edited title")
	}
}
