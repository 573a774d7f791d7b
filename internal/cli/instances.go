package cli

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/igsource/igsource/internal/config"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

type instancesCmd struct {
	List   instancesListCmd   `cmd:"" help:"List instances."`
	Add    instancesAddCmd    `cmd:"" help:"Add an instance that reads a connected account."`
	Remove instancesRemoveCmd `cmd:"" help:"Remove an instance and its cached results."`

	config.Config `embed:"" group:"settings" set:"data_default=./igsource-data"`
}

type instancesListCmd struct {
	JSON bool `help:"Print JSON instead of a table."`
}

// instanceView is an instance as the CLI prints it, with its account's username.
type instanceView struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	AccountID    int64  `json:"accountId"`
	Account      string `json:"account"`
	PageID       string `json:"pageId,omitempty"`
	CacheSeconds int    `json:"defaultCache"`
}

func (c *instancesListCmd) Run(ctx context.Context, s *streams, group *instancesCmd) error {
	st, err := openStore(ctx, &group.Config)
	if err != nil {
		return err
	}
	defer st.Close()
	instances, err := st.ListInstances(ctx)
	if err != nil {
		return err
	}
	accounts, err := st.ListAccounts(ctx)
	if err != nil {
		return err
	}

	usernames := make(map[int64]string, len(accounts))
	for _, a := range accounts {
		usernames[a.ID] = a.Username
	}
	views := make([]instanceView, len(instances))
	for i, in := range instances {
		views[i] = instanceView{ID: in.ID, Name: in.Name, AccountID: in.AccountID,
			Account: usernames[in.AccountID], PageID: in.PageID, CacheSeconds: in.CacheSeconds}
	}
	if c.JSON {
		return writeJSON(s.stdout, views)
	}

	w := tabwriter.NewWriter(s.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tACCOUNT\tPAGE\tDEFAULT CACHE")
	for _, v := range views {
		page := v.PageID
		if page == "" {
			page = "-"
		}
		fmt.Fprintf(w, "%d\t%s\t@%s\t%s\t%ds\n", v.ID, v.Name, v.Account, page, v.CacheSeconds)
	}
	return w.Flush()
}

type instancesAddCmd struct {
	Name    string `arg:"" optional:"" help:"Name of the instance (default \"Instagram\", numbered when taken)."`
	Account string `required:"" help:"Username or id of the connected account to read." placeholder:"ACCOUNT"`
	Page    string `help:"Facebook Login: id of the Page whose linked Instagram account is read (default: the account's Page)." placeholder:"ID"`
	Cache   int    `help:"Default cache time of the instance's queries, in seconds (default 3600)." placeholder:"SECONDS"`
}

func (c *instancesAddCmd) Run(ctx context.Context, s *streams, group *instancesCmd) error {
	if c.Cache < 0 {
		return &usageError{fmt.Errorf("--cache is %d: give seconds, 0 or more", c.Cache)}
	}
	st, err := openStore(ctx, &group.Config)
	if err != nil {
		return err
	}
	defer st.Close()
	account, err := findAccount(ctx, st, c.Account)
	if err != nil {
		return err
	}
	pageID, err := instancePage(account, c.Page)
	if err != nil {
		return err
	}
	in := &store.Instance{Name: c.Name, AccountID: account.ID, PageID: pageID, CacheSeconds: c.Cache}
	err = st.CreateInstance(ctx, in)
	if errors.Is(err, store.ErrConflict) {
		return &usageError{fmt.Errorf("an instance named %q exists already: choose another name, or remove it first", c.Name)}
	}
	if err != nil {
		return err
	}
	commandLogger(&group.Config, s).Info("Instance added", "instance_id", in.ID, "instance", in.Name, "account_id", account.ID)
	_, err = fmt.Fprintf(s.stdout, "Instance %d %q reads @%s.\n", in.ID, in.Name, account.Username)
	return err
}

// instancePage checks the Page of a new instance: none for Instagram Login, and for Facebook
// Login one of the account's Pages with a linked Instagram account, by default the Page linked
// to the account's Instagram account.
func instancePage(account *store.Account, pageID string) (string, error) {
	if account.Kind != instagram.KindFacebook {
		if pageID != "" {
			return "", &usageError{fmt.Errorf("--page applies to Facebook Login accounts only, and @%s uses Instagram Login: leave it out", account.Username)}
		}
		return "", nil
	}
	for _, p := range account.Pages {
		if pageID == "" && p.UserID != "" && p.UserID == account.UserID {
			return p.ID, nil
		}
		if pageID != "" && p.ID == pageID {
			if p.UserID == "" {
				return "", &usageError{fmt.Errorf("page %s (%s) has no linked Instagram professional account: choose another --page", p.ID, p.Name)}
			}
			return p.ID, nil
		}
	}
	if pageID == "" {
		return "", &usageError{fmt.Errorf("account @%s has no Page with a linked Instagram account: pass --page ID; %s", account.Username, describePages(account.Pages))}
	}
	return "", &usageError{fmt.Errorf("page %s is not a Page of @%s: %s", pageID, account.Username, describePages(account.Pages))}
}

type instancesRemoveCmd struct {
	Name string `arg:"" help:"Name of the instance."`
}

func (c *instancesRemoveCmd) Run(ctx context.Context, s *streams, group *instancesCmd) error {
	st, err := openStore(ctx, &group.Config)
	if err != nil {
		return err
	}
	defer st.Close()
	in, err := findInstance(ctx, st, c.Name)
	if err != nil {
		return err
	}
	if err := st.DeleteInstance(ctx, in.ID); err != nil {
		return err
	}
	commandLogger(&group.Config, s).Info("Instance removed", "instance_id", in.ID, "instance", in.Name)
	_, err = fmt.Fprintf(s.stdout, "Instance %d %q removed.\n", in.ID, in.Name)
	return err
}

// findInstance returns the instance with the given name. A missing instance is a usage error
// that points at `igsource instances list`.
func findInstance(ctx context.Context, st *store.Store, name string) (*store.Instance, error) {
	in, err := st.InstanceByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, &usageError{fmt.Errorf("instance %q not found: `igsource instances list` shows the instances", name)}
	}
	return in, err
}
