// Package reviewwire builds WeeklyReviewFunction and the weekly review's service it shares
// with the worker (package fanoutwire): the only binaries that link the Bedrock client (the
// optional rephrase).
package reviewwire

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	brtypes "github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/lucian-app/phase12/shared/hintstore"
	"github.com/lucian-app/phase12/shared/review"
	"github.com/lucian-app/phase12/shared/reviewapi"
	"github.com/lucian-app/phase12/shared/reviewstore"
	"github.com/lucian-app/phase12/shared/wiring"
)

// Clients are the clients these builders use beyond wiring.Deps; a nil one is made from
// the SDK configuration (deployed) or absent (the local runner). Tests give fakes here.
type Clients struct {
	// Bedrock is the rephrase's model API, used when REPHRASE_MODEL_ID names a model.
	Bedrock ConverseAPI
}

// WeeklyReview builds WeeklyReviewFunction.
func WeeklyReview(d wiring.Deps) (any, error) { return Clients{}.WeeklyReview(d) }

// reviewHoldout reads the holdout's share.
func reviewHoldout(d wiring.Deps) (review.Holdout, error) {
	h := review.DefaultHoldout()
	if v := strings.TrimSpace(d.Getenv(wiring.EnvReviewHoldoutPercent)); v != "" {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || n < 0 || n > 100 {
			return h, fmt.Errorf("configuration: %s=%q is not a percentage from 0 to 100", wiring.EnvReviewHoldoutPercent, v)
		}
		h.Share = n / 100
	}
	return h, nil
}

// Service is the weekly review over AppTable (the facts, and the engine that adopts),
// ReviewTable and, when HINT_TABLE is set, the companion settings' timezone.
func (c Clients) Service(d wiring.Deps) (*reviewapi.Service, error) {
	app, err := wiring.AppStore(d)
	if err != nil {
		return nil, err
	}
	table, err := wiring.Required(d, wiring.EnvReviewTable)
	if err != nil {
		return nil, err
	}
	holdout, err := reviewHoldout(d)
	if err != nil {
		return nil, err
	}
	levers, err := wiring.Levers(d)
	if err != nil {
		return nil, err
	}
	e, err := wiring.ExecuteEngine(d, app, levers)
	if err != nil {
		return nil, err
	}
	s := &reviewapi.Service{Facts: app, Store: reviewstore.New(d.DynamoDB, table), Exec: e, Holdout: holdout,
		Levers: levers, Now: d.Now, Log: d.Log}
	if s.Rephrase, err = rephraser(d, func() (ConverseAPI, error) {
		if c.Bedrock != nil {
			return c.Bedrock, nil
		}
		if d.AWS == nil {
			return nil, fmt.Errorf("configuration: %s names a model but the function has no Bedrock client", wiring.EnvRephraseModelID)
		}
		return bedrockruntime.NewFromConfig(*d.AWS), nil
	}); err != nil {
		return nil, err
	}
	if hints := d.Getenv(wiring.EnvHintTable); hints != "" {
		s.Zones = hintstore.New(d.DynamoDB, hints)
	}
	return s, nil
}

// WeeklyReview builds WeeklyReviewFunction with c: GET /reviews/weekly, adopting and dismissing a
// recommendation, and the review events.
func (c Clients) WeeklyReview(d wiring.Deps) (any, error) {
	s, err := c.Service(d)
	if err != nil {
		return nil, err
	}
	return wiring.HTTPFunction(d, reviewapi.Handler(s, d.Log)), nil
}

// ConverseAPI is the part of Bedrock Runtime the rephrase uses.
type ConverseAPI interface {
	Converse(ctx context.Context, in *bedrockruntime.ConverseInput, opts ...func(*bedrockruntime.Options)) (*bedrockruntime.ConverseOutput, error)
}

var _ ConverseAPI = (*bedrockruntime.Client)(nil)

// rephrasePrompt tells the model what a rewording may do; review.Keeps checks that it did.
const rephrasePrompt = "Reword the user's weekly-review suggestion to sound warm and brief. Keep every number, " +
	"date and quoted task title exactly as written, add no number, date or fact, and answer with the reworded text only."

// ConverseRephraser rewords through Bedrock's Converse API.
type ConverseRephraser struct {
	API   ConverseAPI
	Model string
	// InPer1K and OutPer1K are US dollars per 1,000 input and output tokens.
	InPer1K, OutPer1K float64
}

var _ reviewapi.Rephraser = (*ConverseRephraser)(nil)

// Rephrase implements reviewapi.Rephraser.
func (c *ConverseRephraser) Rephrase(ctx context.Context, text string) (string, reviewapi.Usage, error) {
	out, err := c.API.Converse(ctx, &bedrockruntime.ConverseInput{
		ModelId: aws.String(c.Model),
		System:  []brtypes.SystemContentBlock{&brtypes.SystemContentBlockMemberText{Value: rephrasePrompt}},
		Messages: []brtypes.Message{{Role: brtypes.ConversationRoleUser,
			Content: []brtypes.ContentBlock{&brtypes.ContentBlockMemberText{Value: text}}}},
		InferenceConfig: &brtypes.InferenceConfiguration{MaxTokens: aws.Int32(300), Temperature: aws.Float32(0.3)},
	})
	if err != nil {
		return "", reviewapi.Usage{}, fmt.Errorf("bedrock converse: %w", err)
	}
	var u reviewapi.Usage
	if out.Usage != nil {
		u.InputTokens, u.OutputTokens = int64(aws.ToInt32(out.Usage.InputTokens)), int64(aws.ToInt32(out.Usage.OutputTokens))
		u.MicroUSD = int64(float64(u.InputTokens)*c.InPer1K*1000 + float64(u.OutputTokens)*c.OutPer1K*1000)
	}
	msg, ok := out.Output.(*brtypes.ConverseOutputMemberMessage)
	if !ok {
		return "", u, errors.New("bedrock converse: no message in the answer")
	}
	var b strings.Builder
	for _, block := range msg.Value.Content {
		if t, ok := block.(*brtypes.ContentBlockMemberText); ok {
			b.WriteString(t.Value)
		}
	}
	return strings.TrimSpace(b.String()), u, nil
}

// rephraser builds the rephrase from the environment: nil when no model is named.
func rephraser(d wiring.Deps, api func() (ConverseAPI, error)) (reviewapi.Rephraser, error) {
	model := strings.TrimSpace(d.Getenv(wiring.EnvRephraseModelID))
	if model == "" {
		return nil, nil
	}
	r := &ConverseRephraser{Model: model}
	if v := strings.TrimSpace(d.Getenv(wiring.EnvRephrasePrices)); v != "" {
		in, out, ok := strings.Cut(v, ",")
		var err1, err2 error
		r.InPer1K, err1 = strconv.ParseFloat(strings.TrimSpace(in), 64)
		r.OutPer1K, err2 = strconv.ParseFloat(strings.TrimSpace(out), 64)
		if !ok || err1 != nil || err2 != nil || r.InPer1K < 0 || r.OutPer1K < 0 {
			return nil, fmt.Errorf("configuration: %s=%q is not two prices \"<input>,<output>\"", wiring.EnvRephrasePrices, v)
		}
	}
	a, err := api()
	if err != nil {
		return nil, err
	}
	r.API = a
	return r, nil
}
