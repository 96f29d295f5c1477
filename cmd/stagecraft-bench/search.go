package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

// benchSearch loads synthetic collateral into its own schema and measures
// search latency of the built-in backend against a naive ILIKE scan of
// the same rows, at each size.
func benchSearch(args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	sizes := fs.String("docs", "10000,100000", "comma-separated collection sizes")
	queries := fs.Int("queries", 300, "queries per size (each run on both paths)")
	words := fs.Int("words", 400, "words per document")
	keep := fs.Bool("keep", false, "keep the schemas (reruns reuse them)")
	naiveN := fs.Int("naive", 60, "queries also run on the naive path (it takes seconds each at 100k)")
	others := fs.Int("others", 0, "instead: search an organisation of -docs documents alone, then beside this many of 200 other organisations")
	copyFrom := fs.String("copy-from", "", "fill collections by copying this kept schema's (e.g. bench_search_100000_400) in SQL instead of indexing; sizes must be multiples of it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	url := os.Getenv("BENCH_DATABASE_URL")
	if url == "" {
		return errors.New("BENCH_DATABASE_URL is not set (make bench-search sets it)")
	}
	if *others > 0 {
		n, err := strconv.Atoi(strings.TrimSpace(strings.Split(*sizes, ",")[0]))
		if err != nil {
			return fmt.Errorf("-docs: %q is not a number", *sizes)
		}
		return benchSearchIsolation(url, n, *others, *queries, *words, *keep, *copyFrom)
	}
	fmt.Printf("\nSearch latency, built-in backend vs a naive ILIKE scan (%s, %d CPUs, %d words per document)\n\n",
		time.Now().UTC().Format("2006-01-02"), numCPU(), *words)
	fmt.Println("| documents | path | queries | p50 ms | p95 ms | p99 ms | mean hits |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for _, f := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return fmt.Errorf("-docs: %q is not a number", f)
		}
		if err := benchSearchSize(url, n, *queries, *naiveN, *words, *keep, *copyFrom); err != nil {
			return err
		}
	}
	return nil
}

