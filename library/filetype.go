package library

import (
	"bytes"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/stagecraft/stagecraft"
)

// SniffLen is how many leading bytes Detect looks at.
const SniffLen = 512

// Office Open XML and OpenDocument types. Their files are zip archives, so
// the bytes alone say only "zip"; the extension then picks among the zip
// based formats, and nothing else.
var zipTypes = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".odt":  "application/vnd.oasis.opendocument.text",
	".odp":  "application/vnd.oasis.opendocument.presentation",
	".ods":  "application/vnd.oasis.opendocument.spreadsheet",
	".key":  "application/vnd.apple.keynote",
}

// Plain-text formats the bytes cannot tell apart from text/plain.
var textTypes = map[string]string{
	".md":       "text/markdown",
	".markdown": "text/markdown",
	".csv":      "text/csv",
	".txt":      "text/plain",
}

// Legacy Office files share one container format (OLE2/CFB).
var oleTypes = map[string]string{
	".doc": "application/msword",
	".ppt": "application/vnd.ms-powerpoint",
	".xls": "application/vnd.ms-excel",
}

// Detect returns the content type of a file from its leading bytes, using
// the file name only to choose among formats that share a container (zip,
// OLE2, plain text). What the client claims is never consulted.
func Detect(head []byte, filename string) string {
	ext := strings.ToLower(path.Ext(filename))
	ct := http.DetectContentType(head)
	base, _, _ := strings.Cut(ct, ";")
	switch {
	case base == "application/zip":
		if t, ok := zipTypes[ext]; ok {
			return t
		}
		return base
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		if t, ok := oleTypes[ext]; ok {
			return t
		}
		// A password-protected .docx/.pptx/.xlsx is an OLE2 container
		// holding the encrypted package; it is still that kind of document.
		if t, ok := zipTypes[ext]; ok && strings.HasPrefix(t, "application/vnd.openxmlformats") {
			return t
		}
		return "application/x-ole-storage"
	case bytes.HasPrefix(head, []byte(`{\rtf`)):
		// RTF is text to a sniffer, but a document to its readers: it gets
		// page previews like .docx.
		return "application/rtf"
	case base == "text/plain":
		if t, ok := textTypes[ext]; ok {
			return t + "; charset=utf-8"
		}
		return ct
	case base == "application/octet-stream" && looksLikeText(head):
		if t, ok := textTypes[ext]; ok {
			return t + "; charset=utf-8"
		}
		return "text/plain; charset=utf-8"
	}
	return ct
}

// looksLikeText reports whether b is valid UTF-8 without control bytes,
// allowing a code point cut off at the end of the sample.
func looksLikeText(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return len(b)-i < utf8.UTFMax && !utf8.FullRune(b[i:])
		}
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' && r != '\f' {
			return false
		}
		i += size
	}
	return true
}

// TypeOf derives an asset's type from its content type.
func TypeOf(contentType string) stagecraft.AssetType {
	base, _, _ := strings.Cut(contentType, ";")
	switch {
	case base == "application/pdf":
		return stagecraft.TypePDF
	case strings.Contains(base, "presentation"), base == "application/vnd.ms-powerpoint", base == "application/vnd.apple.keynote":
		return stagecraft.TypeDeck
	case strings.Contains(base, "wordprocessing"), base == "application/msword",
		base == "application/vnd.oasis.opendocument.text", base == "application/rtf", base == "text/rtf":
		return stagecraft.TypeDocument
	case strings.Contains(base, "spreadsheet"), base == "application/vnd.ms-excel", base == "text/csv":
		return stagecraft.TypeSpreadsheet
	case strings.HasPrefix(base, "image/"):
		return stagecraft.TypeImage
	case strings.HasPrefix(base, "video/"):
		return stagecraft.TypeVideo
	case strings.HasPrefix(base, "text/"):
		return stagecraft.TypeText
	}
	return stagecraft.TypeOther
}

// SanitizeFilename keeps the base name of a client-supplied file name and
// removes what could do harm in a header, a path or a terminal: directory
// parts, control and format characters, quotes and reserved punctuation.
// It never returns an empty string.
func SanitizeFilename(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base("/" + name)
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			continue
		case strings.ContainsRune(`"<>:|?*;`, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	out := strings.TrimSpace(b.String())
	out = strings.TrimLeft(out, ".")
	for len(out) > 200 {
		_, size := utf8.DecodeLastRuneInString(out)
		ext := path.Ext(out)
		if len(ext) > 0 && len(ext) < 16 {
			stem := strings.TrimSuffix(out, ext)
			_, size = utf8.DecodeLastRuneInString(stem)
			out = stem[:len(stem)-size] + ext
			continue
		}
		out = out[:len(out)-size]
	}
	if out == "" || out == "/" {
		return "file"
	}
	return out
}
