package reviewstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/bucketing"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/review"
)

// Store is ReviewTable.
type Store struct {
	DB    dynamo.API
	Table string
	// Sleep waits between retries of a cancelled transaction (nil: the real wait).
	Sleep dynamo.Sleeper
}

// New returns the store over table.
func New(db dynamo.API, table string) *Store { return &Store{DB: db, Table: table} }

// Arms of the review experiment, the cohorts the counters are kept by.
const (
	ArmTreatment = "treatment"
	ArmHoldout   = "holdout"
)

// StatShards is how many items one week and arm's counters are spread over.
const StatShards = 8

// EventRetention is how long an event id is remembered for deduplication.
const EventRetention = 30 * 24 * time.Hour

const (
	aBody     = "body"
	aArm      = "arm"
	aOpened   = "opened_at"
	aReviews  = "reviews"
	aActive   = "last_active_week"
	aTimezone = "tz"
	profileSK = "PROFILE"
)

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }
func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{dynamo.PartitionKey: str(pk), dynamo.SortKey: str(sk)}
}

func userPK(u string) string      { return "USER#" + u }
func reviewSK(week string) string { return "REVIEW#" + week }
func statsPK(week string) string  { return "STATS#" + week }
func stateAttr(rec string) string { return "st_" + rec }
func shownAttr(rec string) string { return "sh_" + rec }
func execAttr(rec string) string  { return "ex_" + rec }

// rephrasedAttr marks a recommendation whose text is the AI rephrase's.
func rephrasedAttr(rec string) string { return "rp_" + rec }

// Variant counters: a recommendation's first show and its adoption also count under
// these when its text was rephrased; the deterministic variant is the rest (shown -
// shown_rephrased, adopted - adopted_rephrased).
const (
	CounterShownRephrased   = "shown_rephrased"
	CounterAdoptedRephrased = "adopted_rephrased"
)

// variantCounts adds the rephrased variant's counter to counts when rec of r was rephrased.
func variantCounts(r review.Review, rec, counter string, counts map[string]int64) map[string]int64 {
	if x, ok := r.Recommendation(rec); ok && x.Rephrased {
		counts[counter] = 1
	}
	return counts
}
func armOf(r review.Review) string {
	return map[bool]string{true: ArmHoldout, false: ArmTreatment}[r.Holdout]
}

// statsKey is the counter item of user's arm in week.
func statsKey(week, arm, user string) map[string]types.AttributeValue {
	return key(statsPK(week), fmt.Sprintf("%s#%d", arm, bucketing.FNV32a(user)%StatShards))
}

// count adds to counters of user's arm in week, creating the item.
func (s *Store) count(week, arm, user string, adds map[string]int64) types.TransactWriteItem {
	names, values := map[string]string{}, map[string]types.AttributeValue{}
	expr := "ADD "
	i := 0
	for _, name := range sortedKeys(adds) {
		if i > 0 {
			expr += ", "
		}
		n, v := fmt.Sprintf("#c%d", i), fmt.Sprintf(":c%d", i)
		names[n], values[v] = name, num(adds[name])
		expr += n + " " + v
		i++
	}
	return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: statsKey(week, arm, user),
		UpdateExpression: aws.String(expr), ExpressionAttributeNames: names, ExpressionAttributeValues: values}}
}

// NextWeek is what a review says about the week before it, for the lift comparison: the
// user's on-plan completion in the week after a review, counted under that review's arm.
type NextWeek struct {
	PrevWeek        string
	PrevArm         string
	Planned, OnPlan int
}

