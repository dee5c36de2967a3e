# Unit tests for the request decision: each deny reason, its exceptions, and totality.
package palisade.request_test

import data.palisade.lib
import data.palisade.request

clean_input := {
	"principal": {"sub": "user-1", "iss": "https://idp.example", "tenant": "acme", "roles": ["analyst"], "app": "app-1", "auth": "api_key"},
	"request": {"api": "openai.chat", "route": "/v1/chat/completions", "model": "echo", "stream": false},
	"prompt": {"messages": 2, "roles": ["system", "user"], "chars": 120, "estimated_tokens": 30},
	"classification": {"labels": [], "entities": {}, "injection": {"score": 0, "detected": false, "signals": []}},
	"context": {"now": "2026-01-01T00:00:00.000Z", "gateway_id": "gw-1"},
}

with_roles(roles) := object.union(clean_input, {"principal": {"roles": roles}})

with_entities(base, entities) := object.union(base, {"classification": {"labels": ["PII"], "entities": entities}})

with_injection(base) := object.union(base, {"classification": {"injection": {"score": 0.97, "detected": true, "signals": ["ignore_previous"]}}})

ssn := {"US_SSN": {"count": 1, "max_score": 1}}

codes(decision) := [r.code | some r in decision.reasons]

test_clean_prompt_allowed if {
	request.decision == {"allow": true, "reasons": []} with input as clean_input
}

test_ssn_denied_without_pii_reader if {
	d := request.decision with input as with_entities(clean_input, ssn)
	d.allow == false
	codes(d) == ["pii_requires_pii_reader"]
	d.reasons[0].message == "The prompt contains US_SSN; only principals with role pii-reader may send it."
}

test_credit_card_denied_without_pii_reader if {
	d := request.decision with input as with_entities(clean_input, {"CREDIT_CARD": {"count": 2, "max_score": 1}})
	d.allow == false
	codes(d) == ["pii_requires_pii_reader"]
}

test_reason_lists_every_restricted_entity_sorted if {
	entities := {"US_SSN": {"count": 1, "max_score": 1}, "CREDIT_CARD": {"count": 1, "max_score": 1}}
	d := request.decision with input as with_entities(clean_input, entities)
	contains(d.reasons[0].message, "CREDIT_CARD, US_SSN;")
}

test_ssn_allowed_for_pii_reader if {
	d := request.decision with input as with_entities(with_roles(["analyst", "pii-reader"]), ssn)
	d == {"allow": true, "reasons": []}
}

test_zero_count_entity_is_not_present if {
	d := request.decision with input as with_entities(clean_input, {"US_SSN": {"count": 0, "max_score": 0}})
	d.allow == true
}

test_unrestricted_entity_allowed if {
	d := request.decision with input as with_entities(clean_input, {"EMAIL_ADDRESS": {"count": 3, "max_score": 0.9}})
	d.allow == true
}

test_contact_details_redacted_for_analyst if {
	entities := {"EMAIL_ADDRESS": {"count": 1, "max_score": 1}, "PHONE_NUMBER": {"count": 2, "max_score": 0.75}, "URL": {"count": 1, "max_score": 0.6}}
	d := request.decision with input as with_entities(clean_input, entities)
	d == {"allow": true, "reasons": [], "redact": {"EMAIL_ADDRESS": "placeholder", "PHONE_NUMBER": "placeholder"}}
}

test_contact_details_kept_for_pii_reader if {
	d := request.decision with input as with_entities(with_roles(["pii-reader"]), {"EMAIL_ADDRESS": {"count": 1, "max_score": 1}})
	d == {"allow": true, "reasons": []}
}

test_nothing_to_redact_without_contact_details if {
	d := request.decision with input as with_entities(clean_input, {"EMAIL_ADDRESS": {"count": 0, "max_score": 0}})
	not d.redact
}

test_injection_denied_for_analyst if {
	d := request.decision with input as with_injection(clean_input)
	d.allow == false
	codes(d) == ["prompt_injection"]
}

test_injection_denied_for_pii_reader if {
	d := request.decision with input as with_injection(with_roles(["pii-reader"]))
	d.allow == false
	codes(d) == ["prompt_injection"]
}

test_high_score_without_detection_allowed if {
	base := object.union(clean_input, {"classification": {"injection": {"score": 0.6, "detected": false, "signals": ["role_play"]}}})
	d := request.decision with input as base
	d.allow == true
}

test_every_deny_reason_reported if {
	d := request.decision with input as with_injection(with_entities(clean_input, ssn))
	d.allow == false
	codes(d) == ["pii_requires_pii_reader", "prompt_injection"]
}

test_missing_roles_means_no_role if {
	base := json.remove(with_entities(clean_input, ssn), ["principal/roles"])
	d := request.decision with input as base
	codes(d) == ["pii_requires_pii_reader"]
}

test_missing_principal_means_no_role if {
	d := request.decision with input as json.remove(with_entities(clean_input, ssn), ["principal"])
	codes(d) == ["pii_requires_pii_reader"]
}

test_decision_defined_without_input if {
	request.decision == {"allow": true, "reasons": []} with input as {}
}

# Stands in for a helper that stops being total, to reach the default decision.
undefined_result(_) := [] if false

test_default_decision_denies if {
	d := request.decision with lib.sorted_reasons as undefined_result
	d.allow == false
	codes(d) == ["no_decision"]
}

with_kinds(base, kinds) := object.union(base, {"request": {"content_kinds": kinds}})

test_uninspected_content_denied_without_role if {
	d := request.decision with input as with_kinds(clean_input, ["image"])
	d.allow == false
	d.reasons[0].code == "uninspected_content"
}

test_uninspected_content_allowed_with_role if {
	d := request.decision with input as with_kinds(with_roles(["analyst", "uninspected-content"]), ["audio", "image"])
	d.allow == true
}

test_no_content_kinds_allowed if {
	d := request.decision with input as with_kinds(clean_input, [])
	d.allow == true
}
