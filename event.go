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
	ID         string
	OrgID      string
	Type       EventType
	AssetID    string
	VersionID  string
	DealID     string
	UserID     string
	OccurredAt time.Time
	Meta       map[string]any
	// StageAtEvent is the deal's stage when the event was recorded; the
	// store fills it in.
	StageAtEvent string
	// LinkID is the share link a link_open came through.
	LinkID string
	// Bot marks events caused by link scanners and unfurlers: kept for
	// the record, never counted.
	Bot bool
	// RepScope, when set, is the rep recording the event: the asset must
	// be one they may see (published, unexpired) and the deal one of
	// theirs, else the event is refused as unknown. See ScopeTo.
	RepScope string
}

// ScopeTo limits e to what u may see: reps record events only for
// published assets and their own deals, as they attach, share and search.
func (e *Event) ScopeTo(u *User) {
	if u.Role == RoleRep {
		e.RepScope = u.ID
	}
}

// ClientEventTypes are the types clients may record; link_open is
// recorded by the link viewer only.
var ClientEventTypes = []EventType{EventView, EventDownload, EventShare, EventPresent, EventCopyLink, EventAttach}

// Limits on recorded events.
const (
	MaxEventsPerRequest = 1000
	// MaxEventSkew is how far in the future occurred_at may be: client
	// clocks drift, but not by much.
	MaxEventSkew = 5 * time.Minute
	// MaxEventAge is how far back events may be backfilled.
	MaxEventAge  = 400 * 24 * time.Hour
	maxEventMeta = 4096
)

// Validate checks a client event's fields, naming the first at fault. A
// missing occurred_at becomes now.
func (e *Event) Validate(now time.Time) error {
	if !validUUID(e.ID) {
		return Errorf(EINVALID, "id must be a UUID chosen by the client.")
	}
	ok := false
	for _, t := range ClientEventTypes {
		ok = ok || e.Type == t
	}
	if !ok {
		return Errorf(EINVALID, "type must be one of view, download, share, present, copy_link, attach.")
	}
	if !validUUID(e.AssetID) {
		return Errorf(EINVALID, "asset_id must be a UUID.")
	}
	if e.DealID != "" && !validUUID(e.DealID) {
		return Errorf(EINVALID, "deal_id must be a UUID.")
	}
	if e.OccurredAt.IsZero() {
		// Absent: the event happened as it was received.
		e.OccurredAt = now.UTC()
	}
	if e.OccurredAt.After(now.Add(MaxEventSkew)) {
		return Errorf(EINVALID, "occurred_at is in the future.")
	}
	if e.OccurredAt.Before(now.Add(-MaxEventAge)) {
		return Errorf(EINVALID, "occurred_at is more than 400 days ago.")
	}
	return nil
}

// CheckMetaSize reports whether encoded meta is small enough to keep.
func CheckMetaSize(encoded []byte) error {
	if len(encoded) > maxEventMeta {
		return Errorf(EINVALID, "meta must be at most %d bytes of JSON.", maxEventMeta)
	}
	return nil
}

// EventOutcome is what became of one recorded event.
type EventOutcome int

// Event outcomes.
const (
	EventAccepted EventOutcome = iota
	EventDuplicate
	EventUnknownAsset
	EventUnknownDeal
)

// EventService records usage events.
type EventService interface {
	// RecordEvent stores e, snapshotting its deal's current stage. Returns
	// ENOTFOUND when the deal does not belong to e's organisation, or is
	// not e.RepScope's.
	RecordEvent(ctx context.Context, e *Event) error
	// RecordEvents stores events durably — committed before it returns —
	// with their deals' current stages, and reports each one's outcome:
	// an id already stored in the organisation is a duplicate, an asset
	// or deal of another organisation (or beyond e.RepScope) is unknown.
	// One request's events never fail another's: a request whose events
	// the database refuses gets its own error.
	RecordEvents(ctx context.Context, events []*Event) ([]EventOutcome, error)
}

func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
				return false
			}
		}
	}
	return true
}
