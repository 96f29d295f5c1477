package convert

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// officeSlot lets one LibreOffice conversion run at a time in this
// process, whatever the number of Converters or workers: each instance
// takes a few hundred MB and a core, and queued conversions simply wait.
var officeSlot = make(chan struct{}, 1)

// Converter converts files to PDF and renders PDF pages. Its zero value
// works: empty tool paths are looked up on PATH when needed.
type Converter struct {
	Limits Limits
	// Soffice is LibreOffice's soffice; "" looks up soffice, then
	// libreoffice, on PATH.
	Soffice string
	// PDFToPPM and PDFInfo are poppler's tools; "" looks them up on PATH.
	PDFToPPM, PDFInfo string
}

// New returns a Converter with limits l and tool paths as configured ("" =
// look up on PATH when needed, so that tools installed later are found).
func New(l Limits, soffice string) *Converter {
	return &Converter{Limits: l, Soffice: soffice}
}

// soffice resolves the LibreOffice binary.
func (c *Converter) soffice() (string, error) {
	if c.Soffice != "" {
		return exec.LookPath(c.Soffice)
	}
	p, err := exec.LookPath("soffice")
	if err != nil {
		if p2, err2 := exec.LookPath("libreoffice"); err2 == nil {
			return p2, nil
		}
	}
	return p, err
}

// CanConvert reports whether LibreOffice can be run, i.e. whether decks
// and documents can get previews.
func (c *Converter) CanConvert() bool {
	_, err := c.soffice()
	return err == nil
}

// extensions name the input file for LibreOffice, which picks its import
// filter by extension and content; the stored file has no name of its own.
var extensions = map[string]string{
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
	"application/vnd.ms-powerpoint":                                             ".ppt",
	"application/vnd.oasis.opendocument.presentation":                           ".odp",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   ".docx",
	"application/msword":                      ".doc",
	"application/vnd.oasis.opendocument.text": ".odt",
	"application/rtf":                         ".rtf",
	"text/rtf":                                ".rtf",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
	"application/vnd.ms-excel":                       ".xls",
	"application/vnd.oasis.opendocument.spreadsheet": ".ods",
}

// pdfExport is the --convert-to argument for a file of extension ext: the
// PDF export filter of the application that opens it, told to export only
// pages 1 to last. A spreadsheet of a million rows (or a document made to
// be huge) then costs the pages shown, not thousands more; one page past
// the limit tells whether there were more.
func pdfExport(ext string, last int) string {
	filter := "writer_pdf_Export"
	switch ext {
	case ".pptx", ".ppt", ".odp":
		filter = "impress_pdf_Export"
	case ".xlsx", ".xls", ".ods":
		filter = "calc_pdf_Export"
	}
	return fmt.Sprintf(`pdf:%s:{"PageRange":{"type":"string","value":"1-%d"}}`, filter, last)
}

