package hintstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/hint"
	"github.com/lucian-app/phase12/shared/hintguard"
	"github.com/lucian-app/phase12/shared/hintstats"
)

// Store is HintTable.
type Store struct {
	DB    dynamo.API
	Table string
}

var _ hint.Store = (*Store)(nil)

// New returns the store over table.
func New(db dynamo.API, table string) *Store { return &Store{DB: db, Table: table} }

// CounterDays is how long a day's counters are kept (TTL).
const CounterDays = hintstats.CounterDays

var _ hintguard.Source = (*Store)(nil)

// Day reads one UTC day's counters and verdicts (hintstats.Store.Day).
func (s *Store) Day(ctx context.Context, day string) (hintguard.Day, error) {
	return hintstats.New(s.DB, s.Table).Day(ctx, day)
}

// SaveVerdicts keeps the day's verdicts once (hintstats.Store.SaveVerdicts).
func (s *Store) SaveVerdicts(ctx context.Context, day string, vs []hintguard.Verdict) error {
	return hintstats.New(s.DB, s.Table).SaveVerdicts(ctx, day, vs)
}

// Attribute names of the state item.
const (
	stateSK      = "STATE"
	aSeq         = "seq"
	aDay         = "day"
	aTips        = "tips"
	aBreaks      = "breaks"
	aLast        = "last_at"
	aLastBreak   = "last_break_at"
	aDismissals  = "dismissals"
	aDismissedAt = "dismissed_at"
	copyCount    = "cn_" // + copy id
	copyLast     = "ct_" // + copy id
	slotPrefix   = "h"   // + slot index
	eventPrefix  = "ev_" // + event, inside a slot
	aSettingsRev = "srev"
	aLucian      = "lucian"
	aHints       = "hints_on"
	aBreaksOn    = "breaks_on"
	aQuietStart  = "quiet_start"
	aQuietEnd    = "quiet_end"
	aTimezone    = "tz"
	aSeenDay     = "seen_day"
	aFirstDay    = "first_day"
	aFirstArm    = "first_arm"
	aFirstOn     = "first_on"
	aTaskAt      = "task_at"
	// noQuiet in quiet_start and quiet_end is "no quiet hours".
	noQuiet = -1
)

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{dynamo.PartitionKey: str(pk), dynamo.SortKey: str(sk)}
}

func stateKey(user string) map[string]types.AttributeValue { return key("USER#"+user, stateSK) }

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func millis(t time.Time) types.AttributeValue { return num(t.UnixMilli()) }

func getNum(item map[string]types.AttributeValue, name string) int64 {
	if v, ok := item[name].(*types.AttributeValueMemberN); ok {
		n, _ := strconv.ParseInt(v.Value, 10, 64)
		return n
	}
	return 0
}

func getStr(item map[string]types.AttributeValue, name string) string {
	if v, ok := item[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func getBool(item map[string]types.AttributeValue, name string) bool {
	v, ok := item[name].(*types.AttributeValueMemberBOOL)
	return ok && v.Value
}

func getTime(item map[string]types.AttributeValue, name string) time.Time {
	if _, ok := item[name]; !ok {
		return time.Time{}
	}
	return time.UnixMilli(getNum(item, name)).UTC()
}

// Load reads the user's state item consistently: a claim pins what was read.
func (s *Store) Load(ctx context.Context, user string) (hint.State, error) {
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: stateKey(user), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return hint.State{}, dynamo.Wrap(err)
	}
	return stateOf(out.Item), nil
}

func stateOf(item map[string]types.AttributeValue) hint.State {
	st := hint.State{
		Seq: getNum(item, aSeq), Day: getStr(item, aDay),
		Tips: int(getNum(item, aTips)), Breaks: int(getNum(item, aBreaks)),
		LastShown: getTime(item, aLast), LastBreak: getTime(item, aLastBreak),
		Dismissals: int(getNum(item, aDismissals)), LastDismissed: getTime(item, aDismissedAt),
		Copies:      map[string]hint.CopyUse{},
		SettingsRev: getNum(item, aSettingsRev),
		Settings:    hint.DefaultSettings(),
		SeenDay:     getStr(item, aSeenDay), FirstDay: getStr(item, aFirstDay),
		FirstArm: hint.Arm(getStr(item, aFirstArm)), FirstOn: getBool(item, aFirstOn),
		TaskAt: getTime(item, aTaskAt),
	}
	for name := range item {
		if id, ok := strings.CutPrefix(name, copyCount); ok {
			st.Copies[id] = hint.CopyUse{Count: int(getNum(item, name)), Last: getTime(item, copyLast+id)}
		}
	}
	for i := range hint.Slots {
		if m, ok := item[slotPrefix+strconv.Itoa(i)].(*types.AttributeValueMemberM); ok {
			st.Ring[i] = shownOf(m.Value)
		}
	}
	if st.SettingsRev > 0 {
		st.Settings = hint.Settings{LucianEnabled: getBool(item, aLucian), HintsEnabled: getBool(item, aHints),
			BreakInvitesEnabled: getBool(item, aBreaksOn), Timezone: getStr(item, aTimezone)}
		if getNum(item, aQuietStart) != noQuiet {
			st.Settings.Quiet = &hint.QuietHours{Start: int(getNum(item, aQuietStart)), End: int(getNum(item, aQuietEnd))}
		}
	}
	return st
}

func shownOf(m map[string]types.AttributeValue) *hint.Shown {
	h := &hint.Shown{ID: getStr(m, "id"), Kind: hint.Kind(getStr(m, "kind")), CopyID: getStr(m, "copy"),
		Cohort: getStr(m, "cohort"), ShownAt: getTime(m, "shown_at"), Expires: getTime(m, "expires"), Events: map[hint.Event]string{}}
	for name, v := range m {
		if ev, ok := strings.CutPrefix(name, eventPrefix); ok {
			if em, ok := v.(*types.AttributeValueMemberM); ok {
				h.Events[hint.Event(ev)] = getStr(em.Value, "id")
			}
		}
	}
	return h
}

func shownItem(h hint.Shown) types.AttributeValue {
	return &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
		"id": str(h.ID), "kind": str(string(h.Kind)), "copy": str(h.CopyID), "cohort": str(h.Cohort),
		"shown_at": millis(h.ShownAt), "expires": millis(h.Expires),
	}}
}

