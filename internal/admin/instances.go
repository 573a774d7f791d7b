package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/store"
)

// instanceJSON is an instance as the admin API shows it.
type instanceJSON struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	AccountID    int64  `json:"accountId"`
	Account      string `json:"account"` // the account's username
	PageID       string `json:"pageId"`  // empty for Instagram Login
	DefaultCache int    `json:"defaultCache"`
}

func newInstanceJSON(in *store.Instance, username string) instanceJSON {
	return instanceJSON{ID: in.ID, Name: in.Name, AccountID: in.AccountID, Account: username,
		PageID: in.PageID, DefaultCache: in.CacheSeconds}
}

// instanceRequest is the body of POST and PATCH. A member left out (or null) keeps its value,
// or on creation its default.
type instanceRequest struct {
	Name         *string     `json:"name"`
	Account      *accountRef `json:"account"`
	Page         *string     `json:"page"`
	DefaultCache *int        `json:"defaultCache"`
}

func (h *Handler) listInstances(w http.ResponseWriter, r *http.Request) {
	instances, err := h.store.ListInstances(r.Context())
	if err != nil {
		h.fail(w, r, apperr.Wrap(err, apperr.Internal, "list instances"))
		return
	}
	accounts, err := h.store.ListAccounts(r.Context())
	if err != nil {
		h.fail(w, r, apperr.Wrap(err, apperr.Internal, "list accounts"))
		return
	}
	usernames := make(map[int64]string, len(accounts))
	for _, a := range accounts {
		usernames[a.ID] = a.Username
	}
	out := make([]instanceJSON, 0, len(instances))
	for i := range instances {
		out = append(out, newInstanceJSON(&instances[i], usernames[instances[i].AccountID]))
	}
	writeData(w, http.StatusOK, out)
}

func (h *Handler) createInstance(w http.ResponseWriter, r *http.Request) {
	var req instanceRequest
	if err := decodeJSON(w, r, &req); err != nil {
		h.fail(w, r, err)
		return
	}
	if req.Account == nil {
		h.fail(w, r, apperr.New(apperr.Invalid, "missing field \"account\": give the id or username of a connected account"))
		return
	}
	in := &store.Instance{}
	account, err := h.applyRequest(r, &req, in, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.store.CreateInstance(r.Context(), in); err != nil {
		h.fail(w, r, saveError(err, in))
		return
	}
	// SQLite may give a new instance the id of a deleted one, whose results may still be in
	// memory.
	h.invalidate(r, in.ID)
	h.log.InfoContext(r.Context(), "Instance created", "instance_id", in.ID, "instance", in.Name,
		"account_id", in.AccountID)
	w.Header().Set("Location", "/admin/api/instances/"+url.PathEscape(in.Name))
	writeData(w, http.StatusCreated, newInstanceJSON(in, account.Username))
}

func (h *Handler) updateInstance(w http.ResponseWriter, r *http.Request) {
	var req instanceRequest
	if err := decodeJSON(w, r, &req); err != nil {
		h.fail(w, r, err)
		return
	}
	current, err := h.instanceByPath(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	in := *current
	account, err := h.applyRequest(r, &req, &in, current)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.store.UpdateInstance(r.Context(), &in); err != nil {
		h.fail(w, r, saveError(err, &in))
		return
	}
	h.invalidate(r, in.ID)
	h.log.InfoContext(r.Context(), "Instance changed", "instance_id", in.ID, "instance", in.Name,
		"account_id", in.AccountID)
	writeData(w, http.StatusOK, newInstanceJSON(&in, account.Username))
}

func (h *Handler) deleteInstance(w http.ResponseWriter, r *http.Request) {
	in, err := h.instanceByPath(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	err = h.store.DeleteInstance(r.Context(), in.ID)
	switch {
	case errors.Is(err, store.ErrNotFound): // deleted meanwhile
		err = instanceNotFound(err, r.PathValue("name"))
	case err != nil:
		err = apperr.Wrap(err, apperr.Internal, "delete instance %q", in.Name)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.invalidate(r, in.ID)
	h.log.InfoContext(r.Context(), "Instance deleted", "instance_id", in.ID, "instance", in.Name)
	writeData(w, http.StatusOK, newInstanceJSON(in, h.username(r, in.AccountID)))
}

// instanceByPath returns the instance that the {name} of the path names. Like the content
// APIs, a number that matches no name is taken as an instance id.
func (h *Handler) instanceByPath(r *http.Request) (*store.Instance, error) {
	name := r.PathValue("name")
	in, err := h.store.InstanceByName(r.Context(), name)
	if errors.Is(err, store.ErrNotFound) {
		if id, convErr := strconv.ParseInt(strings.TrimSpace(name), 10, 64); convErr == nil {
			in, err = h.store.Instance(r.Context(), id)
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, instanceNotFound(err, name)
	}
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "read instance %q", name)
	}
	return in, nil
}

func instanceNotFound(err error, name string) error {
	return apperr.Wrap(err, apperr.NotFound,
		"instance %q not found: GET /admin/api/instances lists the instances", name)
}

// username returns the username of an account for a response, or "" when it cannot be read.
func (h *Handler) username(r *http.Request, accountID int64) string {
	a, err := h.store.Account(r.Context(), accountID)
	if err != nil {
		return ""
	}
	return a.Username
}

// saveError maps a store error of CreateInstance or UpdateInstance. The request was checked
// before, so a missing account means it was disconnected meanwhile.
func saveError(err error, in *store.Instance) error {
	switch {
	case errors.Is(err, store.ErrConflict):
		return conflict(err, "an instance named %q exists already: choose another name", in.Name)
	case errors.Is(err, store.ErrNotFound):
		return apperr.Wrap(err, apperr.NotFound,
			"account %d not found: GET /admin/api/accounts lists the connected accounts", in.AccountID)
	}
	return apperr.Wrap(err, apperr.Internal, "save instance %q", in.Name)
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.logError(r, "Admin request failed", err)
	writeError(w, err)
}
