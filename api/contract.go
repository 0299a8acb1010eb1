package api

import (
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/acme/orders/internal/events"
	"github.com/acme/orders/internal/orders"
)

// The OpenAPI document is a contract generated clients trust: every answer
// an operation can give is documented, derived here from what the
// operation takes, so that a new operation is documented the way the
// server answers it. The integration tests hold every response they get to
// the served document.

// documented adds the answers an operation's input and the middleware can
// give: a body can be malformed (400), too large (413), of another media
// type (415) or invalid (422); parameters invalid (422); a path can name
// nothing (404); the database or Temporal can be unreachable (503). Errors
// particular to the operation (409, 400) it declares itself; guarded adds
// 401 and 403, limited 429.
func documented[I any](op huma.Operation) huma.Operation {
	body, params, path := inputKinds(reflect.TypeFor[I]())
	if body {
		op.Errors = append(op.Errors, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity)
	}
	if params {
		op.Errors = append(op.Errors, http.StatusUnprocessableEntity)
	}
	if path {
		op.Errors = append(op.Errors, http.StatusNotFound)
	}
	op.Errors = append(op.Errors, http.StatusServiceUnavailable)
	slices.Sort(op.Errors)
	op.Errors = slices.Compact(op.Errors)
	return op
}

// inputKinds tells what an operation's input struct takes, reading its
// fields as the text check does (fieldLocation).
func inputKinds(t reflect.Type) (body, params, path bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		loc, ok := fieldLocation(f, "")
		switch {
		case !ok:
		case f.Anonymous && f.Type.Kind() == reflect.Struct:
			b, q, p := inputKinds(f.Type)
			body, params, path = body || b, params || q, path || p
		case loc == "body":
			body = true
		default: // path.x, query.x, header.X, cookie.x
			params = true
			path = path || strings.HasPrefix(loc, "path.")
		}
	}
	return body, params, path
}

// answerHeaders documents the headers that go with some answers, on every
// operation that gives them.
var answerHeaders = map[int]map[string]*huma.Param{
	http.StatusUnauthorized: {"WWW-Authenticate": {
		Description: "Bearer: send an access token from POST /login/access-token",
		Schema:      &huma.Schema{Type: huma.TypeString},
	}},
	http.StatusTooManyRequests: {"Retry-After": {
		Description: "Seconds until the limit lets this client in again",
		Schema:      &huma.Schema{Type: huma.TypeInteger, Minimum: ptr(1.0)},
	}},
	http.StatusServiceUnavailable: {"Retry-After": {
		Description: "Seconds to wait before trying again: the database or Temporal could not be reached",
		Schema:      &huma.Schema{Type: huma.TypeInteger, Minimum: ptr(1.0)},
	}},
}

// documentHeaders adds answerHeaders to every operation's answers.
func documentHeaders(doc *huma.OpenAPI) {
	for _, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			for status, headers := range answerHeaders {
				resp := op.Responses[strconv.Itoa(status)]
				if resp == nil {
					continue
				}
				if resp.Headers == nil {
					resp.Headers = map[string]*huma.Param{}
				}
				for name, h := range headers {
					resp.Headers[name] = h
				}
			}
		}
	}
}

// uuidText is how a uuid.UUID appears in the document: a string of format
// uuid, in paths, queries and bodies alike.
type uuidText struct{}

func (uuidText) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Format: "uuid", Examples: []any{"3f2c1a9e-8b7d-4c6e-9f1a-2b3c4d5e6f70"}}
}

func registerUUID(r huma.Registry) {
	r.RegisterTypeAlias(reflect.TypeFor[uuid.UUID](), reflect.TypeFor[uuidText]())
}

// registerDomainTypes documents the domain's types that answers show as
// the API's own: a status as the enum, an address as the input's.
func registerDomainTypes(r huma.Registry) {
	r.RegisterTypeAlias(reflect.TypeFor[orders.Status](), reflect.TypeFor[OrderStatus]())
	r.RegisterTypeAlias(reflect.TypeFor[orders.Address](), reflect.TypeFor[Address]())
}

// schemaNames are the document's names of the domain's views, which the API
// shows as they are.
var schemaNames = map[reflect.Type]string{
	reflect.TypeFor[orders.View]():     "OrderPublic",
	reflect.TypeFor[orders.LineView](): "OrderLine",
	reflect.TypeFor[events.Envelope](): "Event",
	reflect.TypeFor[events.Data]():     "EventData",
}

// schemaName names a schema by its type, as huma does, but for the views.
func schemaName(t reflect.Type, hint string) string {
	if name, ok := schemaNames[t]; ok {
		return name
	}
	return huma.DefaultSchemaNamer(t, hint)
}

func ptr[T any](v T) *T { return &v }
