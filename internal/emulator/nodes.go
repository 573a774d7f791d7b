package emulator

import (
	"strings"

	"github.com/igsource/igsource/internal/instagram"
)

// Fields of the nodes that only graph.facebook.com serves.
var (
	pageFields = setOf("id", "name", "access_token", "category", "category_list", "tasks",
		"instagram_business_account", "connected_instagram_account")
	fbUserFields  = setOf("id", "name")
	hashtagFields = setOf("id", "name")
)

// canReadAccount reports whether the request's token may read account a: its own account on
// Instagram Login, an account linked to one of the user's Pages on Facebook Login.
func (e *Emulator) canReadAccount(req *graphRequest, a *igAccount) bool {
	switch req.rec.Kind {
	case instagram.KindInstagram:
		return req.host == HostInstagram && string(req.rec.Account) == a.ID
	case instagram.KindFacebook:
		for _, p := range e.readablePages(req) {
			if p.IGAccountID == a.ID {
				return true
			}
		}
	}
	return false
}

// readablePages returns the Pages the token can act on: all of the user's Pages for a user
// token, the Page itself for a Page token.
func (e *Emulator) readablePages(req *graphRequest) []*page {
	if req.rec.Kind != instagram.KindFacebook {
		return nil
	}
	if string(req.rec.Account) == e.data.user.ID {
		return e.data.pages
	}
	if p := e.data.findPage(string(req.rec.Account)); p != nil {
		return []*page{p}
	}
	return nil
}

// readableMedia returns the media with this id if the token may read it, or nil.
func (e *Emulator) readableMedia(req *graphRequest, id string) *mediaItem {
	m := e.data.media[id]
	if m == nil || m.Deleted || m.Public || (m.Parent != nil && m.Parent.Deleted) {
		return nil
	}
	a := e.data.findAccount(m.OwnerID)
	if a == nil || !e.canReadAccount(req, a) {
		return nil
	}
	return m
}

// nodeID returns the id a path segment addresses, resolving "me".
func (e *Emulator) nodeID(req *graphRequest, segment string) string {
	if segment == "me" {
		return e.meID(req)
	}
	return segment
}

// serveNode serves GET /{id} for every node type.
func (e *Emulator) serveNode(req *graphRequest) graphResult {
	fields, gerr := parseFields(req.query.Get("fields"))
	if gerr != nil {
		return graphResult{err: gerr}
	}
	obj, gerr := e.renderNode(req, e.nodeID(req, req.segments[0]), fields)
	return graphResult{body: obj, err: gerr}
}

// renderNode renders the node with this id, or fails with Meta's not-found error when it does
// not exist or the token cannot read it.
func (e *Emulator) renderNode(req *graphRequest, id string, fields []field) (*object, *graphError) {
	rc := renderContext{e: e, now: req.now, req: req}
	if a := e.data.findAccount(id); a != nil && e.canReadAccount(req, a) {
		if gerr := checkUserFields(fields, req.host); gerr != nil {
			return nil, gerr
		}
		return rc.user(a, id, fields), nil
	}
	if m := e.readableMedia(req, id); m != nil {
		if gerr := checkMediaFields(fields, false); gerr != nil {
			return nil, gerr
		}
		return rc.media(m, fields), nil
	}
	if req.host == HostFacebook {
		if obj, gerr, ok := e.renderFacebookNode(req, id, fields); ok {
			return obj, gerr
		}
	}
	return nil, errNoObject(id)
}

// renderFacebookNode renders the Facebook user, a Page or a hashtag. ok is false when id names
// none of them or the token cannot read it.
func (e *Emulator) renderFacebookNode(req *graphRequest, id string, fields []field) (*object, *graphError, bool) {
	d := e.data
	if id == d.user.ID && string(req.rec.Account) == d.user.ID {
		if len(fields) == 0 {
			fields = []field{{Name: "id"}, {Name: "name"}}
		}
		gerr := checkFields(fields, fbUserFields, nodeFBUser)
		return renderPair(fields, d.user.ID, d.user.Name), gerr, true
	}
	for _, p := range e.readablePages(req) {
		if p.ID != id {
			continue
		}
		if len(fields) == 0 {
			fields = []field{{Name: "name"}, {Name: "id"}}
		}
		gerr := checkFields(fields, pageFields, nodePage)
		return renderPage(p, fields), gerr, true
	}
	if h := d.hashtags[id]; h != nil {
		gerr := checkFields(fields, hashtagFields, nodeHashtag)
		return renderPair(fields, h.ID, h.Name), gerr, true
	}
	return nil, nil, false
}

// renderPair renders a node whose only fields are id and name.
func renderPair(fields []field, id, name string) *object {
	o := &object{}
	for _, f := range withID(fields) {
		switch f.Name {
		case "id":
			o.set("id", id)
		case "name":
			o.set("name", name)
		}
	}
	return o
}

// pageDefaultFields are the Page fields of /me/accounts without a fields parameter, as captured.
var pageDefaultFields = []field{{Name: "access_token"}, {Name: "category"}, {Name: "category_list"},
	{Name: "name"}, {Name: "id"}, {Name: "tasks"}}

// renderPage renders a Page; instagram_business_account is omitted when none is linked.
func renderPage(p *page, fields []field) *object {
	o := &object{}
	for _, f := range withID(fields) {
		switch f.Name {
		case "id":
			o.set("id", p.ID)
		case "name":
			o.set("name", p.Name)
		case "access_token":
			o.set("access_token", p.Token)
		case "category":
			o.set("category", p.Category)
		case "category_list":
			o.set("category_list", []map[string]string{{"id": p.CategoryID, "name": p.Category}})
		case "tasks":
			o.set("tasks", p.Tasks)
		case "instagram_business_account", "connected_instagram_account":
			if p.IGAccountID != "" {
				o.set(f.Name, map[string]string{"id": p.IGAccountID})
			}
		}
	}
	return o
}

// serveIDs serves GET /?ids=a,b with an object keyed by id. One unreadable id fails the call.
func (e *Emulator) serveIDs(req *graphRequest) graphResult {
	fields, gerr := parseFields(req.query.Get("fields"))
	if gerr != nil {
		return graphResult{err: gerr}
	}
	out := &object{}
	for _, id := range strings.Split(req.query.Get("ids"), ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		obj, gerr := e.renderNode(req, id, fields)
		if gerr != nil {
			return graphResult{err: gerr}
		}
		out.set(id, obj)
	}
	if len(out.keys) == 0 {
		return graphResult{err: errParam("The parameter ids must name at least one object")}
	}
	return graphResult{body: out}
}
