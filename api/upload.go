package api

import (
	"bufio"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/library"
)

// Uploads stream: a multipart body is read part by part, its fields
// checked as they arrive and its file written to storage as it is read,
// never held whole in memory.

// Limits on the non-file parts of an upload.
const (
	maxFieldBytes = 64 << 10
	maxParts      = 200
	// multipartOverhead is room for part headers and fields on top of the
	// file's own size limit.
	multipartOverhead = 1 << 20
	// uploadBuffer is the read buffer of an upload's request body.
	uploadBuffer = 1 << 20
)

// noFields refuses form fields: a new version takes its metadata from the
// asset, so a field sent with it would be silently lost.
func noFields(fields url.Values) error {
	for k := range fields {
		return stagecraft.Errorf(stagecraft.EINVALID, "%s: a new version takes only a file; change metadata with PATCH.", k).
			WithDetails(map[string]any{"field": k})
	}
	return nil
}

type uploadForm struct {
	fields url.Values
	file   *library.StoredFile
}

// readUpload reads a multipart body part by part. precheck (optional)
// sees the fields that came before the file; store streams the file. On
// error, a file already stored is discarded.
func (s *Server) readUpload(c *gin.Context, precheck func(url.Values) error,
	store func(name string, r io.Reader) (*library.StoredFile, error)) (form uploadForm, err error) {
	form.fields = url.Values{}
	defer func() {
		if err != nil && form.file != nil {
			s.Library.Discard(c.Request.Context(), form.file)
			form.file = nil
		}
	}()
	mediaType, params, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if mediaType != "multipart/form-data" {
		return form, stagecraft.Errorf(stagecraft.EUNSUPPORTED, "Content-Type must be multipart/form-data with a 'file' part.")
	}
	if c.Request.ContentLength > s.MaxUpload+multipartOverhead {
		return form, stagecraft.Errorf(stagecraft.ETOOLARGE, "file is larger than the %d MB limit.", s.MaxUpload>>20).
			WithDetails(map[string]any{"field": "file", "max_bytes": s.MaxUpload})
	}
	if params["boundary"] == "" {
		return form, stagecraft.Errorf(stagecraft.EINVALID, "the multipart body is malformed: no boundary in Content-Type.")
	}
	// The multipart reader pulls from the connection 4 KiB at a time; a
	// large buffer underneath turns that into few, large reads, which
	// matters at hundreds of megabytes.
	body := http.MaxBytesReader(c.Writer, c.Request.Body, s.MaxUpload+multipartOverhead)
	mr := multipart.NewReader(bufio.NewReaderSize(body, uploadBuffer), params["boundary"])
	for parts := 0; ; parts++ {
		if parts > maxParts {
			return form, stagecraft.Errorf(stagecraft.EINVALID, "too many form fields (at most %d).", maxParts)
		}
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return form, requestReadError(err)
		}
		name := part.FormName()
		if name != "file" {
			v, err := readField(part, name)
			if err != nil {
				return form, err
			}
			form.fields.Add(name, v)
			continue
		}
		if form.file != nil {
			return form, stagecraft.Errorf(stagecraft.EINVALID, "file: only one file may be uploaded per request.")
		}
		if precheck != nil {
			if err := precheck(form.fields); err != nil {
				return form, err
			}
		}
		body := &bodyReader{r: part}
		f, err := store(part.FileName(), body)
		if err != nil {
			if body.err != nil {
				return form, requestReadError(body.err)
			}
			return form, err
		}
		form.file = f
	}
	if form.file == nil {
		return form, stagecraft.Errorf(stagecraft.EINVALID, "file is required.").
			WithDetails(map[string]any{"field": "file"})
	}
	return form, nil
}

// bodyReader remembers an error that came from the request itself (the
// client went away, or the body was malformed or too large), so it is
// reported as the client's fault rather than the store's.
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		b.err = err
	}
	return n, err
}

func requestReadError(err error) error {
	if isMaxBytes(err) {
		return stagecraft.Errorf(stagecraft.ETOOLARGE, "request body is too large.")
	}
	return &stagecraft.Error{Code: stagecraft.EINVALID,
		Message: "The upload was interrupted or the multipart body is malformed.", Err: err}
}

func readField(part *multipart.Part, name string) (string, error) {
	b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
	if err != nil {
		return "", requestReadError(err)
	}
	if len(b) > maxFieldBytes {
		return "", stagecraft.Errorf(stagecraft.EINVALID, "%s: longer than %d bytes.", name, maxFieldBytes)
	}
	return string(b), nil
}

// assetMeta reads the upload's metadata fields. List fields may repeat or
// hold comma-separated values.
func assetMeta(f url.Values) (stagecraft.AssetMeta, error) {
	known := map[string]bool{"title": true, "description": true, "status": true, "expires_at": true,
		"stages": true, "personas": true, "industries": true, "products": true, "tags": true}
	for k := range f {
		if !known[k] {
			return stagecraft.AssetMeta{}, stagecraft.Errorf(stagecraft.EINVALID,
				"%s: unknown field; expected file, title, description, status, expires_at, stages, personas, industries, products, tags.", k).
				WithDetails(map[string]any{"field": k})
		}
	}
	m := stagecraft.AssetMeta{
		Title:       strings.TrimSpace(f.Get("title")),
		Description: strings.TrimSpace(f.Get("description")),
		Status:      stagecraft.AssetStatus(strings.TrimSpace(f.Get("status"))),
		Stages:      splitList(f["stages"]),
		Personas:    splitList(f["personas"]),
		Industries:  splitList(f["industries"]),
		Products:    splitList(f["products"]),
		Tags:        splitList(f["tags"]),
	}
	if v := strings.TrimSpace(f.Get("expires_at")); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return m, stagecraft.Errorf(stagecraft.EINVALID, "expires_at must be an RFC 3339 time such as 2027-01-31T00:00:00Z.").
				WithDetails(map[string]any{"field": "expires_at"})
		}
		t = t.UTC()
		m.ExpiresAt = &t
	}
	return m, nil
}

func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		out = append(out, strings.Split(v, ",")...)
	}
	return stagecraft.CleanList(out)
}
