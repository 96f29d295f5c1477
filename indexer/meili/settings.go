package meili

import "github.com/meilisearch/meilisearch-go"

// Index settings limits.
const (
	maxValuesPerFacet = 200
	maxTotalHits      = 10000
)

// Settings returns the index settings New applies:
//
//   - searchable attributes in rank order: title, tags, description, body;
//   - filterable: org_id and the fields of SearchQuery, plus id, which Delete
//     filters on together with org_id;
//   - sortable: updated_at_ts (the order of a search without text);
//   - one typo in words of 5+ letters, two in words of 9+ (the API's
//     "one edit in words of 5+ letters finds the word");
//   - up to 200 values per facet and exact totals up to 10 000 hits.
//
// Displayed attributes are id, title and body. Meilisearch highlights and
// crops only displayed attributes, so body must be displayed for the text
// snippet; searches still never return it whole, because they ask for
// attributesToRetrieve [id] and read title and body from _formatted.
func Settings() *meilisearch.Settings {
	return &meilisearch.Settings{
		SearchableAttributes: []string{"title", "tags", "description", "body"},
		DisplayedAttributes:  []string{"id", "title", "body"},
		FilterableAttributes: []string{
			"org_id", "status", "expires_at_ts", "type",
			"stages", "personas", "industries", "products", "id",
		},
		SortableAttributes: []string{"updated_at_ts"},
		TypoTolerance: &meilisearch.TypoTolerance{
			Enabled:             true,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 5, TwoTypos: 9},
			DisableOnWords:      []string{},
			DisableOnAttributes: []string{},
		},
		Pagination: &meilisearch.Pagination{MaxTotalHits: maxTotalHits},
		Faceting:   &meilisearch.Faceting{MaxValuesPerFacet: maxValuesPerFacet},
	}
}
