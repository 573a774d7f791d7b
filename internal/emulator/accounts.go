package emulator

import (
	"fmt"
	"time"

	"github.com/igsource/igsource/internal/instagram"
)

// DemoAccounts are the ids of the seeded accounts, for minting tokens and building requests.
type DemoAccounts struct {
	CreatorAppScopedID string // /me id of the Instagram Login account
	CreatorUserID      string // professional account id (17841…) of the Instagram Login account
	CreatorUsername    string
	BusinessUserID     string // professional account id of the account linked to a Page
	BusinessUsername   string
	FacebookUserID     string
	FacebookUserName   string
	Pages              []DemoPage
}

// DemoPage is a seeded Facebook Page.
type DemoPage struct {
	ID                         string
	Name                       string
	AccessToken                string // a Page token that never expires
	InstagramBusinessAccountID string // empty for the Page without a linked account
}

// Accounts returns the seeded accounts.
func (e *Emulator) Accounts() DemoAccounts {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := e.data
	out := DemoAccounts{
		CreatorAppScopedID: d.creator.AppScopedID,
		CreatorUserID:      d.creator.ID,
		CreatorUsername:    d.creator.Username,
		BusinessUserID:     d.business.ID,
		BusinessUsername:   d.business.Username,
		FacebookUserID:     d.user.ID,
		FacebookUserName:   d.user.Name,
	}
	for _, p := range d.pages {
		out.Pages = append(out.Pages, DemoPage{ID: p.ID, Name: p.Name, AccessToken: p.Token,
			InstagramBusinessAccountID: p.IGAccountID})
	}
	return out
}

// DemoTokens are tokens for the seeded accounts.
type DemoTokens struct {
	Instagram string // Instagram Login token of the creator account (IGAA…)
	Facebook  string // Facebook Login user token of the Facebook user (EAA…)
}

// DemoTokens mints a token of each login kind, valid for lifetime (0 or less: never expires).
func (e *Emulator) DemoTokens(lifetime time.Duration) DemoTokens {
	accounts := e.Accounts()
	return DemoTokens{
		Instagram: e.IssueToken(instagram.KindInstagram, AccountKey(accounts.CreatorUserID), lifetime),
		Facebook:  e.IssueToken(instagram.KindFacebook, AccountKey(accounts.FacebookUserID), lifetime),
	}
}

// NewMedia describes a media for AddMedia.
type NewMedia struct {
	Type        string    // IMAGE, VIDEO or CAROUSEL_ALBUM; empty means IMAGE
	ProductType string    // FEED or REELS; empty means FEED
	Caption     *string   // nil gives a media without caption
	Timestamp   time.Time // zero means now on the emulator clock
	Children    int       // number of album children, 2 to 10; 0 means 2
	Withheld    bool      // copyright-withheld: no media_url
	HideLikes   bool      // like_count omitted
}

// AddMedia adds a media to the account with this professional id and returns the media id.
func (e *Emulator) AddMedia(account string, nm NewMedia) (string, error) {
	if nm.Type == "" {
		nm.Type = typeImage
	}
	switch nm.Type {
	case typeImage, typeVideo, typeCarousel:
	default:
		return "", fmt.Errorf("add media: type %q is not IMAGE, VIDEO or CAROUSEL_ALBUM", nm.Type)
	}
	if nm.Children == 0 {
		nm.Children = 2
	}
	if nm.Type == typeCarousel && (nm.Children < 2 || nm.Children > 10) {
		return "", fmt.Errorf("add media: an album has 2 to 10 children, not %d", nm.Children)
	}
	created := nm.Timestamp
	if created.IsZero() {
		created = e.clock.Now()
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.data.findAccount(account)
	if a == nil {
		return "", fmt.Errorf("add media: no account with id %s; use Accounts() for the seeded ids", account)
	}

	shape := mediaShape{Type: nm.Type, ProductType: nm.ProductType, NoCaption: true,
		Withheld: nm.Withheld, HideLikes: nm.HideLikes}
	if nm.Type == typeCarousel {
		shape.Children = nm.Children
	}
	m := e.data.newMedia(a, shape, created.UTC().Truncate(time.Second))
	if nm.Caption != nil {
		text := *nm.Caption
		m.Caption = &text
	}
	a.Media = append(a.Media, m)
	sortMedia(a.Media)
	return m.ID, nil
}

// DeleteMedia deletes a media (an account's media or an album child): reads of it fail with
// code 100, subcode 33, and its CDN links return 404.
func (e *Emulator) DeleteMedia(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := e.data.media[id]
	if m == nil || m.Deleted {
		return fmt.Errorf("delete media: no media with id %s", id)
	}
	m.Deleted = true
	if p := m.Parent; p != nil {
		kids := p.Children[:0:0]
		for _, k := range p.Children {
			if k != m {
				kids = append(kids, k)
			}
		}
		p.Children = kids
	}
	return nil
}

// MediaIDs returns the ids of an account's media that are not deleted, newest first.
func (e *Emulator) MediaIDs(account string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.data.findAccount(account)
	if a == nil {
		return nil
	}
	var ids []string
	for _, m := range a.visibleMedia() {
		ids = append(ids, m.ID)
	}
	return ids
}
