package notify_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft/internal/wire"
)

// BenchmarkAlertLatency measures the time from a notification's commit to
// its mail being in Mailpit, through the production queue settings (no
// shortened polling): each iteration commits one notification and waits
// for its mail. It reports the median and p95 in milliseconds.
//
//	eval "$(scripts/mailpit.sh start /tmp/sc-mail)"
//	TEST_DATABASE_URL=$(scripts/pg.sh url stagecraft_test) \
//	  go test ./notify -run '^$' -bench AlertLatency -benchtime 50x
func BenchmarkAlertLatency(b *testing.B) {
	mp := newMailpit(b)
	e := newEnv(b, true)
	e.mailer.set(mp.mailer(b))
	s := &wire.Services{Notify: e.svc}
	q, err := s.StartQueue(context.Background(), e.db, wire.QueueOptions{Workers: 10})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = q.Stop(context.Background()) }()
	// One mail first, so connection set-up is not measured.
	e.notify("warm-up")
	waitFor(b, "the warm-up mail", func() bool { return len(mp.messagesTo(b, e.user.Email)) == 1 })

	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		e.notify(fmt.Sprintf("visit %d", i))
		want := i + 2
		deadline := start.Add(60 * time.Second)
		for len(mp.messagesTo(b, e.user.Email)) < want {
			if time.Now().After(deadline) {
				b.Fatalf("mail %d not delivered within 60 s", i)
			}
			time.Sleep(5 * time.Millisecond)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[(len(lat)*95+99)/100-1]), "p95-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
}
