package opsstore

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/cursor"
	"github.com/lucian-app/phase12/shared/dynamo"
)

const (
	statePK  = "ALERTSTATE"
	recordPK = "ALERT"
	// recordRetention keeps a year of incidents for MTTA and noise trends.
	recordRetention = 400 * 24 * time.Hour
)

type ruleItem struct {
	Rule          string  `dynamodbav:"rule"`
	Severity      string  `dynamodbav:"severity"`
	Threshold     float64 `dynamodbav:"threshold"`
	LongWindowMs  int64   `dynamodbav:"long_window_ms"`
	LongBurnRate  float64 `dynamodbav:"long_burn_rate"`
	ShortWindowMs int64   `dynamodbav:"short_window_ms"`
	ShortBurnRate float64 `dynamodbav:"short_burn_rate"`
	Firing        bool    `dynamodbav:"firing"`
	LowTraffic    bool    `dynamodbav:"low_traffic"`
}

// alertItem is both an incident record and, with ClearSince and Version, an alert state.
type alertItem struct {
	PK                string     `dynamodbav:"PK"`
	SK                string     `dynamodbav:"SK"`
	ID                string     `dynamodbav:"id"`
	Flow              string     `dynamodbav:"flow"`
	Objective         string     `dynamodbav:"objective"`
	Severity          string     `dynamodbav:"severity"`
	State             string     `dynamodbav:"state"`
	DedupKey          string     `dynamodbav:"dedup_key"`
	Summary           string     `dynamodbav:"summary"`
	Rule              string     `dynamodbav:"rule"`
	Threshold         float64    `dynamodbav:"threshold"`
	LongWindowMs      int64      `dynamodbav:"long_window_ms"`
	LongBurnRate      float64    `dynamodbav:"long_burn_rate"`
	ShortWindowMs     int64      `dynamodbav:"short_window_ms"`
	ShortBurnRate     float64    `dynamodbav:"short_burn_rate"`
	Bad               uint64     `dynamodbav:"bad"`
	Total             uint64     `dynamodbav:"total"`
	BudgetRemaining   float64    `dynamodbav:"budget_remaining"`
	Target            float64    `dynamodbav:"target"`
	Rules             []ruleItem `dynamodbav:"rules,omitempty"`
	Runbook           string     `dynamodbav:"runbook"`
	SLOVersion        int        `dynamodbav:"slo_version"`
	TriggeredAt       time.Time  `dynamodbav:"triggered_at"`
	NotifiedAt        *time.Time `dynamodbav:"notified_at,omitempty"`
	ResolvedAt        *time.Time `dynamodbav:"resolved_at,omitempty"`
	ResolveNotifiedAt *time.Time `dynamodbav:"resolve_notified_at,omitempty"`
	AcknowledgedAt    *time.Time `dynamodbav:"acknowledged_at,omitempty"`
	AcknowledgedBy    *string    `dynamodbav:"acknowledged_by,omitempty"`
	TimeToAckSeconds  *int64     `dynamodbav:"time_to_ack_seconds,omitempty"`
	Verdict           *string    `dynamodbav:"verdict,omitempty"`
	ClearSince        *time.Time `dynamodbav:"clear_since,omitempty"`
	Version           int64      `dynamodbav:"version,omitempty"`
	ExpiresAt         int64      `dynamodbav:"expires_at,omitempty"`
}

func stateSK(k alert.Key) string { return k.Flow + "#" + k.Objective + "#" + string(k.Severity) }

// finite keeps a number storable: DynamoDB numbers have no infinity or NaN and stop at
// 1e125.
func finite(f float64) float64 { return math.Max(-1e100, alert.Finite(f)) }

