package emulator

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"
)

// Hashtag search limits as Meta documents them.
const (
	hashtagBudget     = 30                 // unique hashtags per IG account per rolling window
	hashtagWindow     = 7 * 24 * time.Hour // the rolling window
	maxHashtagLimit   = 50                 // page size limit of top_media and recent_media
	topMediaCount     = 120
	recentMediaCount  = 80
	recentMediaMaxAge = 24 * time.Hour // recent_media covers the last 24 hours only
)

// hashtag is a searched hashtag with its generated public media.
type hashtag struct {
	ID     string
	Name   string
	top    []*mediaItem
	recent map[int64]*mediaItem // recent media by time window, generated on first read
}

// hashtagID returns the global id of a hashtag name: the same for every app and account, as
// Meta's hashtag ids are.
func hashtagID(name string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(strings.ToLower(name)))
	return fmt.Sprintf("17843%012d", h.Sum64()%1_000_000_000_000)
}

// validHashtag reports whether q can be a hashtag: letters, combining marks, digits and
// underscores. Meta rejects emoji queries.
func validHashtag(q string) bool {
	for _, r := range q {
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.IsDigit(r) && r != '_' {
			return false
		}
	}
	return q != ""
}

// serveHashtagSearch serves GET /ig_hashtag_search?user_id=&q= on graph.facebook.com.
func (e *Emulator) serveHashtagSearch(req *graphRequest) graphResult {
	if req.host != HostFacebook {
		return graphResult{err: errNoObject("ig_hashtag_search")}
	}
	account, gerr := e.hashtagAccount(req)
	if gerr != nil {
		return graphResult{err: gerr}
	}
	fields, gerr := parseFields(req.query.Get("fields"))
	if gerr == nil {
		gerr = checkFields(fields, hashtagFields, nodeHashtag)
	}
	if gerr != nil {
		return graphResult{err: gerr}
	}

	q := strings.TrimSpace(req.query.Get("q"))
	if q == "" {
		return graphResult{err: errParam("The parameter q is required")}
	}
	if !validHashtag(q) {
		return graphResult{err: errParam("Param q must be a hashtag name without # and emoji, not %q", q)}
	}

	name := strings.ToLower(q)
	if gerr := e.spendHashtagBudget(account, name, req.now); gerr != nil {
		return graphResult{err: gerr}
	}
	id := hashtagID(name)
	if e.data.hashtags[id] == nil {
		e.data.hashtags[id] = &hashtag{ID: id, Name: name}
	}
	return graphResult{body: map[string]any{"data": []*object{renderPair(fields, id, name)}}}
}

// hashtagAccount returns the IG account named by the required user_id parameter.
func (e *Emulator) hashtagAccount(req *graphRequest) (string, *graphError) {
	userID := req.query.Get("user_id")
	if userID == "" {
		return "", errParam("The parameter user_id is required")
	}
	a := e.data.findAccount(userID)
	if a == nil || !e.canReadAccount(req, a) {
		return "", errNoObject(userID)
	}
	return a.ID, nil
}

// spendHashtagBudget counts name against the account's 30 unique hashtags per rolling 7 days.
// A repeat search of a counted name neither counts again nor restarts its window.
func (e *Emulator) spendHashtagBudget(account, name string, now time.Time) *graphError {
	if e.hashtagSearches == nil {
		e.hashtagSearches = map[string]map[string]time.Time{}
	}
	searched := e.hashtagSearches[account]
	if searched == nil {
		searched = map[string]time.Time{}
		e.hashtagSearches[account] = searched
	}
	for tag, first := range searched {
		if now.Sub(first) >= hashtagWindow {
			delete(searched, tag)
		}
	}
	if _, ok := searched[name]; ok {
		return nil
	}
	if len(searched) >= hashtagBudget {
		// NOTE: Meta documents no error for an exhausted hashtag budget, and no captured one is
		// known. Code 18 with this message is the emulator's choice.
		return &graphError{Code: 18, Message: fmt.Sprintf("(#18) This Instagram account has searched "+
			"%d unique hashtags in the last 7 days, the maximum. Wait until a hashtag leaves the window.",
			hashtagBudget)}
	}
	searched[name] = now
	return nil
}

