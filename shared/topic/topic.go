package topic

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// API is the part of the SNS client the functions call.
type API interface {
	Publish(ctx context.Context, in *sns.PublishInput, opts ...func(*sns.Options)) (*sns.PublishOutput, error)
}

var _ API = (*sns.Client)(nil)

// Message is one publish kept by a Recorder.
type Message struct {
	Topic       string            `json:"topic"`
	Subject     string            `json:"subject"`
	Message     string            `json:"message"`
	Attributes  map[string]string `json:"attributes"`
	PublishedAt time.Time         `json:"published_at"`
}

// Recorder is an in-process SNS: it keeps what is published. Names maps a
// topic ARN to the name it is listed under (the template's logical ID).
// Fail, when set, is returned by Publish instead of keeping the message,
// so tests can stage an SNS outage.
type Recorder struct {
	Now   func() time.Time
	Names map[string]string

	mu   sync.Mutex
	msgs []Message
	fail error
	seq  int
}

var _ API = (*Recorder)(nil)

// Publish keeps the message.
func (r *Recorder) Publish(ctx context.Context, in *sns.PublishInput, _ ...func(*sns.Options)) (*sns.PublishOutput, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return nil, r.fail
	}
	arn := aws.ToString(in.TopicArn)
	name := arn
	if n, ok := r.Names[arn]; ok {
		name = n
	}
	attrs := map[string]string{}
	for k, v := range in.MessageAttributes {
		attrs[k] = aws.ToString(v.StringValue)
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	r.msgs = append(r.msgs, Message{Topic: name, Subject: aws.ToString(in.Subject), Message: aws.ToString(in.Message),
		Attributes: attrs, PublishedAt: now().UTC()})
	r.seq++
	return &sns.PublishOutput{MessageId: aws.String(fmt.Sprintf("local-%d", r.seq))}, nil
}

// SetFailure makes every Publish fail with err until it is set to nil.
func (r *Recorder) SetFailure(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = err
}

// Messages returns a copy of what was published, oldest first.
func (r *Recorder) Messages() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Message{}, r.msgs...)
}
