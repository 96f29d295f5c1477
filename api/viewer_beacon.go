package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/share"
)

// maxBeaconBody caps a beacon's body; a real one is under 100 bytes.
const maxBeaconBody = 4 << 10

// beaconRequest is the body of POST /l/:token/events.
type beaconRequest struct {
	SessionID string   `json:"session_id"`
	Page      *int     `json:"page"`
	Seconds   *float64 `json:"seconds"`
}

// handleBeacon handles POST /l/:token/events: the page reports seconds of
// active viewing of a page. Each beacon counts for at most
// MaxBeaconSeconds, and a session for no more than the time since it
// began, however many beacons it sends. Beacons from bots are ignored
// (204, nothing stored).
func (v *viewer) handleBeacon(c *gin.Context) {
	l, a, ok := v.resolve(c)
	if !ok {
		return
	}
	email, ok := v.requireAdmission(c, l)
	if !ok {
		return
	}
	if bot, _ := detectBot(c.Request); bot {
		c.Status(http.StatusNoContent)
		return
	}
	var req beaconRequest
	if err := bindBeacon(c, &req); err != nil {
		Error(c, err)
		return
	}
	switch {
	case req.Page == nil:
		Error(c, linkFieldError("page", "page is required."))
		return
	case req.Seconds == nil:
		Error(c, linkFieldError("seconds", "seconds is required."))
		return
	}
	ver := a.CurrentVersion
	r := &share.Reading{
		Time: stagecraft.LinkTime{LinkID: l.ID, OrgID: l.OrgID, SessionID: req.SessionID, Page: *req.Page,
			Seconds:   int(math.Round(math.Max(0, math.Min(stagecraft.MaxBeaconSeconds, *req.Seconds)))),
			VersionID: ver.ID, PageCount: pageCount(ver)},
		Email: email, UserAgent: c.Request.UserAgent(), AssetTitle: a.Title,
	}
	if id, err := c.Cookie(browserCookie); err == nil && validBrowserID(id) {
		r.BrowserID = id
	}
	if err := r.Time.Validate(); err != nil {
		Error(c, err)
		return
	}
	if r.Time.PageCount > 0 && r.Time.Page > r.Time.PageCount {
		Error(c, linkFieldError("page", fmt.Sprintf("page must be from 1 to %d, the document's pages.", r.Time.PageCount)))
		return
	}
	if _, err := v.s.Sharer.RecordTime(c.Request.Context(), l, r); err != nil {
		Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// bindBeacon decodes a beacon. navigator.sendBeacon sends a string as
// text/plain, so that type is accepted beside JSON.
func bindBeacon(c *gin.Context, v *beaconRequest) error {
	switch c.ContentType() {
	case "", "application/json", "text/plain":
	default:
		return stagecraft.Errorf(stagecraft.EUNSUPPORTED, "Content-Type must be application/json.")
	}
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, maxBeaconBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if isMaxBytes(err) {
			return stagecraft.Errorf(stagecraft.ETOOLARGE, "request body is larger than %d bytes.", maxBeaconBody)
		}
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return stagecraft.Errorf(stagecraft.EINVALID, "request body must hold a single JSON value.")
	}
	return nil
}
