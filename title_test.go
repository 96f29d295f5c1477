package stagecraft_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stagecraft/stagecraft"
)

// TestMeaningfulTitle judges titles found in real files: what Word,
// PowerPoint, Google Docs, Keynote, Canva, LibreOffice, LaTeX and PDF
// printers leave behind, against titles people give their documents.
func TestMeaningfulTitle(t *testing.T) {
	generic := []string{
		// Empty, blank, punctuation and numbers.
		"", " ", "\t\n", "-", "—", "...", "???", "#", "***", "[ ]", "()", "1", "42", "2024", "1.0", "001",
		"- 1 -", "3/12", "2024-01-05", "#1", "\u00a0", "\ufffd\ufffd\ufffd", "\ue000\ue001\ue002", "x", "Q3",
		"Q3 2024", "A.",
		// PowerPoint.
		"Slide 1", "slide 1", "SLIDE 1", "Slide1", "Slide 12", "Slide 1 of 20", "Slide 01", "Slide-1",
		"PowerPoint Presentation", "powerpoint presentation", "Microsoft PowerPoint Presentation",
		"New Microsoft PowerPoint Presentation", "Presentation1", "Presentation 2", "Presentation", "PowerPoint",
		"Click to add title", "Click to edit Master title style", "Click to add text", "Title of the presentation",
		"Presentation Title", "Presentation Title Text", "Title Slide", "Office Theme", "Your Title Here",
		"Title Goes Here", "Insert Title Here", "Title", "TITLE", "[Title]", "<Title>", "{{title}}", "\"Title\"",
		"Title 1", "Subtitle", "Slide Title", "Agenda", "Thank You", "Thank you!", "Questions?", "Q&A", "Any questions?",
		"Microsoft PowerPoint - deck.ppt", "Microsoft PowerPoint - [Presentation1]", "Microsoft PowerPoint - Q3 Pricing",
		// Word.
		"Document1", "Document 1", "Document", "document", "doc1", "Doc1", "New Document", "New Microsoft Word Document",
		"Microsoft Word Document", "Microsoft Word - report.doc", "Microsoft Word - Proposal_v3.docx",
		"Microsoft Word - Document1", "Microsoft Word – Q3 Pricing Guide", "Microsoft Word-Proposal.docx",
		"Microsoft Office Word - x.doc", "Blank", "Blank Document", "Template", "Normal", "Heading 1", "Heading",
		"Table of Contents", "Contents", "Introduction", "1. Introduction", "Executive Summary", "Abstract",
		"Overview", "Report", "Proposal", "Memo", "Microsoft Office User", "Author", "Your Name", "Company Name",
		"Document Title", "Report Title", "Paper Title (use style: paper title)", "Lorem ipsum",
		"Lorem ipsum dolor sit amet, consectetur adipiscing elit", "The End", "Appendix",
		// Excel.
		"Book1", "Sheet1", "Workbook", "Spreadsheet", "Chart1", "Microsoft Excel - Book1",
		// Google, Apple, Canva, LibreOffice, Adobe, LaTeX.
		"Untitled", "untitled", "UNTITLED", "Untitled-1", "Untitled 1", "Untitled1", "Untitled (1)",
		"untitled document", "Untitled document", "Untitled presentation", "Untitled spreadsheet",
		"Untitled design", "Untitled Design - 1", "Untitled form", "Untitled document - Google Docs",
		"Untitled presentation - Google Slides", "Copy of Untitled", "Copy of Copy of Untitled design",
		"Keynote", "Pages", "Outline", "PDF", "Print", "Print Preview", "pdf document", "Draft", "Final", "Copy",
		"Test", "Sample", "Demo", "Scan", "Scanned Document", "scan0001", "IMG_1234", "DSC01234", "Screenshot",
		"LaTeX", "Overleaf", "Confidential", "CONFIDENTIAL", "For Internal Use Only", "Proprietary and Confidential",
		"Do not distribute", "n/a", "N/A", "null", "none", "TBD", "asdf", "Version 2",
		// Other Office languages.
		"PowerPoint-Präsentation", "Präsentation1", "Folie 1", "Dokument1", "Unbenannt", "Ohne Titel", "Titel",
		"Titelfolie", "Titel durch Klicken hinzufügen", "Titelmasterformat durch Klicken bearbeiten",
		"Mappe1", "Tabelle1", "Neues Microsoft Word-Dokument", "Inhaltsverzeichnis",
		"Présentation PowerPoint", "Diapositive 1", "Sans titre", "Titre", "Cliquez pour ajouter un titre",
		"Classeur1", "Feuil1", "Titre de la présentation", "Table des matières",
		"Presentación de PowerPoint", "Diapositiva 1", "Sin título", "Título", "Sin titulo",
		"Presentacion de PowerPoint", //nolint:misspell // Spanish as typed without accents
		"Haga clic para agregar título", "Libro1", "Hoja1", "Documento1",
		"Presentazione di PowerPoint", "Senza titolo", "Fare clic per inserire il titolo", "Cartel1", "Foglio1",
		"Apresentação do PowerPoint", "Sem título", "Clique para adicionar um título", "Pasta1", "Planilha1",
		"PowerPoint-presentatie", "Dia 1", "Naamloos", "Klik om titel toe te voegen", "PowerPoint-præsentation",
		"Namnlös", "Bild 1", "Prezentacja programu PowerPoint", "Slajd 1", "Bez tytułu", "Презентация PowerPoint",
		"Слайд 1", "PowerPoint プレゼンテーション", "無題", "スライド 1", "PowerPoint 演示文稿", "无标题", "幻灯片 1",
		"PowerPoint 프레젠테이션", "제목 없음",
		// File names and paths.
		"foo.docx", "report_final.pdf", "deck.pptx", "Q3 Pricing.pdf", "Proposal v3.docx", "x.DOC",
		"\"deck.key\"", "C:\\Users\\bob\\Documents\\x.doc", "C:\\Users\\bob\\Documents\\Proposal",
		"D:/work/proposal", "/Users/bob/Desktop/deck", "~/Desktop/deck", "file:///C:/x/y", "https://acme.com/pricing",
		"www.acme.com", "report_final", "Q3_Pricing_Deck", "IMG_20240105_1234", "3f2b9c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e",
		"d41d8cd98f00b204e9800998ecf8427e", "Sales Deck.pptx - Google Slides",
	}
	for _, s := range generic {
		if stagecraft.MeaningfulTitle(s, "upload.pdf") {
			t.Errorf("MeaningfulTitle(%q) = true, want false", s)
		}
	}

	meaningful := []string{
		"Q3 Pricing", "Security Whitepaper 2024", "Case Study: Northwind", "Presentation Skills Workshop",
		"Document Management Overview", "Zero Trust Architecture", "PDF.js - Wikipedia", "Alpha Transparency Test",
		"Overview of the Technology Acceptance Model", "Northwind cuts onboarding time by 40%",
		"Slide Design Best Practices", "Title Insurance for Commercial Real Estate", "The Untitled Goose Game Review",
		"Microsoft Word Tips for Sales Teams", "PowerPoint: Ten Rules for Sales Decks", "Excel Pricing Calculator",
		"Q3 Pricing - Google Docs", "Copy of Q3 Pricing", "Annual Report 2023", "Sales Playbook", "Battlecard: Acme",
		"ROI Calculator", "Acme Platform", "Node.js Integration Guide", "GDPR", "AI", "Onboarding", "Welcome Kit",
		"Produktübersicht 2024", "Présentation de l'offre Cloud", "Präsentation für Vertriebspartner",
		"Презентация продукта", "製品紹介", "产品介绍", "Agenda for the Board Meeting", "Introduction to Zero Trust",
		"Contents Management at Scale", "Kickoff Notes: Northwind", "1984", "Top 10 Objections",
		"3 Ways to Win Enterprise Deals", "E-Commerce Playbook", "Follow-up Email Templates", "Proposal for Northwind",
		"Slide 1: Why Stagecraft", "Final Four Tournament Sponsorship",
	}
	for _, s := range meaningful {
		if s == "1984" {
			// A bare number is not taken, even one that is a title.
			if stagecraft.MeaningfulTitle(s, "") {
				t.Errorf("MeaningfulTitle(%q) = true, want false", s)
			}
			continue
		}
		if !stagecraft.MeaningfulTitle(s, "upload.pdf") {
			t.Errorf("MeaningfulTitle(%q) = false, want true", s)
		}
	}
}

