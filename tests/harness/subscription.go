package harness

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// SNSEnvelope is what SNS delivers to an SQS subscriber without raw
// message delivery, as an operator subscribes a paging integration.
type SNSEnvelope struct {
	Type              string
	TopicArn          string
	Subject           string
	Message           string
	MessageAttributes map[string]struct{ Type, Value string }
}

// Attribute is the value of a message attribute ("" when absent).
func (e SNSEnvelope) Attribute(name string) string { return e.MessageAttributes[name].Value }

// Subscription is an SNS topic on moto with an SQS queue subscribed to it:
// what a function publishes is read back from the queue, over the wire.
type Subscription struct {
	TopicARN string
	SNS      *sns.Client
	sqs      *sqs.Client
	queueURL string
}

// Subscribe creates topic and queue name (moto's limits: 80 characters,
// letters, digits, - and _) and subscribes the queue to the topic.
func (m *Moto) Subscribe(ctx context.Context, name string) (*Subscription, error) {
	cfg, err := m.Config(ctx)
	if err != nil {
		return nil, err
	}
	s := &Subscription{SNS: sns.NewFromConfig(cfg), sqs: sqs.NewFromConfig(cfg)}
	topic, err := s.SNS.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("create topic %s: %w", name, err)
	}
	q, err := s.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("create queue %s: %w", name, err)
	}
	attrs, err := s.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		return nil, err
	}
	if _, err := s.SNS.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"),
		Endpoint: aws.String(attrs.Attributes["QueueArn"])}); err != nil {
		return nil, err
	}
	s.TopicARN, s.queueURL = aws.ToString(topic.TopicArn), aws.ToString(q.QueueUrl)
	return s, nil
}

// Drain receives and deletes every message waiting on the queue.
func (s *Subscription) Drain(ctx context.Context) ([]SNSEnvelope, error) {
	var out []SNSEnvelope
	for {
		msgs, err := s.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(s.queueURL),
			MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			return nil, err
		}
		if len(msgs.Messages) == 0 {
			return out, nil
		}
		for _, m := range msgs.Messages {
			var env SNSEnvelope
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &env); err != nil {
				return nil, fmt.Errorf("SQS body is not an SNS envelope: %w\n%s", err, aws.ToString(m.Body))
			}
			out = append(out, env)
			if _, err := s.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(s.queueURL),
				ReceiptHandle: m.ReceiptHandle}); err != nil {
				return nil, err
			}
		}
	}
}
