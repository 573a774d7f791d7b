package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/config"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/secrets"
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
	st, err := store.Open(ctx, cfg.DatabasePath(), sealer, clock.System)
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

// commandLogger returns the logger of a command that embeds cfg, writing to standard error.
func commandLogger(cfg *config.Config, s *streams) *slog.Logger {
	return newLogger(s.stderr, cfg.LogLevel, cfg.LogFormat)
}
