package admin

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/store"
)

// deleteAccount disconnects an account by deleting the account, its token, Pages, media index
// and hashtag ledger. While instances read the account it returns 409, unless ?force=true
// requests that those instances be deleted too.
func (h *Handler) deleteAccount(w http.ResponseWriter, r *http.Request) {
	raw := r.PathValue("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, apperr.New(apperr.Invalid, "invalid account id %q: give the positive number that "+
			"GET /admin/api/accounts shows", raw))
		return
	}
	force, err := parseForce(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	users, err := h.instancesOf(r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}

	err = h.store.DeleteAccount(r.Context(), id, force)
	switch {
	case errors.Is(err, store.ErrNotFound):
		err = apperr.Wrap(err, apperr.NotFound, "account %d not found: GET /admin/api/accounts lists the connected accounts", id)
	case errors.Is(err, store.ErrInUse):
		err = conflict(err, "account %d is read by instances %s: delete them or move them to another account "+
			"first, or add ?force=true to delete them with the account", id, quoteNames(users))
	case err != nil:
		err = apperr.Wrap(err, apperr.Internal, "delete account %d", id)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}

	deleted := make([]string, 0, len(users))
	for _, in := range users {
		h.invalidate(r, in.ID)
		deleted = append(deleted, in.Name)
	}
	h.log.InfoContext(r.Context(), "Account disconnected", "account_id", id, "deleted_instances", len(deleted))
	writeData(w, http.StatusOK, map[string]any{"id": id, "deletedInstances": deleted})
}

func parseForce(r *http.Request) (bool, error) {
	raw := r.URL.Query().Get("force")
	if raw == "" {
		return false, nil
	}
	force, err := strconv.ParseBool(raw)
	if err != nil {
		return false, apperr.New(apperr.Invalid, "invalid parameter \"force\" %q: give true or false", raw)
	}
	return force, nil
}

// instancesOf returns the instances that read the account, so that their caches can be
// dropped once the store deleted them.
func (h *Handler) instancesOf(r *http.Request, accountID int64) ([]store.Instance, error) {
	all, err := h.store.ListInstances(r.Context())
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "list instances")
	}
	var users []store.Instance
	for _, in := range all {
		if in.AccountID == accountID {
			users = append(users, in)
		}
	}
	return users, nil
}

func quoteNames(instances []store.Instance) string {
	out := ""
	for i, in := range instances {
		if i > 0 {
			out += ", "
		}
		out += strconv.Quote(in.Name)
	}
	return out
}

// purgeCache deletes every stored query result, then drops the memory copies of each
// instance's results.
func (h *Handler) purgeCache(w http.ResponseWriter, r *http.Request) {
	if err := h.store.PurgeCache(r.Context()); err != nil {
		h.fail(w, r, apperr.Wrap(err, apperr.Internal, "purge the cache"))
		return
	}
	instances, err := h.store.ListInstances(r.Context())
	if err != nil {
		h.fail(w, r, apperr.Wrap(err, apperr.Internal, "list instances"))
		return
	}
	for _, in := range instances {
		h.invalidate(r, in.ID)
	}
	h.log.InfoContext(r.Context(), "Cache purged", "instances", len(instances))
	writeData(w, http.StatusOK, map[string]any{"purgedInstances": len(instances)})
}
