package reviewstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/review"
)

// The register of users the schedule builds reviews for, kept by the UTC hour of the week
// at which their week becomes ready (review.ReadyHours: Monday 06:00 on their wall clock),
// so that each hourly run of the producer reads only the users due in its hours:
//
//	PK DUE#<hhh>   SK <sub>        user, tz: one item per ready hour of the user's zone
//	                               (two for a zone with DST)
//	PK USER#<sub>  SK PROFILE      due_tz: the zone the user is registered under
const (
	aDueTZ    = "due_tz"
	duePrefix = "DUE#"
)

func dueKey(hour int, user string) map[string]types.AttributeValue {
	return key(fmt.Sprintf("%s%03d", duePrefix, hour), user)
}

// Registered is a user of a ready hour's register and the zone they were registered in.
type Registered struct {
	User, Timezone string
}

// Register puts user in the register under zone tz (an IANA name): one read when they are
// registered under it already; otherwise one transaction that moves them from the ready
// hours of their old zone to those of tz. Of two racing registrations one wins; the other
// returns nil.
func (s *Store) Register(ctx context.Context, user, tz string, now time.Time) error {
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "" || tz == "Local" {
		return fmt.Errorf("reviewstore: register %q: not an IANA zone", tz)
	}
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: key(userPK(user), profileSK),
		ProjectionExpression: aws.String("#d"), ExpressionAttributeNames: map[string]string{"#d": aDueTZ}})
	if err != nil {
		return dynamo.Wrap(err)
	}
	old := ""
	if v, ok := out.Item[aDueTZ].(*types.AttributeValueMemberS); ok {
		old = v.Value
	}
	if old == tz {
		return nil
	}
	hours := review.ReadyHours(loc, now)
	table := aws.String(s.Table)
	profile := &types.Update{TableName: table, Key: key(userPK(user), profileSK),
		UpdateExpression:          aws.String("SET #d = :tz"),
		ConditionExpression:       aws.String("attribute_not_exists(#d)"),
		ExpressionAttributeNames:  map[string]string{"#d": aDueTZ},
		ExpressionAttributeValues: map[string]types.AttributeValue{":tz": str(tz)}}
	items := []types.TransactWriteItem{{Update: profile}}
	if old != "" {
		profile.ConditionExpression = aws.String("#d = :old")
		profile.ExpressionAttributeValues[":old"] = str(old)
		if ol, err := time.LoadLocation(old); err == nil {
			for _, h := range review.ReadyHours(ol, now) {
				if !slices.Contains(hours, h) {
					items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: table, Key: dueKey(h, user)}})
				}
			}
		}
	}
	for _, h := range hours {
		item := dueKey(h, user)
		item["user"], item[aTimezone], item["kind"] = str(user), str(tz), str("due")
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: table, Item: item}})
	}
	err = dynamo.Transact(ctx, s.DB, items, s.Sleep)
	if reasons := dynamo.Canceled(err); reasons != nil && !dynamo.Retryable(reasons) &&
		aws.ToString(reasons[0].Code) == dynamo.ReasonConditionFailed {
		return nil // a twin registered them first
	}
	return dynamo.Wrap(err)
}

// Due reads one page of the register of a ready hour (0 to 167), at most limit users after
// the user after ("" from the first); next is the user to continue after ("" when the hour
// has no more).
func (s *Store) Due(ctx context.Context, hour int, after string, limit int) (users []Registered, next string, err error) {
	if hour < 0 || hour >= review.HoursInWeek || limit < 1 {
		return nil, "", fmt.Errorf("reviewstore: due hour %d, limit %d", hour, limit)
	}
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table),
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(fmt.Sprintf("%s%03d", duePrefix, hour))},
		Limit:                     aws.Int32(int32(limit))}
	if after != "" {
		in.ExclusiveStartKey = dueKey(hour, after)
	}
	out, err := s.DB.Query(ctx, in)
	if err != nil {
		return nil, "", dynamo.Wrap(err)
	}
	for _, it := range out.Items {
		u, _ := it["user"].(*types.AttributeValueMemberS)
		tz, _ := it[aTimezone].(*types.AttributeValueMemberS)
		if u == nil || tz == nil {
			return nil, "", errors.New("reviewstore: a register item without its user or zone")
		}
		users = append(users, Registered{User: u.Value, Timezone: tz.Value})
	}
	if len(out.LastEvaluatedKey) > 0 && len(users) > 0 {
		next = users[len(users)-1].User
	}
	return users, next, nil
}

// UserWeek names one user's review of one week.
type UserWeek struct {
	User, Week string
}

// Reviewed tells which of keys have a stored review: BatchGetItem, 100 keys a call, only
// the keys projected.
func (s *Store) Reviewed(ctx context.Context, keys []UserWeek) (map[UserWeek]bool, error) {
	var avs []map[string]types.AttributeValue
	seen := map[UserWeek]bool{}
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			avs = append(avs, key(userPK(k.User), reviewSK(k.Week)))
		}
	}
	items, err := dynamo.BatchGet(ctx, s.DB, s.Table, avs, false, s.Sleep)
	if err != nil {
		return nil, err
	}
	out := map[UserWeek]bool{}
	for _, it := range items {
		pk, _ := it[dynamo.PartitionKey].(*types.AttributeValueMemberS)
		sk, _ := it[dynamo.SortKey].(*types.AttributeValueMemberS)
		if pk != nil && sk != nil {
			out[UserWeek{User: pk.Value[len("USER#"):], Week: sk.Value[len("REVIEW#"):]}] = true
		}
	}
	return out, nil
}
