package stagecraft

import (
	"context"
	"time"
)

// Audit actions: who changed what. Each is written in the transaction of
// the change it records.
const (
	AuditUserCreated     = "user.created"
	AuditUserUpdated     = "user.updated"
	AuditUserDisabled    = "user.disabled"
	AuditUserEnabled     = "user.enabled"
	AuditTokenCreated    = "token.created"
	AuditTokenRevoked    = "token.revoked"
	AuditTaxonomyUpdated = "taxonomy.updated"
	AuditAssetCreated    = "asset.created"
	AuditAssetUpdated    = "asset.updated"
	AuditAssetArchived   = "asset.archived"
	AuditLinkCreated     = "link.created"
	AuditLinkUpdated     = "link.updated"
	AuditLinkRevoked     = "link.revoked"
	AuditPasswordChanged = "auth.password_changed"
	AuditPasswordReset   = "auth.password_reset"
	AuditSignInFailed    = "auth.sign_in_failed"
	AuditRoomCreated     = "room.created"
	AuditRoomRevoked     = "room.revoked"
	AuditWebhookCreated  = "webhook.created"
	AuditWebhookDeleted  = "webhook.deleted"
	AuditSettingsUpdated = "settings.updated"
)

// AuditActions lists the actions recorded, for filters and validation.
var AuditActions = []string{
	AuditUserCreated, AuditUserUpdated, AuditUserDisabled, AuditUserEnabled,
	AuditTokenCreated, AuditTokenRevoked, AuditTaxonomyUpdated,
	AuditAssetCreated, AuditAssetUpdated, AuditAssetArchived,
	AuditLinkCreated, AuditLinkUpdated, AuditLinkRevoked,
	AuditPasswordChanged, AuditPasswordReset, AuditSignInFailed,
	AuditRoomCreated, AuditRoomRevoked, AuditWebhookCreated, AuditWebhookDeleted,
	AuditSettingsUpdated,
}

// Audit target types.
const (
	TargetUser       = "user"
	TargetToken      = "token"
	TargetTaxonomy   = "taxonomy"
	TargetAsset      = "asset"
	TargetLink       = "link"
	TargetRoom       = "room"
	TargetWebhook    = "webhook"
	TargetSettings   = "settings"
	TargetRequest    = "request"
	TargetDealImport = "deal_import"
)

// AuditEntry is one recorded change.
type AuditEntry struct {
	ID    string
	OrgID string
	At    time.Time
	// ActorID and ActorEmail name who acted; both are empty when nobody
	// signed in did (a password reset, failed sign-ins). ActorEmail is
	// kept as it was at the time.
	ActorID    string
	ActorEmail string
	Action     string
	TargetType string
	TargetID   string
	IP         string
	Details    map[string]any
}

// AuditFilter selects entries of one organisation, newest first.
type AuditFilter struct {
	OrgID    string
	ActorID  string
	Action   string
	TargetID string
	From, To *time.Time // From inclusive, To exclusive
	Limit    int
	// Cursor continues a listing where the previous page ended.
	Cursor string
}

// MaxAuditPage is the most entries one page holds.
const MaxAuditPage = 500

// AuditService reads the audit log. Entries are written by the services
// that make the changes.
type AuditService interface {
	// FindAuditEntries returns up to f.Limit entries, newest first, and
	// the cursor of the next page ("" when there is none). Returns
	// EINVALID for a malformed cursor.
	FindAuditEntries(ctx context.Context, f AuditFilter) ([]*AuditEntry, string, error)
	// RecordAudit writes an entry on its own, for events that change
	// nothing else (repeated failed sign-ins).
	RecordAudit(ctx context.Context, e *AuditEntry) error
}

const clientIPContextKey contextKey = iota + 100

// NewContextWithClientIP returns a context carrying the address of the
// client that made the request, for the audit log.
func NewContextWithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPContextKey, ip)
}

// ClientIPFromContext returns the client's address, or "".
func ClientIPFromContext(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPContextKey).(string)
	return ip
}
