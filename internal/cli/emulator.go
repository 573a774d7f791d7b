package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/igsource/igsource/internal/emulator"
)

// demoTokenLifetime is the lifetime of the tokens that the emulator command prints, the 60 days
// of Meta's long-lived tokens.
const demoTokenLifetime = 60 * 24 * time.Hour

type emulatorCmd struct {
	Listen    string `help:"Address the emulator listens on, HOST:PORT." default:"127.0.0.1:8090" env:"IGSOURCE_EMULATOR_LISTEN"`
	Seed      int64  `help:"Seed of the generated accounts and media; 0 gives the default dataset, the same on every run." default:"0" env:"IGSOURCE_EMULATOR_SEED"`
	LogLevel  string `help:"Lowest level logged: ${enum}." default:"info" enum:"debug,info,warn,error" env:"IGSOURCE_LOG_LEVEL"`
	LogFormat string `help:"Log format: ${enum}; auto is text on a terminal and JSON otherwise." default:"auto" enum:"auto,text,json" env:"IGSOURCE_LOG_FORMAT"`
}

func (c *emulatorCmd) Run(ctx context.Context, s *streams) error {
	logger := newLogger(s.stderr, c.LogLevel, c.LogFormat)
	emu := emulator.New(emulator.Options{Seed: c.Seed, Logger: logger})
	baseURL, stop, err := emu.Start(c.Listen)
	if err != nil {
		return err
	}
	defer stop()
	if err := printEmulator(s.stdout, emu, baseURL); err != nil {
		return err
	}
	<-ctx.Done()
	logger.Info("Emulator stopping")
	return nil
}

// printEmulator prints the emulator's URLs and tokens for its seeded accounts. The tokens are
// the emulator's own and open nothing at Meta, so printing them is safe.
func printEmulator(w io.Writer, emu *emulator.Emulator, baseURL string) error {
	accounts := emu.Accounts()
	tokens := emu.DemoTokens(demoTokenLifetime)
	p := &printer{w: w}
	p.printf("Emulator of Meta's APIs at %s\n", baseURL)
	p.printf("  graph.instagram.com  %s\n", emu.InstagramBaseURL())
	p.printf("  graph.facebook.com   %s\n", emu.FacebookBaseURL())
	p.printf("  CDN                  %s\n", emu.CDNBaseURL())
	p.printf("\nTokens of the emulator (not Meta's), valid for %d days:\n", demoTokenLifetime/(24*time.Hour))
	p.printf("  Instagram Login, @%s (%s):\n    %s\n", accounts.CreatorUsername, accounts.CreatorUserID, tokens.Instagram)
	p.printf("  Facebook Login, %s (%s):\n    %s\n", accounts.FacebookUserName, accounts.FacebookUserID, tokens.Facebook)
	for _, page := range accounts.Pages {
		linked := "no Instagram account"
		if page.InstagramBusinessAccountID != "" {
			linked = fmt.Sprintf("linked to @%s (%s)", accounts.BusinessUsername, page.InstagramBusinessAccountID)
		}
		p.printf("    Page %q (%s), %s\n", page.Name, page.ID, linked)
	}
	p.printf("\nTry:\n  curl '%s/me?fields=id,user_id,username,media_count&access_token=%s'\n",
		emu.InstagramBaseURL(), tokens.Instagram)
	p.printf("Point igsource at it:\n  igsource serve --emulator-url %s\n", baseURL)
	p.printf("\nPress Ctrl-C to stop.\n")
	return p.err
}

// printer writes formatted text and keeps the first error, so a block of output needs one check.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}
