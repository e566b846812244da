package ops

import (
	"bytes"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"time"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/cursor"
	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/httpapi"
)

// Page sizes of GET /ops/alerts (DESIGN §7). An incident is under 2 KB of JSON with every
// field set, so a page of 500 stays under 1 MB, far from Lambda's 6 MB response limit.
const (
	DefaultLimit = 100
	MaxLimit     = 500
)

// maxIDLength bounds an alert id from the path; ids are 26 characters, and DynamoDB refuses
// keys over 1 KB with an error that would otherwise read as a 500.
const maxIDLength = 128

type ackRequest struct {
	Verdict *string `json:"verdict"`
}

// Handler serves the ops routes; every one needs the ops group (401 without identity, 403
// outside the group).
func Handler(s *Service, log *slog.Logger, now func() time.Time) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /ops/slo", httpapi.WithGroup(httpapi.OpsGroup, func(w http.ResponseWriter, r *http.Request, _ httpapi.Identity) {
		snap, err := s.Snapshot(r.Context())
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, snap)
	}))
	mux.Handle("GET /ops/alerts", httpapi.WithGroup(httpapi.OpsGroup, func(w http.ResponseWriter, r *http.Request, _ httpapi.Identity) {
		q := r.URL.Query()
		state := alert.Status(q.Get("state"))
		if state != "" && state != alert.Firing && state != alert.Resolved {
			httpapi.WriteError(w, r, apperr.Field("state", "must be %q or %q (or absent for all)", alert.Firing, alert.Resolved))
			return
		}
		page, err := cursor.PageOf(q, DefaultLimit, MaxLimit)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		list, next, err := s.Alerts(r.Context(), state, page)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, cursor.Body("alerts", list, next))
	}))
	mux.Handle("POST /ops/alerts/{id}/ack", httpapi.WithGroup(httpapi.OpsGroup, func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		alertID := r.PathValue("id")
		if alertID == "" || len(alertID) > maxIDLength {
			httpapi.WriteError(w, r, apperr.New(apperr.NotFound, "no alert %q", alertID))
			return
		}
		// The body is optional: acknowledging without a verdict is a bare POST. The ops
		// page's buttons post a form (verdict=...), answered with a redirect back to it.
		body, err := httpapi.ReadBody(r)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		mediaType, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		// curl -d sends JSON labelled as a form; a browser's form body never starts with
		// "{" (it would be %7B), so such a body is read as the JSON it is.
		form := (mediaType == formURLEncoded && !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{"))) || mediaType == formMultipart
		if err := fromOpsPage(r, mediaType, form); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		var in ackRequest
		back := PagePath
		switch {
		case form:
			var toAlert bool
			if in.Verdict, toAlert, err = formVerdict(mediaType, params, body); err != nil {
				httpapi.WriteError(w, r, err)
				return
			}
			if toAlert {
				back = "/ops/alerts/" + url.PathEscape(alertID)
			}
		case len(bytes.TrimSpace(body)) > 0:
			if err := httpapi.Unmarshal(body, &in); err != nil {
				httpapi.WriteError(w, r, err)
				return
			}
		}
		a, err := s.Ack(r.Context(), alertID, id.UserID, in.Verdict)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.Logger(r.Context()).Info("alert acknowledged", "alert_id", a.ID, "by", id.UserID,
			"time_to_ack_seconds", a.TimeToAckSeconds, "verdict", a.Verdict, "form", form)
		if form {
			// 303: the browser follows with a GET, so a reload does not post again.
			w.Header().Set("Location", back+"?acked="+url.QueryEscape(a.ID))
			w.WriteHeader(http.StatusSeeOther)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"alert": a})
	}))
	mux.Handle("GET /ops/alerts/{id}", withPage(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		a, err := s.Alert(r.Context(), r.PathValue("id"))
		if err != nil {
			if apperr.Is(err, apperr.NotFound) && !wantsJSON(r) {
				writeHTML(w, http.StatusNotFound, notFoundPage(r.PathValue("id"), id.CSRF))
				return
			}
			httpapi.WriteError(w, r, err)
			return
		}
		if wantsJSON(r) {
			httpapi.WriteJSON(w, http.StatusOK, map[string]any{"alert": a})
			return
		}
		writeHTML(w, http.StatusOK, renderAlertPage(a, id.CSRF, r.URL.Query().Get("acked") != ""))
	}))
	mux.Handle("GET "+PagePath, withPage(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		p, err := s.Page(r.Context())
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		// ?acked= is only a hint from the redirect after a form ack, and anyone can write a
		// link with it: the notice shows what the store says, nothing for an alert that is
		// unknown or not acknowledged.
		if acked := r.URL.Query().Get("acked"); acked != "" && len(acked) <= maxIDLength {
			if p.Acked, err = s.Acknowledged(r.Context(), acked); err != nil {
				httpapi.WriteError(w, r, err)
				return
			}
		}
		p.CSRF = id.CSRF
		writeHTML(w, http.StatusOK, renderPage(p))
	}))
	mux.Handle("GET /ops/digests/latest", httpapi.WithGroup(httpapi.OpsGroup, func(w http.ResponseWriter, r *http.Request, _ httpapi.Identity) {
		writeDigest(w, r, func() (digest.Record, error) { return s.LatestDigest(r.Context()) })
	}))
	mux.Handle("GET /ops/digests/{week}", httpapi.WithGroup(httpapi.OpsGroup, func(w http.ResponseWriter, r *http.Request, _ httpapi.Identity) {
		week, err := digest.ParseWeek(r.PathValue("week"))
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		writeDigest(w, r, func() (digest.Record, error) { return s.Digest(r.Context(), week) })
	}))
	return httpapi.Wrap(mux, log, now)
}

