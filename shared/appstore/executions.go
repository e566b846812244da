package appstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/cursor"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/intent"
)

// The command OS's items (beside tasks and goals):
//
//	PK USER#<sub>  SK EXEC#<idempotency key>     execution record: idempotency record and undo token
//	PK USER#<sub>  SK LOG#<at>#<id>              audit entry, newest last
//	PK USER#<sub>  SK CONFIRM#<token>            pending confirmation of a risky intent
const (
	execPrefix    = "EXEC#"
	logPrefix     = "LOG#"
	confirmPrefix = "CONFIRM#"
	// logTime sorts lexically in time order.
	logTime = "2006-01-02T15:04:05.000000000Z"
)

var _ execute.Store = (*Store)(nil)

type execItem struct {
	PK             string `dynamodbav:"PK"`
	SK             string `dynamodbav:"SK"`
	Kind           string `dynamodbav:"kind"`
	ExecutionID    string `dynamodbav:"execution_id"`
	IdempotencyKey string `dynamodbav:"idempotency_key"`
	Fingerprint    string `dynamodbav:"fingerprint"`
	Type           string `dynamodbav:"type"`
	At             string `dynamodbav:"at"`
	Status         int    `dynamodbav:"status"`
	Body           string `dynamodbav:"body"`
	KeyExpiresMS   int64  `dynamodbav:"key_expires_ms"`
	CreatedKind    string `dynamodbav:"created_kind,omitempty"`
	CreatedID      string `dynamodbav:"created_id,omitempty"`
	CreatedVersion int    `dynamodbav:"created_version,omitempty"`
	CreatedRef     string `dynamodbav:"created_ref,omitempty"`
	UndoExpiresMS  int64  `dynamodbav:"undo_expires_ms,omitempty"`
	UndoneAt       string `dynamodbav:"undone_at,omitempty"`
	ExpiresAt      int64  `dynamodbav:"expires_at"`
}

type auditItem struct {
	PK             string `dynamodbav:"PK"`
	SK             string `dynamodbav:"SK"`
	Kind           string `dynamodbav:"kind"`
	ExecutionID    string `dynamodbav:"execution_id"`
	At             string `dynamodbav:"at"`
	Type           string `dynamodbav:"type"`
	Outcome        string `dynamodbav:"outcome"`
	IdempotencyKey string `dynamodbav:"idempotency_key"`
	LatencyMS      int64  `dynamodbav:"latency_ms"`
	Status         int    `dynamodbav:"status"`
	Detail         string `dynamodbav:"detail,omitempty"`
	ExpiresAt      int64  `dynamodbav:"expires_at"`
}

type confirmItem struct {
	PK          string `dynamodbav:"PK"`
	SK          string `dynamodbav:"SK"`
	Kind        string `dynamodbav:"kind"`
	Fingerprint string `dynamodbav:"fingerprint"`
	Summary     string `dynamodbav:"summary"`
	// TargetsKey names the confirmed items and their versions
	// (intent.TargetsKey); Targets keeps them as shown.
	TargetsKey string          `dynamodbav:"targets_key"`
	Targets    []intent.Target `dynamodbav:"targets"`
	ExpiresMS  int64           `dynamodbav:"expires_ms"`
	ExpiresAt  int64           `dynamodbav:"expires_at"`
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		dynamo.PartitionKey: &types.AttributeValueMemberS{Value: pk},
		dynamo.SortKey:      &types.AttributeValueMemberS{Value: sk},
	}
}

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func execKey(owner, idemKey string) map[string]types.AttributeValue {
	return key(userPK(owner), execPrefix+idemKey)
}

func recordItem(owner string, r execute.Execution) (map[string]types.AttributeValue, error) {
	it := execItem{PK: userPK(owner), SK: execPrefix + r.IdempotencyKey, Kind: "execution", ExecutionID: r.ID,
		IdempotencyKey: r.IdempotencyKey, Fingerprint: r.Fingerprint, Type: r.Type, At: r.At.UTC().Format(time.RFC3339Nano),
		Status: r.Status, Body: string(r.Body), KeyExpiresMS: r.KeyExpiresAt.UnixMilli(), ExpiresAt: r.KeyExpiresAt.Unix()}
	if r.Created != nil {
		it.CreatedKind, it.CreatedID, it.CreatedVersion, it.CreatedRef = r.Created.Kind, r.Created.ID, r.Created.Version, r.Created.Ref
	}
	if !r.UndoExpiresAt.IsZero() {
		it.UndoExpiresMS = r.UndoExpiresAt.UnixMilli()
	}
	return attributevalue.MarshalMap(it)
}