func itemOf(a alert.Alert) alertItem {
	it := alertItem{
		ID: a.ID, Flow: a.Flow, Objective: a.Objective, Severity: string(a.Severity), State: string(a.State),
		DedupKey: a.DedupKey, Summary: a.Summary, Rule: a.Rule, Threshold: finite(a.Threshold),
		LongWindowMs: a.LongWindowMs, LongBurnRate: finite(a.LongBurnRate),
		ShortWindowMs: a.ShortWindowMs, ShortBurnRate: finite(a.ShortBurnRate),
		Bad: a.Bad, Total: a.Total, BudgetRemaining: finite(a.BudgetRemaining), Target: a.Target,
		Runbook: a.Runbook, SLOVersion: a.SLOVersion, TriggeredAt: a.TriggeredAt.UTC(),
		NotifiedAt: a.NotifiedAt, ResolvedAt: a.ResolvedAt, ResolveNotifiedAt: a.ResolveNotifiedAt,
		AcknowledgedAt: a.AcknowledgedAt, AcknowledgedBy: a.AcknowledgedBy,
		TimeToAckSeconds: a.TimeToAckSeconds, Verdict: a.Verdict,
	}
	for _, r := range a.Rules {
		it.Rules = append(it.Rules, ruleItem{
			Rule: r.Rule, Severity: string(r.Severity), Threshold: finite(r.Threshold),
			LongWindowMs: r.LongWindowMs, LongBurnRate: finite(r.LongBurnRate),
			ShortWindowMs: r.ShortWindowMs, ShortBurnRate: finite(r.ShortBurnRate),
			Firing: r.Firing, LowTraffic: r.LowTraffic,
		})
	}
	return it
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func alertOf(it alertItem) alert.Alert {
	a := alert.Alert{
		ID: it.ID, Flow: it.Flow, Objective: it.Objective, Severity: burnrate.Severity(it.Severity),
		State: alert.Status(it.State), DedupKey: it.DedupKey, Summary: it.Summary, Rule: it.Rule,
		Threshold: it.Threshold, LongWindowMs: it.LongWindowMs, LongBurnRate: it.LongBurnRate,
		ShortWindowMs: it.ShortWindowMs, ShortBurnRate: it.ShortBurnRate, Bad: it.Bad, Total: it.Total,
		BudgetRemaining: it.BudgetRemaining, Target: it.Target, Runbook: it.Runbook, SLOVersion: it.SLOVersion,
		TriggeredAt: it.TriggeredAt.UTC(), NotifiedAt: utc(it.NotifiedAt), ResolvedAt: utc(it.ResolvedAt),
		ResolveNotifiedAt: utc(it.ResolveNotifiedAt), AcknowledgedAt: utc(it.AcknowledgedAt),
		AcknowledgedBy: it.AcknowledgedBy, TimeToAckSeconds: it.TimeToAckSeconds, Verdict: it.Verdict,
		Rules: []alert.RuleRate{},
	}
	for _, r := range it.Rules {
		a.Rules = append(a.Rules, alert.RuleRate{
			Rule: r.Rule, Severity: burnrate.Severity(r.Severity), Threshold: r.Threshold,
			LongWindowMs: r.LongWindowMs, LongBurnRate: r.LongBurnRate,
			ShortWindowMs: r.ShortWindowMs, ShortBurnRate: r.ShortBurnRate,
			Firing: r.Firing, LowTraffic: r.LowTraffic,
		})
	}
	return a
}

func decodeAlert(av map[string]types.AttributeValue) (alertItem, error) {
	var it alertItem
	err := attributevalue.UnmarshalMap(av, &it)
	return it, err
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		dynamo.PartitionKey: &types.AttributeValueMemberS{Value: pk},
		dynamo.SortKey:      &types.AttributeValueMemberS{Value: sk},
	}
}

// partition selects every item under pk.
func (s *Store) partition(pk string) *dynamodb.QueryInput {
	return &dynamodb.QueryInput{
		TableName:                 aws.String(s.Table),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": dynamo.PartitionKey},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}},
	}
}

// States reads every alert state: one per (flow, objective, severity), a few dozen items.
func (s *Store) States(ctx context.Context) ([]alert.State, error) {
	in := s.partition(statePK)
	in.ConsistentRead = aws.Bool(true)
	var out []alert.State
	err := dynamo.QueryAll(ctx, s.DB, in, func(av map[string]types.AttributeValue) error {
		it, err := decodeAlert(av)
		if err != nil {
			return err
		}
		out = append(out, alert.State{Alert: alertOf(it), ClearSince: utc(it.ClearSince), Version: it.Version})
		return nil
	})
	return out, err
}

