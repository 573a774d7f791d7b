package admin_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestBadInput(t *testing.T) {
	e := newEnv(t)
	account := fmt.Sprint(e.creator.ID)
	tests := []struct {
		name        string
		method      string
		body        string
		contentType string
		status      int
		message     string // a part of the message, naming the field or value
	}{
		{name: "empty body", body: "", contentType: "application/json", status: 400, message: "request body is empty"},
		{name: "invalid JSON", body: `{"account":`, status: 400, message: "ends early"},
		{name: "syntax error", body: `{"account" 1}`, status: 400, message: "invalid JSON body at byte"},
		{name: "array body", body: `[1]`, status: 400, message: "expected an object, got array"},
		{name: "trailing data", body: `{"account":` + account + `} {}`, status: 400, message: "data after the object"},
		{name: "unknown field", body: `{"account":` + account + `,"cache":5}`, status: 400, message: `unknown field "cache"`},
		{name: "name not a string", body: `{"name":5,"account":` + account + `}`, status: 400, message: `invalid field "name": expected a string, got number`},
		{name: "name too long", body: `{"name":"` + strings.Repeat("n", 101) + `","account":` + account + `}`, status: 400, message: "longer than 100 characters"},
		{name: "name with control character", body: `{"name":"a\u0007b","account":` + account + `}`, status: 400, message: "contains a control character"},
		{name: "cache negative", body: `{"account":` + account + `,"defaultCache":-1}`, status: 400, message: `invalid field "defaultCache": -1`},
		{name: "cache too large", body: `{"account":` + account + `,"defaultCache":2592001}`, status: 400, message: `invalid field "defaultCache": 2592001`},
		{name: "cache fraction", body: `{"account":` + account + `,"defaultCache":1.5}`, status: 400, message: `invalid field "defaultCache": expected an integer, got number 1.5`},
		{name: "cache string", body: `{"account":` + account + `,"defaultCache":"60"}`, status: 400, message: `invalid field "defaultCache": expected an integer, got string`},
		{name: "cache overflow", body: `{"account":` + account + `,"defaultCache":1e40}`, status: 400, message: `invalid field "defaultCache"`},
		{name: "account zero", body: `{"account":0}`, status: 400, message: `invalid field "account": 0`},
		{name: "account negative", body: `{"account":-3}`, status: 400, message: `invalid field "account": -3`},
		{name: "account fraction", body: `{"account":1.5}`, status: 400, message: `invalid field "account": 1.5`},
		{name: "account boolean", body: `{"account":true}`, status: 400, message: `invalid field "account": true`},
		{name: "account empty", body: `{"account":"  "}`, status: 400, message: `invalid field "account": empty`},
		{name: "page not a string", body: `{"account":` + account + `,"page":7}`, status: 400, message: `invalid field "page": expected a string`},
		{name: "form content type", body: `account=1`, contentType: "application/x-www-form-urlencoded", status: 415, message: `invalid Content-Type "application/x-www-form-urlencoded"`},
		{name: "body too large", body: `{"name":"` + strings.Repeat("x", 70<<10) + `"}`, status: 413, message: "larger than 65536 bytes"},
		{name: "patch unknown field", method: http.MethodPatch, body: `{"accountId":2}`, status: 400, message: `unknown field "accountId"`},
		{name: "patch cache negative", method: http.MethodPatch, body: `{"defaultCache":-5}`, status: 400, message: `invalid field "defaultCache": -5`},
		{name: "patch empty body", method: http.MethodPatch, body: "", contentType: "application/json", status: 400, message: "request body is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := request{method: http.MethodPost, path: "/admin/api/instances", body: tt.body, contentType: tt.contentType}
			if tt.method == http.MethodPatch {
				req.method, req.path = http.MethodPatch, "/admin/api/instances/creator"
			}
			resp := e.do(t, req)
			checkError(t, resp, tt.status, "INVALID_INPUT", tt.message)
		})
	}
	list, err := e.store.ListInstances(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].CacheSeconds != 3600 || list[0].Name != "creator" {
		t.Errorf("instances after bad requests = %+v, want the seeded one unchanged", list)
	}
}