func executionOf(av map[string]types.AttributeValue) (execute.Execution, error) {
	var it execItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return execute.Execution{}, err
	}
	at, _ := time.Parse(time.RFC3339Nano, it.At)
	ex := execute.Execution{ID: it.ExecutionID, IdempotencyKey: it.IdempotencyKey, Fingerprint: it.Fingerprint,
		Type: it.Type, At: at, Status: it.Status, Body: []byte(it.Body), KeyExpiresAt: time.UnixMilli(it.KeyExpiresMS).UTC()}
	if it.CreatedKind != "" {
		ex.Created = &execute.Created{Kind: it.CreatedKind, ID: it.CreatedID, Version: it.CreatedVersion, Ref: it.CreatedRef}
	}
	if it.UndoExpiresMS != 0 {
		ex.UndoExpiresAt = time.UnixMilli(it.UndoExpiresMS).UTC()
	}
	if it.UndoneAt != "" {
		ex.UndoneAt, _ = time.Parse(time.RFC3339Nano, it.UndoneAt)
	}
	return ex, nil
}

// auditPut is the write of one audit entry; its sort key orders the trail by time.
func (s *Store) auditPut(owner string, e execute.AuditEntry) (*types.Put, error) {
	at := e.At.UTC()
	item, err := attributevalue.MarshalMap(auditItem{PK: userPK(owner),
		SK:   logPrefix + at.Format(logTime) + "#" + e.EntryID,
		Kind: "audit", ExecutionID: e.ExecutionID, At: at.Format(time.RFC3339Nano), Type: e.Type, Outcome: e.Outcome,
		IdempotencyKey: e.IdempotencyKey, LatencyMS: e.LatencyMS, Status: e.Status, Detail: e.Detail,
		ExpiresAt: at.Add(execute.AuditRetention).Unix()})
	if err != nil {
		return nil, err
	}
	return &types.Put{TableName: aws.String(s.Table), Item: item}, nil
}

