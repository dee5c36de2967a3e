package palisade.examples.prompt_injection_test

import data.palisade.examples.prompt_injection

request(roles, model, injection) := {
	"principal": {"sub": "u-1", "iss": "https://idp.example", "roles": roles, "auth": "oidc"},
	"request": {"api": "openai.chat", "route": "/v1/chat/completions", "model": model, "stream": false},
	"classification": {"labels": [], "entities": {}, "injection": injection},
}

clean := {"score": 0.1, "detected": false, "signals": []}

detected := {"score": 0.95, "detected": true, "signals": ["ignore_previous_instructions"]}

test_clean_prompt_allowed if {
	prompt_injection.decision == {"allow": true, "reasons": []} with input as request(["analyst"], "gpt-4o", clean)
}

test_detected_injection_denied if {
	d := prompt_injection.decision with input as request(["analyst"], "gpt-4o", detected)
	d.allow == false
	d.reasons[0].code == "prompt_injection"
}

test_high_score_denied_without_detection if {
	d := prompt_injection.decision with input as request(["analyst"], "gpt-4o", {"score": 0.8, "detected": false, "signals": ["role_play"]})
	d.allow == false
}

test_score_below_threshold_allowed if {
	prompt_injection.decision.allow with input as request(["analyst"], "gpt-4o", {"score": 0.79, "detected": false, "signals": ["role_play"]})
}

test_red_team_in_sandbox_allowed if {
	prompt_injection.decision.allow with input as request(["red-team"], "gpt-4o-mini-sandbox", detected)
}

test_red_team_outside_sandbox_denied if {
	d := prompt_injection.decision with input as request(["red-team"], "gpt-4o", detected)
	d.allow == false
}

test_sandbox_alone_is_not_an_exemption if {
	d := prompt_injection.decision with input as request(["analyst"], "echo", detected)
	d.allow == false
}

undefined_result(_) := [] if false

test_default_denies if {
	d := prompt_injection.decision with sort as undefined_result
	d.reasons[0].code == "no_decision"
}