// Save writes an alert state and its incident record in one transaction.
func (s *Store) Save(ctx context.Context, next alert.State, opened bool) error {
	st := itemOf(next.Alert)
	st.AcknowledgedAt, st.AcknowledgedBy, st.TimeToAckSeconds, st.Verdict = nil, nil, nil, nil
	st.PK, st.SK = statePK, stateSK(next.Alert.Key())
	st.ClearSince, st.Version = utc(next.ClearSince), next.Version
	stateAV, err := attributevalue.MarshalMap(st)
	if err != nil {
		return err
	}
	statePut := &types.Put{TableName: aws.String(s.Table), Item: stateAV}
	if next.Version <= 1 {
		statePut.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		statePut.ConditionExpression = aws.String("#version = :prev")
		statePut.ExpressionAttributeNames = map[string]string{"#version": "version"}
		statePut.ExpressionAttributeValues = map[string]types.AttributeValue{
			":prev": &types.AttributeValueMemberN{Value: strconv.FormatInt(next.Version-1, 10)},
		}
	}

	record := types.TransactWriteItem{}
	if opened {
		rec := itemOf(next.Alert)
		rec.PK, rec.SK = recordPK, next.Alert.ID
		rec.ExpiresAt = next.Alert.TriggeredAt.Add(recordRetention).Unix()
		recAV, err := attributevalue.MarshalMap(rec)
		if err != nil {
			return err
		}
		record.Put = &types.Put{TableName: aws.String(s.Table), Item: recAV, ConditionExpression: aws.String("attribute_not_exists(PK)")}
	} else {
		record.Update = lifecycleUpdate(s.Table, next.Alert)
	}

	_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{
		TransactItems: []types.TransactWriteItem{{Put: statePut}, record},
	})
	if reasons := dynamo.Canceled(err); len(reasons) == 2 && aws.ToString(reasons[0].Code) == dynamo.ReasonConditionFailed {
		return alert.ErrStale
	}
	return dynamo.Wrap(err)
}

// lifecycleUpdate sets the fields the checker owns on an incident record.
func lifecycleUpdate(table string, a alert.Alert) *types.Update {
	names := map[string]string{"#state": "state"}
	values := map[string]types.AttributeValue{":state": &types.AttributeValueMemberS{Value: string(a.State)}}
	sets := []string{"#state = :state"}
	for _, f := range []struct {
		name string
		t    *time.Time
	}{{"notified_at", a.NotifiedAt}, {"resolved_at", a.ResolvedAt}, {"resolve_notified_at", a.ResolveNotifiedAt}} {
		if f.t == nil {
			continue
		}
		n, v := "#"+f.name, ":"+f.name
		names[n] = f.name
		values[v] = &types.AttributeValueMemberS{Value: f.t.UTC().Format(time.RFC3339Nano)}
		sets = append(sets, n+" = "+v)
	}
	return &types.Update{
		TableName: aws.String(table), Key: key(recordPK, a.ID),
		UpdateExpression:          aws.String("SET " + strings.Join(sets, ", ")),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}
}

func notFound(id string) error { return apperr.New(apperr.NotFound, "no alert %q", id) }

// Get reads an incident record.
func (s *Store) Get(ctx context.Context, id string) (alert.Alert, error) {
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.Table), Key: key(recordPK, id), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return alert.Alert{}, dynamo.Wrap(err)
	}
	if len(out.Item) == 0 {
		return alert.Alert{}, notFound(id)
	}
	it, err := decodeAlert(out.Item)
	if err != nil {
		return alert.Alert{}, err
	}
	return alertOf(it), nil
}

// List returns incidents newest first, at most limit: the first page of ListPage.
func (s *Store) List(ctx context.Context, state alert.Status, limit int) ([]alert.Alert, error) {
	out, _, err := s.ListPage(ctx, state, cursor.Page{Limit: limit})
	return out, err
}

// The incident lists are shared by the whole ops group: every member reads the same
// incidents, and the group is checked on every request. So their cursors are bound to that
// scope, not to the caller: a colleague's cursor names a position in the very list the
// caller may read anyway (refusing it would protect nothing), while a cursor of a user's
// list is still refused as another list's. Each state is a list of its own, so a cursor of
// the firing list does not continue the resolved one.
const alertsOwner = "ops"

func alertsList(state alert.Status) string {
	if state == "" {
		return "ops_alerts"
	}
	return "ops_alerts_" + string(state)
}

// maxKeyBytes is DynamoDB's limit on a sort key: a cursor naming a longer id names no
// incident, and sending it would be refused as a ValidationException (a 500).
const maxKeyBytes = 1024

