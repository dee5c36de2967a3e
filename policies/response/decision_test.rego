# Unit tests for the response decision: secrets deny, everything else passes.
package palisade.response_test

import data.palisade.lib
import data.palisade.response

clean_answer := {
	"principal": {"sub": "user-1", "iss": "https://idp.example", "tenant": "acme", "roles": ["analyst"], "app": "app-1", "auth": "api_key"},
	"request": {"api": "openai.chat", "route": "/v1/chat/completions", "model": "echo", "stream": false},
	"prompt": {"messages": 1, "roles": ["user"], "chars": 40, "estimated_tokens": 10},
	"classification": {"labels": [], "entities": {}, "injection": {"score": 0, "detected": false, "signals": []}},
	"response": {
		"classification": {"labels": [], "entities": {}, "injection": {"score": 0, "detected": false, "signals": []}},
		"chars": 200, "finish_reason": "stop",
		"usage": {"prompt_tokens": 10, "completion_tokens": 50, "total_tokens": 60},
	},
	"context": {"now": "2026-01-01T00:00:00.000Z", "gateway_id": "gw-1"},
}

with_classification(labels, entities) := object.union(clean_answer, {"response": {"classification": {"labels": labels, "entities": entities}}})

test_clean_answer_allowed if {
	response.decision == {"allow": true, "reasons": []} with input as clean_answer
}

test_pii_in_answer_allowed if {
	d := response.decision with input as with_classification(["PII"], {"US_SSN": {"count": 1, "max_score": 1}})
	d.allow == true
}

test_secret_entity_denied if {
	d := response.decision with input as with_classification([], {"AWS_ACCESS_KEY": {"count": 1, "max_score": 1}})
	d == {"allow": false, "reasons": [{
		"code": "secret_in_response",
		"message": "The answer contains a secret (AWS_ACCESS_KEY).",
	}]}
}

test_secret_label_denied if {
	d := response.decision with input as with_classification(["PII", "SECRET"], {})
	d.allow == false
	d.reasons[0].code == "secret_in_response"
}

test_secret_types_listed_sorted if {
	entities := {"PRIVATE_KEY": {"count": 1, "max_score": 1}, "API_KEY": {"count": 2, "max_score": 0.8}}
	d := response.decision with input as with_classification(["SECRET"], entities)
	d.reasons[0].message == "The answer contains a secret (API_KEY, PRIVATE_KEY, SECRET)."
}

test_secret_in_prompt_does_not_block_the_answer if {
	d := response.decision with input as object.union(clean_answer, {"classification": {"labels": ["SECRET"], "entities": {"API_KEY": {"count": 1, "max_score": 1}}}})
	d.allow == true
}

test_decision_defined_without_input if {
	response.decision == {"allow": true, "reasons": []} with input as {}
}

undefined_result(_) := [] if false

test_default_decision_denies if {
	d := response.decision with lib.sorted_reasons as undefined_result
	d.allow == false
	d.reasons[0].code == "no_decision"
}