// openBenchSchema opens a migrated database in its own schema of url's
// database; done closes it and, unless keep, drops the schema.
func openBenchSchema(ctx context.Context, url, schema string, keep bool) (*postgres.DB, func(), error) {
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	if _, err := admin.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+schema); err != nil {
		closeConn(admin)
		return nil, nil, err
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		closeConn(admin)
		return nil, nil, err
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema + ",public"
	db, err := postgres.OpenConfig(ctx, cfg, nil)
	if err != nil {
		closeConn(admin)
		return nil, nil, err
	}
	done := func() {
		db.Close()
		if !keep {
			_, err := admin.Exec(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
			warn("drop schema "+schema, err)
		}
		closeConn(admin)
	}
	if _, err := db.Migrate(ctx); err != nil {
		done()
		return nil, nil, err
	}
	return db, done, nil
}

func benchSearchSize(url string, n, nq, nNaive, words int, keep bool, copyFrom string) error {
	ctx := context.Background()
	db, done, err := openBenchSchema(ctx, url, fmt.Sprintf("bench_search_%d_%d", n, words), keep)
	if err != nil {
		return err
	}
	defer done()
	search := &postgres.Search{DB: db}
	gen := newCorpus(7)
	org := "00000000-0000-4000-8000-000000000001"
	var count int
	_ = db.Pool.QueryRow(ctx, `SELECT count(*) FROM search_docs`).Scan(&count)
	if count != n && copyFrom != "" {
		copies, err := copiesOf(ctx, db, copyFrom, n)
		if err != nil {
			return err
		}
		if err := copyCollection(ctx, db, copyFrom, copies, "'"+org+"'::uuid"); err != nil {
			return err
		}
	} else if count != n {
		if _, err := db.Pool.Exec(ctx, `TRUNCATE search_docs, search_postings, search_terms`); err != nil {
			return err
		}
		start := time.Now()
		const batch = 1000
		for i := 0; i < n; i += batch {
			docs := make([]*stagecraft.SearchDoc, 0, batch)
			for j := i; j < min(i+batch, n); j++ {
				docs = append(docs, gen.doc(org, words))
			}
			if err := search.Index(ctx, docs...); err != nil {
				return err
			}
			if done := min(i+batch, n); done%(10*batch) == 0 || done == n {
				fmt.Fprintf(os.Stderr, "loading %d documents: %d (%.0f docs/s)\n", n, done, float64(done)/time.Since(start).Seconds())
			}
		}
		// Autovacuum would get there; the measurement should not depend
		// on when.
		if _, err := db.Pool.Exec(ctx, `VACUUM ANALYZE search_docs, search_postings, search_terms`); err != nil {
			return err
		}
	}
	qs := gen.queries(nq)
	// Warm the cache the same way for both paths.
	for _, q := range qs[:min(5, len(qs))] {
		_, _ = search.Search(ctx, q.query(org))
		_, _ = naive(ctx, db, org, q)
	}
	var fast, slow []time.Duration
	var fastHits, slowHits int
	for i, q := range qs {
		start := time.Now()
		res, err := search.Search(ctx, q.query(org))
		if err != nil {
			return fmt.Errorf("query %q: %w", q.text, err)
		}
		fast = append(fast, time.Since(start))
		fastHits += res.Total
		// The naive path runs on an evenly spread subset of the queries.
		if nNaive > 0 && i%max(1, len(qs)/nNaive) == 0 && len(slow) < nNaive {
			start = time.Now()
			hits, err := naive(ctx, db, org, q)
			if err != nil {
				return fmt.Errorf("naive %q: %w", q.text, err)
			}
			slow = append(slow, time.Since(start))
			slowHits += hits
		}
		if os.Getenv("BENCH_VERBOSE") != "" {
			fmt.Fprintf(os.Stderr, "%8.1f ms %6d hits  %q %v %v\n", ms(fast[i]), res.Total, q.text, q.stages, q.personas)
		} else if (i+1)%50 == 0 || i+1 == len(qs) {
			fmt.Fprintf(os.Stderr, "queries at %d documents: %d/%d\n", n, i+1, len(qs))
		}
	}
	row := func(path string, d []time.Duration, hits int) {
		fmt.Printf("| %d | %s | %d | %.1f | %.1f | %.1f | %.0f |\n", n, path, len(d),
			ms(pct(d, 50)), ms(pct(d, 95)), ms(pct(d, 99)), float64(hits)/float64(len(d)))
	}
	row("built-in search (full-text, facets, snippets)", fast, fastHits)
	if len(slow) > 0 {
		row("naive ILIKE scan (count + first 20)", slow, slowHits)
	}
	return nil
}

// naive is the baseline: a substring scan of title and body for every
// word, with the same filters, counting matches and fetching a page.
func naive(ctx context.Context, db *postgres.DB, org string, q benchQuery) (int, error) {
	where := []string{"org_id = $1", "status <> 'archived'"}
	args := []any{org}
	for _, w := range strings.Fields(q.text) {
		args = append(args, "%"+w+"%")
		where = append(where, fmt.Sprintf("(title ILIKE $%d OR body ILIKE $%d)", len(args), len(args)))
	}
	if len(q.stages) > 0 {
		args = append(args, q.stages)
		where = append(where, fmt.Sprintf("stages && $%d", len(args)))
	}
	if len(q.personas) > 0 {
		args = append(args, q.personas)
		where = append(where, fmt.Sprintf("personas && $%d", len(args)))
	}
	var n int
	err := db.Pool.QueryRow(ctx, `
		WITH m AS (SELECT asset_id, updated_at FROM search_docs WHERE `+strings.Join(where, " AND ")+`)
		SELECT (SELECT count(*) FROM m), (SELECT count(*) FROM (SELECT asset_id FROM m ORDER BY updated_at DESC LIMIT 20) p)`,
		args...).Scan(&n, new(int))
	return n, err
}

type benchQuery struct {
	text             string
	stages, personas []string
}

func (q benchQuery) query(org string) stagecraft.SearchQuery {
	return stagecraft.SearchQuery{OrgID: org, Text: q.text, Stages: q.stages, Personas: q.personas, Limit: 20}
}

// corpus makes documents of English-like text: words drawn from a
// vocabulary with Zipf-distributed frequencies (a few very common words, a
// long tail of rare ones), as in real prose.
type corpus struct {
	rng   *rand.Rand
	vocab []string
	zipf  *rand.Zipf
}

var stagesList = []string{"prospecting", "discovery", "evaluation", "proposal", "negotiation"}
var personasList = []string{"economic_buyer", "technical_buyer", "end_user", "champion", "executive_sponsor", "procurement"}

// common words head the vocabulary, so they are also the most frequent.
var common = strings.Fields(`platform customer data pricing security forecast pipeline revenue team report
	analytics integration deal sales manager support contract renewal onboarding compliance account growth
	dashboard workflow quarter budget value risk process product service solution partner market enterprise`)

func newCorpus(seed uint64) *corpus {
	rng := rand.New(rand.NewPCG(seed, seed))
	c := &corpus{rng: rng}
	c.vocab = append(c.vocab, common...)
	syll := strings.Fields("ka lo mi ne ra ti so vu be da fe gi ho ju ky lu ma no pe qui re sa te va wo xe yo zu an el in or")
	seen := map[string]bool{}
	for _, w := range common {
		seen[w] = true
	}
	for len(c.vocab) < 30000 {
		n := 2 + rng.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(syll[rng.IntN(len(syll))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			c.vocab = append(c.vocab, w)
		}
	}
	c.zipf = rand.NewZipf(rng, 1.1, 2, uint64(len(c.vocab)-1)) //nolint:gosec // G115: vocab holds the common words at least
	return c
}

func (c *corpus) word() string { return c.vocab[c.zipf.Uint64()] }

func (c *corpus) words(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = c.word()
	}
	return strings.Join(ws, " ")
}

func (c *corpus) pick(list []string, most int) []string {
	n := 1 + c.rng.IntN(most)
	out := slices.Clone(list)
	c.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out[:n]
}

func (c *corpus) doc(org string, words int) *stagecraft.SearchDoc {
	return &stagecraft.SearchDoc{AssetID: uuid.NewString(), OrgID: org, Title: c.words(5), Description: c.words(15),
		Tags: strings.Fields(c.words(3)), Body: c.words(words), Language: "english", Type: stagecraft.TypePDF,
		Status: stagecraft.StatusPublished, Stages: c.pick(stagesList, 2), Personas: c.pick(personasList, 2),
		UpdatedAt: time.Now().Add(-time.Duration(c.rng.IntN(1e6)) * time.Second)}
}

// queries mixes what reps type: one common word, one mid-frequency word,
// a rare word, two words, a typo, each with and without a deal's stage
// and persona filters.
func (c *corpus) queries(n int) []benchQuery {
	var qs []benchQuery
	for i := 0; len(qs) < n; i++ {
		var text string
		switch i % 5 {
		case 0:
			text = common[c.rng.IntN(len(common))]
		case 1:
			text = c.vocab[100+c.rng.IntN(900)]
		case 2:
			text = c.vocab[5000+c.rng.IntN(20000)]
		case 3:
			text = common[c.rng.IntN(len(common))] + " " + c.vocab[50+c.rng.IntN(500)]
		case 4:
			w := c.vocab[40+c.rng.IntN(2000)]
			if len(w) >= 5 {
				p := 1 + c.rng.IntN(len(w)-2)
				w = w[:p] + w[p+1:] // drop a letter
			}
			text = w
		}
		q := benchQuery{text: text}
		if (i/5)%2 == 1 {
			q.stages = []string{stagesList[c.rng.IntN(len(stagesList))]}
			q.personas = c.pick(personasList, 2)
		}
		qs = append(qs, q)
	}
	return qs
}

func pct(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
