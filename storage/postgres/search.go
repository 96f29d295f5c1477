package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

// Search is the built-in search backend: PostgreSQL full-text search with
// weighted fields (title over description and tags over body), stemming in
// the document's language, typo tolerance through a trigram-indexed
// vocabulary, disjunctive facet counts and highlighted snippets.
type Search struct {
	DB *DB
	// MatchCap bounds the matches a search counts (0: DefaultMatchCap).
	MatchCap int
}

var _ stagecraft.SearchIndex = (*Search)(nil)

// searchConfigs are the text search configurations documents may be
// indexed with. A query is run in all of them, so that words match however
// each document was stemmed; "simple" (no stemming) finds everything else.
var searchConfigs = []string{"english", "german", "french", "spanish", "italian", "portuguese", "dutch", "simple"}

func validConfig(c string) string {
	for _, v := range searchConfigs {
		if v == c {
			return c
		}
	}
	return "simple"
}

// Highlight markers: private-use code points that documents do not
// contain, replaced by <mark> tags after the snippet is HTML-escaped.
const (
	markStart = "\uE000"
	markStop  = "\uE001"
)

// A hit's text snippet comes from a window of its text around the first
// place one of the query's words (or their stems) begins a word: snippetLead
// characters before it, snippetWindow in all. ts_headline parses and stems
// every word it is given, ~50 ms for a 200 KB text, so a page of long
// documents would spend a second on snippets; finding the place is a
// regular expression that stops at the first match (~2 ms in the worst
// case, a word absent from the first maxSnippetScan characters).
const (
	snippetLead    = 200
	snippetWindow  = 1200
	maxSnippetScan = 200_000
)

// Ping checks the database.
func (s *Search) Ping(ctx context.Context) error { return s.DB.Ping(ctx) }

// indexBatch is how many documents one statement writes.
const indexBatch = 200

// Index upserts documents and adds their words to the vocabulary, a batch
// of documents per statement.
func (s *Search) Index(ctx context.Context, docs ...*stagecraft.SearchDoc) error {
	for len(docs) > 0 {
		n := min(len(docs), indexBatch)
		if err := s.DB.inTx(ctx, func(tx pgx.Tx) error { return indexDocs(ctx, tx, docs[:n]) }); err != nil {
			return fmt.Errorf("index %d documents: %w", n, err)
		}
		docs = docs[n:]
	}
	return nil
}

