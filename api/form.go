package api

import (
	"encoding/json"
	"io"
	"net/url"

	"github.com/danielgtaylor/huma/v2"
)

// formFormat lets Huma read application/x-www-form-urlencoded bodies (the
// OAuth2 password flow that the docs' Authorize button posts). Each field
// becomes a string, then the usual validation runs.
var formFormat = huma.Format{
	Marshal: func(w io.Writer, v any) error { return json.NewEncoder(w).Encode(v) },
	Unmarshal: func(data []byte, v any) error {
		values, err := url.ParseQuery(string(data))
		if err != nil {
			return err
		}
		m := make(map[string]any, len(values))
		for k, vs := range values {
			m[k] = vs[0]
		}
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		return json.Unmarshal(b, v)
	},
}
