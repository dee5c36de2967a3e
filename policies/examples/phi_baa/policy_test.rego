package palisade.examples.phi_baa_test

import data.palisade.examples.phi_baa

request(model, labels, entities) := {
	"principal": {"sub": "nurse-7", "iss": "https://idp.example", "roles": ["clinician"], "auth": "oidc"},
	"request": {"api": "openai.chat", "route": "/v1/chat/completions", "model": model, "stream": false},
	"classification": {"labels": labels, "entities": entities, "injection": {"score": 0, "detected": false, "signals": []}},
}

mrn := {"MEDICAL_RECORD_NUMBER": {"count": 1, "max_score": 0.9}}

test_no_phi_goes_anywhere if {
	phi_baa.decision == {"allow": true, "reasons": []} with input as request("gpt-4o", ["PII"], {"EMAIL_ADDRESS": {"count": 1, "max_score": 1}})
}

test_phi_label_to_covered_model if {
	phi_baa.decision.allow with input as request("gpt-4o-hipaa", ["PHI"], {})
}

test_phi_label_to_uncovered_model_is_denied if {
	d := phi_baa.decision with input as request("gpt-4o", ["PHI"], {})
	d == {"allow": false, "reasons": [{
		"code": "phi_requires_baa_model",
		"message": "The prompt contains health information; gpt-4o is not covered by a business associate agreement.",
	}]}
}

test_health_identifier_without_label_is_phi if {
	d := phi_baa.decision with input as request("gpt-4o", [], mrn)
	d.allow == false
}

test_zero_count_identifier_is_not_phi if {
	phi_baa.decision.allow with input as request("gpt-4o", [], {"US_MBI": {"count": 0, "max_score": 0}, "US_NPI": {"count": 2, "max_score": 1}})
}

test_listed_without_agreement_is_not_covered if {
	d := phi_baa.decision with input as request("gpt-4o-trial", [], mrn)
	d.allow == false
}

test_coverage_comes_from_data if {
	phi_baa.decision.allow with input as request("gpt-4o", ["PHI"], mrn)
		with data.examples.phi_baa.baa_models as {"gpt-4o": {"agreement": "BAA-2026-001"}}
}

test_phi_without_model_is_denied if {
	d := phi_baa.decision with input as json.remove(request("gpt-4o-hipaa", ["PHI"], {}), ["request/model"])
	d.allow == false
}

undefined_result(_) := [] if false

test_default_denies if {
	d := phi_baa.decision with sort as undefined_result
	d.reasons[0].code == "no_decision"
}
