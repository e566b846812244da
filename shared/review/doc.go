// Package review builds a user's weekly review from the facts of their week: evidence
// cards (each with its value, the previous week's, the delta and the data window), a
// situation class chosen by versioned rules, and recommendations that cite the cards and
// carry one intent of the command OS to adopt. It is pure: the facts come in (read by
// shared/appstore, bounded by the user's week), the review goes out, the same facts always
// give the same review. It does not read or store anything, execute the actions, or
// rephrase text with a model (that is optional and checked against this text, see
// Guard).
package review
