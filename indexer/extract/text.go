package extract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"strings"

	"golang.org/x/net/html/charset"
)

// extractText reads plain text, Markdown or CSV as it is. A charset named
// by the content type (library.Detect reports UTF-16 from a BOM) is
// decoded; otherwise the bytes are taken as UTF-8, invalid sequences
// becoming U+FFFD.
func extractText(ctx context.Context, path, contentType string, tb *textBuf) (*Result, error) {
	f, err := os.Open(path) //nolint:gosec // G304: opening the caller's file is what an extractor does
	if err != nil {
		return nil, fmt.Errorf("open text: %w", err)
	}
	defer func() { _ = f.Close() }() // read-only: nothing to lose
	var r io.Reader = f
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		if cs := params["charset"]; !isUTF8Label(cs) {
			if enc, _ := charset.Lookup(cs); enc != nil {
				r = enc.NewDecoder().Reader(f)
			}
		}
	}
	buf := make([]byte, 64<<10)
	for !tb.Full() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, err := r.Read(buf)
		tb.Write(buf[:n])
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, newError(KindBroken, err, "The text file could not be read.")
		}
	}
	return &Result{}, nil
}

// isUTF8Label reports whether a charset label means UTF-8, or is empty.
func isUTF8Label(label string) bool {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "", "utf-8", "utf8":
		return true
	}
	return false
}