// serveHashtagMedia serves /{hashtag-id}/top_media and /recent_media: user_id required, at
// most 50 per page, an after cursor that is the same on every page (the position travels in
// the offset parameter of the next link) and no paging member on the last page.
func (e *Emulator) serveHashtagMedia(req *graphRequest) graphResult {
	h := e.data.hashtags[req.segments[0]]
	if req.host != HostFacebook || h == nil {
		return graphResult{err: errNoObject(req.segments[0])}
	}
	if _, gerr := e.hashtagAccount(req); gerr != nil {
		return graphResult{err: gerr}
	}
	fields, gerr := parseFields(req.query.Get("fields"))
	if gerr == nil {
		gerr = checkMediaFields(fields, true)
	}
	if gerr != nil {
		return graphResult{err: gerr}
	}

	// NOTE: a limit above 50 is lowered to 50; whether Meta lowers it or fails is not documented.
	limit, gerr := parseLimit(req.query, defaultLimit, maxHashtagLimit)
	if gerr != nil {
		return graphResult{err: gerr}
	}
	offset, gerr := parseOffset(req)
	if gerr != nil {
		return graphResult{err: gerr}
	}

	list := e.hashtagMedia(h, req.endpoint == EndpointHashtagRecent, req.now)
	start, end := min(offset, len(list)), min(offset+limit, len(list))
	rc := renderContext{e: e, now: req.now, req: req}
	data := make([]*object, 0, end-start)
	for _, m := range list[start:end] {
		data = append(data, rc.media(m, fields))
	}

	body := &object{}
	body.set("data", data)
	if end < len(list) {
		after := base64URL("hashtag:" + h.ID + ":" + req.segments[1])
		body.set("paging", map[string]any{
			"cursors": map[string]string{"after": after},
			"next":    e.pagingLink(req, limit, "after", after, "offset", fmt.Sprint(end)),
		})
	}
	return graphResult{body: body}
}

func parseOffset(req *graphRequest) (int, *graphError) {
	s := req.query.Get("offset")
	if s == "" {
		return 0, nil
	}
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil || n < 0 {
		return 0, errParam("Param offset must be a non-negative integer, not %q", s)
	}
	return n, nil
}

// hashtagMedia returns the hashtag's top or recent media, generating them on first use from
// the hashtag id so that every emulator shows the same media for a hashtag.
func (e *Emulator) hashtagMedia(h *hashtag, recent bool, now time.Time) []*mediaItem {
	if recent {
		return e.recentHashtagMedia(h, now)
	}
	if h.top == nil {
		e.generateHashtagMedia(h)
	}
	return h.top
}

func (e *Emulator) generateHashtagMedia(h *hashtag) {
	d := e.data
	saved := d.rng
	seed := fnv.New64a()
	_, _ = seed.Write([]byte(h.ID))
	d.rng = rand.New(rand.NewPCG(seed.Sum64(), uint64(e.opts.Seed)))
	defer func() { d.rng = saved }()
	for range topMediaCount {
		age := time.Duration(d.rng.Int64N(int64(2 * 365 * 24 * time.Hour)))
		h.top = append(h.top, e.newHashtagMedia(h, d.anchor.Add(-age).Truncate(time.Second)))
	}
}

// newHashtagMedia creates a public media whose caption carries the hashtag.
func (e *Emulator) newHashtagMedia(h *hashtag, created time.Time) *mediaItem {
	d := e.data
	shape := d.randomShape()
	shape.NoCaption = false
	shape.ProductType = ""
	m := d.newMedia(nil, shape, created)
	caption := *m.Caption + " #" + h.Name
	m.Caption = &caption
	return m
}
