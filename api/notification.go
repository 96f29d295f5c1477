package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
)

// NotificationResponse is one notification of GET /api/v1/notifications.
type NotificationResponse struct {
	ID        string         `json:"id"`
	Type      string         `json:"type"`
	CreatedAt time.Time      `json:"created_at"`
	ReadAt    *time.Time     `json:"read_at"`
	Title     string         `json:"title"`
	Body      string         `json:"body"`
	URL       string         `json:"url"`
	Data      map[string]any `json:"data"`
}

// NotificationList is the body of GET /api/v1/notifications.
type NotificationList struct {
	Items      []NotificationResponse `json:"items"`
	Unread     int                    `json:"unread"`
	NextCursor *string                `json:"next_cursor"`
}

func toNotificationResponse(n *stagecraft.Notification) NotificationResponse {
	r := NotificationResponse{ID: n.ID, Type: n.Type, CreatedAt: n.CreatedAt.UTC(), Title: n.Title,
		Body: n.Body, URL: n.URL, Data: n.Data}
	if n.ReadAt != nil {
		t := n.ReadAt.UTC()
		r.ReadAt = &t
	}
	if r.Data == nil {
		r.Data = map[string]any{}
	}
	return r
}

// defaultNotificationPage is the page size when limit is not given.
const defaultNotificationPage = 20

// handleNotificationList handles GET /api/v1/notifications: the caller's
// own notifications, newest first (?unread=true for unread ones only).
func (s *Server) handleNotificationList(c *gin.Context) {
	u := currentUser(c)
	f := stagecraft.NotificationFilter{OrgID: u.OrgID, UserID: u.ID, Limit: defaultNotificationPage, Cursor: c.Query("cursor")}
	if v := c.Query("unread"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			Error(c, fieldError("unread", "unread must be true or false."))
			return
		}
		f.Unread = b
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			Error(c, fieldError("limit", "limit must be a whole number from 1 to %d.", maxListLimit))
			return
		}
		f.Limit = n
	}
	page, err := s.Notifications.FindNotifications(c.Request.Context(), f)
	if err != nil {
		Error(c, err)
		return
	}
	resp := NotificationList{Items: make([]NotificationResponse, len(page.Items)), Unread: page.Unread}
	for i, n := range page.Items {
		resp.Items[i] = toNotificationResponse(n)
	}
	if page.NextCursor != "" {
		resp.NextCursor = &page.NextCursor
	}
	c.JSON(http.StatusOK, resp)
}

// maxListLimit is the largest ?limit= of the lists added in v1.1.
const maxListLimit = 100

// maxReadIDs bounds one mark-as-read request.
const maxReadIDs = 500

type notificationsReadRequest struct {
	IDs []string `json:"ids"`
	All bool     `json:"all"`
}

// handleNotificationsRead handles POST /api/v1/notifications/read:
// {"ids":[...]} or {"all":true} marks the caller's notifications read.
func (s *Server) handleNotificationsRead(c *gin.Context) {
	var req notificationsReadRequest
	if err := bindJSON(c, &req); err != nil {
		Error(c, err)
		return
	}
	switch {
	case !req.All && len(req.IDs) == 0:
		Error(c, fieldError("ids", "ids (a list of notification ids) or all (true) is required."))
		return
	case len(req.IDs) > maxReadIDs:
		Error(c, fieldError("ids", "ids holds at most %d ids.", maxReadIDs))
		return
	}
	u := currentUser(c)
	if err := s.Notifications.MarkNotificationsRead(c.Request.Context(), u.OrgID, u.ID, req.IDs, req.All); err != nil {
		Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// NotificationSettingsResponse is the body of GET and PUT
// /api/v1/me/notification-settings. slack_failing is read-only: set when
// the Slack URL refused a message, until a URL is set again.
type NotificationSettingsResponse struct {
	Email           string          `json:"email"`
	SlackWebhookURL *string         `json:"slack_webhook_url"`
	Types           map[string]bool `json:"types"`
	SlackFailing    *SlackFailing   `json:"slack_failing"`
}

// SlackFailing says when and why the Slack URL stopped taking messages.
type SlackFailing struct {
	Since  time.Time `json:"since"`
	Reason string    `json:"reason"`
}

func toNotificationSettingsResponse(s *stagecraft.NotificationSettings) NotificationSettingsResponse {
	r := NotificationSettingsResponse{Email: s.Email, Types: s.Types}
	if s.SlackWebhookURL != "" {
		r.SlackWebhookURL = &s.SlackWebhookURL
	}
	if s.SlackFailedAt != nil {
		r.SlackFailing = &SlackFailing{Since: s.SlackFailedAt.UTC(), Reason: s.SlackError}
	}
	return r
}

// optional is a JSON field that may be absent (Set false), null (Null)
// or a value: partial updates tell "leave alone" from "remove".
type optional[T any] struct {
	Set, Null bool
	V         T
}

// UnmarshalJSON records that the field was given.
func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.V)
}

type notificationSettingsRequest struct {
	Email           optional[string]          `json:"email"`
	SlackWebhookURL optional[string]          `json:"slack_webhook_url"`
	Types           optional[map[string]bool] `json:"types"`
	// Read-only; accepted so a client can send back what it read.
	SlackFailing json.RawMessage `json:"slack_failing"`
}

// handleNotificationSettingsGet handles GET /api/v1/me/notification-settings.
func (s *Server) handleNotificationSettingsGet(c *gin.Context) {
	u := currentUser(c)
	st, err := s.Notifications.FindNotificationSettings(c.Request.Context(), u.OrgID, u.ID)
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, toNotificationSettingsResponse(st))
}

// handleNotificationSettingsPut handles PUT /api/v1/me/notification-settings:
// the fields given change, the others stay; 200 with the whole settings.
func (s *Server) handleNotificationSettingsPut(c *gin.Context) {
	var req notificationSettingsRequest
	if err := bindJSON(c, &req); err != nil {
		Error(c, err)
		return
	}
	var upd stagecraft.NotificationSettingsUpdate
	if req.Email.Set {
		if req.Email.Null {
			Error(c, fieldError("email", "email must be one of instant, daily, off."))
			return
		}
		upd.Email = &req.Email.V
	}
	if req.SlackWebhookURL.Set {
		upd.SlackWebhookURL = &req.SlackWebhookURL.V // null removes it, as "" does
	}
	if req.Types.Set && !req.Types.Null {
		upd.Types = req.Types.V
	}
	u := currentUser(c)
	st, err := s.Notifications.UpdateNotificationSettings(c.Request.Context(), u.OrgID, u.ID, upd)
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, toNotificationSettingsResponse(st))
}
