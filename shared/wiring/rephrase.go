package wiring

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	brtypes "github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"

	"github.com/lucian-app/phase12/shared/reviewapi"
)

// Environment of the optional AI rephrase of recommendations (off unless a model is named,
// and then still behind the ai_rephrase lever).
const (
	// EnvRephraseModelID is the Bedrock model (or inference profile) id; empty: off.
	EnvRephraseModelID = "REPHRASE_MODEL_ID"
	// EnvRephrasePrices is "<input>,<output>": US dollars per 1,000 tokens, for the cost
	// counters (default 0,0: tokens are still counted).
	EnvRephrasePrices = "REPHRASE_PRICES_PER_1K_TOKENS"
)

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
func rephraser(d Deps, api func() (ConverseAPI, error)) (reviewapi.Rephraser, error) {
	model := strings.TrimSpace(d.Getenv(EnvRephraseModelID))
	if model == "" {
		return nil, nil
	}
	r := &ConverseRephraser{Model: model}
	if v := strings.TrimSpace(d.Getenv(EnvRephrasePrices)); v != "" {
		in, out, ok := strings.Cut(v, ",")
		var err1, err2 error
		r.InPer1K, err1 = strconv.ParseFloat(strings.TrimSpace(in), 64)
		r.OutPer1K, err2 = strconv.ParseFloat(strings.TrimSpace(out), 64)
		if !ok || err1 != nil || err2 != nil || r.InPer1K < 0 || r.OutPer1K < 0 {
			return nil, fmt.Errorf("configuration: %s=%q is not two prices \"<input>,<output>\"", EnvRephrasePrices, v)
		}
	}
	a, err := api()
	if err != nil {
		return nil, err
	}
	r.API = a
	return r, nil
}