// effectItems are the writes of an execution's effect, conditioned so
// that they apply only to the state the engine resolved; the effect's own
// item comes first. quota is the position of a count that grows (-1: none).
func (s *Store) effectItems(owner string, e execute.Effect) (items []types.TransactWriteItem, quota int, err error) {
	table := aws.String(s.Table)
	switch {
	case e.CreateTask != nil:
		return s.taskWrites(owner, nil, e.CreateTask, e.Activity)
	case e.ReplaceTask != nil:
		if e.Prev == nil {
			return nil, -1, errors.New("appstore: a task replaced without the task it replaces")
		}
		return s.taskWrites(owner, e.Prev, e.ReplaceTask, e.Activity)
	case e.DeleteTask != nil:
		return s.taskWrites(owner, e.DeleteTask, nil, e.Activity)
	case e.CreateGoal != nil:
		item, err := GoalItem(owner, *e.CreateGoal)
		return []types.TransactWriteItem{
			{Put: &types.Put{TableName: table, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
			s.countUpdate(owner, quotaGoals, 1, s.maxGoals()),
		}, 1, err
	case e.DeleteGoal != nil:
		return []types.TransactWriteItem{
			{Delete: &types.Delete{TableName: table, Key: key(userPK(owner), goalPrefix+e.DeleteGoal.ID),
				ConditionExpression:       aws.String("attribute_exists(PK) AND version = :v"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":v": num(int64(e.DeleteGoal.Version))}}},
			s.countUpdate(owner, quotaGoals, -1, 0),
		}, -1, nil
	}
	return nil, -1, errors.New("appstore: an execution without an effect")
}

// UndoRef is, for a created task, the sort key of its open copy, which the
// undo transaction deletes with it; a goal has none.
func (s *Store) UndoRef(e execute.Effect) string {
	if e.CreateTask != nil {
		return openSK(*e.CreateTask)
	}
	return ""
}

// Item positions in the execute transaction, for reading cancellations.
// The record goes first: emulators that stop at the first failed item
// (minidyn) then still report a duplicate as a duplicate. The effect's
// items follow the fixed ones.
const (
	txRecord = iota
	txAudit
	txConfirm
)

// Commit writes the effect, the execution record and the audit entry (and
// consumes the confirmation) in one TransactWriteItems.
func (s *Store) Commit(ctx context.Context, owner string, c execute.Commit) error {
	effects, quota, err := s.effectItems(owner, c.Effect)
	if err != nil {
		return err
	}
	record, err := recordItem(owner, c.Record)
	if err != nil {
		return err
	}
	audit, err := s.auditPut(owner, c.Audit)
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{
		txRecord: {Put: &types.Put{TableName: aws.String(s.Table), Item: record,
			// A record past its window frees its key; TTL may not have
			// removed it yet, so the clock decides, not the item's presence.
			ConditionExpression:                 aws.String("attribute_not_exists(PK) OR key_expires_ms < :now"),
			ExpressionAttributeValues:           map[string]types.AttributeValue{":now": num(c.Now.UnixMilli())},
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}},
		txAudit: {Put: audit},
	}
	if c.Confirm != nil {
		// The token confirms this intent on exactly the items it was
		// issued for, at the versions the user saw; the effect item is
		// conditioned on the same id and version.
		items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table),
			Key:                 key(userPK(owner), confirmPrefix+c.Confirm.Token),
			ConditionExpression: aws.String("attribute_exists(PK) AND fingerprint = :fp AND targets_key = :targets AND expires_ms > :now"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":fp": str(c.Confirm.Fingerprint),
				":targets": str(intent.TargetsKey(c.Confirm.Targets)), ":now": num(c.Now.UnixMilli())},
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}})
	}
	txEffect := len(items)
	items = append(items, effects...)
	err = dynamo.Transact(ctx, s.DB, items, s.Sleep)
	reasons := dynamo.Canceled(err)
	if reasons == nil {
		return dynamo.Wrap(err)
	}
	code := func(i int) string {
		if i < len(reasons) {
			return aws.ToString(reasons[i].Code)
		}
		return ""
	}
	if dynamo.Retryable(reasons) {
		return execute.ErrRetryable
	}
	switch {
	case code(txRecord) == dynamo.ReasonConditionFailed:
		if len(reasons[txRecord].Item) == 0 {
			// DynamoDB returns the old record (ALL_OLD); without it the
			// engine settles the race by reading the record itself.
			return execute.ErrRetryable
		}
		ex, err := executionOf(reasons[txRecord].Item)
		if err != nil {
			return err
		}
		return &execute.DuplicateError{Existing: ex}
	case c.Confirm != nil && code(txConfirm) == dynamo.ReasonConditionFailed:
		return confirmationRefused(reasons[txConfirm].Item, *c.Confirm, c.Now)
	case code(txEffect) == dynamo.ReasonConditionFailed:
		return execute.ErrEffectConflict
	case quota >= 0 && code(txEffect+quota) == dynamo.ReasonConditionFailed:
		if c.Effect.CreateGoal != nil {
			return quotaError("goals", s.maxGoals())
		}
		return quotaError("open tasks", s.maxOpenTasks())
	}
	return dynamo.Wrap(err)
}

// confirmationRefused says why the stored confirmation (its ALL_OLD
// image, empty if there is none) does not confirm want.
func confirmationRefused(old map[string]types.AttributeValue, want execute.Confirmation, now time.Time) error {
	var it confirmItem
	if len(old) == 0 || attributevalue.UnmarshalMap(old, &it) != nil {
		return &execute.ConfirmationError{Why: "the confirmation token is unknown or already used"}
	}
	switch {
	case it.ExpiresMS <= now.UnixMilli():
		return &execute.ConfirmationError{Why: "the confirmation token has expired"}
	case it.Fingerprint != want.Fingerprint:
		return &execute.ConfirmationError{Why: "the confirmation token is for another intent"}
	}
	return &execute.ConfirmationError{Why: fmt.Sprintf("you confirmed %s, but the reference now means %s",
		describeTargets(it.Targets), describeTargets(want.Targets))}
}

