package wiring

// Environment of the optional AI rephrase of recommendations (off unless a model is named,
// and then still behind the ai_rephrase lever).
const (
	// EnvRephraseModelID is the Bedrock model (or inference profile) id; empty: off.
	EnvRephraseModelID = "REPHRASE_MODEL_ID"
	// EnvRephrasePrices is "<input>,<output>": US dollars per 1,000 tokens, for the cost
	// counters (default 0,0: tokens are still counted).
	EnvRephrasePrices = "REPHRASE_PRICES_PER_1K_TOKENS"
)
