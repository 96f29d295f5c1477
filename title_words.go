package stagecraft

import "strings"

// The generic titles below are compared by their keys (see titleKey):
// lower case, without accents, numbering or separators, so that "Slide 1",
// "slide-12" and "Slide 1 of 20" are one entry, and "PowerPoint
// Präsentation" is found as "PowerPoint-Prasentation". They come from what applications leave
// in a file's title or on its first slide when nobody names it, in the
// languages Office ships most, and from words that name a kind of
// document or a section rather than a document: a file called "Report"
// or a first heading "Introduction" says less than the file's name.

// genericTitles are whole titles that name no document.
var genericTitles = keySet(
	// Office, Google Workspace, iWork, LibreOffice and Canva defaults.
	"slide", "slides", "slide deck", "deck", "presentation", "presentations", "powerpoint presentation",
	"microsoft powerpoint presentation", "new microsoft powerpoint presentation", "powerpoint", "microsoft powerpoint",
	"ppt", "pptx", "document", "documents", "doc", "docs", "word document", "microsoft word document",
	"new microsoft word document", "new document", "new presentation", "my document", "my presentation",
	"blank", "blank document", "blank presentation", "untitled", "untitled document", "untitled presentation",
	"untitled spreadsheet", "untitled deck", "untitled design", "untitled form", "untitled drawing", "untitled page",
	"untitled slide", "untitled project", "untitled diagram", "no title", "notitle", "title", "titles", "subtitle",
	"heading", "headline", "book", "sheet", "workbook", "spreadsheet", "worksheet", "chart", "microsoft excel worksheet",
	"excel", "microsoft excel", "word", "microsoft word", "keynote", "pages", "numbers", "google docs", "google slides",
	"google sheets", "canva", "libreoffice", "openoffice", "impress", "writer", "acrobat", "adobe acrobat", "latex",
	"tex", "overleaf", "office theme", "theme", "layout", "master", "default", "normal", "design", "template",
	"outline", "pdf", "pdf document", "pdf file", "print", "printout", "print preview", "print document",
	"draft", "final", "copy", "new", "test", "testing", "sample", "example", "demo", "temp", "tmp", "file", "files",
	"image", "img", "picture", "photo", "dsc", "dcim", "scan", "scanned document", "scanned image", "screenshot",
	"screen shot", "fax", "none", "null", "nil", "n a", "na", "unknown", "empty", "tbd", "todo", "xxx", "asdf",
	"foo", "microsoft office user", "user", "admin", "author", "your name", "name", "owner", "version",
	// Kinds of document, and sections, rather than documents.
	"report", "proposal", "whitepaper", "white paper", "brochure", "datasheet", "data sheet", "flyer", "memo",
	"memorandum", "letter", "minutes", "meeting notes", "notes", "handout", "one pager", "onepager", "case study",
	"pitch deck", "sales deck", "form", "invoice", "quote", "quotation", "contract", "agreement", "resume", "cv",
	"newsletter", "manual", "guide", "playbook", "ebook", "e book", "poster", "infographic", "checklist", "diagram",
	"drawing", "introduction", "intro", "overview", "agenda", "contents", "table of contents", "toc", "abstract",
	"summary", "executive summary", "background", "objective", "objectives", "purpose", "scope", "preface",
	"foreword", "thank you", "thanks", "questions", "questions?", "any questions?", "q&a", "q & a",
	"appendix", "welcome", "chapter", "section", "part", "page", "figure", "table", "cover", "cover page",
	"front page", "title page", "title slide",
	// Markings that head a page in large type.
	"confidential", "internal", "internal use only", "for internal use only", "company confidential",
	"strictly confidential", "proprietary", "proprietary and confidential", "confidential and proprietary",
	"do not distribute", "not for distribution", "private", "restricted",
	// German.
	"prasentation", "powerpoint prasentation", "microsoft powerpoint prasentation",
	"neue microsoft powerpoint prasentation", "folie", "folien", "dokument", "word dokument",
	"microsoft word dokument", "neues microsoft word dokument", "neues dokument", "unbenannt", "ohne titel", "titel",
	"titelfolie", "folientitel", "mappe", "tabelle", "vorlage", "entwurf", "vertraulich", "inhalt",
	"inhaltsverzeichnis", "einleitung", "zusammenfassung", "kopie", "bericht",
	// French.
	"presentation powerpoint", "diapositive", "diapo", "nouveau document", "sans titre", "titre",
	"titre de la presentation", "nouvelle presentation", "classeur", "feuil", "feuille", "modele", "brouillon",
	"confidentiel", "sommaire", "table des matieres", "copie", "rapport", //nolint:misspell // French
	// Spanish.
	"presentación de powerpoint", "presentación", "diapositiva", "documento", "nuevo documento", "sin título",
	"título", "título de la presentación", "libro", "hoja", "plantilla", "borrador", "confidencial", "índice", //nolint:misspell // Spanish
	"introducción", "copia", "informe",
	// Italian.
	"presentazione di powerpoint", "presentazione standard di powerpoint", "presentazione", "nuovo documento",
	"senza titolo", "titolo", "cartel", "foglio", "modello", "bozza", "riservato", "introduzione",
	// Portuguese.
	"apresentacao do powerpoint", "apresentacao de powerpoint", "apresentacao", "novo documento", "sem titulo",
	"pasta", "planilha", "rascunho", "sumario", "introducao",
	// Dutch, Scandinavian, Finnish.
	"powerpoint presentatie", "presentatie", "dia", "nieuw document", "naamloos", "map", "blad", "sjabloon",
	"vertrouwelijk", "inhoud", "inleiding", "powerpoint presentation", "bild", "namnlos", "namnlost",
	"powerpoint praesentation", "praesentation", "dias", "unavngivet", "uden titel", "powerpoint presentasjon",
	"presentasjon", "lysbilde", "uten tittel", "powerpoint esitys", "esitys", "nimeton",
	// Polish, Czech, Turkish, Russian.
	"prezentacja programu powerpoint", "prezentacja", "slajd", "bez tytulu", "nowy dokument", "zeszyt", "arkusz",
	"prezentace aplikace powerpoint", "prezentace", "snimek", "bez nazvu", "powerpoint sunusu", "sunu", "slayt",
	"belge", "adsiz", "basliksiz", "презентация powerpoint", "презентация", "слайд", "документ", "без названия",
	"новый документ", "книга", "лист",
	// Japanese, Chinese, Korean.
	"powerpoint プレゼンテーション", "プレゼンテーション", "スライド", "無題", "ドキュメント", "文書",
	"新しいドキュメント", "タイトル", "無題のプレゼンテーション", "無題のドキュメント", "powerpoint 演示文稿",
	"演示文稿", "幻灯片", "无标题", "文档", "新建文档", "标题", "未命名", "无标题文档", "无标题演示文稿",
	"powerpoint 簡報", "簡報", "投影片", "未命名文件", "powerpoint 프레젠테이션", "프레젠테이션", "슬라이드",
	"제목 없음", "문서", "새 문서", "제목",
)

