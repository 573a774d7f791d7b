package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/igsource/igsource/internal/accounts"
	"github.com/igsource/igsource/internal/admin"
	"github.com/igsource/igsource/internal/config"
	"github.com/igsource/igsource/internal/server"
)

type serveCmd struct {
	config.Config `embed:"" group:"settings" set:"data_default=./igsource-data"`
}

func (c *serveCmd) Run(ctx context.Context, s *streams) error {
	logger := commandLogger(&c.Config, s)
	a, err := newApp(ctx, &c.Config, logger)
	if err != nil {
		return err
	}
	if err := applyDeclaredInstances(ctx, a.backend.store, c.Instances, logger); err != nil {
		return errors.Join(err, a.close())
	}
	return a.run(ctx)
}

// app is igsource serving: the backend, the accounts service with its token refresher, and the
// HTTP server on its listener.
type app struct {
	cfg      *config.Config
	logger   *slog.Logger
	listener net.Listener
	backend  *backend
	accounts *accounts.Service
	server   *server.Server
}

// newApp listens on cfg.Listen and builds every part. Without a public URL, the listener's
// address replaces cfg.Listen, so that media URLs carry the real port when the configured
// port is 0.
func newApp(ctx context.Context, cfg *config.Config, logger *slog.Logger) (_ *app, err error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (--listen): %w", cfg.Listen, err)
	}
	a := &app{cfg: cfg, logger: logger, listener: ln}
	defer func() {
		if err != nil {
			a.close()
		}
	}()
	if cfg.PublicURL == "" {
		cfg.Listen = ln.Addr().String()
	}

	registry := prometheus.NewRegistry()
	if a.backend, err = openBackend(ctx, cfg, logger, registry); err != nil {
		return nil, err
	}
	a.accounts, err = newAccountsService(cfg, a.backend.store, a.backend.client, logger, registry)
	if err != nil {
		return nil, fmt.Errorf("configure accounts: %w", err)
	}

	a.server = server.New(server.Config{
		Listen:           cfg.Listen,
		PublicURL:        cfg.BaseURL(),
		CORSOrigins:      cfg.CORSOrigins,
		APIKey:           cfg.APIKey,
		Introspection:    cfg.Introspection,
		ComplexityLimit:  cfg.ComplexityLimit,
		MaxContentFields: cfg.MaxContentFields,
	}, server.Deps{
		Source:   a.backend.source,
		Media:    a.backend.media,
		Store:    a.backend.store,
		Logger:   logger,
		Registry: registry,
	})
	accountsHandler := accounts.NewHandler(a.accounts, cfg.AdminPassword)
	accountsHandler.Register(a.server)
	admin.New(admin.Deps{Store: a.backend.store, Source: a.backend.source,
		RequireAdmin: accountsHandler.RequireAdmin, Logger: logger}).Register(a.server)
	return a, nil
}

// run serves until ctx is cancelled, with the token refresher running beside the server, then
// waits for both and closes the backend.
func (a *app) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() { a.accounts.Refresher().Run(ctx) })
	err := a.server.Serve(ctx, a.listener)
	cancel() // stops the refresher when the server failed on its own
	wg.Wait()
	a.listener = nil // Serve closed it
	return errors.Join(err, a.close())
}

// close releases what newApp opened.
func (a *app) close() error {
	var errs []error
	if a.listener != nil {
		errs = append(errs, a.listener.Close())
	}
	if a.backend != nil {
		errs = append(errs, a.backend.Close())
	}
	return errors.Join(errs...)
}