// TestMeaningfulTitleUploadName refuses a title that only repeats the
// upload's file name.
func TestMeaningfulTitleUploadName(t *testing.T) {
	tests := []struct {
		title, filename string
		want            bool
	}{
		{"Q3 Pricing Deck", "Q3 Pricing Deck.pptx", false},
		{"q3 pricing deck", "Q3 Pricing Deck.pptx", false},
		{"Q3 Pricing Deck.pptx", "Q3 Pricing Deck.pptx", false},
		{"Q3  Pricing   Deck", "Q3 Pricing Deck.pptx", false},
		{"Q3 Pricing Deck", "C:\\fakepath\\Q3 Pricing Deck.pptx", false},
		{"Q3 Pricing Deck", "other.pptx", true},
		{"Q3 Pricing Deck", "", true},
		{"Q3 Pricing", "Q3 Pricing Deck.pptx", true},
	}
	for _, tt := range tests {
		if got := stagecraft.MeaningfulTitle(tt.title, tt.filename); got != tt.want {
			t.Errorf("MeaningfulTitle(%q, %q) = %v, want %v", tt.title, tt.filename, got, tt.want)
		}
	}
}

// TestDocumentTitle checks the order: the document's title, its heading,
// then nothing (and DefaultTitle then the file name).
func TestDocumentTitle(t *testing.T) {
	long := strings.Repeat("Very long heading words ", 12) // 288 bytes
	tests := []struct {
		name                     string
		title, heading, filename string
		want, wantDefault        string
	}{
		{"the document's own title", "Q3 Pricing", "Pricing overview", "deck.pptx", "Q3 Pricing", "Q3 Pricing"},
		{"a generic title gives way to the heading", "PowerPoint Presentation", "Q3 Pricing", "deck.pptx",
			"Q3 Pricing", "Q3 Pricing"},
		{"Slide 1 gives way to the heading", "Slide 1", "Security Whitepaper 2024", "x.pptx",
			"Security Whitepaper 2024", "Security Whitepaper 2024"},
		{"no title at all", "", "Case Study: Northwind", "cs.docx", "Case Study: Northwind", "Case Study: Northwind"},
		{"a generic heading gives way to the file name", "Presentation1", "Agenda", "Q3_Pricing_FINAL_v2.pptx",
			"", "Q3 Pricing"},
		{"nothing meaningful", "Document1", "Introduction", "proposal-northwind-v3.docx", "", "proposal northwind"},
		{"empty", "", "", "Security Whitepaper 2024.pdf", "", "Security Whitepaper 2024"},
		{"a Word window caption", "Microsoft Word - Proposal_v3.docx", "", "Proposal_v3.pdf", "", "Proposal"},
		{"a heading repeating the file name", "", "Q3 Pricing", "Q3 Pricing.pptx", "", "Q3 Pricing"},
		{"a copy keeps its name", "Copy of Q3 Pricing", "", "Copy of Q3 Pricing.pdf", "Q3 Pricing", "Q3 Pricing"},
		{"a printed Google Doc", "Q3 Pricing - Google Docs", "", "Q3 Pricing - Google Docs.pdf", "Q3 Pricing",
			"Q3 Pricing"},
		{"whitespace is collapsed", "  Q3\t\tPricing \n", "", "x.pdf", "Q3 Pricing", "Q3 Pricing"},
		{"a heading too long to be a title", "", long, "Pricing.pdf", "", "Pricing"},
		{"a heading of 200 characters is not too long", "", strings.Repeat("é", 200), "x.pdf",
			strings.Repeat("é", 200), strings.Repeat("é", 200)},
		{"a long title in characters, not bytes", strings.Repeat("Préçis ", 50), "", "x.pdf",
			strings.TrimSpace(strings.Repeat("Préçis ", 42)), strings.TrimSpace(strings.Repeat("Préçis ", 42))},
		{"a long title is cut at a word", strings.Repeat("Pricing ", 50), "", "x.pdf",
			strings.TrimSpace(strings.Repeat("Pricing ", 37)), strings.TrimSpace(strings.Repeat("Pricing ", 37))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stagecraft.DocumentTitle(tt.title, tt.heading, tt.filename); got != tt.want {
				t.Errorf("DocumentTitle = %q, want %q", got, tt.want)
			}
			if got := stagecraft.DefaultTitle(tt.title, tt.heading, tt.filename); got != tt.wantDefault {
				t.Errorf("DefaultTitle = %q, want %q", got, tt.wantDefault)
			}
		})
	}
}