func describeTargets(ts []intent.Target) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = fmt.Sprintf("%s %q (%s, version %d)", t.Type, t.Title, t.ID, t.Version)
	}
	return strings.Join(parts, " and ")
}

// Execution reads the record under idemKey, consistently.
func (s *Store) Execution(ctx context.Context, owner, idemKey string) (execute.Execution, bool, error) {
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table),
		Key: execKey(owner, idemKey), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return execute.Execution{}, false, dynamo.Wrap(err)
	}
	if len(out.Item) == 0 {
		return execute.Execution{}, false, nil
	}
	ex, err := executionOf(out.Item)
	return ex, err == nil, err
}

// AppendAudit writes one audit entry.
func (s *Store) AppendAudit(ctx context.Context, owner string, e execute.AuditEntry) error {
	put, err := s.auditPut(owner, e)
	if err != nil {
		return err
	}
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: put.TableName, Item: put.Item})
	return dynamo.Wrap(err)
}

// PutConfirmation stores a pending confirmation and its audit entry together.
func (s *Store) PutConfirmation(ctx context.Context, owner string, c execute.Confirmation, audit execute.AuditEntry) error {
	item, err := attributevalue.MarshalMap(confirmItem{PK: userPK(owner), SK: confirmPrefix + c.Token, Kind: "confirmation",
		Fingerprint: c.Fingerprint, Summary: c.Summary, TargetsKey: intent.TargetsKey(c.Targets), Targets: c.Targets,
		ExpiresMS: c.ExpiresAt.UnixMilli(), ExpiresAt: c.ExpiresAt.Unix()})
	if err != nil {
		return err
	}
	put, err := s.auditPut(owner, audit)
	if err != nil {
		return err
	}
	_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String(s.Table), Item: item}},
		{Put: put},
	}})
	return dynamo.Wrap(err)
}

// ListAudit returns the newest limit audit entries, newest first.
func (s *Store) ListAudit(ctx context.Context, owner string, limit int) ([]execute.AuditEntry, error) {
	entries, _, err := s.AuditLog(ctx, owner, limit, "")
	return entries, err
}

const cursorLog = "intents_log"

// AuditLog returns one page of the owner's audit trail, newest first,
// after cursor, and the cursor of the next page ("" after the last). It
// reads at most limit items.
func (s *Store) AuditLog(ctx context.Context, owner string, limit int, after string) ([]execute.AuditEntry, string, error) {
	pos, err := cursor.Decode(after, cursorLog, owner)
	if err != nil {
		return nil, "", err
	}
	in := s.ownerQuery(owner, logPrefix)
	in.ScanIndexForward, in.Limit = aws.Bool(false), aws.Int32(int32(limit))
	if pos != nil {
		if !strings.HasPrefix(pos["sk"], logPrefix) {
			return nil, "", cursor.Invalid()
		}
		in.ExclusiveStartKey = key(userPK(owner), pos["sk"])
	}
	out, err := s.DB.Query(ctx, in)
	if err != nil {
		return nil, "", dynamo.Wrap(err)
	}
	next := ""
	if n := len(out.Items); n > 0 && len(out.LastEvaluatedKey) > 0 {
		next = cursor.Encode(cursorLog, owner, map[string]string{"sk": out.Items[n-1][skAttr].(*types.AttributeValueMemberS).Value})
	}
	entries := make([]execute.AuditEntry, 0, len(out.Items))
	for _, av := range out.Items {
		var it auditItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return nil, "", err
		}
		at, _ := time.Parse(time.RFC3339Nano, it.At)
		entries = append(entries, execute.AuditEntry{ExecutionID: it.ExecutionID, At: at, Type: it.Type,
			Outcome: it.Outcome, IdempotencyKey: it.IdempotencyKey, LatencyMS: it.LatencyMS, Status: it.Status, Detail: it.Detail})
	}
	return entries, next, nil
}
