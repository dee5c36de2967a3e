package palisade.examples.contractor_redaction_test

import data.palisade.examples.contractor_redaction

request(roles, entities) := {
	"principal": {"sub": "c-12", "iss": "https://idp.example", "roles": roles, "auth": "oidc"},
	"request": {"api": "openai.chat", "route": "/v1/chat/completions", "model": "gpt-4o", "stream": false},
	"classification": {"labels": ["PII"], "entities": entities, "injection": {"score": 0, "detected": false, "signals": []}},
}

pii := {
	"EMAIL_ADDRESS": {"count": 2, "max_score": 1},
	"PERSON": {"count": 1, "max_score": 0.8},
	"URL": {"count": 1, "max_score": 1},
	"US_SSN": {"count": 0, "max_score": 0},
}

test_contractor_pii_is_redacted if {
	d := contractor_redaction.decision with input as request(["contractor"], pii)
	d == {"allow": true, "reasons": [], "redact": ["EMAIL_ADDRESS", "PERSON"]}
}

test_employee_pii_is_not_redacted if {
	contractor_redaction.decision == {"allow": true, "reasons": []} with input as request(["employee"], pii)
}

test_contractor_without_pii_has_nothing_to_redact if {
	d := contractor_redaction.decision with input as request(["contractor"], {"URL": {"count": 3, "max_score": 1}})
	d == {"allow": true, "reasons": []}
}

test_redacted_types_come_from_data if {
	d := contractor_redaction.decision with input as request(["contractor"], pii)
		with data.examples.contractor_redaction.redact_types as ["URL"]
	d.redact == ["URL"]
}

undefined_result(_) := [] if false

test_default_denies if {
	d := contractor_redaction.decision with count as undefined_result
	d.allow == false
	d.reasons[0].code == "no_decision"
}
