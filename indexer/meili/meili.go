// Package meili is the Meilisearch backend of stagecraft.SearchIndex.
//
// One Meilisearch index holds the documents of every organisation. Each
// document carries org_id, and every filter this package sends begins with
// an org_id clause (see newFilter), so no search or delete reaches another
// organisation's documents.
package meili

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/stagecraft/stagecraft"
)

// Defaults of Config.
const (
	DefaultIndexUID = "stagecraft_assets"
	DefaultTimeout  = 10 * time.Second
)

const (
	// taskWaitLimit bounds a wait for a Meilisearch task when the caller's
	// context has no deadline: the SDK would otherwise poll forever.
	taskWaitLimit    = time.Minute
	taskPollInterval = 50 * time.Millisecond
)

// Config says where Meilisearch is and which index to use.
type Config struct {
	URL    string // MEILI_URL
	APIKey string // MEILI_API_KEY; may be empty for a server without a master key
	// IndexUID is the index holding every organisation's documents;
	// DefaultIndexUID when empty.
	IndexUID string
	// Timeout bounds each request to Meilisearch; DefaultTimeout when zero.
	// Waits for indexing tasks use the caller's deadline instead, or
	// one minute when the caller's context has none.
	Timeout time.Duration
}

// Index is a stagecraft.SearchIndex backed by one Meilisearch index.
// It is safe for concurrent use.
type Index struct {
	client  meilisearch.ServiceManager
	uid     string
	url     string // redacted, for messages
	timeout time.Duration
}

var _ stagecraft.SearchIndex = (*Index)(nil)

// New connects to Meilisearch, creates the index if it is missing (primary
// key "id") and applies Settings, waiting for both within ctx. It fails
// with an error naming MEILI_URL when Meilisearch cannot be reached.
func New(ctx context.Context, cfg Config) (*Index, error) {
	ix, err := newIndex(cfg)
	if err != nil {
		return nil, err
	}
	if err := ix.Ping(ctx); err != nil {
		ix.Close()
		return nil, fmt.Errorf("meili: cannot reach Meilisearch at MEILI_URL=%s: %w", ix.url, err)
	}
	if err := ix.ensureIndex(ctx); err != nil {
		ix.Close()
		return nil, err
	}
	cctx, cancel := ix.callContext(ctx)
	task, err := ix.client.Index(ix.uid).UpdateSettingsWithContext(cctx, Settings())
	cancel()
	if err != nil {
		ix.Close()
		return nil, translate(err, "update settings of index "+ix.uid)
	}
	if err := ix.wait(ctx, task, "update settings of index "+ix.uid); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

// newIndex builds an Index without contacting Meilisearch.
func newIndex(cfg Config) (*Index, error) {
	raw := strings.TrimRight(strings.TrimSpace(cfg.URL), "/")
	if raw == "" {
		return nil, errors.New("meili: MEILI_URL is not set")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("meili: MEILI_URL %q is not an http(s) URL", raw)
	}
	ix := &Index{uid: cfg.IndexUID, url: u.Redacted(), timeout: cfg.Timeout}
	if ix.uid == "" {
		ix.uid = DefaultIndexUID
	}
	if ix.timeout <= 0 {
		ix.timeout = DefaultTimeout
	}
	// Retries are off: the SDK retries 502/503/504 with 1 s, 2 s, 3 s of
	// back-off, which turns a down server into a six-second hang. Callers
	// get EUNAVAILABLE with RetryAfter instead.
	opts := []meilisearch.Option{meilisearch.DisableRetries()}
	if cfg.APIKey != "" {
		opts = append(opts, meilisearch.WithAPIKey(cfg.APIKey))
	}
	ix.client = meilisearch.New(raw, opts...)
	return ix, nil
}

// ensureIndex creates the index unless it exists with primary key "id".
func (ix *Index) ensureIndex(ctx context.Context) error {
	cctx, cancel := ix.callContext(ctx)
	defer cancel()
	info, err := ix.client.GetIndexWithContext(cctx, ix.uid)
	switch {
	case err == nil && (info.PrimaryKey == "" || info.PrimaryKey == primaryKey):
		return nil
	case err == nil:
		return fmt.Errorf("meili: index %q has primary key %q, want %q", ix.uid, info.PrimaryKey, primaryKey)
	case apiCode(err) != "index_not_found":
		return translate(err, "get index "+ix.uid)
	}
	task, err := ix.client.CreateIndexWithContext(cctx, &meilisearch.IndexConfig{Uid: ix.uid, PrimaryKey: primaryKey})
	if err != nil {
		return translate(err, "create index "+ix.uid)
	}
	err = ix.wait(ctx, task, "create index "+ix.uid)
	var te *taskError
	if errors.As(err, &te) && te.Code == "index_already_exists" {
		return nil // another process created it meanwhile
	}
	return err
}

// Ping checks that Meilisearch answers /health. Returns EUNAVAILABLE when
// it does not.
func (ix *Index) Ping(ctx context.Context) error {
	ctx, cancel := ix.callContext(ctx)
	defer cancel()
	h, err := ix.client.HealthWithContext(ctx)
	if err != nil {
		return translate(err, "health")
	}
	if h.Status != "available" {
		return stagecraft.Unavailable("search", fmt.Errorf("meili: health: status %q", h.Status))
	}
	return nil
}

// Close releases idle connections.
func (ix *Index) Close() { ix.client.Close() }

// callContext bounds one request to Meilisearch.
func (ix *Index) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, ix.timeout)
}

