package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/emulator"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/media"
	"github.com/igsource/igsource/internal/secrets"
	"github.com/igsource/igsource/internal/server"
	"github.com/igsource/igsource/internal/source"
	"github.com/igsource/igsource/internal/store"
)

// rigCallsPerHour lifts the emulator's call budget far above what a benchmark spends, so
// that no measurement meets a throttling error.
const rigCallsPerHour = 10_000_000

// rig is igsource built in-process from its internal packages. The emulator runs on an
// httptest server that sums its handler time. The SQLite store and the media store live in a
// temporary folder, and the Instagram client, the source layer and the HTTP server are the
// real ones.
type rig struct {
	emu      *emulator.Emulator
	upstream *httptest.Server
	store    *store.Store
	media    *media.Store
	source   *source.Service
	server   *server.Server
	api      *httptest.Server // igsource's HTTP server

	creator  *store.Account // Instagram Login
	business *store.Account // Facebook Login, reading the Page's linked account

	// handlerNanos is the time the emulator's handler spent on requests, summed.
	handlerNanos atomic.Int64
}

// newRig builds a rig in dir, which must exist and be empty.
func newRig(ctx context.Context, dir string) (_ *rig, err error) {
	r := &rig{}
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	r.emu = emulator.New(emulator.Options{CallsPerHour: rigCallsPerHour})
	r.upstream = httptest.NewServer(r.timed(r.emu.Handler()))
	r.emu.SetBaseURL(r.upstream.URL)

	sealer, err := secrets.NewSealer(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		return nil, err
	}
	if r.store, err = store.Open(ctx, filepath.Join(dir, "igsource.db"), sealer, clock.System); err != nil {
		return nil, err
	}
	client, err := instagram.New(instagram.Config{
		InstagramBaseURL: r.emu.InstagramBaseURL(),
		FacebookBaseURL:  r.emu.FacebookBaseURL(),
		HTTPClient:       &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
		Clock:            clock.System,
	})
	if err != nil {
		return nil, fmt.Errorf("configure the Instagram client: %w", err)
	}
	r.api = httptest.NewUnstartedServer(nil)
	publicURL := "http://" + r.api.Listener.Addr().String()
	logger := slog.New(slog.DiscardHandler)
	r.media, err = media.New(media.Config{
		Dir:          filepath.Join(dir, "media"),
		PublicURL:    publicURL,
		AllowedHosts: []string{r.upstream.Listener.Addr().String()},
		Logger:       logger,
	}, r.store)
	if err != nil {
		return nil, fmt.Errorf("open the media store: %w", err)
	}
	if r.source, err = source.New(source.Deps{Store: r.store, Client: client, Media: r.media, Logger: logger}); err != nil {
		return nil, err
	}
	r.media.SetResolver(r.source)
	r.server = server.New(server.Config{PublicURL: publicURL},
		server.Deps{Source: r.source, Media: r.media, Store: r.store, Logger: logger})
	r.api.Config.Handler = r.server.Handler()
	r.api.Start()
	return r, r.saveAccounts(ctx)
}

// timed wraps the emulator's handler so that handlerNanos sums its time on Graph API
// requests, the part of a cold query's latency that Meta's servers would spend. CDN requests
// are left out, because media downloads run in the background of a query.
func (r *rig) timed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if strings.HasPrefix(req.URL.Path, "/cdn/") {
			next.ServeHTTP(w, req)
			return
		}
		start := time.Now()
		next.ServeHTTP(w, req)
		r.handlerNanos.Add(int64(time.Since(start)))
	})
}

// saveAccounts stores the emulator's two seeded accounts with never-expiring tokens, built
// from the emulator's own records so that no Graph call precedes a measurement.
func (r *rig) saveAccounts(ctx context.Context) error {
	ids := r.emu.Accounts()
	tokens := r.emu.DemoTokens(0)
	r.creator = &store.Account{Kind: instagram.KindInstagram, UserID: ids.CreatorUserID,
		AppScopedID: ids.CreatorAppScopedID, Username: ids.CreatorUsername, Token: tokens.Instagram,
		Status: store.StatusActive}
	if err := r.store.CreateAccount(ctx, r.creator); err != nil {
		return fmt.Errorf("save the creator account: %w", err)
	}
	r.business = &store.Account{Kind: instagram.KindFacebook, UserID: ids.BusinessUserID,
		AppScopedID: ids.FacebookUserID, Username: ids.BusinessUsername, Token: tokens.Facebook,
		Status: store.StatusActive}
	for _, p := range ids.Pages {
		r.business.Pages = append(r.business.Pages, store.Page{ID: p.ID, Name: p.Name, UserID: p.InstagramBusinessAccountID})
	}
	if err := r.store.CreateAccount(ctx, r.business); err != nil {
		return fmt.Errorf("save the business account: %w", err)
	}
	return nil
}

// addInstance creates an instance reading the creator account, or with business the account
// linked to the business Page.
func (r *rig) addInstance(ctx context.Context, name string, business bool) error {
	in := &store.Instance{Name: name, AccountID: r.creator.ID}
	if business {
		in.AccountID = r.business.ID
		for _, p := range r.business.Pages {
			if p.UserID != "" {
				in.PageID = p.ID
			}
		}
	}
	if err := r.store.CreateInstance(ctx, in); err != nil {
		return fmt.Errorf("create instance %q: %w", name, err)
	}
	return nil
}

// graphCalls returns the Graph API calls since the last ResetCalls, CDN downloads excluded.
func (r *rig) graphCalls() int {
	return r.emu.TotalCalls() - r.emu.Calls(emulator.EndpointCDN)
}

// growCreator adds image media to the creator account until it has at least n.
func (r *rig) growCreator(n int) error {
	id := r.creator.UserID
	for have := len(r.emu.MediaIDs(id)); have < n; have++ {
		// Older than every seeded media, so the seeded ones keep their positions.
		at := r.emu.Now().Add(-3 * 365 * 24 * time.Hour).Add(-time.Duration(have) * time.Hour)
		if _, err := r.emu.AddMedia(id, emulator.NewMedia{Timestamp: at}); err != nil {
			return err
		}
	}
	return nil
}

func (r *rig) close() {
	if r.api != nil {
		r.api.Close()
	}
	var errs []error
	if r.media != nil {
		errs = append(errs, r.media.Close())
	}
	if r.store != nil {
		errs = append(errs, r.store.Close())
	}
	if r.upstream != nil {
		r.upstream.Close()
	}
	if err := errors.Join(errs...); err != nil {
		slog.Warn("Closing the in-process igsource failed", "error", err)
	}
}
