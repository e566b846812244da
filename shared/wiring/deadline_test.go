package wiring

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestDeadlineScaleStretchesBudgetsAndRefusesNonsense(t *testing.T) {
	tests := []struct {
		value   string
		want    time.Duration // the deadline POST /tasks gets (480 ms at scale 1)
		wantErr bool
	}{
		{"", 480 * time.Millisecond, false},
		{"1", 480 * time.Millisecond, false},
		{"10", 4800 * time.Millisecond, false},
		{"0.5", 0, true},
		{"0", 0, true},
		{"101", 0, true},
		{"fast", 0, true},
	}
	for _, tt := range tests {
		t.Run("DEADLINE_SCALE="+tt.value, func(t *testing.T) {
			d := Deps{Getenv: func(k string) string {
				if k == EnvDeadlineScale {
					return tt.value
				}
				return ""
			}}
			var got time.Duration
			h, err := budgeted(d, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				dl, _ := r.Context().Deadline()
				got = time.Until(dl)
			}))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("budgeted: no error, want one naming %s", EnvDeadlineScale)
				}
				if _, gerr := guard(d, nil, "t"); gerr == nil {
					t.Errorf("guard: no error, want one naming %s", EnvDeadlineScale)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/tasks", nil))
			// The deadline is set just before the handler runs: it is at most the budget
			// and far more than the next smaller budget.
			if got > tt.want || got < tt.want*9/10 {
				t.Errorf("POST /tasks deadline in %v, want just under %v", got, tt.want)
			}
			g, err := guard(d, nil, "t")
			if err != nil {
				t.Fatal(err)
			}
			if wantAttempt := tt.want * 400 / 480; g.AttemptTimeout != wantAttempt {
				t.Errorf("attempt timeout %v, want %v", g.AttemptTimeout, wantAttempt)
			}
		})
	}
}
