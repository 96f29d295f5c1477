package stagecraft

import (
	"context"
	"time"
)

// EventType is what happened to an asset.
type EventType string

// Event types. link_open is recorded by the public link viewer; the others
// by clients or by the server on downloads, shares and attaches.
const (
	EventView     EventType = "view"
	EventDownload EventType = "download"
	EventShare    EventType = "share"
	EventPresent  EventType = "present"
	EventCopyLink EventType = "copy_link"
	EventAttach   EventType = "attach"
	EventLinkOpen EventType = "link_open"
)

// Event is one use of an asset, optionally on a deal.
type Event struct {
	ID         string         `json:"id"`
	OrgID      string         `json:"-"`
	Type       EventType      `json:"type"`
	AssetID    string         `json:"asset_id"`
	VersionID  string         `json:"version_id,omitempty"`
	DealID     string         `json:"deal_id,omitempty"`
	UserID     string         `json:"user_id,omitempty"`
	OccurredAt time.Time      `json:"occurred_at"`
	Meta       map[string]any `json:"meta,omitempty"`
	// StageAtEvent is the deal's stage when the event was recorded; the
	// store fills it in.
	StageAtEvent string `json:"stage_at_event,omitempty"`
}

// EventService records usage events.
type EventService interface {
	// RecordEvent stores e, snapshotting its deal's current stage. Returns
	// ENOTFOUND when the deal does not belong to e's organisation.
	RecordEvent(ctx context.Context, e *Event) error
}
