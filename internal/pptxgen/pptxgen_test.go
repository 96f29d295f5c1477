package pptxgen_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft/indexer/convert"
	"github.com/stagecraft/stagecraft/indexer/extract"
	"github.com/stagecraft/stagecraft/internal/pptxgen"
)

const pptxType = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

// sample is a three-slide deck using every kind of shape.
func sample(t testing.TB) []byte {
	t.Helper()
	p := &pptxgen.Presentation{Title: "Acme Platform Overview", Subject: "Test deck", Author: "Acme Marketing & Co",
		Company: "Acme, Inc.", Created: time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC)}
	s := p.AddSlide(pptxgen.TitleSlide)
	s.Background("0B1F44")
	s.Add(pptxgen.Shape{Box: pptxgen.Box{X: 700, Y: -100, W: 400, H: 400}, Geom: pptxgen.Ellipse, Fill: "#16306A"})
	s.Title(pptxgen.Box{X: 64, Y: 196, W: 600, H: 120}, pptxgen.Para{Text: "Acme Platform Overview", Size: 46, Bold: true, Color: "FFFFFF"})
	s.Subtitle(pptxgen.Box{X: 64, Y: 326, W: 560, H: 70}, pptxgen.Para{Text: "Pipeline, forecasting & analytics", Size: 20})

	s = p.AddSlide(pptxgen.TitleOnly)
	s.Title(pptxgen.Box{X: 48, Y: 30, W: 864, H: 56}, pptxgen.Para{Text: "Why teams choose Acme", Size: 30, Bold: true})
	s.Text(pptxgen.Box{X: 48, Y: 118, W: 420, H: 300},
		pptxgen.Para{Text: "Live in two weeks", Bullet: true, Color: "1F2937"},
		pptxgen.Para{Text: "Salesforce <and> HubSpot", Bullet: true, Level: 1, SpaceBefore: 6},
		pptxgen.Para{},
		pptxgen.Para{Text: "93% forecast accuracy", Italic: true, Align: pptxgen.Right})
	s.Line(48, 92, 104, 92, 2, "14B8A6")
	s.Line(500, 400, 450, 300, 1, "D1D5DB") // drawn right to left, bottom to top

	s = p.AddSlide(pptxgen.TitleOnly)
	s.Title(pptxgen.Box{X: 48, Y: 30, W: 864, H: 56}, pptxgen.Para{Text: "Forecast accuracy by quarter"})
	for i, v := range []float64{72, 80, 87, 93} {
		s.Rect(pptxgen.Box{X: 100 + float64(i)*120, Y: 450 - 3*v, W: 80, H: 3 * v}, "2F6FED")
	}
	s.Add(pptxgen.Shape{Box: pptxgen.Box{X: 600, Y: 150, W: 200, H: 80}, Geom: pptxgen.Chevron, Fill: "14B8A6", Line: "0B1F44",
		Anchor: pptxgen.Middle, Paras: []pptxgen.Para{{Text: "Connect", Align: pptxgen.Center}}})
	b, err := p.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func write(t testing.TB, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "deck.pptx")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPackage checks the package's structure: every part is well-formed
// XML with a content type, and every relationship points at a part.
func TestPackage(t *testing.T) {
	zr, err := zip.NewReader(bytes.NewReader(sample(t)), int64(len(sample(t))))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name], _ = io.ReadAll(rc)
		_ = rc.Close() // read from memory
	}
	var types struct {
		Overrides []struct {
			PartName string `xml:"PartName,attr"`
		} `xml:"Override"`
	}
	if err := xml.Unmarshal(parts["[Content_Types].xml"], &types); err != nil {
		t.Fatal(err)
	}
	typed := map[string]bool{}
	for _, o := range types.Overrides {
		typed[strings.TrimPrefix(o.PartName, "/")] = true
	}
	for name, body := range parts {
		dec := xml.NewDecoder(bytes.NewReader(body))
		for {
			if _, err := dec.Token(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Errorf("%s is not well-formed: %v", name, err)
				break
			}
		}
		if !strings.HasSuffix(name, ".rels") && name != "[Content_Types].xml" && !typed[name] {
			t.Errorf("%s has no content type", name)
		}
		if !strings.HasSuffix(name, ".rels") {
			continue
		}
		var rels struct {
			Rel []struct {
				Target string `xml:"Target,attr"`
			} `xml:"Relationship"`
		}
		if err := xml.Unmarshal(body, &rels); err != nil {
			t.Fatal(err)
		}
		// _rels/x.rels describes x; targets are relative to x's folder.
		base := path.Dir(path.Dir(name))
		for _, r := range rels.Rel {
			if target := path.Join(base, r.Target); parts[target] == nil {
				t.Errorf("%s: target %s (%s) is missing", name, r.Target, target)
			}
		}
	}
	for _, want := range []string{`<p:ph type="ctrTitle"/>`, `<p:ph type="subTitle" idx="1"/>`} {
		if !bytes.Contains(parts["ppt/slides/slide1.xml"], []byte(want)) {
			t.Errorf("the cover lacks %s", want)
		}
	}
	if !bytes.Contains(parts["ppt/slides/slide2.xml"], []byte(`<p:ph type="title"/>`)) {
		t.Error("a content slide lacks its title placeholder")
	}
}

// TestExtract reads the deck with the indexer's own extractor: the slide
// count, the title from docProps/core.xml and each slide's text.
func TestExtract(t *testing.T) {
	res, err := extract.New(extract.DefaultLimits()).Extract(context.Background(), write(t, sample(t)), pptxType)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pages != 3 || res.Title != "Acme Platform Overview" {
		t.Errorf("pages %d, title %q; want 3, %q", res.Pages, res.Title, "Acme Platform Overview")
	}
	slides := strings.Split(res.Text, "\f")
	tests := []struct {
		slide int
		want  []string
	}{
		{1, []string{"Acme Platform Overview", "Pipeline, forecasting & analytics"}},
		{2, []string{"Why teams choose Acme", "Live in two weeks", "Salesforce <and> HubSpot", "93% forecast accuracy"}},
		{3, []string{"Forecast accuracy by quarter", "Connect"}},
	}
	if len(slides) != len(tests) {
		t.Fatalf("%d slides of text: %q", len(slides), res.Text)
	}
	for _, tt := range tests {
		for _, w := range tt.want {
			if !strings.Contains(slides[tt.slide-1], w) {
				t.Errorf("slide %d lacks %q: %q", tt.slide, w, slides[tt.slide-1])
			}
		}
	}
}

// TestConvert has LibreOffice convert the deck, as the server does for
// its previews: one page per slide, at the slide's 16:9 shape.
func TestConvert(t *testing.T) {
	c := convert.New(convert.Limits{}, "")
	if !c.CanConvert() {
		t.Skip("LibreOffice is not installed (scripts/deps.sh installs it)")
	}
	if testing.Short() {
		t.Skip("converting with LibreOffice takes seconds")
	}
	res, err := c.Render(context.Background(), write(t, sample(t)), pptxType, t.TempDir())
	if err != nil {
		if convert.KindOf(err) == convert.KindUnavailable {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	if res.Total != 3 || len(res.Pages.Pages) != 3 {
		t.Fatalf("converted to %d pages (%d images), want 3", res.Total, len(res.Pages.Pages))
	}
	if p := res.Pages.Pages[0]; p.Width*9 < p.Height*15 || p.Width*9 > p.Height*17 {
		t.Errorf("page 1 is %d × %d, not 16:9", p.Width, p.Height)
	}
}
