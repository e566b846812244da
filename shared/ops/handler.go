package ops

import (
	"bytes"
	"html/template"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/httpapi"
)

// Listing limits of GET /ops/alerts.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// maxIDLength bounds an alert id from the path; ids are 26 characters, and DynamoDB refuses
// keys over 1 KB with an error that would otherwise read as a 500.
const maxIDLength = 128

type ackRequest struct {
	Verdict *string `json:"verdict"`
}

// Handler serves the ops routes; every one needs the ops group (401 without identity, 403
// outside the group). The page template is parsed once, here: it is embedded and constant,
// so a broken one is a programming error that fails every test building the handler (and
// the function's INIT), never a request.
func Handler(s *Service, log *slog.Logger, now func() time.Time) http.Handler {
	page := template.Must(pageTemplate())
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
		limit := DefaultLimit
		if v := q.Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > MaxLimit {
				httpapi.WriteError(w, r, apperr.Field("limit", "must be a whole number from 1 to %d", MaxLimit))
				return
			}
			limit = n
		}
		list, err := s.Alerts(r.Context(), state, limit)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"alerts": list})
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
		var in ackRequest
		// curl -d sends JSON labelled as a form; a browser's form body never starts with
		// "{" (it would be %7B), so such a body is read as the JSON it is.
		form := isForm(r) && !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{"))
		switch {
		case form:
			if in.Verdict, err = formVerdict(body); err != nil {
				httpapi.WriteError(w, r, err)
				return
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
			w.Header().Set("Location", PagePath+"?acked="+url.QueryEscape(a.ID))
			w.WriteHeader(http.StatusSeeOther)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"alert": a})
	}))
	mux.Handle("GET "+PagePath, httpapi.WithGroup(httpapi.OpsGroup, func(w http.ResponseWriter, r *http.Request, _ httpapi.Identity) {
		p, err := s.Page(r.Context())
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		if acked := r.URL.Query().Get("acked"); acked != "" && len(acked) <= maxIDLength {
			p.Acked = acked
		}
		b, err := renderPage(page, p)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(b)
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

// isForm reports a form post (what an HTML form sends by default).
func isForm(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// formVerdict reads the verdict of a form post; an absent or empty one is no verdict.
func formVerdict(body []byte) (*string, error) {
	values, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, apperr.New(apperr.InvalidRequest, "body: not a valid application/x-www-form-urlencoded form")
	}
	if vs := values["verdict"]; len(vs) > 1 {
		return nil, apperr.Field("verdict", "given %d times; give it once", len(vs))
	}
	v := values.Get("verdict")
	if v == "" {
		return nil, nil
	}
	return &v, nil
}
