package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/igsource/igsource/internal/config"
	"github.com/igsource/igsource/internal/emulator"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

// Names of the instances that the demo creates.
const (
	demoInstance         = "demo"          // the emulator's creator account, Instagram Login
	demoBusinessInstance = "demo-business" // the emulator's business account, Facebook Login
)

type demoCmd struct {
	EmulatorListen string `help:"Address the built-in emulator listens on, HOST:PORT; port 0 picks a free one." default:"127.0.0.1:0" env:"IGSOURCE_DEMO_EMULATOR_LISTEN"`

	config.Config `embed:"" group:"settings" set:"data_default="`

	// generatedData is the temporary data folder chosen when no --data was given; the demo
	// creates it and deletes it on exit.
	generatedData string
}

// BeforeApply runs before kong validates the settings: without a data folder from the
// environment, it names a new temporary one, which a --data flag or the configuration file
// still replaces. The folder is created only when the demo runs.
func (c *demoCmd) BeforeApply() error {
	if c.DataDir != "" {
		return nil
	}
	suffix := make([]byte, 6)
	if _, err := rand.Read(suffix); err != nil {
		return fmt.Errorf("choose a temporary data folder: %w", err)
	}
	c.generatedData = filepath.Join(os.TempDir(), fmt.Sprintf("igsource-demo-%x", suffix))
	c.DataDir = c.generatedData
	return nil
}

func (c *demoCmd) Run(ctx context.Context, s *streams) error {
	logger := commandLogger(&c.Config, s)
	if c.DataDir == c.generatedData {
		if err := os.Mkdir(c.DataDir, 0o700); err != nil {
			return fmt.Errorf("create the demo's data folder: %w", err)
		}
		defer os.RemoveAll(c.DataDir)
	}
	emu := emulator.New(emulator.Options{Logger: logger.With("component", "emulator")})
	emulatorURL, stopEmulator, err := emu.Start(c.EmulatorListen)
	if err != nil {
		return err
	}
	defer stopEmulator()
	c.EmulatorURL = emulatorURL
	generatedPassword := c.prepareAdmin()

	a, err := newApp(ctx, &c.Config, logger)
	if err != nil {
		return err
	}
	// The redirect URI carries the listener's port, known only now.
	emu.SetOAuthApps(emulator.OAuthApps{
		InstagramAppID:     c.InstagramAppID,
		InstagramAppSecret: c.InstagramAppSecret,
		FacebookAppID:      c.FacebookAppID,
		FacebookAppSecret:  c.FacebookAppSecret,
		RedirectURIs:       []string{c.OAuthRedirectURI()},
	})
	demo, err := seedDemo(ctx, a.backend, emu, logger)
	if err != nil {
		return errors.Join(err, a.close())
	}
	if err := applyDeclaredInstances(ctx, a.backend.store, c.Instances, logger); err != nil {
		return errors.Join(err, a.close())
	}
	banner := demoBanner{emulatorURL: emulatorURL, temporary: c.DataDir == c.generatedData,
		generatedPassword: generatedPassword, accounts: demo}
	if err := printDemo(s.stdout, &c.Config, banner); err != nil {
		return errors.Join(err, a.close())
	}
	return a.run(ctx)
}

// prepareAdmin opens the admin pages and OAuth connect against the emulator. Login kinds
// without a configured app get the emulated app's credentials, and without --admin-password
// the demo uses a random password, which it returns for the banner.
func (c *demoCmd) prepareAdmin() (generatedPassword string) {
	if c.InstagramAppID == "" {
		c.InstagramAppID = emulator.DefaultInstagramAppID
		c.InstagramAppSecret = emulator.DefaultInstagramAppSecret
	}
	if c.FacebookAppID == "" {
		c.FacebookAppID = emulator.DefaultFacebookAppID
		c.FacebookAppSecret = emulator.DefaultFacebookAppSecret
	}
	if c.AdminPassword != "" {
		return ""
	}
	c.AdminPassword = rand.Text()
	return c.AdminPassword
}

// demoAccounts are the accounts that seedDemo saved.
type demoAccounts struct {
	creator  *store.Account
	business *store.Account
}