// profileSettings is the registrymodifications.xcu of every fresh
// profile. Macros never run: the highest macro security level (3, "very
// high": only signed macros from trusted locations, of which there are
// none) and macro execution disabled outright. Links to other files and
// to the network are never updated on load, so a document cannot make the
// server fetch a URL or read a local file into the rendition.
const profileSettings = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseLocking" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>2</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>2</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
`

// ToPDF converts the file at src, of contentType, to PDF with LibreOffice
// and returns the PDF's path, inside dir (which the caller removes).
//
// Failures are *Error: KindUnavailable without LibreOffice,
// KindUnsupported for types it is not used for, KindEncrypted, KindBroken,
// KindTooLarge, KindTimeout. If ctx itself ends, its error is returned.
func (c *Converter) ToPDF(ctx context.Context, src, contentType, dir string) (string, error) {
	l := c.Limits.withDefaults()
	ext, ok := extensions[mediaType(contentType)]
	if !ok {
		return "", newError(KindUnsupported, nil, "Files of this type are not converted for previews.")
	}
	soffice, err := c.soffice()
	if err != nil {
		return "", newError(KindUnavailable, err,
			"Page previews of decks and documents are unavailable: LibreOffice is not installed on the server.")
	}
	// Wait for the slot before the clock starts: queueing is not the
	// file's fault.
	select {
	case officeSlot <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("wait for the converter: %w", ctx.Err())
	}
	defer func() { <-officeSlot }()

	work, err := os.MkdirTemp(dir, "office-")
	if err != nil {
		return "", fmt.Errorf("conversion directory: %w", err)
	}
	profile, in, out := filepath.Join(work, "profile"), filepath.Join(work, "in"), filepath.Join(work, "out")
	for _, d := range []string{filepath.Join(profile, "user"), in, out} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return "", fmt.Errorf("conversion directory: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(profile, "user", "registrymodifications.xcu"), []byte(profileSettings), 0o600); err != nil {
		return "", fmt.Errorf("write converter profile: %w", err)
	}
	input := filepath.Join(in, "document"+ext)
	if err := linkOrCopy(src, input); err != nil {
		return "", fmt.Errorf("stage input: %w", err)
	}

	ctx, cancel := context.WithTimeoutCause(ctx, l.Timeout, errTimeout)
	defer cancel()
	profileURL := (&url.URL{Scheme: "file", Path: profile}).String()
	// HOME points into the run's directory too, so nothing of one run
	// (fonts cache, crash reports) is shared with the next or left in the
	// service user's home.
	env := append(os.Environ(), "HOME="+work, "TMPDIR="+work, "SAL_USE_VCLPLUGIN=svp")
	r := runTool(ctx, l.MaxMemory, env, soffice,
		"-env:UserInstallation="+profileURL,
		"--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
		"--convert-to", pdfExport(ext, l.MaxPages+1), "--outdir", out, input)
	pdf := filepath.Join(out, "document.pdf")
	if ctx.Err() != nil {
		if errors.Is(context.Cause(ctx), errTimeout) {
			return "", newError(KindTimeout, ctx.Err(),
				"Converting the file took longer than %s, so it was stopped.", formatDuration(l.Timeout))
		}
		return "", fmt.Errorf("convert: %w", ctx.Err())
	}
	if r.startErr != nil {
		return "", newError(KindUnavailable, r.startErr,
			"Page previews of decks and documents are unavailable: LibreOffice could not be started.")
	}
	if st, err := os.Stat(pdf); err == nil && st.Size() > 0 && r.err == nil {
		return pdf, nil
	}
	// LibreOffice exits 0 even when it could not load the file; the
	// missing PDF and its message tell.
	cause := fmt.Errorf("soffice: no PDF: %s", firstLine(r.out))
	if r.err != nil {
		cause = fmt.Errorf("soffice: %w: %s", r.err, firstLine(r.out))
	}
	switch {
	case outOfMemory(r.out):
		return "", newError(KindTooLarge, cause, "The file needs more memory to convert than is allowed.")
	case encryptedOOXML(src, contentType):
		return "", newError(KindEncrypted, cause, "The file is password-protected, so no preview can be made.")
	}
	return "", newError(KindBroken, cause,
		"The file could not be opened for conversion; it may be damaged or password-protected.")
}

// outOfMemory reports whether LibreOffice's output says it hit the memory
// cap: while loading the file, or (a cap below what it needs to start at
// all, some 200 MB) while mapping its own libraries.
func outOfMemory(out string) bool {
	for _, s := range []string{"bad_alloc", "Out of memory", "failed to map segment", "Cannot allocate memory"} {
		if strings.Contains(out, s) {
			return true
		}
	}
	return false
}

// encryptedOOXML reports whether a .docx, .pptx or .xlsx is in fact an
// OLE2 container: that is how Office stores a password-protected one.
func encryptedOOXML(path, contentType string) bool {
	if !strings.HasPrefix(mediaType(contentType), "application/vnd.openxmlformats") {
		return false
	}
	f, err := os.Open(path) //nolint:gosec // G304: our own temporary file
	if err != nil {
		return false
	}
	defer func() { _ = f.Close() }() // read-only
	head := make([]byte, 8)
	if _, err := io.ReadFull(f, head); err != nil {
		return false
	}
	return bytes.Equal(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
}

// linkOrCopy makes src available at dst, by a hard link when both are on
// one file system, else by copying.
func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src) //nolint:gosec // G304: our own temporary file
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()                                      // read-only
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600) //nolint:gosec // G304: inside our directory
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close() // the copy's error is the one to report
		return err
	}
	return out.Close()
}