// PagePath is the ops page's route.
const PagePath = "/ops"

func writeDigest(w http.ResponseWriter, r *http.Request, get func() (digest.Record, error)) {
	rec, err := get()
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"digest": rec})
}

// The media types of an HTML form's post.
const (
	formURLEncoded = "application/x-www-form-urlencoded"
	formMultipart  = "multipart/form-data"
)

// formVerdict reads the verdict of a form post (an absent or empty one is no verdict), and
// whether it came from the alert's own page (back=alert), which the answer returns to.
func formVerdict(mediaType string, params map[string]string, body []byte) (*string, bool, error) {
	var values url.Values
	if mediaType == formMultipart {
		f, err := multipart.NewReader(bytes.NewReader(body), params["boundary"]).ReadForm(httpapi.MaxBodyBytes)
		if err != nil {
			return nil, false, apperr.New(apperr.InvalidRequest, "body: not a valid multipart/form-data form")
		}
		defer func() { _ = f.RemoveAll() }()
		values = f.Value
	} else {
		var err error
		if values, err = url.ParseQuery(string(body)); err != nil {
			return nil, false, apperr.New(apperr.InvalidRequest, "body: not a valid application/x-www-form-urlencoded form")
		}
	}
	if vs := values["verdict"]; len(vs) > 1 {
		return nil, false, apperr.Field("verdict", "given %d times; give it once", len(vs))
	}
	toAlert := values.Get("back") == "alert"
	v := values.Get("verdict")
	if v == "" {
		return nil, toAlert, nil
	}
	return &v, toAlert, nil
}

// fromOpsPage refuses an ack that a page on another site could have made a browser send.
// JSON (application/json) needs a CORS preflight from another origin and the bearer token,
// which a browser never adds by itself, so it is the API and passes. Anything else (a form,
// text/plain, no body at all) is what a cross-site form or a no-cors fetch can send
// unasked: it passes with Sec-Fetch-Site: same-origin, or, from a browser too old to send
// that header, an Origin equal to the API's own. A form with neither header is refused,
// since every browser sends at least Origin with a form post; another body with neither
// (curl -X POST, curl -d '{...}') is no browser's and passes.
func fromOpsPage(r *http.Request, mediaType string, form bool) error {
	if mediaType == "application/json" {
		return nil
	}
	site, origin := r.Header.Get("Sec-Fetch-Site"), r.Header.Get("Origin")
	switch {
	case site != "":
		if site == "same-origin" {
			return nil
		}
		return apperr.New(apperr.Forbidden, "the ack form must come from the ops page; this post is %q (Sec-Fetch-Site)", clip(site))
	case origin != "":
		own := httpapi.OwnOrigin(r)
		if o, ok := httpapi.NormalOrigin(origin); ok && o == own {
			return nil
		}
		return apperr.New(apperr.Forbidden, "the ack form must come from the ops page at %s; this post comes from %s", own, clip(origin))
	case form:
		return apperr.New(apperr.Forbidden, "the ack form must come from the ops page; this post carries neither Sec-Fetch-Site nor Origin, as every browser's would")
	}
	return nil
}

// clip keeps a header quoted in a message short.
func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "..."
	}
	return s
}
