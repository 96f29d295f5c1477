package postgres_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
)

func TestIndexQueueSharedByWorkers(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	want := map[string]bool{}
	for range 40 {
		want[createAsset(t, f, f.marketer, nil).ID] = true
	}
	var mu sync.Mutex
	claimed := map[string]int{}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				job, err := f.db.ClaimIndexJob(ctx, stagecraft.JobIndex, "worker-"+strconv.Itoa(w), time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if job == nil {
					return
				}
				mu.Lock()
				claimed[job.AssetID]++
				mu.Unlock()
				if err := f.db.CompleteIndexJob(ctx, job); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if len(claimed) != len(want) {
		t.Errorf("%d jobs claimed, want %d", len(claimed), len(want))
	}
	for id, n := range claimed {
		if n != 1 || !want[id] {
			t.Errorf("asset %s claimed %d times", id, n)
		}
	}
	if n, _ := f.db.CountIndexJobs(ctx); n != 0 {
		t.Errorf("%d jobs left", n)
	}
}

func TestIndexJobLeaseRetryAndRequeue(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	now := time.Now()
	f.db.Now = func() time.Time { return now }
	a := createAsset(t, f, f.marketer, nil)

	job, err := f.db.ClaimIndexJob(ctx, stagecraft.JobIndex, "dies", time.Minute)
	if err != nil || job == nil || job.AssetID != a.ID || job.Attempts != 1 {
		t.Fatalf("claim = %+v, %v", job, err)
	}
	if j, _ := f.db.ClaimIndexJob(ctx, stagecraft.JobIndex, "other", time.Minute); j != nil {
		t.Fatal("a leased job was claimed twice")
	}
	// The first worker dies; once its lease expires another takes over.
	now = now.Add(2 * time.Minute)
	job, err = f.db.ClaimIndexJob(ctx, stagecraft.JobIndex, "other", time.Minute)
	if err != nil || job == nil || job.Attempts != 2 {
		t.Fatalf("takeover = %+v, %v", job, err)
	}
	// A temporary failure: released, not due until the retry time.
	must(t, f.db.RetryIndexJob(ctx, job, now.Add(30*time.Second), "storage down"))
	if j, _ := f.db.ClaimIndexJob(ctx, stagecraft.JobIndex, "other", time.Minute); j != nil {
		t.Fatal("a job was claimed before its retry time")
	}
	now = now.Add(31 * time.Second)
	job, _ = f.db.ClaimIndexJob(ctx, stagecraft.JobIndex, "other", time.Minute)
	if job == nil {
		t.Fatal("job not due after its retry time")
	}
	// The asset changes while the job runs: completing it keeps the job,
	// so the change is indexed too.
	_, err = f.db.UpdateAsset(ctx, f.org.ID, a.ID, func(a *stagecraft.Asset) error { a.Title = "New"; return nil })
	must(t, err)
	must(t, f.db.CompleteIndexJob(ctx, job))
	again, _ := f.db.ClaimIndexJob(ctx, stagecraft.JobIndex, "other", time.Minute)
	if again == nil || again.Attempts != 1 {
		t.Fatalf("the change made while indexing was lost: %+v", again)
	}
	must(t, f.db.CompleteIndexJob(ctx, again))
	if n, _ := f.db.CountIndexJobs(ctx); n != 0 {
		t.Errorf("%d jobs left", n)
	}
	n, err := f.db.EnqueueAllIndexJobs(ctx, true)
	if err != nil || n != 1 {
		t.Errorf("EnqueueAllIndexJobs = %d, %v", n, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
