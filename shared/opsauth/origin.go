package opsauth

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/httpapi"
)

// SameOrigin refuses a request a page on another site could have made the browser send:
// it passes with Sec-Fetch-Site: same-origin, or, from a browser that does not send that
// header, an Origin equal to the request's own (OwnOrigin). With neither, it is refused:
// every browser sends at least Origin with a post.
func SameOrigin(r *http.Request) error {
	site, origin := r.Header.Get("Sec-Fetch-Site"), r.Header.Get("Origin")
	switch {
	case site != "":
		if site == "same-origin" {
			return nil
		}
		return apperr.New(apperr.Forbidden, "cross-site post refused: Sec-Fetch-Site is %q, want same-origin", clip(site))
	case origin != "":
		if o, ok := httpapi.NormalOrigin(origin); ok && o == httpapi.OwnOrigin(r) {
			return nil
		}
		return apperr.New(apperr.Forbidden, "cross-site post refused: Origin %s is not %s", clip(origin), httpapi.OwnOrigin(r))
	}
	return apperr.New(apperr.Forbidden, "post refused: neither Sec-Fetch-Site nor Origin says it comes from the ops pages")
}

// formField reads one field of a form body (urlencoded or multipart) and puts the body back
// for the handler; another body has no fields.
func formField(r *http.Request, name string) (string, error) {
	mediaType, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "application/x-www-form-urlencoded" && mediaType != "multipart/form-data" {
		return "", nil
	}
	body, err := httpapi.ReadBody(r)
	if err != nil {
		return "", err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if mediaType == "multipart/form-data" {
		f, err := multipart.NewReader(bytes.NewReader(body), params["boundary"]).ReadForm(httpapi.MaxBodyBytes)
		if err != nil {
			return "", apperr.New(apperr.InvalidRequest, "body: not a valid multipart/form-data form")
		}
		defer func() { _ = f.RemoveAll() }()
		return first(f.Value[name]), nil
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return "", apperr.New(apperr.InvalidRequest, "body: not a valid application/x-www-form-urlencoded form")
	}
	return v.Get(name), nil
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}