// expr builds an expression's names and values.
type expr struct {
	names  map[string]string
	values map[string]types.AttributeValue
	n      int
}

func newExpr() *expr {
	return &expr{names: map[string]string{}, values: map[string]types.AttributeValue{}}
}

// name returns a placeholder for the attribute name a.
func (e *expr) name(a string) string {
	for k, v := range e.names {
		if v == a {
			return k
		}
	}
	e.n++
	k := "#a" + strconv.Itoa(e.n)
	e.names[k] = a
	return k
}

// value returns a placeholder for v.
func (e *expr) value(v types.AttributeValue) string {
	e.n++
	k := ":v" + strconv.Itoa(e.n)
	e.values[k] = v
	return k
}

// Claim writes the show in one conditional UpdateItem. The condition pins the state the
// decision read (seq and srev, each absent when it read none) and restates what the caps
// demand of it, so the write holds the caps on its own: the day's count below the cap
// (or the stored day earlier than the claim's, whose counts restart), the last hint and
// the last break invite at or before the gap's edge, the copy under its lifetime cap.
func (s *Store) Claim(ctx context.Context, user string, c hint.Claim) error {
	e := newExpr()
	now := millis(c.Hint.ShownAt)
	cn, ct := e.name(copyCount+c.Hint.CopyID), e.name(copyLast+c.Hint.CopyID)
	sets := []string{
		e.name(aSeq) + " = " + e.value(num(c.PrevSeq+1)),
		e.name(aDay) + " = " + e.value(str(c.Day)),
		e.name(aTips) + " = " + e.value(num(int64(c.Tips))),
		e.name(aBreaks) + " = " + e.value(num(int64(c.Breaks))),
		e.name(aLast) + " = " + e.value(now),
		cn + " = " + e.value(num(int64(c.CopyCount))),
		ct + " = " + e.value(now),
		e.name(slotPrefix+strconv.Itoa(c.Slot())) + " = " + e.value(shownItem(c.Hint)),
	}
	if c.Class == hint.ClassBreak {
		sets = append(sets, e.name(aLastBreak)+" = "+e.value(now))
	}
	conds := []string{
		pin(e, aSeq, c.PrevSeq),
		pin(e, aSettingsRev, c.SettingsRev),
		notAfter(e, aLast, c.GapEdge),
		fmt.Sprintf("(attribute_not_exists(%s) OR %s < %s)", cn, cn, e.value(num(int64(c.CopyMax)))),
	}
	day := e.name(aDay)
	if c.NewDay {
		conds = append(conds, fmt.Sprintf("(attribute_not_exists(%s) OR %s < %s)", day, day, e.value(str(c.Day))))
	} else {
		count := e.name(aTips)
		if c.Class == hint.ClassBreak {
			count = e.name(aBreaks)
		}
		conds = append(conds, fmt.Sprintf("%s = %s AND %s < %s", day, e.value(str(c.Day)), count, e.value(num(int64(c.Cap)))))
	}
	if c.Class == hint.ClassBreak {
		conds = append(conds, notAfter(e, aLastBreak, c.BreakGapEdge))
	}
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: stateKey(user),
		UpdateExpression:          aws.String("SET " + strings.Join(sets, ", ")),
		ConditionExpression:       aws.String(strings.Join(conds, " AND ")),
		ExpressionAttributeNames:  e.names,
		ExpressionAttributeValues: e.values,
	})
	if dynamo.ConditionFailed(err) {
		return hint.ErrClaimLost
	}
	return dynamo.Wrap(err)
}