// Put stores r as user's review of its week, once. created is false when a review of that
// week was stored first (by a twin); stored is then that review, read consistently. The
// profile (reviews stored, newest active week) and the week's counters move in the same
// transaction; next, when set, counts the week after the previous review.
func (s *Store) Put(ctx context.Context, user string, r review.Review, next *NextWeek) (stored review.Review, created bool, err error) {
	body, err := json.Marshal(r)
	if err != nil {
		return review.Review{}, false, err
	}
	item := key(userPK(user), reviewSK(r.Week))
	item[aBody], item[aArm] = str(string(body)), str(armOf(r))
	item["kind"] = str("review")
	for _, x := range r.Recommendations {
		item[stateAttr(x.ID)] = str(review.StateOpen)
		if x.Rephrased {
			item[rephrasedAttr(x.ID)] = &types.AttributeValueMemberBOOL{Value: true}
		}
	}
	table := aws.String(s.Table)
	profile := &types.Update{TableName: table, Key: key(userPK(user), profileSK),
		UpdateExpression:          aws.String("ADD #n :one SET #tz = :tz"),
		ExpressionAttributeNames:  map[string]string{"#n": aReviews, "#tz": aTimezone},
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": num(1), ":tz": str(r.Timezone)}}
	if r.Situation.Class != review.ClassEmpty {
		profile.UpdateExpression = aws.String("ADD #n :one SET #tz = :tz, #a = if_not_exists(#a, :w)")
		profile.ExpressionAttributeNames["#a"] = aActive
		profile.ExpressionAttributeValues[":w"] = str(r.Week)
	}
	items := []types.TransactWriteItem{
		{Put: &types.Put{TableName: table, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{Update: profile},
		s.count(r.Week, armOf(r), r.ID+user, map[string]int64{"generated": 1, "recommendations": int64(len(r.Recommendations))}),
	}
	if next != nil && next.PrevWeek != "" {
		items = append(items, s.count(next.PrevWeek, next.PrevArm, r.ID+user,
			map[string]int64{"next_planned": int64(next.Planned), "next_on_plan": int64(next.OnPlan), "next_reviews": 1}))
	}
	err = dynamo.Transact(ctx, s.DB, items, s.Sleep)
	reasons := dynamo.Canceled(err)
	switch {
	case err == nil:
		if r.Situation.Class != review.ClassEmpty {
			// if_not_exists keeps the first active week; the newest is what History wants.
			if err := s.bumpActive(ctx, user, r.Week); err != nil {
				return review.Review{}, false, err
			}
		}
		return r, true, nil
	case reasons != nil && !dynamo.Retryable(reasons) && aws.ToString(reasons[0].Code) == dynamo.ReasonConditionFailed:
		got, ok, err := s.Get(ctx, user, r.Week)
		if err != nil {
			return review.Review{}, false, err
		}
		if !ok {
			return review.Review{}, false, errors.New("reviewstore: a review's put was refused but it cannot be read")
		}
		return got, false, nil
	default:
		return review.Review{}, false, dynamo.Wrap(err)
	}
}

// bumpActive moves the profile's newest active week forward to week.
func (s *Store) bumpActive(ctx context.Context, user, week string) error {
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(userPK(user), profileSK),
		UpdateExpression:          aws.String("SET #a = :w"),
		ConditionExpression:       aws.String("#a < :w"),
		ExpressionAttributeNames:  map[string]string{"#a": aActive},
		ExpressionAttributeValues: map[string]types.AttributeValue{":w": str(week)}})
	if err != nil && !dynamo.ConditionFailed(err) {
		return dynamo.Wrap(err)
	}
	return nil
}

// Get returns user's review of week, with each recommendation's current state.
func (s *Store) Get(ctx context.Context, user, week string) (review.Review, bool, error) {
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table),
		Key: key(userPK(user), reviewSK(week)), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return review.Review{}, false, dynamo.Wrap(err)
	}
	if len(out.Item) == 0 {
		return review.Review{}, false, nil
	}
	r, err := reviewOf(out.Item)
	return r, err == nil, err
}

func reviewOf(item map[string]types.AttributeValue) (review.Review, error) {
	var r review.Review
	b, _ := item[aBody].(*types.AttributeValueMemberS)
	if b == nil {
		return r, errors.New("reviewstore: a review item without its body")
	}
	if err := json.Unmarshal([]byte(b.Value), &r); err != nil {
		return r, fmt.Errorf("reviewstore: a review's body: %w", err)
	}
	for i, x := range r.Recommendations {
		if st, ok := item[stateAttr(x.ID)].(*types.AttributeValueMemberS); ok {
			r.Recommendations[i].State = st.Value
		}
		if rp, ok := item[rephrasedAttr(x.ID)].(*types.AttributeValueMemberBOOL); ok {
			r.Recommendations[i].Rephrased = rp.Value
		}
	}
	return r, nil
}

