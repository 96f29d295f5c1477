package api

import (
	"math"
	"net/netip"
	"sync"
	"time"
)

// rateLimiter is a token bucket per key (a client address), kept in
// memory. Limits therefore hold per server replica: behind a load balancer
// with n replicas a client may get up to n times the rate.
//
// Memory stays bounded: a bucket that has refilled completely is the same
// as no bucket, so idle ones are dropped by a sweep at most once a
// minute, and when maxKeys distinct clients are tracked at once, arbitrary
// buckets are dropped to make room (a flood of addresses can thus at worst
// reset some clients' buckets; it cannot exhaust memory).
type rateLimiter struct {
	rate    float64 // tokens per second
	burst   float64
	maxKeys int
	now     func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// newRateLimiter allows perMinute requests a minute per key, with bursts
// of up to burst.
func newRateLimiter(perMinute, burst, maxKeys int, now func() time.Time) *rateLimiter {
	return &rateLimiter{rate: float64(perMinute) / 60, burst: float64(burst), maxKeys: maxKeys, now: now,
		buckets: map[string]*bucket{}}
}

// allow takes a token from key's bucket. When none is left it returns
// false and how long until one is.
func (l *rateLimiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key, true)
	if b.tokens < 1 {
		return false, l.wait(b)
	}
	b.tokens--
	return true, 0
}

// exhausted reports, without taking a token, whether key's bucket is
// empty, and how long until it is not.
func (l *rateLimiter) exhausted(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key, false)
	if b == nil || b.tokens >= 1 {
		return false, 0
	}
	return true, l.wait(b)
}

// refill returns key's bucket topped up to now; with create it makes a
// full one for a new key, else it returns nil for one.
func (l *rateLimiter) refill(key string, create bool) *bucket {
	now := l.now()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		if !create {
			return nil
		}
		l.makeRoom()
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
		return b
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(l.burst, b.tokens+elapsed*l.rate)
		b.last = now
	}
	return b
}

func (l *rateLimiter) wait(b *bucket) time.Duration {
	return time.Duration(math.Ceil((1 - b.tokens) / l.rate * float64(time.Second)))
}

// sweep drops the buckets that have refilled, once a minute.
func (l *rateLimiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < time.Minute {
		return
	}
	l.lastSweep = now
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// makeRoom drops buckets until a new one fits under maxKeys; map order
// makes the choice arbitrary.
func (l *rateLimiter) makeRoom() {
	for k := range l.buckets {
		if len(l.buckets) < l.maxKeys {
			return
		}
		delete(l.buckets, k)
	}
}

// size returns how many keys are tracked.
func (l *rateLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// clientKey is the rate-limit key of a client address: the address for
// IPv4, its /64 network for IPv6 (one subscriber typically holds a whole
// /64, so single addresses would be free for the taking).
func clientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}