// pin is the condition that attribute a is v, or absent when v is 0.
func pin(e *expr, a string, v int64) string {
	if v == 0 {
		return "attribute_not_exists(" + e.name(a) + ")"
	}
	return e.name(a) + " = " + e.value(num(v))
}

// notAfter is the condition that the time in a is at or before edge, or absent.
func notAfter(e *expr, a string, edge time.Time) string {
	n := e.name(a)
	return fmt.Sprintf("(attribute_not_exists(%s) OR %s <= %s)", n, n, e.value(millis(edge)))
}

// Record keeps the event in its hint's slot, conditioned on the slot still holding the
// hint and not having the event yet, and moves the dismissal count in the same write.
func (s *Store) Record(ctx context.Context, user string, r hint.Record) error {
	e := newExpr()
	slot := e.name(slotPrefix + strconv.Itoa(r.Slot))
	ev := slot + "." + e.name(eventPrefix+string(r.Event))
	sets := []string{ev + " = " + e.value(&types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
		"id": str(r.EventID), "at": millis(r.At), "received": millis(r.Now)}})}
	switch {
	case r.Dismiss:
		dis := e.name(aDismissals)
		sets = append(sets, fmt.Sprintf("%s = if_not_exists(%s, %s) + %s", dis, dis, e.value(num(0)), e.value(num(1))),
			e.name(aDismissedAt)+" = "+e.value(millis(r.Now)))
	case r.Reset:
		sets = append(sets, e.name(aDismissals)+" = "+e.value(num(0)))
	}
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: stateKey(user),
		UpdateExpression:          aws.String("SET " + strings.Join(sets, ", ")),
		ConditionExpression:       aws.String(fmt.Sprintf("%s.%s = %s AND attribute_not_exists(%s)", slot, e.name("id"), e.value(str(r.HintID)), ev)),
		ExpressionAttributeNames:  e.names,
		ExpressionAttributeValues: e.values,
	})
	if !dynamo.ConditionFailed(err) {
		return dynamo.Wrap(err)
	}
	// Either the hint has the event already, or its slot went to a newer hint.
	st, err := s.Load(ctx, user)
	if err != nil {
		return err
	}
	if h := st.Ring[r.Slot]; h != nil && h.ID == r.HintID && h.Events[r.Event] != "" {
		return hint.ErrDuplicate
	}
	return hint.ErrNoHint
}

// SaveSettings replaces the settings and counts the change (srev), which every later
// claim is conditioned on.
func (s *Store) SaveSettings(ctx context.Context, user string, set hint.Settings) error {
	e := newExpr()
	rev := e.name(aSettingsRev)
	sets := []string{
		fmt.Sprintf("%s = if_not_exists(%s, %s) + %s", rev, rev, e.value(num(0)), e.value(num(1))),
		e.name(aLucian) + " = " + e.value(&types.AttributeValueMemberBOOL{Value: set.LucianEnabled}),
		e.name(aHints) + " = " + e.value(&types.AttributeValueMemberBOOL{Value: set.HintsEnabled}),
		e.name(aBreaksOn) + " = " + e.value(&types.AttributeValueMemberBOOL{Value: set.BreakInvitesEnabled}),
	}
	// "None" is a value (-1, ""), not a REMOVE: minidyn, the embedded store, ignores a
	// REMOVE of a placeholder name.
	start, end := int64(noQuiet), int64(noQuiet)
	if q := set.Quiet; q != nil {
		start, end = int64(q.Start), int64(q.End)
	}
	sets = append(sets, e.name(aQuietStart)+" = "+e.value(num(start)), e.name(aQuietEnd)+" = "+e.value(num(end)),
		e.name(aTimezone)+" = "+e.value(str(set.Timezone)))
	update := "SET " + strings.Join(sets, ", ")
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: stateKey(user),
		UpdateExpression: aws.String(update), ExpressionAttributeNames: e.names, ExpressionAttributeValues: e.values,
	})
	return dynamo.Wrap(err)
}

