package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/igsource/igsource/internal/config"
	"github.com/igsource/igsource/internal/store"
)

// applyDeclaredInstances creates or updates the instances that the configuration file declares.
// An instance whose account is not connected yet is skipped with a warning, so that the server
// still starts and the account can be connected. The next start creates that instance.
// Instances that the file does not declare are left alone.
func applyDeclaredInstances(ctx context.Context, st *store.Store, specs []config.InstanceSpec, logger *slog.Logger) error {
	for _, spec := range specs {
		account, err := st.AccountByName(ctx, spec.Account)
		if errors.Is(err, store.ErrNotFound) {
			logger.Warn("Declared instance skipped: its account is not connected", "instance", spec.Name, "account", spec.Account)
			continue
		}
		if err != nil {
			return fmt.Errorf("declared instance %q: %w", spec.Name, err)
		}
		pageID, err := instancePage(account, spec.Page)
		if err != nil {
			return fmt.Errorf("declared instance %q: %w", spec.Name, err)
		}
		want := store.Instance{Name: spec.Name, AccountID: account.ID, PageID: pageID, CacheSeconds: spec.Cache}
		if want.CacheSeconds == 0 {
			want.CacheSeconds = store.DefaultCacheSeconds
		}
		if err := saveInstance(ctx, st, want, logger); err != nil {
			return fmt.Errorf("declared instance %q: %w", spec.Name, err)
		}
	}
	return nil
}

// saveInstance creates want, or updates the instance of that name when its account, Page or
// cache time differ. An update deletes the instance's cached results.
func saveInstance(ctx context.Context, st *store.Store, want store.Instance, logger *slog.Logger) error {
	in, err := st.InstanceByName(ctx, want.Name)
	if errors.Is(err, store.ErrNotFound) {
		if err := st.CreateInstance(ctx, &want); err != nil {
			return err
		}
		logger.Info("Instance created", "instance_id", want.ID, "instance", want.Name, "account_id", want.AccountID)
		return nil
	}
	if err != nil {
		return err
	}
	if in.AccountID == want.AccountID && in.PageID == want.PageID && in.CacheSeconds == want.CacheSeconds {
		return nil
	}
	in.AccountID, in.PageID, in.CacheSeconds = want.AccountID, want.PageID, want.CacheSeconds
	if err := st.UpdateInstance(ctx, in); err != nil {
		return err
	}
	logger.Info("Instance updated", "instance_id", in.ID, "instance", in.Name, "account_id", in.AccountID)
	return nil
}
