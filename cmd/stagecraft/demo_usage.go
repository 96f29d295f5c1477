package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

var demoAccounts = []string{"Northwind", "Contoso", "Fabrikam", "Globex", "Initech", "Umbrella", "Hooli", "Stark",
	"Wayne", "Tyrell", "Cyberdyne", "Soylent", "Vandelay", "Wonka", "Gringotts", "Oceanic"}

// seedDemoUsage gives the demo organisation a sales history, through the
// same services the API uses: 80 deals owned by the demo rep, moved stage by
// stage, with collateral used along the way, most of them closed. Its
// pattern is planted on purpose so the scorecard has something to find: the
// Northwind case study, used during evaluation, raises the chance of
// winning; the pricing sheet, only ever used at negotiation, does not — its
// deals win often only because they got that far. Collateral presented is
// often shared on the deal afterwards, and sharer (nil for none) replays
// its recipients reading it; a share is a use of the same asset on the same
// deal at the same stage, so the pattern stays as planted.
func seedDemoUsage(ctx context.Context, db *postgres.DB, orgID string, rep *stagecraft.User, assets map[string]string,
	sharer *demoSharer) error {
	rng := rand.New(rand.NewPCG(7, 7)) //nolint:gosec // G404: a fixed seed makes the demo's data the same on every machine; nothing here is secret

	stages := []string{"prospecting", "discovery", "evaluation", "proposal", "negotiation"}
	// The collateral a rep reaches for at each stage.
	byStage := map[string][]string{
		"prospecting": {"acme-platform-overview.pptx"},
		"discovery":   {"discovery-call.pptx", "acme-platform-overview.pptx"},
		"evaluation":  {"security-whitepaper.pdf", "globex-battlecard.pdf", "northwind-case-study.pdf"},
		"proposal":    {"roi-guide.pdf", "implementation-plan.pdf"},
		"negotiation": {"pricing-2026.csv"},
	}
	fileOf := map[string]string{}
	for file, id := range assets {
		fileOf[id] = file
	}
	personas := []string{"economic_buyer", "technical_buyer", "champion", "executive_sponsor", "procurement", "end_user"}
	// The history starts at a midnight, so its times of day, and the
	// reading replayed on them, are the same whenever the demo is made.
	start := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -120)
	for i := range 80 {
		ext := fmt.Sprintf("DEMO-%03d", i+1)
		day := start.Add(time.Duration(i) * 30 * time.Hour)
		amount := float64(5000 + rng.IntN(75)*1000)
		dealPersonas := []string{personas[rng.IntN(len(personas))], personas[rng.IntN(len(personas))]}
		advance, win := 0.72, 0.5
		var dealID string
		recent := i >= 64 // the newest deals are still open
		reached := 0
		for k, stage := range stages {
			if k > 0 && rng.Float64() >= advance {
				break
			}
			reached = k
			res, err := db.UpsertDeals(ctx, orgID, []string{ext}, func(_ int, d *stagecraft.Deal, created bool, _ *stagecraft.Taxonomy) error {
				if created {
					d.Name = demoAccounts[i%len(demoAccounts)] + " — Acme Platform"
					d.Account = demoAccounts[i%len(demoAccounts)]
					d.Amount, d.Currency, d.Personas, d.OwnerID = &amount, "USD", stagecraft.CleanList(dealPersonas), rep.ID
					d.Products = []string{"acme_platform"}
				}
				d.Stage, d.Status = stage, stagecraft.DealOpen
				return nil
			})
			if err = upsertErr(res, err); err != nil {
				return fmt.Errorf("demo deal %s: %w", ext, err)
			}
			dealID = res[0].Deal.ID
			var events []*stagecraft.Event
			for _, file := range byStage[stage] {
				if rng.Float64() < 0.55 {
					if file == "northwind-case-study.pdf" {
						advance, win = 0.85, 0.75 // the planted effect
					}
					events = append(events, &stagecraft.Event{ID: uuid.NewString(), OrgID: orgID, Type: stagecraft.EventPresent,
						AssetID: assets[file], DealID: dealID, UserID: rep.ID,
						OccurredAt: day.Add(time.Duration(k)*72*time.Hour + time.Duration(rng.IntN(8))*time.Hour)})
				}
			}
			if _, err := db.RecordEvents(ctx, events); err != nil {
				return fmt.Errorf("demo events of %s: %w", ext, err)
			}
			for _, e := range events {
				if sharer == nil {
					break
				}
				// The rep sends what was presented an hour after the meeting.
				if err := sharer.shareOnDeal(ctx, fileOf[e.AssetID], dealID, demoAccounts[i%len(demoAccounts)],
					e.OccurredAt.Add(time.Hour)); err != nil {
					return err
				}
			}
		}
		if recent {
			continue
		}
		status := stagecraft.DealLost
		if reached == len(stages)-1 && rng.Float64() < win {
			status = stagecraft.DealWon
		}
		closed := day.Add(time.Duration(reached+1) * 72 * time.Hour)
		res, err := db.UpsertDeals(ctx, orgID, []string{ext}, func(_ int, d *stagecraft.Deal, _ bool, _ *stagecraft.Taxonomy) error {
			d.Status, d.ClosedAt = status, &closed
			return nil
		})
		if err = upsertErr(res, err); err != nil {
			return fmt.Errorf("demo deal %s: %w", ext, err)
		}
	}
	return nil
}

func upsertErr(res []stagecraft.DealUpsertResult, err error) error {
	if err != nil {
		return err
	}
	return res[0].Err
}
