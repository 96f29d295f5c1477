package judged

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
)

// The large-collection case: a few thousand generated documents of
// English-like text (a vocabulary drawn with Zipf frequencies, so common
// words are in most documents), with strong matches planted for a few
// common words at random ages: documents with the word in the title and
// all through the text, one about it only in its text, and one with two
// words as a phrase. A ranking that scores only the newest matches, or
// lets recency outweigh relevance, puts documents that mention the word
// once ahead of them.

// LargeQuery is a query of the large case and what must rank first.
type LargeQuery struct {
	Text string
	// Strong are the planted documents that must fill the top places, in
	// any order.
	Strong []string
	// About must rank within the top Within.
	About  string
	Within int
}

// LargeSet is a generated collection and its queries.
type LargeSet struct {
	Docs    []*stagecraft.SearchDoc
	Queries []LargeQuery
}

// syllables make pronounceable words that are no language's stopwords.
var syllables = []string{"ka", "lo", "ri", "ven", "tas", "mo", "dri", "pel", "zu", "nor", "qua", "bi", "sel", "tho", "gra", "mik"}

func largeWord(i int) string {
	var b strings.Builder
	for n := i + 17; n > 0; n /= len(syllables) {
		b.WriteString(syllables[n%len(syllables)])
	}
	return b.String()
}

// NewLargeSet generates n documents for org (n of a few thousand), the
// same for the same seed.
func NewLargeSet(org string, n int, seed uint64) *LargeSet {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed)) //nolint:gosec // G404: test data, not a secret
	const vocab = 4000
	zipf := rand.NewZipf(rng, 1.1, 2, vocab-1)
	word := func() string {
		return largeWord(int(zipf.Uint64())) //nolint:gosec // G115: at most vocab-1
	}
	words := func(k int) []string {
		out := make([]string, k)
		for i := range out {
			out[i] = word()
		}
		return out
	}
	now := time.Now().UTC().Truncate(time.Second)
	age := func() time.Time { return now.Add(-time.Duration(rng.IntN(2*365*24)) * time.Hour) }
	set := &LargeSet{}
	add := func(title string, body []string) string {
		id := uuid.NewString()
		set.Docs = append(set.Docs, &stagecraft.SearchDoc{AssetID: id, OrgID: org, Title: title,
			Body: strings.Join(body, " "), Language: "english", Type: stagecraft.TypePDF,
			Status: stagecraft.StatusPublished, UpdatedAt: age()})
		return id
	}
	for range n {
		add(strings.Join(words(5), " "), words(150))
	}
	// Common words (ranks 10 to 45 of the vocabulary): in most of the
	// generated documents already, a few times each.
	for q := range 6 {
		w := largeWord(10 + q*7)
		lq := LargeQuery{Text: w, Within: 10}
		for range 3 {
			body := words(150)
			for j := 0; j < len(body); j += 8 {
				body[j] = w
			}
			lq.Strong = append(lq.Strong, add(w+" "+strings.Join(words(4), " "), body))
		}
		body := words(150)
		for j := 0; j < len(body); j += 8 {
			body[j] = w
		}
		// Its title must not have the word, which is common enough to
		// turn up in a random one.
		title := words(5)
		for i := range title {
			for title[i] == w {
				title[i] = word()
			}
		}
		lq.About = add(strings.Join(title, " "), body)
		set.Queries = append(set.Queries, lq)
	}
	// Two common words: the phrase beats the same words scattered.
	for q := range 3 {
		a, b := largeWord(5+q*5), largeWord(6+q*5)
		lq := LargeQuery{Text: a + " " + b}
		for range 2 {
			body := words(150)
			for j := 0; j+1 < len(body); j += 15 {
				body[j], body[j+1] = a, b
			}
			lq.Strong = append(lq.Strong, add(a+" "+b+" "+strings.Join(words(3), " "), body))
		}
		set.Queries = append(set.Queries, lq)
	}
	rng.Shuffle(len(set.Docs), func(i, j int) { set.Docs[i], set.Docs[j] = set.Docs[j], set.Docs[i] })
	return set
}

// EvaluateLarge indexes a large set of n documents into idx and returns
// the queries whose planted documents did not rank first, each saying
// where they were.
func EvaluateLarge(ctx context.Context, idx stagecraft.SearchIndex, n int) ([]string, error) {
	org := uuid.NewString()
	set := NewLargeSet(org, n, 42)
	for i := 0; i < len(set.Docs); i += 500 {
		if err := idx.Index(ctx, set.Docs[i:min(i+500, len(set.Docs))]...); err != nil {
			return nil, fmt.Errorf("load large set: %w", err)
		}
	}
	var misses []string
	for _, q := range set.Queries {
		res, err := idx.Search(ctx, stagecraft.SearchQuery{OrgID: org, Text: q.Text, Limit: 20})
		if err != nil {
			return nil, fmt.Errorf("query %q: %w", q.Text, err)
		}
		rank := map[string]int{}
		for i, h := range res.Hits {
			rank[h.AssetID] = i + 1
		}
		title := map[string]string{}
		for _, d := range set.Docs {
			title[d.AssetID] = d.Title
		}
		var top []string
		for _, h := range res.Hits[:min(len(res.Hits), len(q.Strong)+1)] {
			top = append(top, fmt.Sprintf("%q (%.3f)", title[h.AssetID], h.Score))
		}
		for _, id := range q.Strong {
			if r := rank[id]; r == 0 || r > len(q.Strong) {
				misses = append(misses, fmt.Sprintf("%q: the planted %q is at rank %d (0: not in the top 20) of %d matches; the top: %s",
					q.Text, title[id], r, res.Total, strings.Join(top, ", ")))
			}
		}
		if q.About != "" {
			if r := rank[q.About]; r == 0 || r > q.Within {
				misses = append(misses, fmt.Sprintf("%q: the document about it is at rank %d (0: not in the top 20), want within %d", q.Text, r, q.Within))
			}
		}
	}
	return misses, nil
}
