package ops

import (
	"html"
	"mime"
	"net/http"
	"strings"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/opsauth"
)

// wantsJSON reports a caller that asked for JSON (Accept: application/json) rather than a
// page: an API client. A browser's Accept names text/html.
func wantsJSON(r *http.Request) bool {
	json := false
	for part := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "text/html", "application/xhtml+xml":
			return false
		case "application/json":
			json = true
		}
	}
	return json
}

// withPage guards an HTML page of the ops group. Without an identity a browser is sent to
// sign in and back to the page it asked for (an expired session too: the authorizer finds
// no identity in it), and a JSON caller gets 401; outside the group the answer is a 403
// page (JSON for a JSON caller).
func withPage(next func(http.ResponseWriter, *http.Request, httpapi.Identity)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := httpapi.IdentityOf(r)
		if !ok {
			if wantsJSON(r) {
				httpapi.WriteError(w, r, apperr.New(apperr.Unauthorized, "no identity: sign in, or send the bearer token"))
				return
			}
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("Location", opsauth.LoginURL(r.URL.RequestURI()))
			w.WriteHeader(http.StatusFound)
			return
		}
		if !id.InGroup(httpapi.OpsGroup) {
			if wantsJSON(r) {
				httpapi.WriteError(w, r, apperr.New(apperr.Forbidden, "this route needs the %q group", httpapi.OpsGroup))
				return
			}
			writeHTML(w, http.StatusForbidden, forbiddenPage(id))
			return
		}
		next(w, r, id)
	}
}

// writeHTML answers an ops page with the headers every one carries.
func writeHTML(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// forbiddenPage tells a signed-in user outside the ops group why they see nothing.
func forbiddenPage(id httpapi.Identity) []byte {
	var b strings.Builder
	b.WriteString(pageHead)
	b.WriteString("<header>\n<h1>Not in the ops group</h1>\n</header>\n<main>\n<p id=\"forbidden\">You are signed in as <code>")
	b.WriteString(html.EscapeString(id.UserID))
	b.WriteString("</code>, who is not in the <code>ops</code> group, so the ops pages are closed to you. Ask for the group, then sign in again.</p>\n")
	if id.Session {
		b.WriteString(logoutForm(id.CSRF))
	}
	b.WriteString("</main>\n</body>\n</html>\n")
	return []byte(b.String())
}

// csrfField is the hidden field a page's form posts carry when it was opened with a session.
func csrfField(token string) string {
	if token == "" {
		return ""
	}
	return `<input type="hidden" name="` + opsauth.CSRFField + `" value="` + html.EscapeString(token) + `">`
}

// logoutForm is the sign-out button of a signed-in session.
func logoutForm(token string) string {
	return `<form class="logout" method="post" action="` + opsauth.LogoutPath + `" style="float:right;margin:-34px 0 0">` + csrfField(token) +
		`<button type="submit" id="sign-out" style="font:inherit;font-size:13px;padding:3px 10px;border-radius:4px;border:1px solid #b8c2cc;background:transparent;color:#fff;cursor:pointer">Sign out</button></form>`
}

// notFoundPage says there is no such alert (a link from an old page, or a mistyped id).
func notFoundPage(id, csrf string) []byte {
	var b strings.Builder
	b.WriteString(pageHead)
	b.WriteString("<header>\n<h1>No such alert</h1>\n")
	if csrf != "" {
		b.WriteString(logoutForm(csrf))
	}
	b.WriteString("</header>\n<main>\n<p id=\"not-found\">There is no alert <code>")
	b.WriteString(html.EscapeString(id))
	b.WriteString("</code>. <a href=\"/ops\">The ops page</a> lists the firing ones.</p>\n</main>\n</body>\n</html>\n")
	return []byte(b.String())
}
