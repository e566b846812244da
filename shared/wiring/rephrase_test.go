package wiring_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"

	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/review"
	"github.com/lucian-app/phase12/shared/reviewapi/reviewapitest"
	"github.com/lucian-app/phase12/shared/wiring/reviewwire"
)

// converseStub answers Bedrock Runtime's Converse over its wire format (POST
// /model/{modelId}/converse, JSON), rewording the user's text with reword.
func converseStub(t *testing.T, model string, reword func(string) string) (*httptest.Server, *int) {
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/model/"+model+"/converse" {
			t.Errorf("Converse called as %s %s", r.Method, r.URL.Path)
			http.Error(w, "{}", http.StatusNotFound)
			return
		}
		var in struct {
			System   []struct{ Text string } `json:"system"`
			Messages []struct {
				Role    string                  `json:"role"`
				Content []struct{ Text string } `json:"content"`
			} `json:"messages"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.Messages) != 1 || len(in.System) != 1 {
			t.Errorf("a Converse request we did not expect: %+v (%v)", in, err)
		}
		mu.Lock()
		calls++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"output":     map[string]any{"message": map[string]any{"role": "assistant", "content": []any{map[string]any{"text": reword(in.Messages[0].Content[0].Text)}}}},
			"stopReason": "end_turn",
			"usage":      map[string]any{"inputTokens": 120, "outputTokens": 40, "totalTokens": 160},
			"metrics":    map[string]any{"latencyMs": 300},
		})
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func rephrased(t *testing.T, reword func(string) string) (review.Review, map[string]int64) {
	t.Helper()
	const model = "anthropic.claude-test-v1"
	srv, calls := converseStub(t, model, reword)
	client := bedrockruntime.New(bedrockruntime.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")})
	env := reviewapitest.New(dynamotest.New(t), dynamotest.AppTable, dynamotest.ReviewTable)
	env.Service.Rephrase = &reviewwire.ConverseRephraser{API: client, Model: model, InPer1K: 0.003, OutPer1K: 0.015}
	env.Seed(t, "alice")
	r, err := env.Service.Weekly(context.Background(), "alice", "2026-W49", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	if *calls != len(r.Recommendations) || *calls == 0 {
		t.Fatalf("%d Converse calls for %d recommendations", *calls, len(r.Recommendations))
	}
	stats, err := env.Reviews.Stats(context.Background(), "2026-W49")
	if err != nil {
		t.Fatal(err)
	}
	// What the review's later events and adoption see: the stored review, read back.
	stored, ok, err := env.Reviews.Get(context.Background(), "alice", r.Week)
	if err != nil || !ok {
		t.Fatalf("the stored review: %v %v", ok, err)
	}
	return stored, stats["treatment"]
}

func TestAFaithfulRephraseIsServedAndItsTokensAndCostCounted(t *testing.T) {
	r, counts := rephrased(t, func(s string) string { return "Quick idea: " + strings.Replace(s, "Add", "How about adding", 1) })
	if got := r.Recommendations[0].Text; !strings.HasPrefix(got, "Quick idea: ") || !r.Recommendations[0].Rephrased {
		t.Errorf("served %q (rephrased %v), want the rephrase, marked as the rephrased variant", got, r.Recommendations[0].Rephrased)
	}
	// 120 input tokens at $0.003/1k and 40 output at $0.015/1k: 360 + 600 micro-dollars.
	want := map[string]int64{"rephrase_calls": 1, "rephrase_kept": 1, "rephrase_input_tokens": 120, "rephrase_output_tokens": 40, "rephrase_micro_usd": 960}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("%s = %d, want %d (counters %v)", k, counts[k], v, counts)
		}
	}
}

func TestARephraseThatInventsANumberIsRefusedAndTheDeterministicTextServed(t *testing.T) {
	var orig string
	r, counts := rephrased(t, func(s string) string { orig = s; return s + " That is 7 more than most people manage!" })
	if got := r.Recommendations[0].Text; got != orig || strings.Contains(got, "7 more") || r.Recommendations[0].Rephrased {
		t.Errorf("served %q (rephrased %v), want the deterministic %q", got, r.Recommendations[0].Rephrased, orig)
	}
	if counts["rephrase_refused"] != 1 || counts["rephrase_kept"] != 0 || counts["rephrase_input_tokens"] != 120 {
		t.Errorf("counters %v, want one refusal and its tokens still counted", counts)
	}
}
