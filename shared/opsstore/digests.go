package opsstore

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/dynamo"
)

const (
	digestPK = "DIGEST"
	// digestRetention keeps a year of digests (and a margin) for the KPI review.
	digestRetention = 400 * 24 * time.Hour
	// triggeredSlack: incident ids order incidents by when their run created them, and
	// two overlapping runs can create theirs in either order; reading this far past the
	// start of a range keeps such a pair at the boundary from being missed.
	triggeredSlack = 10 * time.Minute
	triggeredPage  = 100
)

var (
	_ digest.Store     = (*Store)(nil)
	_ digest.Incidents = (*Store)(nil)
)

// digestItem is a stored digest. The digest itself is one JSON attribute: it is written
// once and read whole, and JSON keeps its shape the one the routes serve.
type digestItem struct {
	PK            string     `dynamodbav:"PK"`
	SK            string     `dynamodbav:"SK"`
	Week          string     `dynamodbav:"week"`
	Body          string     `dynamodbav:"body"`
	GeneratedAt   time.Time  `dynamodbav:"generated_at"`
	SNSSentAt     *time.Time `dynamodbav:"sns_sent_at,omitempty"`
	WebhookSentAt *time.Time `dynamodbav:"webhook_sent_at,omitempty"`
	LeaseOwner    string     `dynamodbav:"lease_owner,omitempty"`
	// LeaseUntilMs is a number so that a condition can compare it with the clock.
	LeaseUntilMs int64 `dynamodbav:"lease_until_ms,omitempty"`
	ExpiresAt    int64 `dynamodbav:"expires_at,omitempty"`
}

var sentAttr = map[digest.Channel]string{digest.SNS: "sns_sent_at", digest.Webhook: "webhook_sent_at"}

func recordOf(av map[string]types.AttributeValue) (digest.Record, error) {
	var it digestItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return digest.Record{}, err
	}
	var rec digest.Record
	if err := json.Unmarshal([]byte(it.Body), &rec.Digest); err != nil {
		return digest.Record{}, errors.New("opsstore: digest " + it.Week + ": body is not a digest")
	}
	rec.Delivery = digest.Delivery{SNSSentAt: utc(it.SNSSentAt), WebhookSentAt: utc(it.WebhookSentAt)}
	return rec, nil
}

func digestNotFound(week string) error {
	return apperr.New(apperr.NotFound, "no digest for week %s", week)
}

// Digest reads the week's digest.
func (s *Store) Digest(ctx context.Context, week string) (digest.Record, error) {
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.Table), Key: key(digestPK, week), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return digest.Record{}, dynamo.Wrap(err)
	}
	if len(out.Item) == 0 {
		return digest.Record{}, digestNotFound(week)
	}
	return recordOf(out.Item)
}

// Latest reads the newest digest: weeks sort chronologically ("2026-W48" < "2027-W01").
func (s *Store) Latest(ctx context.Context) (digest.Record, error) {
	in := s.partition(digestPK)
	in.ScanIndexForward, in.Limit, in.ConsistentRead = aws.Bool(false), aws.Int32(1), aws.Bool(true)
	out, err := s.DB.Query(ctx, in)
	if err != nil {
		return digest.Record{}, dynamo.Wrap(err)
	}
	if len(out.Items) == 0 {
		return digest.Record{}, apperr.New(apperr.NotFound, "no digest yet: the first is sent on the first Monday after deployment")
	}
	return recordOf(out.Items[0])
}

// Create writes a digest unless its week has one.
func (s *Store) Create(ctx context.Context, d digest.Digest) (digest.Record, error) {
	body, err := json.Marshal(d)
	if err != nil {
		return digest.Record{}, err
	}
	it := digestItem{PK: digestPK, SK: d.Week, Week: d.Week, Body: string(body), GeneratedAt: d.GeneratedAt.UTC(),
		ExpiresAt: d.To.Add(digestRetention).Unix()}
	av, err := attributevalue.MarshalMap(it)
	if err != nil {
		return digest.Record{}, err
	}
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(s.Table), Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)"),
	})
	if dynamo.ConditionFailed(err) {
		return digest.Record{}, digest.ErrExists
	}
	if err != nil {
		return digest.Record{}, dynamo.Wrap(err)
	}
	return digest.Record{Digest: d}, nil
}

