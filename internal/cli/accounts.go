package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"github.com/igsource/igsource/internal/config"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

// accountsCommands make further subcommands of `accounts`, such as connect and refresh. Other
// files of this package append to it in their init functions. Each function returns a pointer
// to a struct whose fields are kong commands; their Run methods may take *accountsCmd for the
// configuration. newRoot calls the functions, so every parse gets fresh structs.
var accountsCommands []func() any

type accountsCmd struct {
	Import accountsImportCmd `cmd:"" help:"Store an access token you already have as a connected account."`
	List   accountsListCmd   `cmd:"" help:"List connected accounts with their status and token expiry."`
	Remove accountsRemoveCmd `cmd:"" help:"Remove a connected account."`

	kong.Plugins

	config.Config `embed:"" group:"settings" set:"data_default=./igsource-data"`
}

type accountsImportCmd struct {
	Kind      string        `help:"Login kind that issued the token: ${enum}." enum:"instagram,facebook" required:""`
	TokenFile string        `help:"File that contains the access token (default: read it from standard input). A token is never taken as a flag value, which would show in shell history and ps." type:"existingfile" placeholder:"FILE"`
	Page      string        `help:"Facebook Login: id of the Page whose linked Instagram account is read (default: the first Page with one)." placeholder:"ID"`
	ExpiresIn time.Duration `help:"Remaining lifetime of the token, such as 1440h, when you know it; igsource refreshes or warns before it ends." placeholder:"DURATION"`
}

func (c *accountsImportCmd) Run(ctx context.Context, s *streams, group *accountsCmd) error {
	token, err := readToken(c.TokenFile, s.stdin)
	if err != nil {
		return err
	}
	if c.ExpiresIn < 0 {
		return &usageError{fmt.Errorf("--expires-in is %s: give a positive duration, or leave it out when the expiry is unknown", c.ExpiresIn)}
	}

	logger := commandLogger(&group.Config, s)
	client, err := newClient(&group.Config, logger)
	if err != nil {
		return err
	}
	account, err := readAccount(ctx, client, instagram.Kind(c.Kind), token, c.Page)
	if err != nil {
		return err
	}
	account.TokenIssuedAt = time.Now()
	if c.ExpiresIn > 0 {
		account.TokenExpiresAt = account.TokenIssuedAt.Add(c.ExpiresIn)
	}

	st, err := openStore(ctx, &group.Config)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.SaveAccount(ctx, account); err != nil {
		return fmt.Errorf("save account @%s: %w", account.Username, err)
	}
	logger.Info("Account imported", "account_id", account.ID, "username", account.Username, "kind", c.Kind)
	_, err = fmt.Fprintf(s.stdout, "Account %d @%s (%s Login) saved.\n", account.ID, account.Username, kindTitle(account.Kind))
	return err
}

// readToken reads a token from path, or from stdin when path is empty, and trims the line end.
func readToken(path string, stdin io.Reader) (string, error) {
	var raw []byte
	var err error
	if path != "" {
		raw, err = os.ReadFile(path)
	} else {
		raw, err = io.ReadAll(io.LimitReader(stdin, 64<<10))
	}
	if err != nil {
		return "", fmt.Errorf("read the access token: %w", err)
	}
	token := strings.TrimSpace(string(raw))
	if token == "" {
		return "", &usageError{errors.New("the access token is empty: pass --token-file FILE or pipe the token to standard input")}
	}
	if strings.ContainsAny(token, " \t\r\n") {
		return "", &usageError{errors.New("the access token contains white space: give one token, alone on its line")}
	}
	return token, nil
}

// readAccount reads the identity of a token's account from Meta: /me on graph.instagram.com
// for Instagram Login, or the Facebook user, its Pages and the Instagram account linked to
// the chosen Page for Facebook Login.
func readAccount(ctx context.Context, client *instagram.Client, kind instagram.Kind, token, pageID string) (*store.Account, error) {
	cred := instagram.Credentials{Kind: kind, Token: token}
	if kind == instagram.KindInstagram {
		if pageID != "" {
			return nil, &usageError{errors.New("--page applies to Facebook Login only: leave it out for an Instagram Login token")}
		}
		me, err := client.Me(ctx, cred, nil)
		if err != nil {
			return nil, fmt.Errorf("read /me with the Instagram Login token: %w", err)
		}
		if me.UserID == "" {
			return nil, fmt.Errorf("instagram sent no user_id for @%s: check that the account is a Business or Creator account", me.Username)
		}
		return &store.Account{Kind: kind, UserID: string(me.UserID), AppScopedID: string(me.ID),
			Username: me.Username, Name: me.Name, Token: token, Status: store.StatusActive}, nil
	}
	return readFacebookAccount(ctx, client, cred, pageID)
}

func readFacebookAccount(ctx context.Context, client *instagram.Client, cred instagram.Credentials, pageID string) (*store.Account, error) {
	me, err := client.Me(ctx, cred, nil)
	if err != nil {
		return nil, fmt.Errorf("read /me with the Facebook Login token: %w", err)
	}
	metaPages, err := client.Pages(ctx, cred)
	if err != nil {
		return nil, fmt.Errorf("read /me/accounts with the Facebook Login token: %w", err)
	}
	pages := make([]store.Page, len(metaPages))
	for i, p := range metaPages {
		pages[i] = store.Page{ID: string(p.ID), Name: p.Name}
		if p.InstagramBusinessAccount != nil {
			pages[i].UserID = string(p.InstagramBusinessAccount.ID)
		}
	}
	linked, err := choosePage(pages, pageID)
	if err != nil {
		return nil, err
	}
	cred.UserID = linked.UserID
	ig, err := client.User(ctx, cred, linked.UserID, []string{"id", "username", "name"})
	if err != nil {
		return nil, fmt.Errorf("read the Instagram account %s linked to Page %s: %w", linked.UserID, linked.ID, err)
	}
	return &store.Account{Kind: instagram.KindFacebook, UserID: linked.UserID, AppScopedID: string(me.ID),
		Username: ig.Username, Name: ig.Name, Token: cred.Token, Status: store.StatusActive, Pages: pages}, nil
}

// choosePage returns the Page with id pageID, or the first Page with a linked Instagram
// account when pageID is empty.
func choosePage(pages []store.Page, pageID string) (*store.Page, error) {
	for i := range pages {
		p := &pages[i]
		if (pageID == "" && p.UserID != "") || (pageID != "" && p.ID == pageID) {
			if p.UserID == "" {
				return nil, &usageError{fmt.Errorf("page %s (%s) has no linked Instagram professional account: link one in the Page's settings, or choose another --page", p.ID, p.Name)}
			}
			return p, nil
		}
	}
	if pageID != "" {
		return nil, &usageError{fmt.Errorf("page %s is not among the %d Pages of this token: %s", pageID, len(pages), describePages(pages))}
	}
	return nil, fmt.Errorf("none of the %d Pages of this token has a linked Instagram professional account: link one in the Page's settings", len(pages))
}

func describePages(pages []store.Page) string {
	if len(pages) == 0 {
		return "the token can read no Page"
	}
	names := make([]string, len(pages))
	for i, p := range pages {
		names[i] = fmt.Sprintf("%s (%s)", p.ID, p.Name)
	}
	return "the Pages are " + strings.Join(names, ", ")
}

func kindTitle(kind instagram.Kind) string {
	if kind == instagram.KindFacebook {
		return "Facebook"
	}
	return "Instagram"
}