// searchRow is a document as the index statement reads it.
type searchRow struct {
	AssetID    string     `json:"asset_id"`
	OrgID      string     `json:"org_id"`
	Status     string     `json:"status"`
	ExpiresAt  *time.Time `json:"expires_at"`
	Type       string     `json:"type"`
	Stages     []string   `json:"stages"`
	Personas   []string   `json:"personas"`
	Industries []string   `json:"industries"`
	Products   []string   `json:"products"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Language   string     `json:"language"`
	Title      string     `json:"title"`
	Meta       string     `json:"meta"`
	Body       string     `json:"body"`
}

func indexDocs(ctx context.Context, tx pgx.Tx, docs []*stagecraft.SearchDoc) error {
	rows := make([]searchRow, len(docs))
	for i, d := range docs {
		title, meta, body := boundText(clean(d.Title), clean(strings.TrimSpace(d.Description+"\n"+strings.Join(d.Tags, " "))), clean(d.Body))
		rows[i] = searchRow{AssetID: d.AssetID, OrgID: d.OrgID, Status: string(d.Status), ExpiresAt: d.ExpiresAt,
			Type: string(d.Type), Stages: nonNil(d.Stages), Personas: nonNil(d.Personas),
			Industries: nonNil(d.Industries), Products: nonNil(d.Products), UpdatedAt: d.UpdatedAt,
			Language: validConfig(d.Language), Title: title, Meta: meta, Body: body}
	}
	batch, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO search_docs (asset_id, org_id, status, expires_at, type, stages, personas, industries, products,
		                         updated_at, language, title, meta, body, meta_tsv, doc_tsv)
		SELECT asset_id, org_id, status, expires_at, type, stages, personas, industries, products,
		       updated_at, language::regconfig, title, meta, body, meta_tsv, doc_tsv
		FROM jsonb_to_recordset($1::jsonb) AS x(asset_id uuid, org_id uuid, status text, expires_at timestamptz,
		     type text, stages text[], personas text[], industries text[], products text[], updated_at timestamptz,
		     language text, title text, meta text, body text),
		     LATERAL (SELECT setweight(to_tsvector(language::regconfig, title), 'A')
		                  || setweight(to_tsvector(language::regconfig, meta), 'B') AS meta_tsv) v,
		     LATERAL (SELECT v.meta_tsv || setweight(to_tsvector(language::regconfig, body), 'C') AS doc_tsv) w
		ON CONFLICT (asset_id) DO UPDATE SET
		    status = EXCLUDED.status, expires_at = EXCLUDED.expires_at, type = EXCLUDED.type,
		    stages = EXCLUDED.stages, personas = EXCLUDED.personas, industries = EXCLUDED.industries,
		    products = EXCLUDED.products, updated_at = EXCLUDED.updated_at, language = EXCLUDED.language,
		    title = EXCLUDED.title, meta = EXCLUDED.meta, body = EXCLUDED.body,
		    meta_tsv = EXCLUDED.meta_tsv, doc_tsv = EXCLUDED.doc_tsv
		WHERE search_docs.org_id = EXCLUDED.org_id`, batch)
	if err != nil {
		return err
	}
	// The postings follow the documents as stored (an id held by another
	// organisation was not overwritten above, and keeps its own).
	_, err = tx.Exec(ctx, `
		DELETE FROM search_postings p USING jsonb_to_recordset($1::jsonb) AS x(asset_id uuid)
		WHERE p.asset_id = x.asset_id`, batch)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO search_postings (asset_id, lexeme, org_id, impact)
		SELECT d.asset_id, p.lexeme, d.org_id, p.impact
		FROM jsonb_to_recordset($1::jsonb) AS x(asset_id uuid)
		JOIN search_docs d ON d.asset_id = x.asset_id, search_doc_postings(d.doc_tsv) p`, batch)
	if err != nil {
		return err
	}
	// The vocabulary keeps unstemmed words of four letters or more: the
	// ones a typo can be corrected to.
	_, err = tx.Exec(ctx, `
		INSERT INTO search_terms (org_id, term)
		SELECT DISTINCT x.org_id, t.lexeme
		FROM jsonb_to_recordset($1::jsonb) AS x(org_id uuid, title text, meta text, body text),
		     unnest(to_tsvector('simple', x.title || ' ' || x.meta || ' ' || x.body)) AS t
		WHERE length(t.lexeme) BETWEEN 4 AND 40 AND t.lexeme ~ '^[[:alpha:]]+$'
		ON CONFLICT DO NOTHING`, batch)
	return err
}

// tsvectorText is the most bytes of text one document's vectors are built
// from. PostgreSQL refuses a tsvector whose distinct words exceed 1 MiB,
// and words can take three times the bytes of their text (see
// stagecraft.MaxIndexedText).
const tsvectorText = (1<<20 - 1) / 3

// Bounds of the title and of the description and tags: far above what
// validation lets through, so they only ever cut a caller's mistake.
const (
	maxIndexedTitle = 4 << 10
	maxIndexedMeta  = 32 << 10
)

// boundText cuts a document's fields so that together they fit a
// tsvector, the body giving way first. The indexer already bounds the
// body to stagecraft.MaxIndexedText and says so; this is the backend's
// own guarantee, whatever its caller sent.
func boundText(title, meta, body string) (string, string, string) {
	title, _ = stagecraft.TruncateText(title, maxIndexedTitle)
	meta, _ = stagecraft.TruncateText(meta, maxIndexedMeta)
	// The vocabulary statement joins the three with two spaces.
	body, _ = stagecraft.TruncateText(body, tsvectorText-len(title)-len(meta)-2)
	return title, meta, body
}

// clean makes text storable: PostgreSQL text holds no NUL bytes.
func clean(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// Delete removes an asset's document.
func (s *Search) Delete(ctx context.Context, orgID, assetID string) error {
	if !isUUID(assetID) {
		return nil
	}
	err := s.DB.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM search_postings WHERE asset_id = $1 AND org_id = $2`, assetID, orgID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM search_docs WHERE asset_id = $1 AND org_id = $2`, assetID, orgID)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete search doc: %w", mapErr(err))
	}
	return nil
}

// Search runs a query.
func (s *Search) Search(ctx context.Context, q stagecraft.SearchQuery) (*stagecraft.SearchResult, error) {
	if len(q.Text) > stagecraft.MaxQueryLength {
		return nil, stagecraft.Errorf(stagecraft.EINVALID, "q: at most %d characters.", stagecraft.MaxQueryLength)
	}
	terms := parseQuery(q.Text)
	var qs rankQueries
	var near, variants map[string][]string
	if len(terms) > 0 {
		var err error
		terms, near, err = s.prepareTerms(ctx, q.OrgID, terms)
		if err != nil {
			return nil, err
		}
		if variants, err = s.variants(ctx, variantTexts(terms, near)); err != nil {
			return nil, err
		}
		qs = buildRankQueries(terms, near, variants, 11)
		if qs.match == "" {
			// Nothing any configuration can search for (it cannot happen
			// with the words the parser keeps, but an empty tsquery would
			// match nothing with a notice).
			return decodeResult(0, []byte("[]"), []byte("[]"))
		}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	types := make([]string, len(q.Types))
	for i, t := range q.Types {
		types[i] = string(t)
	}
	var visible *time.Time
	if q.VisibleAt != nil {
		v := q.VisibleAt.UTC()
		visible = &v
	}
	base := []any{q.OrgID, visible, nonNil(q.Stages), nonNil(q.Personas), nonNil(q.Industries),
		nonNil(q.Products), nonNil(types), limit, q.Offset, markStart + "," + markStop}
	res, err := s.run(ctx, qs, base)
	if err != nil {
		return nil, err
	}
	// No document has every word: rather than nothing, show those with
	// any of them, best first (the more words a document has, the higher
	// it ranks).
	if res.Total == 0 && positiveTerms(terms) > 1 {
		return s.run(ctx, buildRankQueries(anyOf(terms), near, variants, 11), base)
	}
	return res, nil
}

// rankQueries are the arguments a search ranks with and the SQL that
// reads them: the query itself as a tsquery (match), the lexemes whose
// postings select candidates (words), where snippets start (snippet), and
// the query's words as one phrase (a boost), "" when it has no two words.
type rankQueries struct {
	match, words, phrase string
	// snippet is a regular expression for where in a text the query's
	// words begin: the snippet window is placed there.
	snippet string
	args    []any
}

// buildRankQueries builds the rank queries of terms, numbering their
// arguments from first; match is "" when nothing is left to search for.
func buildRankQueries(terms []queryTerm, near, variants map[string][]string, first int) rankQueries {
	var r rankQueries
	tq := joinTSQuery(terms, near, variants)
	if tq == "" {
		return r
	}
	lexemes := queryLexemes(terms, near, variants)
	r.args = []any{tq, lexemes, snippetPattern(terms, near, lexemes)}
	r.match = fmt.Sprintf("$%d::tsquery", first)
	r.words = fmt.Sprintf("$%d::text[]", first+1)
	r.snippet = fmt.Sprintf("$%d::text", first+2)
	if p, ok := asPhrase(terms); ok {
		if pq := termTSQuery(p, nil, variants); pq != "" {
			r.args = append(r.args, pq)
			r.phrase = fmt.Sprintf("$%d::tsquery", first+3)
		}
	}
	return r
}

func (s *Search) run(ctx context.Context, qs rankQueries, base []any) (*stagecraft.SearchResult, error) {
	var capped bool
	var total int
	var facetsJSON, hitsJSON []byte
	limit := s.MatchCap
	if limit <= 0 {
		limit = DefaultMatchCap
	}
	err := s.DB.Pool.QueryRow(ctx, searchSQL(qs, limit), append(base, qs.args...)...).Scan(&capped, &total, &facetsJSON, &hitsJSON)
	if err != nil {
		return nil, fmt.Errorf("search: %w", mapErr(err))
	}
	res, err := decodeResult(total, facetsJSON, hitsJSON)
	if err == nil {
		res.Estimated = capped
	}
	return res, err
}

func positiveTerms(terms []queryTerm) int {
	n := 0
	for _, t := range terms {
		if !t.negate {
			n++
		}
	}
	return n
}

// prepareTerms drops stopwords and finds, for each word the organisation's
// documents do not contain, the words they do contain one typo away.
func (s *Search) prepareTerms(ctx context.Context, orgID string, terms []queryTerm) ([]queryTerm, map[string][]string, error) {
	words := queryWords(terms)
	rows, err := s.DB.Pool.Query(ctx, `
		SELECT w,
		       (SELECT bool_or(numnode(to_tsquery(c::regconfig, '''' || w || '''')) = 0) FROM unnest($3::text[]) c),
		       CASE WHEN length(w) >= 4
		                 AND NOT EXISTS (SELECT 1 FROM search_terms WHERE org_id = $1 AND term = w)
		            THEN ARRAY(SELECT term FROM search_terms
		                       WHERE org_id = $1 AND term % w AND length(term) >= 5
		                       ORDER BY similarity(term, w) DESC LIMIT 20)
		       END
		FROM unnest($2::text[]) AS w`, orgID, words, searchConfigs)
	if err != nil {
		return nil, nil, fmt.Errorf("search: analyse query: %w", mapErr(err))
	}
	stop := map[string]bool{}
	near := map[string][]string{}
	for rows.Next() {
		var w string
		var isStop *bool
		var candidates []string
		if err := rows.Scan(&w, &isStop, &candidates); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("search: analyse query: %w", mapErr(err))
		}
		stop[w] = isStop != nil && *isStop
		for _, c := range candidates {
			if c != w && withinOneEdit(c, w) {
				near[w] = append(near[w], c)
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("search: analyse query: %w", mapErr(err))
	}
	// A stopword cannot be required: documents stemmed in a language that
	// drops it would never match. Single stopwords are left out (unless
	// nothing else is left); phrases keep theirs, which PostgreSQL handles.
	var kept []queryTerm
	for _, t := range terms {
		if len(t.words) == 1 && stop[t.words[0]] {
			continue
		}
		kept = append(kept, t)
	}
	if len(kept) == 0 {
		kept = terms
	}
	return kept, near, nil
}

// variants returns, for each text, its distinct tsquery readings in
// every configuration ('pricing' is 'price' in English, 'pricing' where
// it is not stemmed), leaving out configurations that make nothing of it
// (a stopword). A query built from these holds each lexeme once, where
// OR-ing to_tsquery over every configuration repeats most words eight
// times: every match check, rank and snippet then did that work eight
// times over.
func (s *Search) variants(ctx context.Context, texts []string) (map[string][]string, error) {
	rows, err := s.DB.Pool.Query(ctx, `
		SELECT t, ARRAY(SELECT DISTINCT v FROM (SELECT to_tsquery(c::regconfig, t)::text AS v
		                                        FROM unnest($2::text[]) c) x
		                WHERE v <> '' ORDER BY v)
		FROM unnest($1::text[]) t`, texts, searchConfigs)
	if err != nil {
		return nil, fmt.Errorf("search: analyse query: %w", mapErr(err))
	}
	out := map[string][]string{}
	for rows.Next() {
		var t string
		var vs []string
		if err := rows.Scan(&t, &vs); err != nil {
			rows.Close()
			return nil, fmt.Errorf("search: analyse query: %w", mapErr(err))
		}
		out[t] = vs
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: analyse query: %w", mapErr(err))
	}
	return out, nil
}

// DefaultMatchCap bounds how many matches one search counts. Totals and
// facet counts are exact up to it; past it they are those of the first
// DefaultMatchCap matches and the result says so ("1,000+ results").
// Reading the matches of a word found in nearly every document is what
// makes counts slow at scale (each is a row read, and their facet values
// grouped), ranking does not depend on it, and no one pages through a
// thousand results.
const DefaultMatchCap = 1000

// Phase one of ranking: each word's postingsPerWord best postings are
// read, and the candidateCap documents with the highest sum of impacts
// are ranked exactly; see searchSQL.
const (
	postingsPerWord = 500
	candidateCap    = 100
)

// searchSQL returns the one statement that computes total, disjunctive
// facet counts and the ranked, highlighted page of hits. Base arguments:
// $1 org, $2 visible-at (null for staff), $3..$7 stage, persona, industry,
// product and type filters, $8 limit, $9 offset, $10 highlight markers;
// the rank queries' own arguments follow.
//
// Counting: matches are read once (m, at most matchCap + 1, the one more
// telling whether there are more) and the first matchCap grouped once
// by their facet values (g), a handful of rows from which the total and
// every facet's counts follow.
//
// Ranking considers every match, in two phases. Phase one reads, for each
// of the query's words (in every language's stemming, typo alternatives
// included), its best postings — the documents in which the word weighs
// most, best first through a btree — and keeps the candidateCap
// documents whose impacts sum highest; the newest matches fill the page
// when those are fewer. Phase two ranks the candidates exactly on the
// whole document: ts_rank_cd with title, description and tags weighing
// more than the text (A 1.0, B 0.4, C 0.2), normalised by the document's
// length, doubled when the query's words appear as a phrase; recency
// breaks ties. A document outside phase one has each word among its
// weakest (beyond its 40 strongest), or below the postingsPerWord best
// documents of every word: it mentions them in passing and cannot outrank
// the candidates. docs/search.md has the reasoning and the measurements.
func searchSQL(qs rankQueries, matchCap int) string {
	match := "true"
	qcte := "SELECT NULL::tsquery AS tq, NULL::text[] AS lexemes, NULL::tsquery AS pq, $10::text AS marks"
	score := "0::real"
	headTitle := "NULL::text"
	headBody := "NULL::text"
	// Without a query, the page is the newest documents, read in order
	// through the (org, updated_at) index: not from m, which holds only
	// the first matchCap.
	cands := `
cand AS (SELECT d.asset_id FROM search_docs d WHERE ` + docScope + ` AND ` + docFilters + `
         ORDER BY d.updated_at DESC, d.asset_id LIMIT $8::int + $9::int),`
	if qs.match != "" {
		pq := "NULL::tsquery"
		if qs.phrase != "" {
			pq = qs.phrase
		}
		qcte = "SELECT " + qs.match + " AS tq, " + qs.words + " AS lexemes, " + pq + " AS pq, $10::text AS marks, " + qs.snippet + " AS snip"
		match = "d.doc_tsv @@ q.tq"
		raw := "ts_rank_cd(d.doc_tsv, q.tq, 1) * CASE WHEN q.pq IS NOT NULL AND d.doc_tsv @@ q.pq THEN 2 ELSE 1 END"
		score = "(" + raw + ") / (1 + " + raw + ")"
		headTitle = `ts_headline(d.language, d.title, q.tq,
			'HighlightAll=true, StartSel=' || split_part(q.marks, ',', 1) || ', StopSel=' || split_part(q.marks, ',', 2))`
		headBody = `ts_headline(d.language,
			substr(d.body, greatest(1, coalesce(nullif(regexp_instr(left(d.body, ` + fmt.Sprint(maxSnippetScan) + `), q.snip, 1, 1, 0, 'i'), 0), 1) - ` +
			fmt.Sprint(snippetLead) + `), ` + fmt.Sprint(snippetWindow) + `), q.tq,
			'MaxFragments=2, MinWords=6, MaxWords=18, FragmentDelimiter=" … ", StartSel=' || split_part(q.marks, ',', 1) ||
			', StopSel=' || split_part(q.marks, ',', 2))`
		cands = `
c_best AS (
	SELECT p.asset_id FROM q, unnest(q.lexemes) AS lx,
	LATERAL (SELECT sp.asset_id, sp.impact FROM search_postings sp
	         WHERE sp.org_id = $1 AND sp.lexeme = lx ORDER BY sp.impact DESC LIMIT ` + fmt.Sprint(postingsPerWord) + `) p
	GROUP BY p.asset_id ORDER BY sum(p.impact) DESC, p.asset_id LIMIT ` + fmt.Sprint(candidateCap) + `
),
c_new AS (SELECT asset_id FROM m WHERE fails = 0 ORDER BY updated_at DESC LIMIT $8::int + $9::int),
cand AS (SELECT asset_id FROM c_best UNION SELECT asset_id FROM c_new),`
	}
	return `
WITH q AS MATERIALIZED (` + qcte + `),
m AS MATERIALIZED (
	SELECT asset_id, updated_at, type, stages, personas, industries, products,
	       p_stages, p_personas, p_industries, p_products, p_types,
	       (NOT p_stages)::int + (NOT p_personas)::int + (NOT p_industries)::int
	         + (NOT p_products)::int + (NOT p_types)::int AS fails
	FROM (
		SELECT d.asset_id, d.updated_at, d.type, d.stages, d.personas, d.industries, d.products,
		       (cardinality($3::text[]) = 0 OR d.stages && $3::text[]) AS p_stages,
		       (cardinality($4::text[]) = 0 OR d.personas && $4::text[]) AS p_personas,
		       (cardinality($5::text[]) = 0 OR d.industries && $5::text[]) AS p_industries,
		       (cardinality($6::text[]) = 0 OR d.products && $6::text[]) AS p_products,
		       (cardinality($7::text[]) = 0 OR d.type = ANY($7::text[])) AS p_types
		FROM search_docs d, q
		WHERE ` + docScope + `
		  AND ` + match + `
	) x
	-- Rows failing two or more facet filters count nowhere.
	WHERE (NOT p_stages)::int + (NOT p_personas)::int + (NOT p_industries)::int
	      + (NOT p_products)::int + (NOT p_types)::int <= 1
	LIMIT ` + fmt.Sprint(matchCap+1) + `
),
g AS MATERIALIZED (
	SELECT stages, personas, industries, products, type,
	       p_stages, p_personas, p_industries, p_products, p_types, fails, count(*) AS n
	FROM (SELECT * FROM m LIMIT ` + fmt.Sprint(matchCap) + `) m
	GROUP BY stages, personas, industries, products, type, p_stages, p_personas, p_industries, p_products, p_types, fails
),` + cands + `
ranked AS (
	SELECT d.asset_id, d.updated_at, ` + score + ` AS score, ` + headTitle + ` AS head_title, ` + headBody + ` AS head_body
	FROM cand c JOIN search_docs d USING (asset_id), q
	WHERE ` + docScope + ` AND ` + docFilters + ` AND ` + match + `
	ORDER BY 3 DESC, d.updated_at DESC, d.asset_id
	LIMIT $8 OFFSET $9
)
SELECT
	(SELECT count(*) FROM m) > ` + fmt.Sprint(matchCap) + `,
	(SELECT coalesce(sum(n), 0) FROM g WHERE fails = 0),
	(SELECT coalesce(json_agg(json_build_array(facet, key, n)), '[]') FROM (
		SELECT 'stages' AS facet, k AS key, sum(n) AS n FROM g, unnest(g.stages) k
		 WHERE fails = 0 OR NOT p_stages GROUP BY k
		UNION ALL
		SELECT 'personas', k, sum(n) FROM g, unnest(g.personas) k
		 WHERE fails = 0 OR NOT p_personas GROUP BY k
		UNION ALL
		SELECT 'industries', k, sum(n) FROM g, unnest(g.industries) k
		 WHERE fails = 0 OR NOT p_industries GROUP BY k
		UNION ALL
		SELECT 'products', k, sum(n) FROM g, unnest(g.products) k
		 WHERE fails = 0 OR NOT p_products GROUP BY k
		UNION ALL
		SELECT 'types', type, sum(n) FROM g
		 WHERE fails = 0 OR NOT p_types GROUP BY type
	) x),
	(SELECT coalesce(json_agg(json_build_array(asset_id, score, head_title, head_body)
	                          ORDER BY score DESC, updated_at DESC, asset_id), '[]') FROM ranked)`
}

// docScope selects the documents a search may see: the organisation's,
// not archived, and for reps only published, unexpired ones.
const docScope = `d.org_id = $1 AND d.status <> 'archived'
	  AND ($2::timestamptz IS NULL OR (d.status = 'published' AND (d.expires_at IS NULL OR d.expires_at > $2::timestamptz)))`

// docFilters keeps the documents that pass every facet filter.
const docFilters = `(cardinality($3::text[]) = 0 OR d.stages && $3::text[])
	  AND (cardinality($4::text[]) = 0 OR d.personas && $4::text[])
	  AND (cardinality($5::text[]) = 0 OR d.industries && $5::text[])
	  AND (cardinality($6::text[]) = 0 OR d.products && $6::text[])
	  AND (cardinality($7::text[]) = 0 OR d.type = ANY($7::text[]))`

func decodeResult(total int, facetsJSON, hitsJSON []byte) (*stagecraft.SearchResult, error) {
	res := &stagecraft.SearchResult{Total: total, Hits: []stagecraft.SearchHit{}, Facets: map[string]map[string]int{
		stagecraft.FacetStages: {}, stagecraft.FacetPersonas: {}, stagecraft.FacetIndustries: {},
		stagecraft.FacetProducts: {}, stagecraft.FacetTypes: {},
	}}
	var facets [][3]any
	if err := json.Unmarshal(facetsJSON, &facets); err != nil {
		return nil, fmt.Errorf("search: decode facets: %w", err)
	}
	for _, f := range facets {
		facet, _ := f[0].(string)
		key, _ := f[1].(string)
		n, _ := f[2].(float64)
		if res.Facets[facet] != nil {
			res.Facets[facet][key] = int(n)
		}
	}
	var hits [][4]any
	if err := json.Unmarshal(hitsJSON, &hits); err != nil {
		return nil, fmt.Errorf("search: decode hits: %w", err)
	}
	for _, h := range hits {
		id, _ := h[0].(string)
		score, _ := h[1].(float64)
		hit := stagecraft.SearchHit{AssetID: id, Score: score, Highlights: map[string]string{}}
		if t, ok := h[2].(string); ok {
			hit.Highlights["title"] = markup(t)
		}
		if t, ok := h[3].(string); ok && strings.Contains(t, markStart) {
			hit.Highlights["text"] = markup(t)
		}
		res.Hits = append(res.Hits, hit)
	}
	return res, nil
}

// markup HTML-escapes a snippet and turns the markers into <mark> tags, so
// that markup inside documents is shown, never run.
func markup(s string) string {
	s = html.EscapeString(strings.Join(strings.Fields(s), " "))
	s = strings.ReplaceAll(s, markStart, "<mark>")
	return strings.ReplaceAll(s, markStop, "</mark>")
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
