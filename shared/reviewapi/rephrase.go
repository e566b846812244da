package reviewapi

import (
	"context"

	"github.com/lucian-app/phase12/shared/review"
)

// Usage is what one rephrase cost.
type Usage struct {
	InputTokens, OutputTokens int64
	// MicroUSD is the cost in millionths of a dollar, from the configured prices.
	MicroUSD int64
}

// Rephraser rewords a recommendation's text (a model behind Bedrock's Converse API).
type Rephraser interface {
	Rephrase(ctx context.Context, text string) (string, Usage, error)
}

// rephrase rewords each recommendation, keeping the deterministic text wherever the
// model fails or its text loses or invents a number, date or title (review.Keeps). It
// answers the counters of what it spent and how it went, for the digest's kill criterion:
// rephrase_calls, rephrase_kept, rephrase_refused, rephrase_input_tokens,
// rephrase_output_tokens, rephrase_micro_usd. A kept rewording marks the recommendation
// Rephrased, the variant its shows and adoption are counted under (reviewstore).
func (s *Service) rephrase(ctx context.Context, r review.Review) (review.Review, map[string]int64) {
	counts := map[string]int64{}
	for i, rec := range r.Recommendations {
		text, u, err := s.Rephrase.Rephrase(ctx, rec.Text)
		counts["rephrase_calls"]++
		counts["rephrase_input_tokens"] += u.InputTokens
		counts["rephrase_output_tokens"] += u.OutputTokens
		counts["rephrase_micro_usd"] += u.MicroUSD
		if err == nil {
			err = review.Keeps(rec.Text, text)
		}
		if err != nil {
			counts["rephrase_refused"]++
			if s.Log != nil {
				s.Log.Info("rephrase refused; the deterministic text is served", "rule", rec.RuleID, "why", err.Error())
			}
			continue
		}
		counts["rephrase_kept"]++
		r.Recommendations[i].Text = text
		r.Recommendations[i].Rephrased = true
	}
	return r, counts
}
