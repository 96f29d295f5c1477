package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/stagecraft/stagecraft"
)

// The background work of Stagecraft is one durable queue (River) in this
// database: a job is inserted in the transaction that causes it, so it
// exists if and only if its cause committed, and survives restarts.

// DeliveryMaxAttempts is how many times a delivery is tried. With the
// backoff of notify.Backoff (10 s doubling to an hour) that spans about a
// day.
const DeliveryMaxAttempts = 32

// deliveryArgs is the job that sends one delivery, whatever its channel.
type deliveryArgs struct {
	DeliveryID string `json:"delivery_id"`
}

// Kind names the job kind in river_job.
func (deliveryArgs) Kind() string { return "delivery" }

// digestArgs is the periodic job that sends the daily digests.
type digestArgs struct{}

// Kind names the job kind in river_job.
func (digestArgs) Kind() string { return "notification_digest" }

// migrateRiver brings River's own tables up to date.
func (db *DB) migrateRiver(ctx context.Context) ([]string, error) {
	m, err := rivermigrate.New(riverpgxv5.New(db.Pool), &rivermigrate.Config{Logger: quiet(db.log)})
	if err != nil {
		return nil, fmt.Errorf("river migrator: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return nil, fmt.Errorf("river migrations: %w", mapErr(err))
	}
	var names []string
	for _, v := range res.Versions {
		names = append(names, fmt.Sprintf("river %03d_%s", v.Version, v.Name))
	}
	return names, nil
}

// inserter returns the insert-only River client used to enqueue jobs
// inside callers' transactions.
func (db *DB) inserter() (*river.Client[pgx.Tx], error) {
	db.jobsOnce.Do(func() {
		db.jobs, db.jobsErr = river.NewClient(riverpgxv5.New(db.Pool), &river.Config{
			Logger: quiet(db.log), MaxAttempts: DeliveryMaxAttempts,
		})
	})
	return db.jobs, db.jobsErr
}

// enqueueDelivery inserts the job that sends delivery id, in tx.
func (db *DB) enqueueDelivery(ctx context.Context, tx pgx.Tx, id string) error {
	jobs, err := db.inserter()
	if err != nil {
		return err
	}
	if _, err := jobs.InsertTx(ctx, tx, deliveryArgs{DeliveryID: id}, &river.InsertOpts{
		MaxAttempts: DeliveryMaxAttempts, Queue: queueDeliveries,
	}); err != nil {
		return fmt.Errorf("enqueue delivery %s: %w", id, mapErr(err))
	}
	return nil
}

const queueDeliveries = "deliveries"

// DeliveryJob is one attempt at a delivery, as the queue hands it over.
type DeliveryJob struct {
	DeliveryID string
	Attempt    int // from 1
	// Final is true on the last attempt: a failure now is for good.
	Final bool
}

// QueueConfig says what the queue's workers do.
type QueueConfig struct {
	// Deliver makes one attempt at a delivery. nil is success; an error
	// with code EUNPROCESSABLE is a refusal that no retry can fix (the job
	// is cancelled); any other error is retried after Backoff.
	Deliver func(ctx context.Context, job DeliveryJob) error
	// Backoff is the wait before attempt+1 after attempt failed.
	Backoff func(attempt int) time.Duration
	// Digest sends the daily digests that are due; run every DigestEvery.
	Digest      func(ctx context.Context) error
	DigestEvery time.Duration
	// Workers is how many deliveries run at once.
	Workers int
	// Poll is how often the queue looks for jobs when no notification of
	// an insert arrives (default 1 s).
	Poll time.Duration
	// Timeout bounds one attempt (default 1 min).
	Timeout time.Duration
	Log     *slog.Logger
}

// Queue works the jobs of the database's queue until stopped.
type Queue struct {
	client *river.Client[pgx.Tx]
}

// StartQueue starts working jobs: those already waiting (left by a
// previous process) and those committed from now on.
func (db *DB) StartQueue(ctx context.Context, cfg QueueConfig) (*Queue, error) {
	if cfg.Deliver == nil || cfg.Backoff == nil {
		return nil, errors.New("start queue: Deliver and Backoff are required")
	}
	if cfg.Log == nil {
		cfg.Log = db.log
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &deliveryWorker{cfg: cfg})
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	rc := &river.Config{
		// A job left running by a process that died (no graceful stop)
		// is taken up again after this, not River's default hour.
		RescueStuckJobsAfter: 2*timeout + time.Minute,
		Logger:               cfg.Log,
		MaxAttempts:          DeliveryMaxAttempts,
		FetchPollInterval:    cfg.Poll,
		FetchCooldown:        min(cfg.Poll, river.FetchCooldownDefault),
		JobTimeout:           timeout,
		Queues: map[string]river.QueueConfig{
			queueDeliveries:    {MaxWorkers: max(cfg.Workers, 1)},
			river.QueueDefault: {MaxWorkers: 1},
		},
		Workers: workers,
	}
	if cfg.Digest != nil {
		every := cfg.DigestEvery
		if every <= 0 {
			every = time.Hour
		}
		river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, _ *river.Job[digestArgs]) error {
			return cfg.Digest(ctx)
		}))
		rc.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(every),
			func() (river.JobArgs, *river.InsertOpts) {
				// One digest run at a time, however many replicas lead in turn.
				return digestArgs{}, &river.InsertOpts{MaxAttempts: 3,
					UniqueOpts: river.UniqueOpts{ByPeriod: every}}
			}, &river.PeriodicJobOpts{RunOnStart: true})}
	}
	client, err := river.NewClient(riverpgxv5.New(db.Pool), rc)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	if err := client.Start(ctx); err != nil {
		return nil, fmt.Errorf("start queue: %w", mapErr(err))
	}
	return &Queue{client: client}, nil
}