// taskError is a Meilisearch task that ended without succeeding.
type taskError struct {
	UID     int64
	Status  meilisearch.TaskStatus
	Code    string
	Message string
}

func (e *taskError) Error() string {
	return fmt.Sprintf("task %d %s: %s (%s)", e.UID, e.Status, e.Message, e.Code)
}

// wait waits for task to finish within ctx's deadline (or taskWaitLimit)
// and returns a *taskError when it did not succeed.
func (ix *Index) wait(ctx context.Context, task *meilisearch.TaskInfo, op string) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, taskWaitLimit)
		defer cancel()
	}
	t, err := ix.client.WaitForTaskWithContext(ctx, task.TaskUID, taskPollInterval)
	if err != nil {
		return translate(err, fmt.Sprintf("%s: wait for task %d", op, task.TaskUID))
	}
	if t.Status != meilisearch.TaskStatusSucceeded {
		return fmt.Errorf("meili: %s: %w", op, &taskError{
			UID: task.TaskUID, Status: t.Status, Code: t.Error.Code, Message: t.Error.Message,
		})
	}
	return nil
}

// apiCode returns the Meilisearch error code ("index_not_found", …) of
// err, or "" when Meilisearch did not answer with one.
func apiCode(err error) string {
	var me *meilisearch.Error
	if errors.As(err, &me) {
		return me.MeilisearchApiError.Code
	}
	return ""
}

// translate turns an SDK error into the stagecraft error contract:
// unreachable, timed out or failing (5xx, 429) → EUNAVAILABLE; a rejected
// search (invalid_search_*) → EINVALID; anything else is wrapped.
// *meilisearch.Error has no Unwrap, so its ErrCode is read instead of
// errors.Is on the cause.
func translate(err error, op string) error {
	wrapped := fmt.Errorf("meili: %s: %w", op, err)
	var me *meilisearch.Error
	switch {
	case errors.Is(err, context.Canceled):
		return wrapped // the caller gave up; nothing is down
	case errors.Is(err, context.DeadlineExceeded):
		return stagecraft.Unavailable("search", wrapped)
	case !errors.As(err, &me):
		return wrapped
	}
	switch me.ErrCode {
	case meilisearch.MeilisearchCommunicationError, meilisearch.MeilisearchTimeoutError,
		meilisearch.MeilisearchMaxRetriesExceeded:
		if errors.Is(me.OriginError, context.Canceled) {
			return wrapped
		}
		return stagecraft.Unavailable("search", wrapped)
	case meilisearch.MeilisearchApiError, meilisearch.MeilisearchApiErrorWithoutMessage:
		code := me.MeilisearchApiError.Code
		switch {
		case me.StatusCode >= 500 || me.StatusCode == http.StatusTooManyRequests:
			return stagecraft.Unavailable("search", wrapped)
		case strings.HasPrefix(code, "invalid_search_"):
			e := stagecraft.Errorf(stagecraft.EINVALID, "The search engine cannot run this query; check its text and filters.")
			e.Err = wrapped
			return e
		case code == "invalid_api_key" || code == "missing_authorization_header":
			return fmt.Errorf("meili: %s: Meilisearch rejected MEILI_API_KEY: %w", op, err)
		}
	}
	return wrapped
}