// History is what user's stored reviews say before week w: the profile and the review of
// the week before (two consistent reads, whatever the user's history).
func (s *Store) History(ctx context.Context, user string, w review.Week) (review.History, error) {
	var h review.History
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table),
		Key: key(userPK(user), profileSK), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return h, dynamo.Wrap(err)
	}
	if n, ok := out.Item[aReviews].(*types.AttributeValueMemberN); ok {
		v, _ := strconv.Atoi(n.Value)
		h.PriorReviews = v
	}
	if a, ok := out.Item[aActive].(*types.AttributeValueMemberS); ok && a.Value < w.String() {
		h.LastActiveWeek = a.Value
	}
	prev, ok, err := s.Get(ctx, user, w.Prev().String())
	if err != nil {
		return h, err
	}
	if ok {
		h.Prev = &prev
		if h.LastActiveWeek == "" && prev.Situation.Class != review.ClassEmpty {
			h.LastActiveWeek = prev.Week
		}
	}
	return h, nil
}

// Timezone is the zone user's reviews were last built in ("" none yet).
func (s *Store) Timezone(ctx context.Context, user string) (string, error) {
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table),
		Key: key(userPK(user), profileSK), ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String("#tz"), ExpressionAttributeNames: map[string]string{"#tz": aTimezone}})
	if err != nil {
		return "", dynamo.Wrap(err)
	}
	if tz, ok := out.Item[aTimezone].(*types.AttributeValueMemberS); ok {
		return tz.Value, nil
	}
	return "", nil
}

// ErrState is a state change refused because the recommendation is not in a state it may
// leave from (the error names the state it is in).
var ErrState = errors.New("reviewstore: the recommendation is not in that state")

// Mark moves recommendation rec of user's review of week from one of the states in from to
// to, in one conditional update with the week's counter of to (adopted, dismissed, and
// adopted_rephrased for a rephrased one); an adoption records the execution that adopted it. A review or recommendation that does
// not exist is not_found; a state outside from is ErrState wrapped with the state.
func (s *Store) Mark(ctx context.Context, user, week, rec string, from []string, to, executionID string) error {
	cond := "("
	values := map[string]types.AttributeValue{":to": str(to)}
	for i, f := range from {
		if i > 0 {
			cond += " OR "
		}
		v := fmt.Sprintf(":f%d", i)
		values[v] = str(f)
		cond += "#st = " + v
	}
	cond += ")"
	update := "SET #st = :to"
	names := map[string]string{"#st": stateAttr(rec)}
	if executionID != "" {
		update += ", #ex = :ex"
		names["#ex"] = execAttr(rec)
		values[":ex"] = str(executionID)
	}
	r, ok, err := s.Get(ctx, user, week)
	if err != nil {
		return err
	}
	if _, has := r.Recommendation(rec); !ok || !has {
		return apperr.New(apperr.NotFound, "no recommendation %q in your review of %s", rec, week)
	}
	counts := map[string]int64{to: 1}
	if to == review.StateAdopted {
		counts = variantCounts(r, rec, CounterAdoptedRephrased, counts)
	}
	items := []types.TransactWriteItem{
		{Update: &types.Update{TableName: aws.String(s.Table), Key: key(userPK(user), reviewSK(week)),
			UpdateExpression: aws.String(update), ConditionExpression: aws.String(cond),
			ExpressionAttributeNames: names, ExpressionAttributeValues: values,
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}},
		s.count(week, armOf(r), r.ID+user, counts),
	}
	err = dynamo.Transact(ctx, s.DB, items, s.Sleep)
	reasons := dynamo.Canceled(err)
	if reasons != nil && !dynamo.Retryable(reasons) && aws.ToString(reasons[0].Code) == dynamo.ReasonConditionFailed {
		state := ""
		if st, ok := reasons[0].Item[stateAttr(rec)].(*types.AttributeValueMemberS); ok {
			state = st.Value
		}
		return fmt.Errorf("%w: it is %s", ErrState, state)
	}
	return dynamo.Wrap(err)
}

// Adoption returns the execution that adopted rec ("" if none).
func (s *Store) Adoption(ctx context.Context, user, week, rec string) (string, error) {
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table),
		Key: key(userPK(user), reviewSK(week)), ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String("#ex"), ExpressionAttributeNames: map[string]string{"#ex": execAttr(rec)}})
	if err != nil {
		return "", dynamo.Wrap(err)
	}
	if ex, ok := out.Item[execAttr(rec)].(*types.AttributeValueMemberS); ok {
		return ex.Value, nil
	}
	return "", nil
}