// ListPage returns one page of incidents newest first (only those in state unless it is
// empty): at most p.Limit after p.Cursor, and the cursor of the next page, "" on the last.
// A cursor is a position, the id of the last incident of its page, so incidents opened
// while a client pages neither repeat nor shift its pages. It must name an incident that
// exists (one that resolved since still counts); anything else is 400.
//
// The reads are bounded by the page, never by the history:
//   - every incident: at most limit+2 records, read backwards from the cursor inclusive
//     (the cursor's own record, the page, and one more to know whether another follows);
//   - resolved: the same, plus the firing records passed over, at most one per alert key;
//   - firing: the alert states (one per alert key; they name the firing incidents) and at
//     most limit+1 records (the page, and the cursor's if it no longer fires).
//
// No FilterExpression: a filtered Query pays for every item it passes over but returns
// (and lets a test count) only those it keeps, so the resolved list filters here.
func (s *Store) ListPage(ctx context.Context, state alert.Status, p cursor.Page) ([]alert.Alert, string, error) {
	if state != "" && state != alert.Firing && state != alert.Resolved {
		return nil, "", apperr.Field("state", "must be %q or %q (or absent for all)", alert.Firing, alert.Resolved)
	}
	list := alertsList(state)
	pos, err := cursor.Decode(p.Cursor, list, alertsOwner)
	if err != nil {
		return nil, "", err
	}
	after := ""
	if pos != nil {
		after = pos["id"]
		if after == "" || len(after) > maxKeyBytes || len(pos) != 1 {
			return nil, "", cursor.Invalid()
		}
	}
	if p.Limit <= 0 {
		return []alert.Alert{}, "", nil
	}
	var (
		out  []alert.Alert
		more bool
	)
	if state == alert.Firing {
		out, more, err = s.firingPage(ctx, after, p.Limit)
	} else {
		out, more, err = s.recordPage(ctx, state, after, p.Limit)
	}
	if err != nil {
		return nil, "", err
	}
	next := ""
	if more {
		next = cursor.Encode(list, alertsOwner, map[string]string{"id": out[len(out)-1].ID})
	}
	return out, next, nil
}

