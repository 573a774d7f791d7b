package emulator

import (
	"net/http"
	"strings"
	"time"
)

// Endpoint names a kind of call, for call counters and faults.
type Endpoint string

// The endpoints the emulator counts.
const (
	EndpointMe            Endpoint = "me"             // /me on either host
	EndpointUser          Endpoint = "user"           // /{ig-user-id}
	EndpointMediaList     Endpoint = "media_list"     // /{ig-user-id}/media and /me/media
	EndpointMedia         Endpoint = "media"          // /{media-id}
	EndpointChildren      Endpoint = "children"       // /{media-id}/children
	EndpointIDs           Endpoint = "ids"            // /?ids=
	EndpointHashtagSearch Endpoint = "hashtag_search" // /ig_hashtag_search
	EndpointHashtag       Endpoint = "hashtag"        // /{hashtag-id}
	EndpointHashtagTop    Endpoint = "hashtag_top"    // /{hashtag-id}/top_media
	EndpointHashtagRecent Endpoint = "hashtag_recent" // /{hashtag-id}/recent_media
	EndpointAccounts      Endpoint = "accounts"       // /me/accounts
	EndpointPage          Endpoint = "page"           // /{page-id}
	EndpointCDN           Endpoint = "cdn"            // a CDN file
	EndpointOther         Endpoint = "other"          // a Graph path that matched no endpoint
)

// maxRecorded is how many recent requests Requests keeps.
const maxRecorded = 500

// RequestRecord is one recent request with its access_token value replaced by "REDACTED".
type RequestRecord struct {
	Endpoint Endpoint
	Method   string
	Path     string
	RawQuery string // exactly as sent, apart from the token
}

// recordCall counts a call and logs its query. Callers hold e.mu.
func (e *Emulator) recordCall(req *graphRequest) {
	if req.endpoint == "" {
		req.endpoint = EndpointOther
	}
	e.record(req.endpoint, req.r)
}

func (e *Emulator) record(endpoint Endpoint, r *http.Request) {
	e.calls[endpoint]++
	e.queries = append(e.queries, RequestRecord{
		Endpoint: endpoint,
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: redactQuery(r.URL.RawQuery),
	})
	if len(e.queries) > maxRecorded {
		e.queries = e.queries[len(e.queries)-maxRecorded:]
	}
}

// redactQuery replaces the values of token parameters, keeping the rest byte for byte.
func redactQuery(raw string) string {
	if raw == "" {
		return ""
	}
	pairs := strings.Split(raw, "&")
	for i, p := range pairs {
		k, _, _ := strings.Cut(p, "=")
		switch k {
		case "access_token", "input_token", "fb_exchange_token", "client_secret", "code":
			pairs[i] = k + "=REDACTED"
		}
	}
	return strings.Join(pairs, "&")
}

// Calls returns how many requests reached the endpoint since the last ResetCalls.
func (e *Emulator) Calls(endpoint Endpoint) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.calls[endpoint]
}

// TotalCalls returns the number of requests on all endpoints, CDN included.
func (e *Emulator) TotalCalls() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	total := 0
	for _, n := range e.calls {
		total += n
	}
	return total
}

// ResetCalls zeroes the call counters and clears the recorded requests.
func (e *Emulator) ResetCalls() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = map[Endpoint]int{}
	e.queries = nil
}

// Requests returns the most recent requests, oldest first, with tokens redacted.
func (e *Emulator) Requests() []RequestRecord {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]RequestRecord(nil), e.queries...)
}

// SetChildrenIDsOnly switches children{...} expansion between the requested fields and bare
// ids, as some Meta responses send (see Options.ChildrenIDsOnly).
func (e *Emulator) SetChildrenIDsOnly(idsOnly bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.opts.ChildrenIDsOnly = idsOnly
}

// Fault makes matching requests fail or slow down until Times of them were affected.
type Fault struct {
	Endpoint Endpoint // "" matches every endpoint
	Status   int      // HTTP status of the error; 0 means 400
	Code     int      // Graph error code; 0 with Status 0 sends no error (latency only)
	Subcode  int      // error_subcode; 0 omits it
	Message  string   // error message; empty gives a generic one for the code
	Latency  time.Duration
	Drop     bool // close the connection without a response
	Times    int  // how many requests to affect; 0 means until ClearFaults
}

type faultState struct {
	Fault
	left int
}

// InjectFault adds a fault. Faults apply in the order they were added; the first match wins.
func (e *Emulator) InjectFault(f Fault) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, &faultState{Fault: f, left: f.Times})
}

// ClearFaults removes every fault.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = nil
}

// takeFault returns the first fault matching endpoint and uses up one of its times. Callers
// hold e.mu.
func (e *Emulator) takeFault(endpoint Endpoint) *Fault {
	for i, f := range e.faults {
		if f.Endpoint != "" && f.Endpoint != endpoint {
			continue
		}
		if f.Times > 0 {
			f.left--
			if f.left <= 0 {
				e.faults = append(e.faults[:i:i], e.faults[i+1:]...)
			}
		}
		fault := f.Fault
		return &fault
	}
	return nil
}

// applyFault waits out the fault's latency, then drops the connection or writes its error.
// It returns true when the request should still get its normal response.
func (e *Emulator) applyFault(w http.ResponseWriter, r *http.Request, host Host, bearer bool, f *Fault) bool {
	if f.Latency > 0 {
		timer := time.NewTimer(f.Latency)
		select {
		case <-timer.C:
		case <-r.Context().Done():
			timer.Stop()
			return false
		}
	}
	if f.Drop {
		dropConnection(w)
		return false
	}
	if f.Code == 0 && f.Status == 0 {
		return true
	}
	g := &graphError{Status: f.Status, Code: f.Code, Message: f.Message}
	if f.Subcode != 0 {
		g.Subcode = ptr(f.Subcode)
	}
	if g.Message == "" {
		g.Message = defaultMessage(f.Code)
	}
	g.Token = f.Code == 190
	if host == 0 {
		cdnError(w, g.status(false), g.Message)
		return false
	}
	e.writeError(w, host, bearer, g)
	return false
}

// dropConnection closes the client connection without writing a response.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // net/http closes the connection and logs nothing
}

// defaultMessage returns Meta's usual message for an error code.
func defaultMessage(code int) string {
	if msg, ok := throttleMessages[code]; ok {
		return msg
	}
	switch code {
	case 1:
		return "An unknown error occurred"
	case 2:
		return "An unexpected error has occurred. Please retry your request later."
	case 10:
		return "(#10) Application does not have permission for this action"
	case 190:
		return "Invalid OAuth access token - Cannot parse access token"
	}
	return "An unexpected error has occurred. Please retry your request later."
}
