package api

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for limiter tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestRateLimiterBucket(t *testing.T) {
	clock := &fakeClock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newRateLimiter(60, 5, 100, clock.now) // one a second, bursts of 5

	for i := range 5 {
		if ok, _ := l.allow("a"); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.allow("a")
	if ok || wait <= 0 || wait > time.Second {
		t.Fatalf("after the burst: allow = %v, wait %v; want refused, wait up to 1s", ok, wait)
	}
	if ok, _ := l.allow("b"); !ok {
		t.Error("another key is limited too")
	}
	clock.advance(500 * time.Millisecond)
	if ok, wait := l.allow("a"); ok || wait != 500*time.Millisecond {
		t.Errorf("half a token: allow = %v, wait %v", ok, wait)
	}
	clock.advance(500 * time.Millisecond)
	if ok, _ := l.allow("a"); !ok {
		t.Error("a refilled token was refused")
	}
	// Refill stops at the burst.
	clock.advance(time.Hour)
	n := 0
	for ok, _ := l.allow("a"); ok; ok, _ = l.allow("a") {
		n++
	}
	if n != 5 {
		t.Errorf("%d requests after an hour, want the burst of 5", n)
	}
}

func TestRateLimiterExhausted(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	l := newRateLimiter(10, 2, 100, clock.now)
	for range 3 {
		if over, _ := l.exhausted("a"); over {
			t.Fatal("exhausted before any request")
		}
	}
	if l.size() != 0 {
		t.Error("exhausted made a bucket")
	}
	l.allow("a")
	l.allow("a")
	over, wait := l.exhausted("a")
	if !over || wait != 6*time.Second {
		t.Errorf("exhausted = %v, wait %v; want true, 6s at 10/min", over, wait)
	}
	clock.advance(6 * time.Second)
	if over, _ := l.exhausted("a"); over {
		t.Error("still exhausted after a token refilled")
	}
}

func TestRateLimiterMemoryBounded(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	l := newRateLimiter(60, 10, 50, clock.now)
	for i := range 1000 {
		l.allow(fmt.Sprintf("10.0.%d.%d", i/256, i%256))
	}
	if n := l.size(); n > 50 {
		t.Errorf("%d keys tracked, want at most 50", n)
	}
	// Idle buckets refill and are swept.
	clock.advance(2 * time.Minute)
	l.allow("fresh")
	if n := l.size(); n != 1 {
		t.Errorf("%d keys after the sweep, want 1", n)
	}
}

func TestClientKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.9":              "203.0.113.9",
		"::ffff:203.0.113.9":       "203.0.113.9",
		"2001:db8:1:2:3:4:5:6":     "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1":     "2001:db8:1:2::/64",
		"not an address":           "not an address",
		"2001:db8:1:3:0:0:0:1":     "2001:db8:1:3::/64",
		"fe80::1":                  "fe80::/64",
		"127.0.0.1":                "127.0.0.1",
		"":                         "",
		"2001:0db8:0001:0002::abc": "2001:db8:1:2::/64",
	} {
		if got := clientKey(in); got != want {
			t.Errorf("clientKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNetworkHash(t *testing.T) {
	tok := "tokenAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	same := networkHash(tok, "198.51.100.7")
	if len(same) != 16 || same != networkHash(tok, "198.51.100.200") {
		t.Errorf("one /24 hashes differently: %q", same)
	}
	if same == networkHash(tok, "198.51.101.7") {
		t.Error("two /24 networks hash alike")
	}
	if same == networkHash("tokenBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", "198.51.100.7") {
		t.Error("hashes can be joined across links")
	}
	if networkHash(tok, "2001:db8:1:2::1") != networkHash(tok, "2001:db8:1:ffff::1") {
		t.Error("one IPv6 /48 hashes differently")
	}
	if networkHash(tok, "garbage") != "" {
		t.Error("garbage address hashed")
	}
}
