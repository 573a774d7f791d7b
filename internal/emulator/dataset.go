package emulator

import (
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Media types and product types as Meta spells them.
const (
	typeImage    = "IMAGE"
	typeVideo    = "VIDEO"
	typeCarousel = "CAROUSEL_ALBUM"
	productFeed  = "FEED"
	productReels = "REELS"
)

// mediaItem is one IG Media node of the dataset.
type mediaItem struct {
	ID           string
	OwnerID      string // professional account id; empty for public hashtag media
	Username     string
	Caption      *string
	Type         string
	ProductType  string
	Shortcode    string
	Created      time.Time
	NoTimestamp  bool // the timestamp member is omitted, as seen on some withheld media
	NoPermalink  bool
	Withheld     bool // copyright-withheld: no media_url
	LikeCount    int
	HideLikes    bool
	Comments     int
	SharedToFeed *bool // reels only
	Children     []*mediaItem
	Parent       *mediaItem
	Deleted      bool
	Large        bool // served as the large CDN file (about 200 KB image or 5 MB video)
	Public       bool // found through a hashtag edge: no username, albums without media_url
}

// isVideo reports whether the media's own file is an MP4.
func (m *mediaItem) isVideo() bool { return m.Type == typeVideo }

// igAccount is an Instagram professional account with its media, newest first.
type igAccount struct {
	AppScopedID string // Instagram Login only
	ID          string // professional account id, 17841…
	Username    string
	Name        string
	AccountType string
	Biography   string
	Website     string
	Followers   int
	Follows     int
	Media       []*mediaItem
}

// visibleMedia returns the account's media that are not deleted, newest first.
func (a *igAccount) visibleMedia() []*mediaItem {
	out := make([]*mediaItem, 0, len(a.Media))
	for _, m := range a.Media {
		if !m.Deleted {
			out = append(out, m)
		}
	}
	return out
}

// sortMedia orders media newest first, by id within the same second, as Meta lists them.
func sortMedia(media []*mediaItem) {
	slices.SortStableFunc(media, func(a, b *mediaItem) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
}

// page is a Facebook Page that the Facebook user can act on.
type page struct {
	ID          string
	Name        string
	Category    string
	CategoryID  string
	Tasks       []string
	IGAccountID string // linked Instagram business account; empty when none
	Token       string
}

// facebookUser is the Facebook user behind the Facebook Login tokens.
type facebookUser struct {
	ID   string
	Name string
}

// dataset is the emulator's mutable world. Callers hold Emulator.mu.
type dataset struct {
	rng      *rand.Rand
	anchor   time.Time
	creator  *igAccount
	business *igAccount
	user     facebookUser
	pages    []*page
	media    map[string]*mediaItem // every media of both accounts and hashtags, children included
	ids      map[string]bool       // every id handed out, to keep them unique
	hashtags map[string]*hashtag   // searched hashtags by id
}

// generateDataset builds the seeded world. Timestamps count back from an anchor one minute
// before now, so that the same seed gives the same ids and texts at any time.
func generateDataset(seed int64, now time.Time) *dataset {
	d := &dataset{
		rng:      rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)),
		anchor:   now.UTC().Truncate(time.Minute).Add(-time.Minute),
		media:    map[string]*mediaItem{},
		ids:      map[string]bool{},
		hashtags: map[string]*hashtag{},
	}
	d.creator = &igAccount{
		AppScopedID: d.newID("2", 17),
		ID:          d.newID("17841", 17),
		Username:    "igsource.demo",
		Name:        "igsource Demo Creator",
		AccountType: "MEDIA_CREATOR",
		Biography:   "Coffee, trains and sourdough ☕🚆🍞\nPosts in five languages.",
		Website:     "https://example.com/igsource-demo",
		Followers:   12873,
		Follows:     311,
	}
	d.business = &igAccount{
		ID:          d.newID("17841", 17),
		Username:    "lakeside.bakery",
		Name:        "Lakeside Bakery",
		AccountType: "BUSINESS",
		Biography:   "Fresh bread every morning since 1987. Order online ⬇️",
		Website:     "https://example.com/lakeside-bakery",
		Followers:   4410,
		Follows:     128,
	}
	d.creator.Media = d.generateAccountMedia(d.creator, 172, 2*365*24*time.Hour, true)
	d.business.Media = d.generateAccountMedia(d.business, 60, 365*24*time.Hour, false)
	d.user = facebookUser{ID: d.newID("100", 15), Name: "Dana Example"}
	d.pages = []*page{
		{ID: d.newID("1", 16), Name: "Lakeside Bakery", Category: "Bakery",
			CategoryID: "197871390225897", IGAccountID: d.business.ID,
			Tasks: []string{"ANALYZE", "ADVERTISE", "MESSAGING", "MODERATE", "CREATE_CONTENT", "MANAGE"}},
		{ID: d.newID("1", 15), Name: "Dana's Side Project", Category: "Personal blog",
			CategoryID: "2700", Tasks: []string{"ANALYZE", "CREATE_CONTENT", "MODERATE"}},
	}
	return d
}

// newID returns an unused id of n digits starting with prefix.
func (d *dataset) newID(prefix string, n int) string {
	for {
		var b strings.Builder
		b.WriteString(prefix)
		for b.Len() < n {
			b.WriteByte(byte('0' + d.rng.IntN(10)))
		}
		if id := b.String(); !d.ids[id] {
			d.ids[id] = true
			return id
		}
	}
}

// newMediaID returns an unused media id of 17 to 19 digits, as Meta's are.
func (d *dataset) newMediaID() string {
	return d.newID("1"+string(rune('7'+d.rng.IntN(2))), 17+d.rng.IntN(3))
}

const shortcodeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

func (d *dataset) newShortcode() string {
	b := make([]byte, 11)
	for i := range b {
		b[i] = shortcodeAlphabet[d.rng.IntN(len(shortcodeAlphabet))]
	}
	return string(b)
}

// findAccount returns the account with the given professional or app-scoped id.
func (d *dataset) findAccount(id string) *igAccount {
	for _, a := range []*igAccount{d.creator, d.business} {
		if id == a.ID || (a.AppScopedID != "" && id == a.AppScopedID) {
			return a
		}
	}
	return nil
}

func (d *dataset) findPage(id string) *page {
	for _, p := range d.pages {
		if p.ID == id {
			return p
		}
	}
	return nil
}
