package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// resetPage is where the password-recovery e-mail's link lands (with
// FRONTEND_HOST pointing at the API, as in local work): it posts the token
// and the new password to POST /api/v1/reset-password. A separate frontend
// can serve its own page at the same path instead.
const resetPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Choose a new password</title>
  <style>
    body { font-family: sans-serif; max-width: 28rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5 }
    input, button { font: inherit; padding: .5rem; width: 100%; box-sizing: border-box; margin: .25rem 0 1rem }
    #result { font-weight: bold }
  </style>
</head>
<body>
  <h1>Choose a new password</h1>
  <form id="reset">
    <label for="password">New password (8 to 128 characters)</label>
    <input id="password" type="password" minlength="8" maxlength="128" required autocomplete="new-password">
    <button type="submit">Set password</button>
  </form>
  <p id="result" role="status"></p>
  <script>
    const token = new URLSearchParams(location.search).get("token") || "";
    const result = document.getElementById("result");
    if (!token) result.textContent = "This link has no token: use the link from the e-mail.";
    document.getElementById("reset").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const resp = await fetch("` + BasePath + `/reset-password", {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({token, new_password: document.getElementById("password").value}),
      });
      const body = await resp.json().catch(() => ({}));
      result.textContent = resp.ok ? "Password updated. You can log in now." : (body.detail || "That did not work.");
    });
  </script>
</body>
</html>
`

func mountResetPage(r chi.Router) {
	r.Get("/reset-password", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Referrer-Policy", "no-referrer") // the token is in the URL
		_, _ = w.Write([]byte(resetPage))
	})
}
