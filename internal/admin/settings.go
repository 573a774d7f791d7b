package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/source"
	"github.com/igsource/igsource/internal/store"
)

// accountRef is the "account" member of a request: an igsource account id as a JSON number,
// or a username, igsource id or Instagram account id as a string.
type accountRef struct {
	id   int64
	name string
}

// UnmarshalJSON accepts a positive integer or a non-empty string.
func (a *accountRef) UnmarshalJSON(data []byte) error {
	if bytes.HasPrefix(data, []byte(`"`)) {
		if err := json.Unmarshal(data, &a.name); err != nil {
			return err
		}
		a.name = strings.TrimSpace(a.name)
		if a.name == "" || a.name == "@" {
			return apperr.New(apperr.Invalid, "invalid field \"account\": empty: give the id or username of a connected account")
		}
		return nil
	}
	id, err := strconv.ParseInt(string(data), 10, 64)
	if err != nil || id <= 0 {
		return apperr.New(apperr.Invalid, "invalid field \"account\": %s: give a positive account id or a username string", data)
	}
	a.id = id
	return nil
}

func (a accountRef) String() string {
	if a.name != "" {
		return a.name
	}
	return strconv.FormatInt(a.id, 10)
}

// applyRequest validates req and copies it onto in, which is current's copy when changing an
// instance and empty when creating one. It returns the account that in reads.
func (h *Handler) applyRequest(r *http.Request, req *instanceRequest, in, current *store.Instance) (*store.Account, error) {
	if req.Name != nil {
		name := strings.TrimSpace(*req.Name)
		if err := validateName(name, current != nil); err != nil {
			return nil, err
		}
		in.Name = name
	}
	var account *store.Account
	var err error
	if req.Account != nil {
		account, err = h.findAccount(r, *req.Account)
	} else {
		account, err = h.findAccount(r, accountRef{id: in.AccountID})
	}
	if err != nil {
		return nil, err
	}
	in.AccountID = account.ID
	switch {
	case req.Page != nil:
		in.PageID, err = choosePage(account, strings.TrimSpace(*req.Page))
	case current == nil || current.AccountID != account.ID:
		in.PageID, err = choosePage(account, "")
	}
	if err != nil {
		return nil, err
	}
	if req.DefaultCache != nil {
		seconds := *req.DefaultCache
		if seconds < 0 || seconds > source.MaxCacheSeconds {
			return nil, apperr.New(apperr.Invalid, "invalid field \"defaultCache\": %d: give seconds from 0 to %d, "+
				"where 0 sets the default of %d", seconds, source.MaxCacheSeconds, store.DefaultCacheSeconds)
		}
		in.CacheSeconds = seconds
	}
	return account, nil
}

// validateName checks a trimmed instance name. On creation an empty name selects the default
// name, but it is invalid as a new name.
func validateName(name string, renaming bool) error {
	switch {
	case name == "" && renaming:
		return apperr.New(apperr.Invalid, "invalid field \"name\": empty: give the new name, or leave the field out to keep the name")
	case utf8.RuneCountInString(name) > store.MaxInstanceNameLength:
		return apperr.New(apperr.Invalid, "invalid field \"name\" %q: longer than %d characters", name, store.MaxInstanceNameLength)
	case strings.ContainsFunc(name, unicode.IsControl):
		return apperr.New(apperr.Invalid, "invalid field \"name\" %q: contains a control character", name)
	}
	return nil
}

func (h *Handler) findAccount(r *http.Request, ref accountRef) (*store.Account, error) {
	var account *store.Account
	var err error
	if ref.name != "" {
		account, err = h.store.AccountByName(r.Context(), ref.name)
	} else {
		account, err = h.store.Account(r.Context(), ref.id)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, apperr.Wrap(err, apperr.NotFound,
			"account %q not found: GET /admin/api/accounts lists the connected accounts", ref)
	case errors.Is(err, store.ErrConflict):
		return nil, apperr.Wrap(err, apperr.Invalid,
			"account %q matches more than one account: give the account id as a number", ref)
	case err != nil:
		return nil, apperr.Wrap(err, apperr.Internal, "read account %q", ref)
	}
	return account, nil
}

// choosePage returns the Page an instance of account reads: none for Instagram Login, and for
// Facebook Login pageID, or when it is empty the Page linked to the account's Instagram
// account. Only a Page with a linked Instagram professional account can be read.
func choosePage(account *store.Account, pageID string) (string, error) {
	if account.Kind != instagram.KindFacebook {
		if pageID != "" {
			return "", apperr.New(apperr.Invalid, "invalid field \"page\" %q: @%s uses Instagram Login, which reads "+
				"no Facebook Page: leave the field out", pageID, account.Username)
		}
		return "", nil
	}
	if pageID == "" {
		return defaultPage(account)
	}
	for _, p := range account.Pages {
		if p.ID != pageID {
			continue
		}
		if p.UserID == "" {
			return "", apperr.New(apperr.Invalid, "invalid field \"page\" %q: Page %q has no linked Instagram "+
				"professional account: %s", pageID, p.Name, describePages(account.Pages))
		}
		return p.ID, nil
	}
	return "", apperr.New(apperr.Invalid, "invalid field \"page\" %q: not a Page of @%s: %s",
		pageID, account.Username, describePages(account.Pages))
}

// defaultPage returns the Page linked to the account's Instagram account, or the only Page
// with a linked Instagram account.
func defaultPage(account *store.Account) (string, error) {
	var linked []string
	for _, p := range account.Pages {
		if p.UserID == "" {
			continue
		}
		if p.UserID == account.UserID {
			return p.ID, nil
		}
		linked = append(linked, p.ID)
	}
	if len(linked) == 1 {
		return linked[0], nil
	}
	return "", apperr.New(apperr.Invalid, "missing field \"page\": @%s uses Facebook Login, so give the id of "+
		"the Page to read: %s", account.Username, describePages(account.Pages))
}

func describePages(pages []store.Page) string {
	var usable []string
	for _, p := range pages {
		if p.UserID != "" {
			usable = append(usable, fmt.Sprintf("%s (%s)", p.ID, p.Name))
		}
	}
	if len(usable) == 0 {
		return "the account has no Page with a linked Instagram professional account, so link one and reconnect"
	}
	return "the Pages with a linked Instagram account are " + strings.Join(usable, ", ")
}
