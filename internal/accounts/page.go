package accounts

import (
	"html/template"
	"net/http"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

// accountsPage lists the accounts with their status, expiry and the actions that apply. Forms
// post to the same origin, which the cross-site check accepts.
var accountsPage = template.Must(template.New("accounts").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Accounts · igsource</title></head>
<body>
<h1>Accounts</h1>
<p><a href="/admin/connect/instagram">Connect an account with Instagram Login</a> ·
<a href="/admin/connect/facebook">Connect an account with Facebook Login</a></p>
{{if .}}<table>
<thead><tr><th>ID</th><th>Account</th><th>Login</th><th>Status</th><th>Token expires</th><th></th></tr></thead>
<tbody>
{{range .}}<tr>
<td>{{.ID}}</td><td>@{{.Username}}</td><td>{{.Login}}</td>
<td>{{.Status}}{{if .StatusMessage}}: {{.StatusMessage}}{{end}}</td>
<td>{{if .ExpiresAt}}{{.ExpiresAt}}{{else}}unknown{{end}}</td>
<td>{{if .NeedsReauth}}<a href="/admin/connect/{{.Kind}}">Reconnect</a>{{else if .Refreshable}}<form method="post" action="/admin/accounts/{{.ID}}/refresh"><button type="submit">Refresh token</button></form>{{end}}</td>
</tr>
{{end}}</tbody>
</table>{{else}}<p>No account is connected yet.</p>{{end}}
</body>
</html>
`))

// accountRow is an account as the accounts page shows it.
type accountRow struct {
	ID            int64
	Username      string
	Kind          instagram.Kind
	Login         string
	Status        store.AccountStatus
	StatusMessage string
	ExpiresAt     string
	NeedsReauth   bool
	Refreshable   bool
}

func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	list, err := h.svc.Accounts(r.Context())
	if err != nil {
		h.logError(r, "Listing accounts failed", err)
		writePage(w, http.StatusInternalServerError, "Accounts", apperr.MessageOf(err))
		return
	}
	rows := make([]accountRow, 0, len(list))
	for _, a := range list {
		rows = append(rows, accountRow{ID: a.ID, Username: a.Username, Kind: a.Kind, Login: kindName(a.Kind) + " Login",
			Status: a.Status, StatusMessage: a.StatusMessage, ExpiresAt: formatTime(a.TokenExpiresAt),
			NeedsReauth: a.Status == store.StatusNeedsReauth, Refreshable: a.Kind == instagram.KindInstagram})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := accountsPage.Execute(w, rows); err != nil {
		h.logError(r, "Rendering the accounts page failed", err)
	}
}

// refreshForm handles the accounts page's refresh button and returns to the page.
func (h *Handler) refreshForm(w http.ResponseWriter, r *http.Request) {
	if crossSite(r) {
		writePage(w, http.StatusBadRequest, "Refresh rejected", "Cross-site request rejected: use the accounts page.")
		return
	}
	id, err := parseAccountID(r.PathValue("id"))
	if err != nil {
		writePage(w, http.StatusBadRequest, "Refresh rejected", apperr.MessageOf(err))
		return
	}
	if _, err := h.svc.Refresh(r.Context(), id); err != nil {
		h.logError(r, "Refreshing a token failed", err)
		writePage(w, apperr.HTTPStatus(apperr.CodeOf(err)), "The token was not refreshed", apperr.MessageOf(err))
		return
	}
	http.Redirect(w, r, "/admin/accounts", http.StatusSeeOther)
}
