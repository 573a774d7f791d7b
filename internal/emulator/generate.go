package emulator

import (
	"time"
)

// mediaShape describes one media to generate.
type mediaShape struct {
	Type         string
	ProductType  string
	Children     int
	VideoKids    int
	NoCaption    bool
	Withheld     bool
	NoPermalink  bool
	NoTimestamp  bool
	HideLikes    bool
	NotShared    bool // a reel not shared to the feed
	Large        bool
	CaptionIndex int // into captions; -1 picks one at random
}

// seededShapes are the first media of the creator account, newest first. They pin the cases
// that clients must handle, so that tests find them at known positions.
var seededShapes = []mediaShape{
	{Type: typeImage, CaptionIndex: 0},
	{Type: typeImage, Large: true, CaptionIndex: 1},
	{Type: typeVideo, ProductType: productReels, Withheld: true, NotShared: true, CaptionIndex: 11},
	{Type: typeCarousel, Children: 10, VideoKids: 3, CaptionIndex: 3},
	{Type: typeImage, NoCaption: true},
	{Type: typeImage, Withheld: true, NoPermalink: true, NoTimestamp: true, NoCaption: true},
	{Type: typeVideo, Large: true, CaptionIndex: 7},
	{Type: typeVideo, ProductType: productReels, HideLikes: true, CaptionIndex: 2},
	{Type: typeCarousel, Children: 2, CaptionIndex: 4},
	{Type: typeImage, CaptionIndex: 5},
	{Type: typeImage, CaptionIndex: 6},
	{Type: typeImage, CaptionIndex: 8},
	{Type: typeImage, CaptionIndex: 9},
	{Type: typeVideo, Withheld: true, CaptionIndex: 10},
	{Type: typeCarousel, Children: 4, VideoKids: 1, CaptionIndex: 14},
	{Type: typeImage, CaptionIndex: 15},
}

// generateAccountMedia returns n media of the account spread over span, newest first. With
// seeded, the first media follow seededShapes.
func (d *dataset) generateAccountMedia(a *igAccount, n int, span time.Duration, seeded bool) []*mediaItem {
	media := make([]*mediaItem, 0, n)
	step := span / time.Duration(n)
	for i := range n {
		shape := d.randomShape()
		if seeded && i < len(seededShapes) {
			shape = seededShapes[i]
		}
		jitter := time.Duration(d.rng.Int64N(int64(step / 2)))
		created := d.anchor.Add(-time.Hour - time.Duration(i)*step - jitter).Truncate(time.Second)
		media = append(media, d.newMedia(a, shape, created))
	}
	sortMedia(media)
	return media
}

// randomShape picks a media kind with roughly the mix of a real creator account.
func (d *dataset) randomShape() mediaShape {
	s := mediaShape{CaptionIndex: -1}
	switch r := d.rng.IntN(100); {
	case r < 45:
		s.Type = typeImage
	case r < 62:
		s.Type = typeVideo
	case r < 78:
		s.Type, s.ProductType = typeVideo, productReels
		s.NotShared = d.rng.IntN(4) == 0
	default:
		s.Type = typeCarousel
		s.Children = 2 + d.rng.IntN(9)
		s.VideoKids = d.rng.IntN(s.Children / 2)
	}
	s.NoCaption = d.rng.IntN(12) == 0
	s.HideLikes = d.rng.IntN(10) == 0
	s.Withheld = s.Type == typeVideo && d.rng.IntN(15) == 0
	return s
}

// newMedia creates a media (and its children) owned by a, or public hashtag media when a is nil.
func (d *dataset) newMedia(a *igAccount, s mediaShape, created time.Time) *mediaItem {
	m := &mediaItem{
		ID:          d.newMediaID(),
		Type:        s.Type,
		ProductType: s.ProductType,
		Shortcode:   d.newShortcode(),
		Created:     created,
		NoTimestamp: s.NoTimestamp,
		NoPermalink: s.NoPermalink,
		Withheld:    s.Withheld,
		LikeCount:   d.rng.IntN(900),
		HideLikes:   s.HideLikes,
		Comments:    d.rng.IntN(60),
		Large:       s.Large,
		Public:      a == nil,
	}
	if m.ProductType == "" {
		m.ProductType = productFeed
	}
	if a != nil {
		m.OwnerID, m.Username = a.ID, a.Username
	}
	if m.ProductType == productReels {
		shared := !s.NotShared
		m.SharedToFeed = &shared
	}
	if !s.NoCaption {
		i := s.CaptionIndex
		if i < 0 || i >= len(captions) {
			i = d.rng.IntN(len(captions))
		}
		text := captions[i]
		m.Caption = &text
	}
	for k := range s.Children {
		kind := typeImage
		if k >= s.Children-s.VideoKids {
			kind = typeVideo
		}
		child := d.newMedia(a, mediaShape{Type: kind, NoCaption: true}, created)
		child.Parent = m
		m.Children = append(m.Children, child)
	}
	d.media[m.ID] = m
	return m
}
