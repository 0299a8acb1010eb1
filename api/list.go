package api

// List is the one shape of every list answer: the items; how many there
// are in all, on lists paged by skip and limit and on whole lists; and the
// cursor of the next page, on lists paged by cursor (which do not count,
// so that a page costs the same however many there are).
type List[T any] struct {
	Data       []T    `json:"data"`
	Count      *int64 `json:"count,omitempty" doc:"How many there are in all (every match, not only this page); absent on lists paged by cursor"`
	NextCursor string `json:"next_cursor,omitempty" doc:"Pass as cursor for the next page; absent on the last page and on lists paged by skip"`
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

// counted is the count of a whole list, or of every match.
func counted[N int | int64](n N) *int64 {
	c := int64(n)
	return &c
}
