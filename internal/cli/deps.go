package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/config"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/media"
	"github.com/igsource/igsource/internal/secrets"
	"github.com/igsource/igsource/internal/source"
	"github.com/igsource/igsource/internal/store"
)

// openStore opens the database of cfg, creating the data folder and the key file on first use.
func openStore(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder %s (--data): %w", cfg.DataDir, err)
	}
	key, err := secrets.LoadOrCreateKey(cfg.DataDir, cfg.EncryptionKey)
	if err != nil {
		return nil, err
	}
	sealer, err := secrets.NewSealer(key)
	if err != nil {
		return nil, err
	}
	// NOTE: openStore has no command logger, so the store's notices about file modes go to
	// standard error in the configured format, past any writer a test gives the command.
	logger := newLogger(os.Stderr, cfg.LogLevel, cfg.LogFormat)
	st, err := store.Open(ctx, cfg.DatabasePath(), sealer, clock.System, store.WithLogger(logger))
	if err != nil {
		return nil, err
	}
	return st, nil
}

// graphTimeout bounds one Graph API request, so that a stalled connection fails the command
// instead of hanging it.
const graphTimeout = 30 * time.Second

// newClient returns the Graph API client for the Meta hosts of cfg.
func newClient(cfg *config.Config, logger *slog.Logger) (*instagram.Client, error) {
	meta := cfg.Meta()
	client, err := instagram.New(instagram.Config{
		InstagramBaseURL:  meta.GraphInstagram,
		FacebookBaseURL:   meta.GraphFacebook,
		InstagramOAuthURL: meta.InstagramAPI,
		Version:           cfg.GraphVersion,
		HTTPClient:        &http.Client{Timeout: graphTimeout},
		Clock:             clock.System,
		Logger:            logger,
	})
	if err != nil {
		return nil, fmt.Errorf("configure the Graph API client: %w", err)
	}
	return client, nil
}

// backend is the set of parts that reads content: storage, the Graph API client, the media
// store and the source layer, opened from one configuration.
type backend struct {
	store  *store.Store
	client *instagram.Client
	media  *media.Store
	source *source.Service
}

// openBackend opens the parts of cfg. With reg set, the media store and the source layer
// register their metrics there.
func openBackend(ctx context.Context, cfg *config.Config, logger *slog.Logger, reg prometheus.Registerer) (_ *backend, err error) {
	b := &backend{}
	defer func() {
		if err != nil {
			b.Close()
		}
	}()
	if b.store, err = openStore(ctx, cfg); err != nil {
		return nil, err
	}
	if b.client, err = newClient(cfg, logger); err != nil {
		return nil, err
	}

	var mediaMetrics *media.Metrics
	var sourceMetrics *source.Metrics
	if reg != nil {
		if mediaMetrics, err = media.NewMetrics(reg); err != nil {
			return nil, err
		}
		if sourceMetrics, err = source.NewMetrics(reg); err != nil {
			return nil, err
		}
	}
	b.media, err = media.New(media.Config{
		Dir:           cfg.MediaDir(),
		PublicURL:     cfg.BaseURL(),
		AllowedHosts:  cfg.MediaHosts(),
		MaxImageBytes: cfg.MediaMaxImageBytes,
		MaxVideoBytes: cfg.MediaMaxVideoBytes,
		MaxCacheBytes: cfg.MediaMaxCacheBytes,
		Downloads:     cfg.MediaDownloads,
		Timeout:       cfg.MediaTimeout,
		Logger:        logger,
		Metrics:       mediaMetrics,
	}, b.store)
	if err != nil {
		return nil, fmt.Errorf("open the media store in %s: %w", cfg.MediaDir(), err)
	}

	b.source, err = source.New(source.Deps{Store: b.store, Client: b.client, Media: b.media, Logger: logger,
		Metrics: sourceMetrics, AllowedHashtags: cfg.Hashtags})
	if err != nil {
		return nil, err
	}
	b.media.SetResolver(b.source)
	return b, nil
}

// Close stops the media downloads, then closes the database.
func (b *backend) Close() error {
	var errs []error
	if b.media != nil {
		errs = append(errs, b.media.Close())
	}
	if b.store != nil {
		errs = append(errs, b.store.Close())
	}
	return errors.Join(errs...)
}

// commandLogger returns the logger of a command that embeds cfg, writing to standard error.
func commandLogger(cfg *config.Config, s *streams) *slog.Logger {
	return newLogger(s.stderr, cfg.LogLevel, cfg.LogFormat)
}
