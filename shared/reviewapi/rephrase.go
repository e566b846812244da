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
// model fails or its text loses or invents a number, date or title (review.Keeps).
func (s *Service) rephrase(ctx context.Context, r review.Review) review.Review {
	for i, rec := range r.Recommendations {
		text, _, err := s.Rephrase.Rephrase(ctx, rec.Text)
		if err == nil {
			err = review.Keeps(rec.Text, text)
		}
		if err != nil {
			if s.Log != nil {
				s.Log.Info("rephrase refused; the deterministic text is served", "rule", rec.RuleID, "why", err.Error())
			}
			continue
		}
		r.Recommendations[i].Text = text
	}
	return r
}
