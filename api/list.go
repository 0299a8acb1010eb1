package api

import (
	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/acme/orders/internal/page"
)

// List is the one shape of every list answer: the items, newest first; the
// cursor of the next page; and, when asked for (count=true) or on a whole
// list, how many there are in all.
type List[T any] struct {
	Data       []T    `json:"data" nullable:"false"`
	Count      *int64 `json:"count,omitempty" doc:"How many there are in all (every match, not only this page); only when asked for with count=true, or on a list that is never paged"`
	NextCursor string `json:"next_cursor,omitempty" doc:"Pass as cursor for the next page; absent on the last page"`
}

// ListOutput is a list answer.
type ListOutput[T any] struct {
	Body List[T]
}

// listOf converts items into a list answer counting count in all (nil: not counted).
func listOf[S, T any](items []S, convert func(S) T, count *int64) *ListOutput[T] {
	out := &ListOutput[T]{Body: List[T]{Data: make([]T, len(items)), Count: count}}
	for i, item := range items {
		out.Body.Data[i] = convert(item)
	}
	return out
}

// pageOf converts a page into a list answer.
func pageOf[S, T any](p page.Page[S], convert func(S) T, count *int64) *ListOutput[T] {
	out := listOf(p.Items, convert, count)
	out.Body.NextCursor = p.Next
	return out
}

// counted is the count of a whole list, or of every match.
func counted[N int | int64](n N) *int64 {
	c := int64(n)
	return &c
}

// CursorInput pages a list by cursor: each page costs the same however deep
// it is and however long the list.
type CursorInput struct {
	Cursor string `query:"cursor" maxLength:"200" doc:"next_cursor of the previous page; absent for the first page"`
}

// PagedInput is CursorInput with what the lists of products and users had
// before cursors, kept for old clients: skip, and the count. Both read
// every row they pass over or count.
type PagedInput struct {
	CursorInput
	Skip  int32 `query:"skip" minimum:"0" maximum:"2147483647" default:"0" deprecated:"true" doc:"How many to pass over. Slow deep in a long list, since every skipped row is read: page with cursor instead."`
	Count bool  `query:"count" default:"false" doc:"Also answer how many match in all. Costs a scan of every match: ask only when you show it."`
}

// Resolve refuses a cursor with a skip: two answers to where a page starts.
func (p *PagedInput) Resolve(huma.Context) []error {
	if p.Cursor != "" && p.Skip > 0 {
		return []error{&huma.ErrorDetail{Location: "query.skip", Message: "page with cursor or with skip, not both", Value: p.Skip}}
	}
	return nil
}

// request is the page the input asks for, of at most limit items.
func (p PagedInput) request(limit int32) page.Request {
	return page.Request{Cursor: p.Cursor, Skip: p.Skip, Limit: limit}
}

// filterID is a list's optional filter by ID, from its query parameter
// name: nil when absent, 422 when it is not a UUID.
func filterID(name, value string) (*uuid.UUID, error) {
	if value == "" {
		return nil, nil
	}
	id, err := uuid.Parse(value)
	if err != nil {
		return nil, huma.Error422UnprocessableEntity(name + " is not a UUID")
	}
	return &id, nil
}
