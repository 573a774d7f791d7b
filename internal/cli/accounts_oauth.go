package cli

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/igsource/igsource/internal/accounts"
	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/config"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

func init() {
	accountsCommands = append(accountsCommands, func() any { return &accountsOAuthCmds{} })
}

// accountsOAuthCmds are the account commands that go through Meta's OAuth endpoints.
type accountsOAuthCmds struct {
	Connect accountsConnectCmd `cmd:"" help:"Connect an account through Meta's login: print the login URL, then read the address the browser was sent to."`
	Refresh accountsRefreshCmd `cmd:"" help:"Refresh the access token of an Instagram Login account now."`
}

// newAccountsService returns the accounts service of cfg, which connects accounts and runs the
// token refresher. With reg set, the refresher registers its metrics there.
func newAccountsService(cfg *config.Config, st *store.Store, client *instagram.Client, logger *slog.Logger,
	reg prometheus.Registerer) (*accounts.Service, error) {
	meta := cfg.Meta()
	redirect := cfg.OAuthRedirectURI()
	return accounts.New(accounts.Options{
		InstagramAppID:        cfg.InstagramAppID,
		FacebookAppID:         cfg.FacebookAppID,
		RedirectURI:           redirect,
		InstagramAuthorizeURL: strings.TrimRight(meta.InstagramWeb, "/") + "/oauth/authorize",
		FacebookDialogURL:     strings.TrimRight(meta.FacebookWeb, "/") + "/" + cfg.GraphVersion + "/dialog/oauth",
		Store:                 st,
		Meta: &accounts.ClientMeta{
			Client:       client,
			InstagramApp: instagram.AppCredentials{ID: cfg.InstagramAppID, Secret: cfg.InstagramAppSecret},
			FacebookApp:  instagram.AppCredentials{ID: cfg.FacebookAppID, Secret: cfg.FacebookAppSecret},
			RedirectURI:  redirect,
		},
		Clock:         clock.System,
		Logger:        logger,
		Registerer:    reg,
		RefreshMargin: cfg.TokenRefreshMargin,
	})
}

type accountsConnectCmd struct {
	Kind string `help:"Login kind: ${enum}." enum:"instagram,facebook" required:""`
}

// maxPastedURL bounds the line read back from standard input; Meta's codes are a few hundred
// characters.
const maxPastedURL = 16 << 10

func (c *accountsConnectCmd) Run(ctx context.Context, s *streams, group *accountsCmd) error {
	cfg := &group.Config
	if err := checkAppConfigured(cfg, instagram.Kind(c.Kind)); err != nil {
		return err
	}
	logger := commandLogger(cfg, s)
	client, err := newClient(cfg, logger)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	svc, err := newAccountsService(cfg, st, client, logger, nil)
	if err != nil {
		return err
	}

	// The session binds the state to this run of the command, as a browser session would.
	session := "cli-" + rand.Text()
	authorize, err := svc.StartConnect(ctx, instagram.Kind(c.Kind), session)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.stdout, "Open this address in a browser, log in and allow access:\n\n  %s\n\n", authorize)
	fmt.Fprintf(s.stdout, "The browser is then sent to %s. Copy the whole address from the browser's "+
		"address bar, paste it here and press Enter:\n", cfg.OAuthRedirectURI())

	pasted, err := readPastedURL(s.stdin)
	if err != nil {
		return err
	}
	params, err := accounts.ParseCallback(pasted)
	if err != nil {
		return &usageError{err}
	}
	a, err := svc.FinishConnect(ctx, session, params)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(s.stdout, "Connected account %d @%s (%s Login)%s.\n", a.ID, a.Username,
		kindTitle(a.Kind), validUntil(a.TokenExpiresAt))
	return err
}

// checkAppConfigured returns a usage error naming the settings a login kind needs.
func checkAppConfigured(cfg *config.Config, kind instagram.Kind) error {
	id, secret, name := cfg.InstagramAppID, cfg.InstagramAppSecret, "instagram"
	if kind == instagram.KindFacebook {
		id, secret, name = cfg.FacebookAppID, cfg.FacebookAppSecret, "facebook"
	}
	if id == "" || secret == "" {
		upper := strings.ToUpper(name)
		return &usageError{fmt.Errorf("%s Login needs your Meta app's credentials: set --%s-app-id and "+
			"--%s-app-secret (IGSOURCE_%s_APP_ID, IGSOURCE_%s_APP_SECRET)", kindTitle(kind), name, name, upper, upper)}
	}
	return nil
}

func readPastedURL(stdin io.Reader) (string, error) {
	line, err := bufio.NewReaderSize(io.LimitReader(stdin, maxPastedURL), maxPastedURL).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the pasted address: %w", err)
	}
	if strings.TrimSpace(line) == "" {
		return "", &usageError{errors.New("no address was pasted: run the command again and paste the " +
			"address the browser was sent to after the login")}
	}
	return line, nil
}

func validUntil(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return "; the token is valid until " + t.UTC().Format(time.RFC3339)
}

type accountsRefreshCmd struct {
	Account string `arg:"" help:"Username or id of the account."`
}

func (c *accountsRefreshCmd) Run(ctx context.Context, s *streams, group *accountsCmd) error {
	cfg := &group.Config
	logger := commandLogger(cfg, s)
	client, err := newClient(cfg, logger)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	account, err := findAccount(ctx, st, c.Account)
	if err != nil {
		return err
	}
	svc, err := newAccountsService(cfg, st, client, logger, nil)
	if err != nil {
		return err
	}
	a, err := svc.Refresh(ctx, account.ID)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(s.stdout, "Refreshed the token of account %d @%s%s.\n", a.ID, a.Username,
		validUntil(a.TokenExpiresAt))
	return err
}