// Seen marks the day, keeping the first day, arm and setting unless kept already, on
// condition that no later or equal day is marked.
func (s *Store) Seen(ctx context.Context, user string, m hint.Seen) error {
	e := newExpr()
	seen, first, arm, on := e.name(aSeenDay), e.name(aFirstDay), e.name(aFirstArm), e.name(aFirstOn)
	day := e.value(str(m.Day))
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: stateKey(user),
		UpdateExpression: aws.String(fmt.Sprintf("SET %s = %s, %s = if_not_exists(%s, %s), %s = if_not_exists(%s, %s), %s = if_not_exists(%s, %s)",
			seen, day, first, first, e.value(str(m.FirstDay)), arm, arm, e.value(str(string(m.FirstArm))),
			on, on, e.value(&types.AttributeValueMemberBOOL{Value: m.FirstOn}))),
		ConditionExpression:       aws.String(fmt.Sprintf("attribute_not_exists(%s) OR %s < %s", seen, seen, day)),
		ExpressionAttributeNames:  e.names,
		ExpressionAttributeValues: e.values,
	})
	if dynamo.ConditionFailed(err) {
		return hint.ErrSeen
	}
	return dynamo.Wrap(err)
}

// Attempt keeps the start of the last task attempt counted, on condition that it is later
// than the one kept.
func (s *Store) Attempt(ctx context.Context, user string, startedAt time.Time) error {
	e := newExpr()
	at, v := e.name(aTaskAt), e.value(millis(startedAt))
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: stateKey(user),
		UpdateExpression:          aws.String(fmt.Sprintf("SET %s = %s", at, v)),
		ConditionExpression:       aws.String(fmt.Sprintf("attribute_not_exists(%s) OR %s < %s", at, at, v)),
		ExpressionAttributeNames:  e.names,
		ExpressionAttributeValues: e.values,
	})
	if dynamo.ConditionFailed(err) {
		return hint.ErrDuplicate
	}
	return dynamo.Wrap(err)
}

// Count adds one to each named counter of the day, cohort and shard.
func (s *Store) Count(ctx context.Context, c hint.Count) error {
	if len(c.Names) == 0 {
		return nil
	}
	e := newExpr()
	one := e.value(num(1))
	var adds []string
	for _, n := range c.Names {
		adds = append(adds, e.name(n)+" "+one)
	}
	expires, err := hintstats.Expires(c.Day)
	if err != nil {
		return err
	}
	_, err = s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: key(hintstats.PK(c.Day), hintstats.CounterSK(c.Cohort, c.Shard)),
		UpdateExpression:          aws.String("ADD " + strings.Join(adds, ", ") + " SET " + e.name(dynamo.TTLAttribute) + " = " + e.value(num(expires))),
		ExpressionAttributeNames:  e.names,
		ExpressionAttributeValues: e.values,
	})
	return dynamo.Wrap(err)
}

// Counters reads the day's counters of every cohort, summed over the shards (a Query of
// one partition: CounterShards items per cohort at most, and the day's verdicts).
func (s *Store) Counters(ctx context.Context, day string) (map[string]map[string]int64, error) {
	d, err := s.Day(ctx, day)
	out := map[string]map[string]int64{}
	for cohort, c := range d.Counters {
		out[cohort] = c
	}
	return out, err
}

// Settings reads only the user's companion settings (a projection of the state item,
// eventually consistent): what other functions need to respect them (GET /tasks/next
// with context=lucian). A user who never saved any has hint.DefaultSettings.
func (s *Store) Settings(ctx context.Context, user string) (hint.Settings, error) {
	e := newExpr()
	proj := make([]string, 0, 7)
	for _, a := range []string{aSettingsRev, aLucian, aHints, aBreaksOn, aQuietStart, aQuietEnd, aTimezone} {
		proj = append(proj, e.name(a))
	}
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: stateKey(user),
		ProjectionExpression: aws.String(strings.Join(proj, ", ")), ExpressionAttributeNames: e.names})
	if err != nil {
		return hint.Settings{}, dynamo.Wrap(err)
	}
	return stateOf(out.Item).Settings, nil
}

// Timezone is the zone the user chose in the companion settings ("" none: the device's):
// the weekly review builds a user's weeks in it.
func (s *Store) Timezone(ctx context.Context, user string) (string, error) {
	set, err := s.Settings(ctx, user)
	return set.Timezone, err
}
