package execute

import (
	"context"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/command"
	"github.com/lucian-app/phase12/shared/degrade"
	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/intent"
	"github.com/lucian-app/phase12/shared/tasks"
	"github.com/lucian-app/phase12/shared/undo"
)

// Engine previews and executes intents for one store.
type Engine struct {
	Store       Store
	Now         func() time.Time
	NewID       ids.Generator
	UndoEnabled bool
	UndoWindow  time.Duration
	// Levers are the emergency levers; the undo lever off issues no undo tokens, as
	// UndoEnabled false does. Nil is the defaults (undo on).
	Levers degrade.Reader
	// Completed, when set, is told of the task a complete_task execution completed, once
	// its commit succeeded (not on a replay, whose first run told it): the server's
	// evidence of first value, as a PATCH /tasks/{id} completion is (shared/wiring). It
	// cannot change the answer; it logs its own failures.
	Completed func(ctx context.Context, owner, taskID string, at time.Time)
}

// undoOn is whether a creation now gets an undo token: the configuration and the lever.
func (e *Engine) undoOn(ctx context.Context) bool {
	return e.UndoEnabled && degrade.Of(ctx, e.Levers).Undo
}

// Request is the body of POST /intents/preview and /intents/execute:
// either text (with its timezone) or a structured intent. A structured
// intent may carry a timezone too; a query needs one, and a recurring
// completion or a shift steps dates in it.
type Request struct {
	Text              string         `json:"text"`
	Timezone          string         `json:"timezone"`
	ReferenceTime     *time.Time     `json:"reference_time"`
	Intent            *intent.Intent `json:"intent"`
	ConfirmationToken string         `json:"confirmation_token"`
	// Locale picks the text's language ("en", the default, or "de") and
	// the default date order; DateOrder ("DMY", "MDY", "YMD") overrides
	// the latter for numeric dates such as "03/04".
	Locale    string `json:"locale"`
	DateOrder string `json:"date_order"`
}

// parsed is a request read into an intent.
type parsed struct {
	in       intent.Intent
	warnings []string
	entities []intent.Entity
	// loc is the user's zone, nil when a structured intent came without one.
	loc *time.Location
}

// Response is an execution's answer, stored and replayed verbatim.
type Response struct {
	Status   int
	Body     []byte
	Replayed bool
}

type executedBody struct {
	ExecutionID string        `json:"execution_id"`
	Status      string        `json:"status"`
	Intent      intent.Intent `json:"intent"`
	Result      any           `json:"result"`
	Undo        *undoBody     `json:"undo,omitempty"`
}

type undoBody struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Preview says what executing req would do for owner, naming the items
// its reference resolves to now; it writes nothing. A reference that
// resolves to no item, or to several, is still a 200 preview (the user is
// typing): no targets, and a warning saying what execute would answer.
func (e *Engine) Preview(ctx context.Context, owner string, req Request) (intent.Preview, error) {
	now := e.Now()
	pr, err := e.intentOf(req, now)
	if err != nil {
		return intent.Preview{}, err
	}
	in, warnings := pr.in, pr.warnings
	var targets []intent.Target
	switch {
	case in.ReadOnly():
		// A query's preview needs its zone, not its answer.
		if pr.loc == nil {
			return intent.Preview{}, apperr.Field("timezone", "required for %s, an IANA name such as Europe/Berlin", in.Type)
		}
	case !in.Creates():
		p, err := e.plan(ctx, owner, in, now, pr.loc)
		var ae *apperr.Error
		switch {
		case err == nil:
			targets = p.targets
		case errors.As(err, &ae) && (ae.Code == apperr.NotFound || ae.Code == apperr.Conflict):
			warnings = append(warnings, ae.Message)
		default:
			return intent.Preview{}, err
		}
	}
	p := intent.NewPreview(in, targets, warnings, e.undoOn(ctx))
	if pr.entities != nil {
		p.Entities = pr.entities
	}
	return p, nil
}

