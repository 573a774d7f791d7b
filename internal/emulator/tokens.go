package emulator

import (
	"crypto/rand"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Meta states token expiry in Pacific time; the zone must load everywhere

	"github.com/igsource/igsource/internal/instagram"
)

// AccountKey is the id of the account a token acts for: the Instagram professional account id
// (17841…) for Instagram Login tokens, and the Facebook user id or a Page id for Facebook Login
// tokens.
type AccountKey string

// TokenRecord is the emulator's record of an issued token.
type TokenRecord struct {
	Kind    instagram.Kind
	Account AccountKey
	Issued  time.Time
	Expires time.Time // zero for a token that never expires (Page tokens)
	// RevokedSubcode is the error_subcode sent once the token was revoked. Revoked records
	// whether it was, because Meta sends 0 as a subcode too.
	RevokedSubcode int
	Revoked        bool
}

// Token prefixes as observed on Meta's tokens.
const (
	prefixInstagramToken = "IGAA"
	prefixFacebookToken  = "EAA"
)

const tokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// IssueToken mints a random token of the given kind for account, valid for lifetime from now
// on the emulator clock. A lifetime of zero or less gives a token that never expires.
func (e *Emulator) IssueToken(kind instagram.Kind, account AccountKey, lifetime time.Duration) string {
	prefix := prefixFacebookToken
	if kind == instagram.KindInstagram {
		prefix = prefixInstagramToken
	}
	token := prefix + randomString(140)
	now := e.clock.Now()
	rec := &TokenRecord{Kind: kind, Account: account, Issued: now}
	if lifetime > 0 {
		rec.Expires = now.Add(lifetime)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tokens[token] = rec
	return token
}

// randomString returns n characters from crypto/rand, so that tokens cannot be guessed.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error since Go 1.24
	for i := range b {
		b[i] = tokenAlphabet[int(b[i])%len(tokenAlphabet)]
	}
	return string(b)
}

// Token returns a copy of the record of token.
func (e *Emulator) Token(token string) (TokenRecord, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	rec, ok := e.tokens[token]
	if !ok {
		return TokenRecord{}, false
	}
	return *rec, true
}

// RevokeToken makes token fail with code 190 and the given subcode: 460 gives Meta's
// invalidated-session message, any other value the session-expired message.
func (e *Emulator) RevokeToken(token string, subcode int) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	rec, ok := e.tokens[token]
	if !ok {
		return fmt.Errorf("revoke token: token %s is unknown to the emulator", redactToken(token))
	}
	rec.Revoked, rec.RevokedSubcode = true, subcode
	return nil
}

// ExpireToken moves the token's expiry to now, so that it fails with code 190, subcode 463.
func (e *Emulator) ExpireToken(token string) error {
	now := e.clock.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	rec, ok := e.tokens[token]
	if !ok {
		return fmt.Errorf("expire token: token %s is unknown to the emulator", redactToken(token))
	}
	rec.Expires = now.Add(-time.Second)
	return nil
}

// redactToken keeps a token's prefix only, for error messages and logs.
func redactToken(token string) string {
	if len(token) > 6 {
		return token[:6] + "…"
	}
	return "…"
}

// authenticate checks token for a call on host. Callers hold e.mu.
func (e *Emulator) authenticate(host Host, token string, now time.Time) (*TokenRecord, *graphError) {
	if token == "" {
		return nil, &graphError{Code: 2500, Token: true,
			Message: "An active access token must be used to query information about the current user."}
	}
	rec, ok := e.tokens[token]
	if !ok || rec.Kind != host.kind() || !strings.HasPrefix(token, host.tokenPrefix()) {
		return nil, &graphError{Code: 190, Token: true,
			Message: "Invalid OAuth access token - Cannot parse access token"}
	}
	if rec.Revoked {
		return nil, revokedError(rec, now)
	}
	if !rec.Expires.IsZero() && !now.Before(rec.Expires) {
		return nil, &graphError{Code: 190, Subcode: ptr(463), Token: true,
			Message: sessionExpiredMessage(rec.Expires, now)}
	}
	return rec, nil
}

func revokedError(rec *TokenRecord, now time.Time) *graphError {
	if rec.RevokedSubcode == 460 {
		return &graphError{Code: 190, Subcode: ptr(460), Token: true,
			Message: "Error validating access token: The session has been invalidated because the user " +
				"changed their password or Facebook has changed the session for security reasons."}
	}
	expired := rec.Expires
	if expired.IsZero() || expired.After(now) {
		expired = now.Add(-time.Minute)
	}
	return &graphError{Code: 190, Subcode: ptr(rec.RevokedSubcode), Token: true,
		Message: sessionExpiredMessage(expired, now)}
}

// pacific is the zone of the times in Meta's session-expired message.
var pacific = loadPacific()

func loadPacific() *time.Location {
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		return time.FixedZone("PST", -8*60*60)
	}
	return loc
}

// sessionExpiredMessage formats Meta's text, such as "Error validating access token: Session has
// expired on Monday, 01-Dec-25 11:00:00 PST. The current time is Monday, 01-Dec-25 12:00:00 PST."
func sessionExpiredMessage(expired, now time.Time) string {
	const layout = "Monday, 02-Jan-06 15:04:05 MST"
	return fmt.Sprintf("Error validating access token: Session has expired on %s. The current time is %s.",
		expired.In(pacific).Format(layout), now.In(pacific).Format(layout))
}

func ptr[T any](v T) *T { return &v }

// issuePageTokens gives every seeded Page a Page token that never expires, as Page tokens
// derived from a long-lived user token do.
func (e *Emulator) issuePageTokens() {
	for _, p := range e.data.pages {
		p.Token = e.IssueToken(instagram.KindFacebook, AccountKey(p.ID), 0)
	}
}
