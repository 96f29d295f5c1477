package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/stagecraft/stagecraft"
)

// Events are written by group commit. A request's events join whatever
// other requests' events are waiting, and one statement in one transaction
// stores them all; every request is answered once that transaction has
// committed. Durability costs one commit per batch instead of one per
// request, so throughput grows with concurrency while every acknowledged
// event is on disk.

// maxEventBatch bounds the events of one transaction.
const maxEventBatch = 5000

// eventFlushers is how many batches may commit at once: while one waits
// for its commit, the next gathers.
const eventFlushers = 2

type eventRequest struct {
	events []*stagecraft.Event
	done   chan eventResult
}

type eventResult struct {
	outcomes []stagecraft.EventOutcome
	err      error
}

// eventWriter batches RecordEvents calls.
type eventWriter struct {
	once sync.Once
	in   chan *eventRequest
}

// RecordEvents stores events durably by group commit.
func (db *DB) RecordEvents(ctx context.Context, events []*stagecraft.Event) ([]stagecraft.EventOutcome, error) {
	if len(events) == 0 {
		return nil, nil
	}
	db.events.once.Do(func() {
		db.events.in = make(chan *eventRequest, 1024)
		for range eventFlushers {
			go db.flushEvents()
		}
	})
	req := &eventRequest{events: events, done: make(chan eventResult, 1)}
	select {
	case db.events.in <- req:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// Once queued the batch commits whether or not the caller waits; the
	// client's ids make its retry harmless.
	select {
	case res := <-req.done:
		return res.outcomes, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// flushEvents gathers the requests waiting and writes them in one
// transaction, forever. The writer lives as long as the process: a pool
// that is closed makes every write fail, which is answered, not hung.
func (db *DB) flushEvents() {
	for first := range db.events.in {
		batch := []*eventRequest{first}
		n := len(first.events)
	gather:
		for n < maxEventBatch {
			select {
			case req := <-db.events.in:
				batch = append(batch, req)
				n += len(req.events)
			default:
				break gather
			}
		}
		db.answerEvents(batch, n)
	}
}

// answerEvents writes a batch and answers each of its requests. When the
// shared statement fails, whatever the cause, each request is written
// again on its own: one request's content (a value the database refuses,
// an event that trips a constraint) fails that request alone, never the
// others that happened to share its batch. A database that is down or
// too slow fails every request alike, so that is answered at once rather
// than tried once per request.
func (db *DB) answerEvents(batch []*eventRequest, n int) {
	outcomes, err := db.writeEvents(batch, n)
	if err != nil && len(batch) > 1 && !unreachable(err) {
		for _, req := range batch {
			db.answerEvents([]*eventRequest{req}, len(req.events))
		}
		return
	}
	off := 0
	for _, req := range batch {
		if err != nil {
			req.done <- eventResult{err: err}
			continue
		}
		req.done <- eventResult{outcomes: outcomes[off : off+len(req.events)]}
		off += len(req.events)
	}
}

func unreachable(err error) bool {
	return stagecraft.ErrorCode(err) == stagecraft.EUNAVAILABLE || errors.Is(err, context.DeadlineExceeded)
}

// writeEvents stores a batch with one statement: it checks every asset and
// deal against the event's organisation, snapshots the deal's stage, and
// inserts what is valid, skipping ids already stored.
func (db *DB) writeEvents(batch []*eventRequest, n int) ([]stagecraft.EventOutcome, error) {
	ids := make([]string, 0, n)
	orgs := make([]string, 0, n)
	types := make([]string, 0, n)
	assets := make([]string, 0, n)
	deals := make([]*string, 0, n)
	users := make([]*string, 0, n)
	links := make([]*string, 0, n)
	reps := make([]*string, 0, n)
	bots := make([]bool, 0, n)
	times := make([]time.Time, 0, n)
	metas := make([]string, 0, n)
	for _, req := range batch {
		for _, e := range req.events {
			meta, err := json.Marshal(e.Meta)
			if err != nil || e.Meta == nil {
				meta = []byte("{}")
			}
			ids = append(ids, e.ID)
			orgs = append(orgs, e.OrgID)
			types = append(types, string(e.Type))
			assets = append(assets, e.AssetID)
			deals = append(deals, nullable(e.DealID))
			users = append(users, nullable(e.UserID))
			links = append(links, nullable(e.LinkID))
			reps = append(reps, nullable(e.RepScope))
			bots = append(bots, e.Bot)
			times = append(times, e.OccurredAt)
			metas = append(metas, string(meta))
		}
	}
	// A generous deadline: a commit is normally milliseconds, and a batch
	// must not wait forever on a server that went away.
	ctx, cancel := context.WithTimeout(context.Background(), requestBudget)
	defer cancel()
	rows, err := db.Pool.Query(ctx, `
		WITH input AS (
		    -- Ids travel as text[] and are cast here: pgx has no binary
		    -- encoding of Go strings as uuid[], and building the error of
		    -- each failed attempt before falling back to text showed in
		    -- profiles of the ingest path.
		    SELECT * FROM unnest($1::text[]::uuid[], $2::text[]::uuid[], $3::text[], $4::text[]::uuid[],
		                         $5::text[]::uuid[], $6::text[]::uuid[], $7::text[]::uuid[], $8::bool[],
		                         $9::timestamptz[], $10::jsonb[], $11::text[]::uuid[])
		        WITH ORDINALITY AS t(id, org_id, type, asset_id, deal_id, user_id, link_id, bot, occurred_at, meta, rep, idx)
		),
		-- A rep's events are held to what the rep may see: published,
		-- unexpired assets and the rep's own deals.
		checked AS (
		    SELECT i.*,
		           a.id IS NOT NULL AND (i.rep IS NULL OR (a.status = 'published'
		               AND (a.expires_at IS NULL OR a.expires_at > now()))) AS asset_ok,
		           a.current_version_id,
		           (i.deal_id IS NULL OR (d.id IS NOT NULL AND (i.rep IS NULL OR d.owner_id IS NOT DISTINCT FROM i.rep))) AS deal_ok,
		           d.stage
		    FROM input i
		    LEFT JOIN assets a ON a.id = i.asset_id AND a.org_id = i.org_id
		    LEFT JOIN deals d ON d.id = i.deal_id AND d.org_id = i.org_id
		),
		ins AS (
		    INSERT INTO usage_events (id, org_id, type, asset_id, version_id, deal_id, user_id, link_id, bot,
		                              stage_at_event, occurred_at, recorded_at, meta)
		    SELECT id, org_id, type, asset_id, current_version_id, deal_id, user_id, link_id, bot,
		           stage, occurred_at, now(), meta
		    FROM checked WHERE asset_ok AND deal_ok
		    ON CONFLICT (org_id, id) DO NOTHING
		    RETURNING org_id, id
		)
		SELECT c.idx, c.asset_ok, c.deal_ok, ins.id IS NOT NULL
		FROM checked c LEFT JOIN ins ON ins.org_id = c.org_id AND ins.id = c.id
		ORDER BY c.idx`,
		ids, orgs, types, assets, deals, users, links, bots, times, metas, reps)
	if err != nil {
		return nil, fmt.Errorf("record events: %w", mapErr(err))
	}
	defer rows.Close()
	outcomes := make([]stagecraft.EventOutcome, n)
	seen := make(map[string]bool, n)
	for rows.Next() {
		var idx int
		var assetOK, dealOK, inserted bool
		if err := rows.Scan(&idx, &assetOK, &dealOK, &inserted); err != nil {
			return nil, fmt.Errorf("record events: %w", mapErr(err))
		}
		i := idx - 1
		switch {
		case !assetOK:
			outcomes[i] = stagecraft.EventUnknownAsset
		case !dealOK:
			outcomes[i] = stagecraft.EventUnknownDeal
		case inserted && !seen[orgs[i]+ids[i]]:
			// The same id twice in one batch joins the inserted row
			// twice: only the first is the one stored.
			outcomes[i] = stagecraft.EventAccepted
			seen[orgs[i]+ids[i]] = true
		default:
			outcomes[i] = stagecraft.EventDuplicate
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("record events: %w", mapErr(err))
	}
	return outcomes, nil
}