// intentOf turns a request into a valid, normalised intent.
func (e *Engine) intentOf(req Request, now time.Time) (parsed, error) {
	hasText := strings.TrimSpace(req.Text) != ""
	switch {
	case req.Intent != nil && hasText:
		return parsed{}, apperr.New(apperr.InvalidRequest, "body: send either text or intent, not both")
	case req.Intent != nil:
		in, err := req.Intent.Checked()
		if err != nil {
			return parsed{}, intentError(err)
		}
		pr := parsed{in: in, warnings: []string{}}
		if strings.TrimSpace(req.Timezone) != "" {
			if pr.loc, err = tasks.LoadLocation(req.Timezone); err != nil {
				return parsed{}, err
			}
		}
		return pr, nil
	case hasText:
		loc, err := tasks.LoadLocation(req.Timezone)
		if err != nil {
			return parsed{}, err
		}
		lang, order, err := command.LocaleOf(req.Locale)
		if err != nil {
			return parsed{}, apperr.Field("locale", "%s", err.Error())
		}
		if strings.TrimSpace(req.DateOrder) != "" {
			if order, err = command.DateOrderOf(req.DateOrder); err != nil {
				return parsed{}, apperr.Field("date_order", "%s", err.Error())
			}
		}
		ref := now
		if req.ReferenceTime != nil {
			ref = *req.ReferenceTime
		}
		r, err := command.Read(req.Text, command.Options{Loc: loc, Ref: ref, Language: lang, DateOrder: order})
		if err != nil {
			return parsed{}, apperr.Field("text", "%s", err.Error())
		}
		return parsed{in: r.Intent, warnings: r.Warnings, entities: r.Entities, loc: loc}, nil
	}
	return parsed{}, apperr.New(apperr.InvalidRequest, "body: text (with timezone) or intent is required")
}

func intentError(err error) error {
	var fe *intent.FieldError
	if errors.As(err, &fe) {
		return apperr.Field("intent."+fe.Field, "%s", fe.Message)
	}
	return apperr.Field("intent", "%s", err.Error())
}

