package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
)

// DeliveryResponse is one delivery of GET /api/v1/deliveries: a message
// sent, or to be sent, through a channel, and how its attempts went.
type DeliveryResponse struct {
	ID              string     `json:"id"`
	Channel         string     `json:"channel"`
	Target          string     `json:"target"`
	UserID          *string    `json:"user_id"`
	NotificationIDs []string   `json:"notification_ids"`
	Status          string     `json:"status"`
	Attempt         int        `json:"attempt"`
	Error           string     `json:"error"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	NextAttemptAt   *time.Time `json:"next_attempt_at"`
	SentAt          *time.Time `json:"sent_at"`
}

// DeliveryList is the body of GET /api/v1/deliveries.
type DeliveryList struct {
	Items      []DeliveryResponse `json:"items"`
	NextCursor *string            `json:"next_cursor"`
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func toDeliveryResponse(d *stagecraft.Delivery) DeliveryResponse {
	r := DeliveryResponse{ID: d.ID, Channel: d.Channel, Target: redactTarget(d), NotificationIDs: d.NotificationIDs,
		Status: d.Status, Attempt: d.Attempt, Error: d.Error, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(),
		NextAttemptAt: utcPtr(d.NextAttemptAt), SentAt: utcPtr(d.SentAt)}
	if d.UserID != "" {
		r.UserID = &d.UserID
	}
	if r.NotificationIDs == nil {
		r.NotificationIDs = []string{}
	}
	return r
}

// redactTarget hides the secret path of a Slack-format URL (its path is
// the credential): admins see the host only.
func redactTarget(d *stagecraft.Delivery) string {
	if d.Channel == stagecraft.ChannelEmail {
		return d.Target
	}
	if i := indexPathStart(d.Target); i > 0 {
		return d.Target[:i] + "/…"
	}
	return d.Target
}

// indexPathStart returns where the path of an absolute URL starts, or -1.
func indexPathStart(u string) int {
	const sep = "://"
	for i := 0; i+len(sep) <= len(u); i++ {
		if u[i:i+len(sep)] == sep {
			for j := i + len(sep); j < len(u); j++ {
				if u[j] == '/' || u[j] == '?' {
					return j
				}
			}
			return -1
		}
	}
	return -1
}

// handleDeliveryList handles GET /api/v1/deliveries (admin): the
// organisation's deliveries, newest first; ?status=failed shows those
// that failed for good, retrying those waiting for another attempt.
func (s *Server) handleDeliveryList(c *gin.Context) {
	f := stagecraft.DeliveryFilter{OrgID: currentUser(c).OrgID, Status: c.Query("status"),
		Channel: c.Query("channel"), Limit: defaultNotificationPage, Cursor: c.Query("cursor")}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			Error(c, fieldError("limit", "limit must be a whole number from 1 to %d.", maxListLimit))
			return
		}
		f.Limit = n
	}
	items, next, err := s.Deliveries.FindDeliveries(c.Request.Context(), f)
	if err != nil {
		Error(c, err)
		return
	}
	resp := DeliveryList{Items: make([]DeliveryResponse, len(items))}
	for i, d := range items {
		resp.Items[i] = toDeliveryResponse(d)
	}
	if next != "" {
		resp.NextCursor = &next
	}
	c.JSON(http.StatusOK, resp)
}
