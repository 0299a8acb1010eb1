package api

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/go-chi/chi/v5"
)

// The Swagger UI and ReDoc files come from pinned npm packages
// (deploy/scripts/docs-assets.sh) and are embedded, so both pages work with no
// internet.
//
//go:embed docs/assets
var docAssets embed.FS

const openAPIURL = BasePath + "/openapi.json"

const swaggerPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Order Platform API - Swagger UI</title>
  <link rel="icon" type="image/png" href="/docs/assets/swagger-ui/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/assets/swagger-ui/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: "` + openAPIURL + `",
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: true,
      validatorUrl: null,
    });
  </script>
</body>
</html>
`

const redocPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Order Platform API - ReDoc</title>
</head>
<body>
  <redoc spec-url="` + openAPIURL + `"></redoc>
  <script type="module" src="/docs/assets/redoc/redoc.standalone.js"></script>
</body>
</html>
`

func mountDocs(r chi.Router) {
	assets, err := fs.Sub(docAssets, "docs/assets")
	if err != nil {
		panic(err) // the embed directive guarantees the folder
	}
	page := func(html string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(html))
		}
	}
	r.Get("/docs", page(swaggerPage))
	r.Get("/redoc", page(redocPage))
	files := http.StripPrefix("/docs/assets/", http.FileServerFS(assets))
	r.Get("/docs/assets/*", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, req)
	})
}