// Stop stops fetching jobs and waits for those running to finish, until
// ctx ends; then it cancels them (they are retried after a restart).
func (q *Queue) Stop(ctx context.Context) error {
	err := q.client.Stop(ctx)
	if err != nil && ctx.Err() != nil {
		hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		return q.client.StopAndCancel(hard)
	}
	return err
}

// deliveryWorker adapts QueueConfig.Deliver to River.
type deliveryWorker struct {
	river.WorkerDefaults[deliveryArgs]
	cfg QueueConfig
}

// Work makes one attempt.
func (w *deliveryWorker) Work(ctx context.Context, job *river.Job[deliveryArgs]) error {
	err := w.cfg.Deliver(ctx, DeliveryJob{DeliveryID: job.Args.DeliveryID, Attempt: job.Attempt,
		Final: job.Attempt >= job.MaxAttempts})
	if err != nil && stagecraft.ErrorCode(err) == stagecraft.EUNPROCESSABLE {
		return river.JobCancel(err)
	}
	return err
}

// NextRetry schedules the next attempt after a failed one.
func (w *deliveryWorker) NextRetry(job *river.Job[deliveryArgs]) time.Time {
	return time.Now().Add(w.cfg.Backoff(job.Attempt))
}

// Timeout bounds one attempt.
func (w *deliveryWorker) Timeout(*river.Job[deliveryArgs]) time.Duration {
	if w.cfg.Timeout > 0 {
		return w.cfg.Timeout
	}
	return time.Minute
}

// QueueStats counts the deliveries waiting in the queue, for metrics and
// tests.
func (db *DB) QueueStats(ctx context.Context) (available, retryable int, err error) {
	err = db.Pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE state = $1), count(*) FILTER (WHERE state = $2)
		FROM river_job WHERE kind = 'delivery'`,
		rivertype.JobStateAvailable, rivertype.JobStateRetryable).Scan(&available, &retryable)
	return available, retryable, mapErr(err)
}

// quiet passes on River's warnings and errors only: at info it reports
// every start, stop and job count every few seconds, which our own logs
// (deliveries failed, digests queued, migrations applied) already say
// where it matters.
func quiet(log *slog.Logger) *slog.Logger {
	return slog.New(minLevel{Handler: log.Handler(), min: slog.LevelWarn})
}

type minLevel struct {
	slog.Handler
	min slog.Level
}

// Enabled drops records below the minimum level.
func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

// WithAttrs keeps the minimum level.
func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{Handler: h.Handler.WithAttrs(as), min: h.min}
}

// WithGroup keeps the minimum level.
func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{Handler: h.Handler.WithGroup(name), min: h.min}
}
