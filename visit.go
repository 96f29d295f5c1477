package stagecraft

import (
	"strings"
	"time"
)

// VisitGap is the longest pause within one visit: a visitor's sessions
// (page loads) of a link less than this apart make one visit.
const VisitGap = 30 * time.Minute

// Device classes of a visit.
const (
	DeviceDesktop = "desktop"
	DeviceMobile  = "mobile"
	DeviceTablet  = "tablet"
)

// Visitor is who reads a shared link: the admitted email when the link
// asks for one, else a random id the browser keeps per link.
type Visitor struct {
	// Key identifies the visitor within the link.
	Key string
	// Email is the admitted email, or "".
	Email  string
	Device string
	// Internal is set for people of the sharer's own organisation: their
	// visits are kept but never alert or count.
	Internal bool
}

// Visit is one visitor's reading of one link.
type Visit struct {
	ID           string
	OrgID        string
	LinkID       string
	VisitorKey   string
	VisitorEmail string
	VersionID    string
	// PageCount is the number of pages of the version shown.
	PageCount  int
	StartedAt  time.Time
	LastSeenAt time.Time
	Seconds    int
	// Pages lists the pages read, with time > 0, in page order.
	Pages     []PageTime
	Device    string
	Returning bool
	Internal  bool

	// New is set on the visit a beacon started.
	New bool

	// The link's asset, filled when listing a deal's visits.
	AssetID    string
	AssetTitle string
}

// PageTime is time spent on one page.
type PageTime struct {
	Page    int
	Seconds int
}

// Completion is the share of the version's pages read, from 0 to 1.
func (v *Visit) Completion() float64 {
	if v.PageCount < 1 {
		return 0
	}
	return min(1, float64(len(v.Pages))/float64(v.PageCount))
}

// VisitFilter selects visits of one organisation: of a link, or of every
// link of a deal.
type VisitFilter struct {
	OrgID  string
	LinkID string
	DealID string
	Limit  int
	Cursor string
}

// DeviceClass tells a phone, a tablet and a computer apart by the
// User-Agent, coarsely, as analytics tools do: iPads and Android
// devices without "Mobile" are tablets.
func DeviceClass(ua string) string {
	u := strings.ToLower(ua)
	switch {
	case strings.Contains(u, "ipad"), strings.Contains(u, "tablet"), strings.Contains(u, "kindle"),
		strings.Contains(u, "silk/"), strings.Contains(u, "playbook"),
		strings.Contains(u, "android") && !strings.Contains(u, "mobile"):
		return DeviceTablet
	case strings.Contains(u, "mobi"), strings.Contains(u, "iphone"), strings.Contains(u, "ipod"),
		strings.Contains(u, "android"), strings.Contains(u, "windows phone"), strings.Contains(u, "opera mini"):
		return DeviceMobile
	}
	return DeviceDesktop
}