// genericPrefixes start filler text and the prompts that ask for a title
// ("Click to add title", "Cliquez pour ajouter un titre").
var genericPrefixes = []string{
	"lorem ipsum", "click to ", "click here", "double click", "tap to ", "paper title", "cliquez ", "klicken sie",
	"titel durch klicken", "titelmasterformat", "haga clic", "fare clic", "clique para", "clique aqui", "klik om",
	"klik hier", "kliknij", "нажмите", "クリックして", "单击此处", "单击以", "按一下以",
}

// placeholderWords are what template titles are made of: a title of these
// words only ("Presentation Title Text", "Your Title Here", "Title of the
// Presentation", "Company Name") names nothing.
var placeholderWords = keySet(
	"a", "an", "the", "of", "for", "to", "and", "or", "in", "on", "at", "is", "this", "here", "goes", "your", "my",
	"our", "title", "titles", "subtitle", "heading", "headline", "subheading", "sub", "text", "presentation",
	"document", "doc", "slide", "slides", "deck", "page", "insert", "enter", "add", "type", "click", "edit",
	"main", "paper", "project", "article", "book", "chapter", "section", "new", "untitled", "sample",
	"placeholder", "name", "company", "date", "lorem", "ipsum", "master", "style", "layout", "theme", "template",
	"blank", "default", "office", "microsoft", "powerpoint", "word", "excel", "copy", "draft", "final", "version",
	"file", "body", "content", "caption", "label", "cover", "front", "back", "end", "first", "last", "example",
	"report", "proposal", "paragraph", "empty", "white", "design",
)

// keySet returns the titles' keys as a set.
func keySet(titles ...string) map[string]bool {
	set := make(map[string]bool, len(titles))
	for _, t := range titles {
		set[titleKey(t)] = true
	}
	return set
}

// foldAccents drops the accents of the Latin letters of the languages
// above (after lower-casing), so that keys need no accented spelling.
var foldAccents = strings.NewReplacer(
	"à", "a", "á", "a", "â", "a", "ã", "a", "ä", "a", "å", "a", "ā", "a", "ą", "a", "æ", "ae",
	"ç", "c", "ć", "c", "č", "c", "ď", "d", "è", "e", "é", "e", "ê", "e", "ë", "e", "ē", "e", "ę", "e", "ě", "e",
	"ğ", "g", "ì", "i", "í", "i", "î", "i", "ï", "i", "ī", "i", "ı", "i", "ł", "l", "ñ", "n", "ń", "n", "ň", "n",
	"ò", "o", "ó", "o", "ô", "o", "õ", "o", "ö", "o", "ø", "o", "ō", "o", "ő", "o", "ř", "r", "ś", "s", "š", "s",
	"ş", "s", "ß", "ss", "ť", "t", "ù", "u", "ú", "u", "û", "u", "ü", "u", "ū", "u", "ů", "u", "ű", "u", "ý", "y",
	"ÿ", "y", "ź", "z", "ż", "z", "ž", "z",
)
