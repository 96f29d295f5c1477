package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
)

// maxEventsBody caps POST /events: 1,000 events of a few hundred bytes.
const maxEventsBody = 4 << 20

type eventsRequest struct {
	Events []json.RawMessage `json:"events"`
}

// eventItem is one event as clients send it; each is decoded on its own
// so that one bad item is reported and the others kept.
type eventItem struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	AssetID    string          `json:"asset_id"`
	DealID     *string         `json:"deal_id"`
	OccurredAt *time.Time      `json:"occurred_at"`
	Meta       json.RawMessage `json:"meta"`
}

// RejectedEvent is an event refused, by its index in the request.
type RejectedEvent struct {
	Index int    `json:"index"`
	Error string `json:"error"`
}

// EventsResponse is the body of POST /api/v1/events.
type EventsResponse struct {
	Accepted   int             `json:"accepted"`
	Duplicates int             `json:"duplicates"`
	Rejected   []RejectedEvent `json:"rejected"`
}

// handleEventsCreate handles POST /api/v1/events. It answers 202 only once
// the accepted events are committed; items that fail validation are
// reported by index and the rest kept.
func (s *Server) handleEventsCreate(c *gin.Context) {
	user := currentUser(c)
	var req eventsRequest
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, maxEventsBody))
	if ct := c.ContentType(); ct != "" && ct != "application/json" {
		errorf(c, stagecraft.EUNSUPPORTED, "Content-Type must be application/json.")
		return
	}
	if err := dec.Decode(&req); err != nil {
		if isMaxBytes(err) {
			errorf(c, stagecraft.ETOOLARGE, "at most %d events (and %d MB) per request.", stagecraft.MaxEventsPerRequest, maxEventsBody>>20)
			return
		}
		Error(c, jsonError(err))
		return
	}
	if req.Events == nil {
		errorf(c, stagecraft.EINVALID, "events: an array of events is required.")
		return
	}
	if len(req.Events) > stagecraft.MaxEventsPerRequest {
		errorf(c, stagecraft.ETOOLARGE, "events: at most %d per request (got %d).", stagecraft.MaxEventsPerRequest, len(req.Events))
		return
	}
	now := s.now()
	resp := EventsResponse{Rejected: []RejectedEvent{}}
	var events []*stagecraft.Event
	var index []int
	for i, raw := range req.Events {
		e, err := decodeEvent(raw, user, now)
		if err != nil {
			resp.Rejected = append(resp.Rejected, RejectedEvent{Index: i, Error: stagecraft.ErrorMessage(err)})
			continue
		}
		events = append(events, e)
		index = append(index, i)
	}
	outcomes, err := s.Events.RecordEvents(c.Request.Context(), events)
	if err != nil {
		Error(c, err)
		return
	}
	for k, o := range outcomes {
		switch o {
		case stagecraft.EventAccepted:
			resp.Accepted++
		case stagecraft.EventDuplicate:
			resp.Duplicates++
		case stagecraft.EventUnknownAsset:
			resp.Rejected = append(resp.Rejected, RejectedEvent{Index: index[k], Error: "asset_id: asset not found."})
		case stagecraft.EventUnknownDeal:
			resp.Rejected = append(resp.Rejected, RejectedEvent{Index: index[k], Error: "deal_id: deal not found."})
		}
	}
	slices.SortFunc(resp.Rejected, func(a, b RejectedEvent) int { return a.Index - b.Index })
	c.JSON(http.StatusAccepted, resp)
}

func decodeEvent(raw json.RawMessage, user *stagecraft.User, now time.Time) (*stagecraft.Event, error) {
	var it eventItem
	if err := json.Unmarshal(raw, &it); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			return nil, stagecraft.Errorf(stagecraft.EINVALID, "%s: wrong type.", fieldName(typ.Field))
		}
		return nil, stagecraft.Errorf(stagecraft.EINVALID, "not an event object: %v.", err)
	}
	e := &stagecraft.Event{ID: it.ID, OrgID: user.OrgID, Type: stagecraft.EventType(it.Type), AssetID: it.AssetID, UserID: user.ID}
	if it.DealID != nil {
		e.DealID = *it.DealID
	}
	if it.OccurredAt != nil {
		e.OccurredAt = it.OccurredAt.UTC()
	}
	if err := e.Validate(now); err != nil {
		return nil, err
	}
	e.ScopeTo(user)
	if len(it.Meta) > 0 && string(it.Meta) != "null" {
		if err := stagecraft.CheckMetaSize(it.Meta); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(it.Meta, &e.Meta); err != nil {
			return nil, stagecraft.Errorf(stagecraft.EINVALID, "meta must be a JSON object.")
		}
		if err := stagecraft.CheckStorableJSON("meta", e.Meta); err != nil {
			return nil, err
		}
	}
	return e, nil
}
