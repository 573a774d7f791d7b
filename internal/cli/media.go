package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/igsource/igsource/internal/config"
	"github.com/igsource/igsource/internal/media"
)

type mediaCmd struct {
	Prefetch mediaPrefetchCmd `cmd:"" help:"Download every registered media file that has no local copy yet."`
	Purge    mediaPurgeCmd    `cmd:"" help:"Delete the local media copies; they download again on the next request."`

	config.Config `embed:"" group:"settings" set:"data_default=./igsource-data"`
}

type mediaPrefetchCmd struct {
	Instance string `help:"Download only the files of this instance's account (default: every account)." placeholder:"NAME"`
}

func (c *mediaPrefetchCmd) Run(ctx context.Context, s *streams, group *mediaCmd) error {
	logger := commandLogger(&group.Config, s)
	b, err := openBackend(ctx, &group.Config, logger, nil)
	if err != nil {
		return err
	}
	defer b.Close()
	var accountID int64
	if c.Instance != "" {
		in, err := findInstance(ctx, b.store, c.Instance)
		if err != nil {
			return err
		}
		accountID = in.AccountID
	}

	var progress func(done, total int)
	if isTerminal(s.stderr) {
		bar := &progressBar{w: s.stderr}
		defer bar.finish()
		progress = bar.update
	}
	summary, err := b.media.Prefetch(ctx, accountID, progress)
	if err != nil {
		return fmt.Errorf("prefetch media: %w", err)
	}
	logger.Info("Media prefetched", "total", summary.Total, "downloaded", summary.Downloaded,
		"deleted", summary.Deleted, "failed", summary.Failed, "held_back", summary.HeldBack)
	_, err = fmt.Fprintln(s.stdout, prefetchSummary(summary))
	if err == nil && summary.Failed > 0 {
		err = fmt.Errorf("%d media files failed to download: the log lists each with its reason", summary.Failed)
	}
	return err
}

// prefetchSummary returns the line that media prefetch prints when it ends.
func prefetchSummary(sum media.PrefetchSummary) string {
	line := fmt.Sprintf("Downloaded %d of %d files; %d deleted on Instagram, %d failed.",
		sum.Downloaded, sum.Total, sum.Deleted, sum.Failed)
	if sum.HeldBack > 0 {
		line += fmt.Sprintf(" %d held back because Meta reported %d%% or more of the API budget used;"+
			" run media prefetch again later.", sum.HeldBack, media.HoldBackPercent)
	}
	return line
}

// progressBar draws "[####      ] 12/40" on one terminal line, redrawn in place.
type progressBar struct {
	mu    sync.Mutex // Prefetch reports progress from its download goroutines
	w     io.Writer
	drawn bool
}

const progressWidth = 30

func (p *progressBar) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	filled := progressWidth
	if total > 0 {
		filled = progressWidth * done / total
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat(" ", progressWidth-filled), done, total)
	p.drawn = true
}

// finish ends the bar's line so that later output starts on a new one.
func (p *progressBar) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

type mediaPurgeCmd struct{}

func (c *mediaPurgeCmd) Run(ctx context.Context, s *streams, group *mediaCmd) error {
	logger := commandLogger(&group.Config, s)
	b, err := openBackend(ctx, &group.Config, logger, nil)
	if err != nil {
		return err
	}
	defer b.Close()
	if err := b.media.Purge(ctx); err != nil {
		return fmt.Errorf("purge media: %w", err)
	}
	logger.Info("Media purged", "dir", group.MediaDir())
	_, err = fmt.Fprintln(s.stdout, "Local media copies deleted; they download again on the next request.")
	return err
}

type cacheCmd struct {
	Purge cachePurgeCmd `cmd:"" help:"Delete every stored query result, so the next query of each reads Instagram."`

	config.Config `embed:"" group:"settings" set:"data_default=./igsource-data"`
}

type cachePurgeCmd struct{}

func (c *cachePurgeCmd) Run(ctx context.Context, s *streams, group *cacheCmd) error {
	st, err := openStore(ctx, &group.Config)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.PurgeCache(ctx); err != nil {
		return err
	}
	commandLogger(&group.Config, s).Info("Query cache purged")
	// NOTE: a running server also keeps results in memory, which this process cannot reach.
	// Those expire after their cache time, and a restart drops them at once.
	_, err = fmt.Fprintln(s.stdout, "Stored query results deleted. A running server keeps its in-memory results until they expire or it restarts.")
	return err
}
