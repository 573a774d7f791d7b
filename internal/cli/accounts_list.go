package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

type accountsListCmd struct {
	JSON bool `help:"Print JSON instead of a table."`
}

// accountView is an account as the CLI prints it: everything but the token.
type accountView struct {
	ID            int64               `json:"id"`
	Kind          instagram.Kind      `json:"kind"`
	Username      string              `json:"username"`
	Name          string              `json:"name"`
	UserID        string              `json:"userId"`
	Status        store.AccountStatus `json:"status"`
	StatusMessage string              `json:"statusMessage,omitempty"`
	ExpiresAt     *time.Time          `json:"expiresAt"`
	Pages         []store.Page        `json:"pages,omitempty"`
}

func (c *accountsListCmd) Run(ctx context.Context, s *streams, group *accountsCmd) error {
	st, err := openStore(ctx, &group.Config)
	if err != nil {
		return err
	}
	defer st.Close()
	accounts, err := st.ListAccounts(ctx)
	if err != nil {
		return err
	}

	views := make([]accountView, len(accounts))
	for i, a := range accounts {
		views[i] = accountView{ID: a.ID, Kind: a.Kind, Username: a.Username, Name: a.Name, UserID: a.UserID,
			Status: a.Status, StatusMessage: a.StatusMessage, Pages: a.Pages}
		if !a.TokenExpiresAt.IsZero() {
			expires := a.TokenExpiresAt.UTC()
			views[i].ExpiresAt = &expires
		}
	}
	if c.JSON {
		return writeJSON(s.stdout, views)
	}

	w := tabwriter.NewWriter(s.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tKIND\tUSERNAME\tNAME\tSTATUS\tTOKEN EXPIRES")
	for _, v := range views {
		expires := "unknown"
		if v.ExpiresAt != nil {
			expires = v.ExpiresAt.Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%d\t%s\t@%s\t%s\t%s\t%s\n", v.ID, v.Kind, v.Username, v.Name, v.Status, expires)
	}
	return w.Flush()
}

type accountsRemoveCmd struct {
	Account string `arg:"" help:"Username or id of the account."`
	Force   bool   `help:"Also remove the instances that use the account."`
}

func (c *accountsRemoveCmd) Run(ctx context.Context, s *streams, group *accountsCmd) error {
	st, err := openStore(ctx, &group.Config)
	if err != nil {
		return err
	}
	defer st.Close()
	account, err := findAccount(ctx, st, c.Account)
	if err != nil {
		return err
	}
	err = st.DeleteAccount(ctx, account.ID, c.Force)
	if errors.Is(err, store.ErrInUse) {
		names, listErr := instanceNames(ctx, st, account.ID)
		if listErr != nil {
			return listErr
		}
		return &usageError{fmt.Errorf("account @%s is used by the instances %s: remove them first, or pass --force to remove them with the account",
			account.Username, strings.Join(names, ", "))}
	}
	if err != nil {
		return err
	}
	commandLogger(&group.Config, s).Info("Account removed", "account_id", account.ID, "username", account.Username)
	_, err = fmt.Fprintf(s.stdout, "Account %d @%s removed.\n", account.ID, account.Username)
	return err
}

// findAccount returns the account with the given username or id. A missing account is a usage
// error that points at `igsource accounts list`.
func findAccount(ctx context.Context, st *store.Store, name string) (*store.Account, error) {
	account, err := st.AccountByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, &usageError{fmt.Errorf("account %q not found: `igsource accounts list` shows the connected accounts", name)}
	}
	return account, err
}

func instanceNames(ctx context.Context, st *store.Store, accountID int64) ([]string, error) {
	instances, err := st.ListInstances(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, in := range instances {
		if in.AccountID == accountID {
			names = append(names, fmt.Sprintf("%q", in.Name))
		}
	}
	return names, nil
}
