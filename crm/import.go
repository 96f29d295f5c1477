package crm

import (
	"context"
	"errors"
	"io"
	"sort"

	"github.com/stagecraft/stagecraft"
)

// Defaults of an Importer.
const (
	DefaultBatchSize = 500
	DefaultMaxErrors = 1000
)

// Importer imports the deals of a CSV file in batches of one transaction
// each, so memory stays flat however long the file, and a failure part
// way keeps the batches already written.
type Importer struct {
	Deals stagecraft.DealService
	Now   stagecraft.Clock
	// BatchSize is how many rows one transaction writes.
	BatchSize int
	// MaxErrors is how many row errors are listed; more are only counted.
	MaxErrors int
}

// Result is what an import did.
type Result struct {
	Created int         `json:"created"`
	Updated int         `json:"updated"`
	Errors  []LineError `json:"errors"`
	// ErrorsOmitted counts the row errors beyond MaxErrors, not listed.
	ErrorsOmitted int `json:"errors_omitted,omitempty"`
}

// Import reads deals from r and upserts them on behalf of user, whose
// organisation's users are users. Rows in error are reported in the
// result by line, in line order, and the others kept. The error is
// non-nil when the import stopped early (a header that names neither
// layout, a body that failed or was too large, a database error); the
// result then tells what was written before.
func (im *Importer) Import(ctx context.Context, user *stagecraft.User, users []*stagecraft.User, r io.Reader) (*Result, error) {
	res := &Result{Errors: []LineError{}}
	rd, err := NewReader(r, users)
	if err != nil {
		return res, err
	}
	size := im.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	batch := make([]*Row, 0, size)
	for {
		row, err := rd.Next()
		var le *LineError
		switch {
		case errors.Is(err, io.EOF):
			err = im.write(ctx, user, batch, res)
			sort.SliceStable(res.Errors, func(i, j int) bool { return res.Errors[i].Line < res.Errors[j].Line })
			return res, err
		case errors.As(err, &le):
			im.addError(res, *le)
		case err != nil:
			return res, err
		default:
			batch = append(batch, row)
			if len(batch) == size {
				if err := im.write(ctx, user, batch, res); err != nil {
					return res, err
				}
				batch = batch[:0]
			}
		}
	}
}

// write upserts one batch of rows and tallies the outcome.
func (im *Importer) write(ctx context.Context, user *stagecraft.User, rows []*Row, res *Result) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]string, len(rows))
	for i, row := range rows {
		ids[i] = row.ExternalID
	}
	now := im.Now()
	results, err := im.Deals.UpsertDeals(ctx, user.OrgID, ids,
		func(i int, d *stagecraft.Deal, created bool, tax *stagecraft.Taxonomy) error {
			return rows[i].Upsert.ApplyAs(user, d, created, tax, now)
		})
	if err != nil {
		return err
	}
	for i, r := range results {
		switch {
		case r.Err != nil:
			im.addError(res, LineError{Line: rows[i].Line, Message: stagecraft.ErrorMessage(r.Err)})
		case r.Created:
			res.Created++
		default:
			res.Updated++
		}
	}
	return nil
}

func (im *Importer) addError(res *Result, e LineError) {
	limit := im.MaxErrors
	if limit <= 0 {
		limit = DefaultMaxErrors
	}
	if len(res.Errors) >= limit {
		res.ErrorsOmitted++
		return
	}
	res.Errors = append(res.Errors, e)
}