// fingerprint identifies a request for idempotency. A structured intent is
// its normalised intent; a text request is its text and timezone, not the
// parse, so that a retry after midnight ("tomorrow" moves) still replays.
func fingerprint(req Request, in intent.Intent) string {
	if req.Intent != nil {
		return in.Fingerprint()
	}
	h := sha256.New()
	h.Write([]byte("text\x00" + strings.Join(strings.Fields(req.Text), " ") + "\x00" + strings.TrimSpace(req.Timezone)))
	if req.ReferenceTime != nil {
		h.Write([]byte("\x00" + req.ReferenceTime.UTC().Format(time.RFC3339Nano)))
	}
	// The locale and date order change the parse, so they are part of the
	// request; left out when absent, so older records still match.
	if l, o := strings.TrimSpace(req.Locale), strings.TrimSpace(req.DateOrder); l != "" || o != "" {
		h.Write([]byte("\x00locale\x00" + strings.ToLower(l) + "\x00" + strings.ToUpper(o)))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Execute runs req once for (owner, key).
func (e *Engine) Execute(ctx context.Context, owner, key string, req Request) (Response, error) {
	start := e.Now()
	id := e.NewID()
	entry := AuditEntry{EntryID: id, ExecutionID: id, At: start.UTC(), IdempotencyKey: key}
	reject := func(typ string, err error) (Response, error) {
		entry.Type, entry.Outcome, entry.Status = typ, OutcomeRejected, statusOf(err)
		entry.LatencyMS = e.Now().Sub(start).Milliseconds()
		if auditErr := e.Store.AppendAudit(ctx, owner, entry); auditErr != nil {
			return Response{}, auditErr
		}
		return Response{}, err
	}
	key = strings.TrimSpace(key)
	entry.IdempotencyKey = key
	if key == "" {
		return reject("", apperr.New(apperr.IdempotencyKeyMissing, "Idempotency-Key: header required"))
	}
	if len(key) > MaxIdempotencyKey {
		entry.IdempotencyKey = key[:MaxIdempotencyKey]
		return reject("", apperr.New(apperr.InvalidRequest, "Idempotency-Key: at most %d characters", MaxIdempotencyKey))
	}
	pr, err := e.intentOf(req, start)
	if err != nil {
		return reject("", err)
	}
	in := pr.in
	fp := fingerprint(req, in)
	if !in.Creates() {
		// Resolving a reference reads the items it acts on, and after the
		// effect (a deleted task) it would no longer resolve: look for a
		// replay first, which also keeps a replay to two calls.
		ex, ok, err := e.Store.Execution(ctx, owner, key)
		if err != nil {
			return Response{}, err
		}
		if ok && ex.live(start) {
			return e.replay(ctx, owner, ex, fp, entry, start)
		}
	}
	p, err := e.plan(ctx, owner, in, start, pr.loc)
	if err != nil {
		if ex, ok, twinErr := e.twinCommitted(ctx, owner, key, in, err, start); twinErr != nil {
			return Response{}, twinErr
		} else if ok {
			return e.replay(ctx, owner, ex, fp, entry, start)
		}
		return reject(in.Type, err)
	}
	if in.Risky() && req.ConfirmationToken == "" {
		return e.askConfirmation(ctx, owner, in, p, entry, start, "")
	}

	entry.Type, entry.Outcome, entry.Detail = in.Type, OutcomeExecuted, p.detail
	body := executedBody{ExecutionID: entry.ExecutionID, Status: "executed", Intent: in, Result: p.result}
	if in.ReadOnly() {
		// A query writes nothing but its audit entry: no effect, so no
		// record to replay (asking again reads again).
		b, err := json.Marshal(body)
		if err != nil {
			return Response{}, err
		}
		entry.Status = http.StatusOK
		entry.LatencyMS = e.Now().Sub(start).Milliseconds()
		if err := e.Store.AppendAudit(ctx, owner, entry); err != nil {
			return Response{}, err
		}
		return Response{Status: http.StatusOK, Body: b}, nil
	}
	rec := Execution{ID: entry.ExecutionID, IdempotencyKey: key, Fingerprint: fp, Type: in.Type, At: start.UTC(),
		Status: http.StatusOK, KeyExpiresAt: start.Add(IdempotencyWindow).UTC(), Created: p.created}
	if in.Creates() {
		rec.Status = http.StatusCreated
		if e.undoOn(ctx) {
			rec.UndoExpiresAt = start.Add(e.UndoWindow).UTC()
			tok := undo.Token{IdempotencyKey: key, ExecutionID: rec.ID, Kind: p.created.Kind, ItemID: p.created.ID, Ref: p.created.Ref}
			body.Undo = &undoBody{Token: tok.String(), ExpiresAt: rec.UndoExpiresAt}
		}
	}
	if rec.Body, err = json.Marshal(body); err != nil {
		return Response{}, err
	}
	entry.Status = rec.Status
	entry.LatencyMS = e.Now().Sub(start).Milliseconds()
	c := Commit{Effect: p.effect, Record: rec, Audit: entry, Now: start}
	if in.Risky() {
		c.Confirm = &Confirmation{Token: req.ConfirmationToken, Fingerprint: in.Fingerprint(), Targets: p.targets}
	}
	err = e.commit(ctx, owner, c)
	var dup *DuplicateError
	switch {
	case err == nil:
		if e.Completed != nil && p.effect.Activity.Completes && p.effect.ReplaceTask != nil {
			e.Completed(ctx, owner, p.effect.ReplaceTask.ID, e.Now())
		}
		return Response{Status: rec.Status, Body: rec.Body}, nil
	case errors.As(err, &dup):
		return e.replay(ctx, owner, dup.Existing, fp, entry, start)
	case errors.Is(err, ErrEffectConflict), errors.Is(err, ErrConfirmationInvalid):
		if ex, ok, twinErr := e.twinCommitted(ctx, owner, key, in, err, start); twinErr != nil {
			return Response{}, twinErr
		} else if ok {
			return e.replay(ctx, owner, ex, fp, entry, start)
		}
		if errors.Is(err, ErrEffectConflict) {
			return reject(in.Type, apperr.New(apperr.Conflict, "the %s changed while this ran; preview again", p.kind))
		}
		why := "the confirmation token is unknown, used, expired or for another intent"
		var ce *ConfirmationError
		if errors.As(err, &ce) {
			why = ce.Why
		}
		return e.askConfirmation(ctx, owner, in, p, entry, start, why+"; nothing was changed. ")
	default:
		return Response{}, err
	}
}

// twinCommitted settles a race between twins of one key: a twin that
// committed first changed the very item this request resolves (a completed
// task no longer resolves as open, a deleted one not at all) or consumed
// its confirmation token, so the plan fails with not_found or conflict, or
// the commit with a stale effect or token. If the key now holds a live
// record, the twin's answer is this request's answer too. Only failures a
// twin can cause are looked into, so a plain miss costs one extra read.
func (e *Engine) twinCommitted(ctx context.Context, owner, key string, in intent.Intent, cause error, now time.Time) (Execution, bool, error) {
	if in.Creates() {
		return Execution{}, false, nil // a creation resolves nothing
	}
	switch {
	case apperr.Is(cause, apperr.NotFound), apperr.Is(cause, apperr.Conflict),
		errors.Is(cause, ErrEffectConflict), errors.Is(cause, ErrConfirmationInvalid):
	default:
		return Execution{}, false, nil
	}
	ex, ok, err := e.Store.Execution(ctx, owner, key)
	if err != nil || !ok || !ex.live(now) {
		return Execution{}, false, err
	}
	return ex, true, nil
}

// commit writes c. The store has already sent a transaction DynamoDB
// cancelled for a passing reason again (dynamo.Transact); one still
// cancelled most likely met a twin that holds the key, so the race is
// settled by reading the record: the twin's answer, or 503.
func (e *Engine) commit(ctx context.Context, owner string, c Commit) error {
	err := e.Store.Commit(ctx, owner, c)
	if !errors.Is(err, ErrRetryable) {
		return err
	}
	ex, ok, readErr := e.Store.Execution(ctx, owner, c.Record.IdempotencyKey)
	if readErr != nil {
		return readErr
	}
	if ok && ex.live(c.Now) {
		return &DuplicateError{Existing: ex}
	}
	return apperr.Unavailable(err)
}

// replay answers with the stored response, or refuses a different request
// under the same key, and records the attempt.
func (e *Engine) replay(ctx context.Context, owner string, ex Execution, fp string, entry AuditEntry, start time.Time) (Response, error) {
	entry.Type = ex.Type
	if ex.Fingerprint != fp {
		entry.Outcome, entry.Status = OutcomeRejected, http.StatusUnprocessableEntity
		entry.LatencyMS = e.Now().Sub(start).Milliseconds()
		if err := e.Store.AppendAudit(ctx, owner, entry); err != nil {
			return Response{}, err
		}
		return Response{}, apperr.New(apperr.IdempotencyKeyReused,
			"Idempotency-Key: already used for a different request in the last 24 hours")
	}
	entry.ExecutionID, entry.Outcome, entry.Status = ex.ID, OutcomeReplayed, ex.Status
	entry.LatencyMS = e.Now().Sub(start).Milliseconds()
	if err := e.Store.AppendAudit(ctx, owner, entry); err != nil {
		return Response{}, err
	}
	return Response{Status: ex.Status, Body: ex.Body, Replayed: true}, nil
}

// askConfirmation issues a single-use token bound to the caller, the
// intent and the items p resolved (their ids and versions), and answers
// 428 naming those items. The idempotency key stays unused.
func (e *Engine) askConfirmation(ctx context.Context, owner string, in intent.Intent, p plan, entry AuditEntry, start time.Time, why string) (Response, error) {
	c := Confirmation{Token: crand.Text(), Fingerprint: in.Fingerprint(), Summary: p.summary, Targets: p.targets,
		ExpiresAt: start.Add(ConfirmationWindow).UTC()}
	entry.Type, entry.Outcome, entry.Status = in.Type, OutcomeConfirmationRequired, http.StatusPreconditionRequired
	entry.LatencyMS = e.Now().Sub(start).Milliseconds()
	if err := e.Store.PutConfirmation(ctx, owner, c, entry); err != nil {
		return Response{}, err
	}
	return Response{}, &apperr.Error{Code: apperr.ConfirmationRequired,
		Message: why + "this is a risky intent: execute it again with confirmation_token to go ahead",
		Extra: map[string]any{"confirmation": map[string]any{
			"token": c.Token, "expires_at": c.ExpiresAt, "summary": c.Summary, "targets": c.Targets}}}
}

// Log returns the caller's audit trail, newest first.
func (e *Engine) Log(ctx context.Context, owner string, limit int, cursor string) ([]AuditEntry, string, error) {
	return e.Store.AuditLog(ctx, owner, limit, cursor)
}

func statusOf(err error) int { return httpapi.Status(apperr.CodeOf(err)) }
