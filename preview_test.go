package stagecraft

import "testing"

func TestPreviewSourceOf(t *testing.T) {
	for _, tc := range []struct {
		contentType string
		want        PreviewSource
		status      PreviewStatus
	}{
		{"application/pdf", PreviewSourcePDF, PreviewPending},
		{"Application/PDF; qs=1", PreviewSourcePDF, PreviewPending},
		{"application/vnd.openxmlformats-officedocument.presentationml.presentation", PreviewSourceConvert, PreviewPending},
		{"application/vnd.ms-powerpoint", PreviewSourceConvert, PreviewPending},
		{"application/vnd.oasis.opendocument.presentation", PreviewSourceConvert, PreviewPending},
		{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", PreviewSourceConvert, PreviewPending},
		{"application/msword", PreviewSourceConvert, PreviewPending},
		{"application/vnd.oasis.opendocument.text", PreviewSourceConvert, PreviewPending},
		{"application/rtf", PreviewSourceConvert, PreviewPending},
		{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", PreviewSourceConvert, PreviewPending},
		{"application/vnd.oasis.opendocument.spreadsheet", PreviewSourceConvert, PreviewPending},
		{"text/csv; charset=utf-8", PreviewSourceNone, PreviewNone},
		{"text/plain; charset=utf-8", PreviewSourceNone, PreviewNone},
		{"image/png", PreviewSourceNone, PreviewNone},
		{"video/mp4", PreviewSourceNone, PreviewNone},
		{"application/vnd.apple.keynote", PreviewSourceNone, PreviewNone},
		{"application/zip", PreviewSourceNone, PreviewNone},
		{"", PreviewSourceNone, PreviewNone},
	} {
		if got := PreviewSourceOf(tc.contentType); got != tc.want {
			t.Errorf("PreviewSourceOf(%q) = %d, want %d", tc.contentType, got, tc.want)
		}
		if got := InitialPreviewStatus(tc.contentType); got != tc.status {
			t.Errorf("InitialPreviewStatus(%q) = %s, want %s", tc.contentType, got, tc.status)
		}
	}
}

func TestPreviewKeys(t *testing.T) {
	const key = "orgs/o/assets/a/v"
	if got := RenditionKey(key); got != key+".preview.pdf" {
		t.Errorf("RenditionKey = %q", got)
	}
	if got := PageKey(key, 12); got != key+".pages/12.jpg" {
		t.Errorf("PageKey = %q", got)
	}
}