// Claim takes the week's delivery lease.
func (s *Store) Claim(ctx context.Context, week, owner string, now, until time.Time) (digest.Record, error) {
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:        aws.String(s.Table),
		Key:              key(digestPK, week),
		UpdateExpression: aws.String("SET #owner = :owner, #until = :until"),
		ConditionExpression: aws.String("attribute_exists(PK) AND " +
			"(attribute_not_exists(#until) OR #until < :now OR #owner = :owner)"),
		ExpressionAttributeNames: map[string]string{"#owner": "lease_owner", "#until": "lease_until_ms"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":owner": &types.AttributeValueMemberS{Value: owner},
			":until": &types.AttributeValueMemberN{Value: strconv.FormatInt(until.UnixMilli(), 10)},
			":now":   &types.AttributeValueMemberN{Value: strconv.FormatInt(now.UnixMilli(), 10)},
		},
		ReturnValues: types.ReturnValueAllNew,
	})
	if dynamo.ConditionFailed(err) {
		if _, getErr := s.Digest(ctx, week); getErr != nil {
			return digest.Record{}, getErr
		}
		return digest.Record{}, digest.ErrBusy
	}
	if err != nil {
		return digest.Record{}, dynamo.Wrap(err)
	}
	return recordOf(out.Attributes)
}

// MarkSent records that a channel accepted the week's digest; an earlier mark stays.
func (s *Store) MarkSent(ctx context.Context, week string, ch digest.Channel, at time.Time) error {
	attr, ok := sentAttr[ch]
	if !ok {
		return errors.New("opsstore: unknown digest channel " + string(ch))
	}
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.Table),
		Key:                       key(digestPK, week),
		UpdateExpression:          aws.String("SET #at = if_not_exists(#at, :at)"),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeNames:  map[string]string{"#at": attr},
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": &types.AttributeValueMemberS{Value: at.UTC().Format(time.RFC3339Nano)}},
	})
	if dynamo.ConditionFailed(err) {
		return digestNotFound(week)
	}
	return dynamo.Wrap(err)
}

// Release ends the lease if owner holds it; a lease another run took over is left alone.
// It expires the lease (until = 0) rather than removing the attributes: the same for Claim,
// and minidyn does not apply REMOVE to top-level attributes.
func (s *Store) Release(ctx context.Context, week, owner string) error {
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.Table),
		Key:                      key(digestPK, week),
		UpdateExpression:         aws.String("SET #until = :zero"),
		ConditionExpression:      aws.String("#owner = :owner"),
		ExpressionAttributeNames: map[string]string{"#owner": "lease_owner", "#until": "lease_until_ms"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":owner": &types.AttributeValueMemberS{Value: owner},
			":zero":  &types.AttributeValueMemberN{Value: "0"},
		},
	})
	if dynamo.ConditionFailed(err) {
		return nil
	}
	return dynamo.Wrap(err)
}

// Triggered returns the incidents triggered in [from, to). Incident ids sort by creation
// time, so it reads the records newest first and stops a little before from: what it reads
// is bounded by the incidents since from, not by the history.
func (s *Store) Triggered(ctx context.Context, from, to time.Time) ([]alert.Alert, error) {
	in := s.partition(recordPK)
	in.ScanIndexForward = aws.Bool(false)
	in.Limit = aws.Int32(triggeredPage)
	stop := from.Add(-triggeredSlack)
	out := []alert.Alert{}
	errDone := errors.New("done")
	err := dynamo.QueryAll(ctx, s.DB, in, func(av map[string]types.AttributeValue) error {
		it, err := decodeAlert(av)
		if err != nil {
			return err
		}
		if it.TriggeredAt.Before(stop) {
			return errDone
		}
		if !it.TriggeredAt.Before(from) && it.TriggeredAt.Before(to) {
			out = append(out, alertOf(it))
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDone) {
		return nil, err
	}
	return out, nil
}