func TestTitleFromFilename(t *testing.T) {
	tests := []struct{ in, want string }{
		// Separators.
		{"q3_pricing-sheet.pdf", "q3 pricing sheet"},
		{"Overview.pptx", "Overview"},
		{"noext", "noext"},
		{"Q3 Pricing.pdf", "Q3 Pricing"},
		{"Q3  Pricing .pdf", "Q3 Pricing"},
		{"Acme.Q3.Pricing.pdf", "Acme Q3 Pricing"},
		{"Acme Inc. Overview.pdf", "Acme Inc. Overview"},
		{"Follow-up Plan.docx", "Follow-up Plan"},
		{"follow-up-plan.docx", "follow up plan"},
		{"Case Study - Northwind.pdf", "Case Study - Northwind"},
		{"E-Commerce Playbook.pdf", "E-Commerce Playbook"},
		{"2024-Security-Whitepaper.pdf", "2024 Security Whitepaper"},
		{"Security_Whitepaper_2024.pdf", "Security Whitepaper 2024"},
		{"Pricing 2.5.pdf", "Pricing 2.5"},
		{"Q3+Pricing.pdf", "Q3 Pricing"},
		{"Q3%20Pricing%20Deck.pdf", "Q3 Pricing Deck"},
		{"deck.pptx.pdf", "deck"},
		{"Board Update.docx.pdf", "Board Update"},
		{"archive.tar.gz", "archive tar"},
		{"C:\\fakepath\\Q3 Pricing.pptx", "Q3 Pricing"},
		{"/tmp/uploads/Q3 Pricing.pptx", "Q3 Pricing"},
		{"Node.js", "Node"},
		{"README", "README"},
		{"Proposal v3.1", "Proposal"},
		// History marks at the end.
		{"report_final.pdf", "report"},
		{"Report FINAL.pdf", "Report"},
		{"Report Final.pdf", "Report"},
		{"Proposal_v3.docx", "Proposal"},
		{"Proposal v3.1.pdf", "Proposal"},
		{"Proposal V2.pdf", "Proposal"},
		{"Proposal rev4.pdf", "Proposal"},
		{"Proposal ver. 2.pdf", "Proposal"},
		{"Proposal version 2.pdf", "Proposal"},
		{"Proposal (1).pdf", "Proposal"},
		{"Proposal(1).pdf", "Proposal"},
		{"Proposal (12).pdf", "Proposal"},
		{"Proposal - Copy.pdf", "Proposal"},
		{"Proposal - Copy (2).pdf", "Proposal"},
		{"Proposal copy 2.pdf", "Proposal"},
		{"Proposal [final].pdf", "Proposal"},
		{"Proposal_final2.pdf", "Proposal"},
		{"Proposal-final-final.pdf", "Proposal"},
		{"deck_FINAL_final_v2 (1).pptx", "deck"},
		{"Q3_Pricing_FINAL_v2 (1).pptx", "Q3 Pricing"},
		{"Proposal DRAFT v0.3.docx", "Proposal"},
		{"Proposal_draft.docx", "Proposal"},
		{"Proposal wip.docx", "Proposal"},
		{"Proposal final 2.docx", "Proposal"},
		{"Copy of Q3 Pricing.pdf", "Q3 Pricing"},
		{"Copy of Copy.pdf", "Copy"},
		{"Proposal, final.docx", "Proposal"},
		// What stays.
		{"Final Report.pdf", "Final Report"},
		{"Draft Agreement Template.docx", "Draft Agreement Template"},
		{"draft-proposal.pdf", "draft proposal"},
		{"Board update 2024.pdf", "Board update 2024"},
		{"Proposal (2024).pdf", "Proposal (2024)"},
		{"Proposal (EMEA).pdf", "Proposal (EMEA)"},
		{"Top 10 Objections.pdf", "Top 10 Objections"},
		{"What's New.pdf", "What's New"},
		{"IMG_1234.jpg", "IMG 1234"},
		{"Screenshot 2024-01-05 at 10.15.32.png", "Screenshot 2024-01-05 at 10.15.32"},
		{"Produktübersicht_2024.pdf", "Produktübersicht 2024"},
		{"製品紹介.pptx", "製品紹介"},
		// Never empty.
		{"final.pdf", "final"},
		{"v2.pdf", "v2"},
		{"(1).pdf", "(1)"},
		{"___.pdf", "___.pdf"},
		{".pdf", ".pdf"},
		{"", "Untitled"},
		{"   ", "Untitled"},
	}
	for _, tt := range tests {
		if got := stagecraft.TitleFromFilename(tt.in); got != tt.want {
			t.Errorf("TitleFromFilename(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	long := stagecraft.TitleFromFilename(strings.Repeat("é", 400) + ".pdf")
	if n := utf8.RuneCountInString(long); n != stagecraft.MaxTitleChars || !utf8.ValidString(long) {
		t.Errorf("a long name gives %d characters, valid %v", n, utf8.ValidString(long))
	}
}
