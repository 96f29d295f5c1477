package api

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
)

// AuditActor is who made a change; null when nobody signed in did.
type AuditActor struct {
	ID    *string `json:"id"`
	Email string  `json:"email"`
}

// AuditTarget is the object a change was made to.
type AuditTarget struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// AuditEntryResponse is one entry of GET /api/v1/audit.
type AuditEntryResponse struct {
	ID      string         `json:"id"`
	At      time.Time      `json:"at"`
	Actor   *AuditActor    `json:"actor"`
	Action  string         `json:"action"`
	Target  AuditTarget    `json:"target"`
	IP      string         `json:"ip"`
	Details map[string]any `json:"details"`
}

// AuditList is the body of GET /api/v1/audit.
type AuditList struct {
	Items      []AuditEntryResponse `json:"items"`
	NextCursor *string              `json:"next_cursor"`
}

func toAuditEntryResponse(e *stagecraft.AuditEntry) AuditEntryResponse {
	r := AuditEntryResponse{ID: e.ID, At: e.At.UTC(), Action: e.Action,
		Target: AuditTarget{Type: e.TargetType, ID: e.TargetID}, IP: e.IP, Details: e.Details}
	if e.ActorID != "" || e.ActorEmail != "" {
		r.Actor = &AuditActor{Email: e.ActorEmail}
		if e.ActorID != "" {
			r.Actor.ID = &e.ActorID
		}
	}
	if r.Details == nil {
		r.Details = map[string]any{}
	}
	return r
}

// auditCSVPage is how many entries a CSV export reads at a time.
const auditCSVPage = stagecraft.MaxAuditPage

// csvExportTimeout bounds a CSV export, which may run far past the usual
// request deadline: long enough for millions of entries, short enough that
// a stuck query does not hold its connection for ever.
const csvExportTimeout = 15 * time.Minute

// handleAuditList handles GET /api/v1/audit (admin): the organisation's
// audit log, newest first, as JSON pages or (format=csv) one CSV of every
// entry matching the filters.
func (s *Server) handleAuditList(c *gin.Context) {
	f, csvOut, err := auditFilter(c, currentUser(c).OrgID)
	if err != nil {
		Error(c, err)
		return
	}
	if !csvOut {
		ctx, cancel := context.WithTimeout(c.Request.Context(), requestTimeout)
		defer cancel()
		entries, next, err := s.Audit.FindAuditEntries(ctx, f)
		if err != nil {
			Error(c, err)
			return
		}
		resp := AuditList{Items: make([]AuditEntryResponse, len(entries))}
		for i, e := range entries {
			resp.Items[i] = toAuditEntryResponse(e)
		}
		if next != "" {
			resp.NextCursor = &next
		}
		c.JSON(http.StatusOK, resp)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), csvExportTimeout)
	defer cancel()
	// Read the first page before writing anything, so that an error can
	// still be answered as one.
	f.Limit = auditCSVPage
	entries, next, err := s.Audit.FindAuditEntries(ctx, f)
	if err != nil {
		Error(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="audit-log.csv"`)
	c.Status(http.StatusOK)
	w := csv.NewWriter(c.Writer)
	_ = w.Write([]string{"at", "actor_email", "action", "target_type", "target_id", "ip", "details"})
	for {
		for _, e := range entries {
			details, _ := json.Marshal(toAuditEntryResponse(e).Details)
			_ = w.Write([]string{e.At.UTC().Format(time.RFC3339), csvSafe(e.ActorEmail), e.Action, e.TargetType,
				csvSafe(e.TargetID), e.IP, csvSafe(string(details))})
		}
		w.Flush()
		// Each page goes out as it is read: the download starts at once and
		// the server holds no more than a page.
		c.Writer.Flush()
		if next == "" || w.Error() != nil {
			return
		}
		f.Cursor = next
		entries, next, err = s.Audit.FindAuditEntries(ctx, f)
		if err != nil {
			// The header is sent, so the status cannot say it. Cutting the
			// connection makes the download fail where it stopped, rather
			// than end as a file that looks whole but is not.
			loggerFrom(c).ErrorContext(ctx, "audit csv export cut short", "error", err)
			panic(http.ErrAbortHandler)
		}
	}
}

// auditFilter reads the query of GET /audit.
func auditFilter(c *gin.Context, orgID string) (stagecraft.AuditFilter, bool, error) {
	f := stagecraft.AuditFilter{OrgID: orgID, ActorID: c.Query("actor"), Action: c.Query("action"),
		TargetID: c.Query("target"), Cursor: c.Query("cursor"), Limit: 20}
	for name, v := range map[string]string{"actor": f.ActorID, "action": f.Action, "target": f.TargetID, "cursor": f.Cursor} {
		if len(v) > 200 || !stagecraft.StorableText(v) {
			return f, false, fieldError(name, "%s must be at most 200 characters of text.", name)
		}
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		// Pages hold at most 100, as every list of the API (the CSV export
		// reads larger pages of its own).
		if err != nil || n < 1 || n > 100 {
			return f, false, fieldError("limit", "limit must be a whole number from 1 to 100.")
		}
		f.Limit = n
	}
	var err error
	if f.From, err = auditTime(c.Query("from"), "from", false); err != nil {
		return f, false, err
	}
	if f.To, err = auditTime(c.Query("to"), "to", true); err != nil {
		return f, false, err
	}
	switch c.Query("format") {
	case "", "json":
		return f, false, nil
	case "csv":
		return f, true, nil
	}
	return f, false, fieldError("format", "format must be json or csv.")
}

// auditTime reads a bound given as a date or an RFC 3339 time. A date
// as the upper bound includes that whole day.
func auditTime(v, field string, upper bool) (*time.Time, error) {
	if v == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return &t, nil
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return nil, fieldError(field, "%s must be a date (YYYY-MM-DD) or a time (RFC 3339).", field)
	}
	if upper {
		d = d.AddDate(0, 0, 1)
	}
	return &d, nil
}

func fieldError(field, format string, args ...any) error {
	return stagecraft.Errorf(stagecraft.EINVALID, format, args...).WithDetails(map[string]any{"field": field})
}
