package alertsns

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/topic"
)

// Publisher publishes to one topic.
type Publisher struct {
	SNS      topic.API
	TopicARN string
}

var _ alert.Publisher = (*Publisher)(nil)

// Publish returns nil only when SNS accepted the message.
func (p *Publisher) Publish(ctx context.Context, m alert.Message) error {
	attrs := make(map[string]types.MessageAttributeValue, len(m.Attributes))
	for k, v := range m.Attributes {
		if v == "" {
			continue // SNS refuses empty attribute values
		}
		attrs[k] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	_, err := p.SNS.Publish(ctx, &sns.PublishInput{
		TopicArn:          aws.String(p.TopicARN),
		Subject:           aws.String(m.Subject),
		Message:           aws.String(m.Body),
		MessageAttributes: attrs,
	})
	if err != nil {
		return fmt.Errorf("sns publish to %s: %w", p.TopicARN, err)
	}
	return nil
}