// seedDemo mints tokens for the emulator's two accounts, saves the accounts and creates or
// updates the demo instances. Running it again on the same data folder updates the accounts'
// tokens in place, because the emulator's default dataset keeps its ids.
func seedDemo(ctx context.Context, b *backend, emu *emulator.Emulator, logger *slog.Logger) (*demoAccounts, error) {
	tokens := emu.DemoTokens(demoTokenLifetime)
	creator, err := saveDemoAccount(ctx, b, instagram.KindInstagram, tokens.Instagram)
	if err != nil {
		return nil, err
	}
	business, err := saveDemoAccount(ctx, b, instagram.KindFacebook, tokens.Facebook)
	if err != nil {
		return nil, err
	}
	pageID, err := instancePage(business, "")
	if err != nil {
		return nil, err
	}
	instances := []store.Instance{
		{Name: demoInstance, AccountID: creator.ID, CacheSeconds: store.DefaultCacheSeconds},
		{Name: demoBusinessInstance, AccountID: business.ID, PageID: pageID, CacheSeconds: store.DefaultCacheSeconds},
	}
	for _, in := range instances {
		if err := saveInstance(ctx, b.store, in, logger); err != nil {
			return nil, fmt.Errorf("save demo instance %q: %w", in.Name, err)
		}
	}
	logger.Info("Demo accounts and instances saved", "creator_account_id", creator.ID, "business_account_id", business.ID)
	return &demoAccounts{creator: creator, business: business}, nil
}

func saveDemoAccount(ctx context.Context, b *backend, kind instagram.Kind, token string) (*store.Account, error) {
	account, err := readAccount(ctx, b.client, kind, token, "")
	if err != nil {
		return nil, fmt.Errorf("read the emulator's %s Login account: %w", kindTitle(kind), err)
	}
	account.TokenIssuedAt = time.Now()
	account.TokenExpiresAt = account.TokenIssuedAt.Add(demoTokenLifetime)
	if err := b.store.SaveAccount(ctx, account); err != nil {
		return nil, fmt.Errorf("save demo account @%s: %w", account.Username, err)
	}
	return account, nil
}

// demoBanner contains the run-time values that printDemo prints besides the configuration.
type demoBanner struct {
	emulatorURL       string
	temporary         bool   // the data folder is deleted on exit
	generatedPassword string // empty when --admin-password set the password
	accounts          *demoAccounts
}

// printDemo prints where the demo serves, how to sign in to the admin pages and two queries
// to try.
func printDemo(w io.Writer, cfg *config.Config, banner demoBanner) error {
	base := cfg.BaseURL()
	data := cfg.DataDir
	if banner.temporary {
		data += " (temporary, deleted on exit; pass --data DIR to keep it)"
	}
	p := &printer{w: w}
	p.printf("igsource demo is running.\n\n")
	p.printf("  GraphQL   %s/graphql\n", base)
	p.printf("  REST      %s/api/v1/instances\n", base)
	if banner.generatedPassword != "" {
		p.printf("  Admin     %s/admin/accounts (user admin, password %s)\n", base, banner.generatedPassword)
	} else {
		p.printf("  Admin     %s/admin/accounts (user admin, the --admin-password)\n", base)
	}
	p.printf("  Emulator  %s (Meta's APIs and CDN, with generated data)\n", banner.emulatorURL)
	p.printf("  Data      %s\n\n", data)
	p.printf("Instances:\n")
	p.printf("  %-14s @%s, Instagram Login\n", demoInstance, banner.accounts.creator.Username)
	p.printf("  %-14s @%s, Facebook Login (hashtag search works here)\n\n", demoBusinessInstance, banner.accounts.business.Username)
	p.printf("Try:\n")
	p.printf("  curl -s %s/graphql -H 'Content-Type: application/json' \\\n", base)
	p.printf("    -d '{\"query\":\"{ instance(name: \\\"%s\\\") { media(amount: 5) { id type url caption timestamp hashtags } } }\"}'\n", demoInstance)
	p.printf("  curl -s %s/api/v1/instances/%s/user\n\n", base, demoBusinessInstance)
	p.printf("Press Ctrl-C to stop.\n")
	return p.err
}