// recordPage reads the incident records backwards from after (from the newest without
// one), keeping those in state (all when empty), until it holds limit+1 or the records
// end. A Query page stops at 1 MB, so a long page may take several calls; each asks only
// for what is still missing.
func (s *Store) recordPage(ctx context.Context, state alert.Status, after string, limit int) ([]alert.Alert, bool, error) {
	in := s.partition(recordPK)
	in.ScanIndexForward = aws.Bool(false)
	found := after == ""
	if !found {
		// Inclusive: the first record read is the cursor's own, which proves it names an
		// incident.
		in.KeyConditionExpression = aws.String("#pk = :pk AND #sk <= :after")
		in.ExpressionAttributeNames["#sk"] = dynamo.SortKey
		in.ExpressionAttributeValues[":after"] = &types.AttributeValueMemberS{Value: after}
	}
	out := []alert.Alert{}
	for {
		want := limit + 1 - len(out)
		if !found {
			want++
		}
		in.Limit = aws.Int32(int32(min(want, 1000)))
		page, err := s.DB.Query(ctx, in)
		if err != nil {
			return nil, false, dynamo.Wrap(err)
		}
		for _, av := range page.Items {
			it, err := decodeAlert(av)
			if err != nil {
				return nil, false, err
			}
			if !found {
				if it.SK != after {
					return nil, false, cursor.Invalid()
				}
				found = true
				continue
			}
			if state == "" || it.State == string(state) {
				out = append(out, alertOf(it))
			}
		}
		if len(out) > limit {
			return out[:limit], true, nil
		}
		if len(page.LastEvaluatedKey) == 0 {
			if !found {
				return nil, false, cursor.Invalid()
			}
			return out, false, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// firingPage lists the firing incidents the alert states name (at most one per key), older
// than after, and reads the records of the page only.
func (s *Store) firingPage(ctx context.Context, after string, limit int) ([]alert.Alert, bool, error) {
	states, err := s.States(ctx)
	if err != nil {
		return nil, false, err
	}
	ids := alert.FiringIDs(states)
	slices.SortFunc(ids, func(a, b string) int { return strings.Compare(b, a) })
	// A cursor's incident that still fires is known to exist; one that resolved since is
	// read with the page, to tell it from an id that names nothing.
	check := after != "" && !slices.Contains(ids, after)
	if after != "" {
		ids = slices.DeleteFunc(ids, func(id string) bool { return id >= after })
	}
	more := len(ids) > limit
	ids = ids[:min(len(ids), limit)]
	keys := ids
	if check {
		keys = append(slices.Clip(keys), after)
	}
	out, err := s.GetMany(ctx, keys)
	if err != nil {
		return nil, false, err
	}
	if check {
		n := len(out)
		if out = slices.DeleteFunc(out, func(a alert.Alert) bool { return a.ID == after }); len(out) == n {
			return nil, false, cursor.Invalid()
		}
	}
	return out, more, nil
}

// GetMany reads the incidents ids name, consistently, newest first; an
// unknown id is left out.
func (s *Store) GetMany(ctx context.Context, ids []string) ([]alert.Alert, error) {
	keys := make([]map[string]types.AttributeValue, 0, len(ids))
	for _, id := range ids {
		keys = append(keys, key(recordPK, id))
	}
	items, err := dynamo.BatchGet(ctx, s.DB, s.Table, keys, true, s.Sleep)
	if err != nil {
		return nil, err
	}
	out := make([]alert.Alert, 0, len(items))
	for _, av := range items {
		it, err := decodeAlert(av)
		if err != nil {
			return nil, err
		}
		out = append(out, alertOf(it))
	}
	slices.SortFunc(out, func(a, b alert.Alert) int { return cmp.Compare(b.ID, a.ID) })
	return out, nil
}

// Acknowledge records the first acknowledgement of an incident.
func (s *Store) Acknowledge(ctx context.Context, id string, ack alert.Acknowledgement) (alert.Alert, error) {
	names := map[string]string{"#at": "acknowledged_at", "#by": "acknowledged_by", "#tta": "time_to_ack_seconds"}
	values := map[string]types.AttributeValue{
		":at":  &types.AttributeValueMemberS{Value: ack.At.UTC().Format(time.RFC3339Nano)},
		":by":  &types.AttributeValueMemberS{Value: ack.By},
		":tta": &types.AttributeValueMemberN{Value: strconv.FormatInt(ack.TimeToAckSeconds, 10)},
	}
	set := "SET #at = :at, #by = :by, #tta = :tta"
	if ack.Verdict != nil {
		names["#verdict"] = "verdict"
		values[":verdict"] = &types.AttributeValueMemberS{Value: *ack.Verdict}
		set += ", #verdict = :verdict"
	}
	a, err := s.updateRecord(ctx, id, set, "attribute_exists(PK) AND attribute_not_exists(#at)", names, values)
	if dynamo.ConditionFailed(err) {
		if _, getErr := s.Get(ctx, id); getErr != nil {
			return alert.Alert{}, getErr
		}
		return alert.Alert{}, alert.ErrAcknowledged
	}
	return a, err
}

// SetVerdict records the verdict of an incident.
func (s *Store) SetVerdict(ctx context.Context, id, verdict string) (alert.Alert, error) {
	a, err := s.updateRecord(ctx, id, "SET #verdict = :verdict", "attribute_exists(PK)",
		map[string]string{"#verdict": "verdict"},
		map[string]types.AttributeValue{":verdict": &types.AttributeValueMemberS{Value: verdict}})
	if dynamo.ConditionFailed(err) {
		return alert.Alert{}, notFound(id)
	}
	return a, err
}

// updateRecord returns condition failures unwrapped, for the caller to interpret.
func (s *Store) updateRecord(ctx context.Context, id, update, condition string, names map[string]string, values map[string]types.AttributeValue) (alert.Alert, error) {
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: key(recordPK, id),
		UpdateExpression: aws.String(update), ConditionExpression: aws.String(condition),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values,
		ReturnValues: types.ReturnValueAllNew,
	})
	if dynamo.ConditionFailed(err) {
		return alert.Alert{}, err
	}
	if err != nil {
		return alert.Alert{}, dynamo.Wrap(err)
	}
	it, err := decodeAlert(out.Attributes)
	if err != nil {
		return alert.Alert{}, err
	}
	return alertOf(it), nil
}
