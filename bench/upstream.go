package main

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/igsource/igsource/internal/emulator"
	"github.com/igsource/igsource/internal/source"
)

// Page sizes igsource requests: Meta's hashtag edges send at most 50 media a page, and /media
// is read 100 at a time.
const (
	mediaPageSize   = 100
	hashtagPageSize = 50
)

// creatorMedia is the size the creator account is grown to for the call counts, so that
// amount 250 needs three pages instead of being cut by the seeded 172 media.
const creatorMedia = 300

// concurrentRequests is the number of identical cold requests sent at once.
const concurrentRequests = 500

// benchHashtag is the tag of the hashtag scenarios. The emulator generates 120 top and 80
// recent media for any tag.
const benchHashtag = "sourdough"

// callRow is one upstream call count.
type callRow struct {
	Case    string
	Calls   int // Graph API calls made, CDN downloads excluded
	Minimum int
	Note    string
}

// runUpstream counts the Graph API calls of cold queries on an in-process igsource. Every query
// sets cache 0, so each one reads from the emulator.
func runUpstream(ctx context.Context, r *rig) ([]callRow, error) {
	if err := r.growCreator(creatorMedia); err != nil {
		return nil, err
	}
	if err := r.addInstance(ctx, "calls", false); err != nil {
		return nil, err
	}
	if err := r.addInstance(ctx, "calls-business", true); err != nil {
		return nil, err
	}
	ids := r.emu.MediaIDs(r.creator.UserID)
	var rows []callRow
	for _, amount := range []int{20, 100, 250, 1000} {
		row, err := countMedia(ctx, r, ids, source.TypeAll, amount)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	for _, typ := range []string{source.TypeVideo, source.TypeAlbum, source.TypeImage} {
		for _, amount := range []int{5, 20} {
			row, err := countMedia(ctx, r, ids, typ, amount)
			if err != nil {
				return nil, err
			}
			rows = append(rows, row)
		}
	}
	for i, edge := range []string{source.EdgeTop, source.EdgeRecent} {
		for j, amount := range []int{20, 100, 200} {
			row, err := countHashtag(ctx, r, edge, amount, i == 0 && j == 0)
			if err != nil {
				return nil, err
			}
			rows = append(rows, row)
		}
	}
	row, err := countConcurrent(ctx, r)
	if err != nil {
		return nil, err
	}
	return append(rows, row), nil
}

// countMedia runs one cold media query. Its minimum is the number of 100-media pages up to the
// last media returned, or every page when fewer than amount media match.
func countMedia(ctx context.Context, r *rig, ids []string, typ string, amount int) (callRow, error) {
	zero := 0
	r.emu.ResetCalls()
	res, err := r.source.Media(ctx, "calls", source.MediaSettings{Type: typ, Amount: &amount, Cache: &zero})
	if err != nil {
		return callRow{}, fmt.Errorf("media type %s amount %d: %w", typ, amount, err)
	}
	row := callRow{Case: fmt.Sprintf("media type %s amount %d", typ, amount), Calls: r.graphCalls()}
	reached := len(ids)
	if len(res.Media) == amount {
		reached = slices.Index(ids, res.Media[amount-1].ID) + 1
	} else {
		row.Note = fmt.Sprintf("the emulator's account has %d media, so %d are returned", len(ids), len(res.Media))
	}
	row.Minimum = ceilDiv(reached, mediaPageSize)
	if row.Minimum == 0 || reached == 0 {
		return callRow{}, fmt.Errorf("media type %s amount %d: a returned media is not in the account's list", typ, amount)
	}
	if typ == source.TypeAlbum {
		row.Note = fmt.Sprintf("%d albums with their children read inline: no call per album", len(res.Media))
	}
	return row, nil
}

// countHashtag runs one cold hashtag query of the business instance. The first query of the
// tag also searches its id; later ones read the id from the store.
func countHashtag(ctx context.Context, r *rig, edge string, amount int, first bool) (callRow, error) {
	zero := 0
	r.emu.ResetCalls()
	res, err := r.source.HashtaggedMedia(ctx, "calls-business",
		source.HashtagSettings{Hashtag: benchHashtag, Edge: edge, Amount: &amount, Cache: &zero})
	if err != nil {
		return callRow{}, fmt.Errorf("hashtag %s edge %s amount %d: %w", benchHashtag, edge, amount, err)
	}
	row := callRow{Case: fmt.Sprintf("hashtag %s amount %d", edge, amount), Calls: r.graphCalls()}
	row.Minimum = ceilDiv(min(amount, len(res.Media)), hashtagPageSize)
	if len(res.Media) < amount {
		row.Note = fmt.Sprintf("the emulator has %d %s media for a tag", len(res.Media), edge)
	}
	if first {
		row.Minimum++
		row.Note = joinNotes(row.Note, "includes the one hashtag search")
	}
	return row, nil
}

// countConcurrent sends concurrentRequests identical requests at once on a query never read
// before. They share one call sequence of one page.
func countConcurrent(ctx context.Context, r *rig) (callRow, error) {
	if err := r.addInstance(ctx, "concurrent", false); err != nil {
		return callRow{}, err
	}
	r.emu.ResetCalls()

	amount := 20
	var wg sync.WaitGroup
	errs := make(chan error, concurrentRequests)
	start := make(chan struct{})
	for range concurrentRequests {
		wg.Go(func() {
			<-start
			if _, err := r.source.Media(ctx, "concurrent", source.MediaSettings{Amount: &amount}); err != nil {
				errs <- err
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return callRow{}, fmt.Errorf("concurrent media requests: %w", err)
	}

	row := callRow{
		Case:    fmt.Sprintf("%d concurrent identical cold media requests, amount 20", concurrentRequests),
		Calls:   r.graphCalls(),
		Minimum: 1,
		Note:    "the requests shared one call sequence",
	}
	if lists := r.emu.Calls(emulator.EndpointMediaList); lists != 1 {
		row.Note = fmt.Sprintf("%d media list calls: the requests did not share one call sequence", lists)
	}
	return row, nil
}

func ceilDiv(n, d int) int { return (n + d - 1) / d }

func joinNotes(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
