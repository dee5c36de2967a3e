package palisade.examples.clearance_test

import data.palisade.examples.clearance

request(principal, model, labels) := {
	"principal": object.union({"sub": "u-1", "iss": "https://idp.example", "roles": [], "auth": "oidc"}, principal),
	"request": {"api": "openai.chat", "route": "/v1/chat/completions", "model": model, "stream": false},
	"classification": {"labels": labels, "entities": {}, "injection": {"score": 0, "detected": false, "signals": []}},
}

codes(d) := [r.code | some r in d.reasons]

test_public_prompt_needs_no_clearance if {
	clearance.decision == {"allow": true, "reasons": []} with input as request({}, "gpt-4o", [])
}

test_pii_needs_internal if {
	clearance.decision.allow with input as request({"clearance": "internal"}, "gpt-4o", ["PII"])
	d := clearance.decision with input as request({"clearance": "public"}, "gpt-4o", ["PII"])
	d.reasons == [{"code": "clearance_insufficient", "message": "The prompt contains PII, which needs internal clearance."}]
}

test_higher_clearance_covers_lower_classes if {
	clearance.decision.allow with input as request({"clearance": "restricted"}, "gpt-4o", ["PII", "PHI", "SECRET"])
}

test_unknown_clearance_is_lowest if {
	d := clearance.decision with input as request({"clearance": "top-secret-ish"}, "gpt-4o", ["PII"])
	codes(d) == ["clearance_insufficient"]
}

test_each_missing_clearance_is_a_reason if {
	d := clearance.decision with input as request({"clearance": "internal"}, "gpt-4o", ["PHI", "SECRET", "PII"])
	count(d.reasons) == 2
}

test_department_model_for_its_department if {
	clearance.decision.allow with input as request({"department": "legal"}, "legal-review", [])
}

test_department_model_for_another_department if {
	d := clearance.decision with input as request({"department": "sales"}, "legal-review", [])
	d.reasons == [{"code": "department_not_permitted", "message": "The model legal-review serves only: compliance, legal."}]
}

test_department_model_without_department if {
	d := clearance.decision with input as request({}, "hr-assistant", [])
	codes(d) == ["department_not_permitted"]
}

test_department_model_without_principal if {
	d := clearance.decision with input as {"request": {"model": "hr-assistant"}}
	codes(d) == ["department_not_permitted"]
}

undefined_result(_) := [] if false

test_default_denies if {
	d := clearance.decision with sort as undefined_result
	codes(d) == ["no_decision"]
}
