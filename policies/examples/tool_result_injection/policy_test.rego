package palisade.examples.tool_result_injection_test

import data.palisade.examples.tool_result_injection

request(injection) := {
	"principal": {"sub": "u-1", "iss": "https://idp.example", "roles": ["analyst"], "auth": "oidc"},
	"request": {"api": "anthropic.messages", "route": "/v1/messages", "model": "claude", "stream": false},
	"classification": {"labels": [], "entities": {}, "injection": injection},
}

test_clean_allowed if {
	tool_result_injection.decision == {"allow": true, "reasons": []} with input as request({"score": 0.1, "detected": false, "signals": [], "sources": []})
}

test_weak_tool_result_injection_warns if {
	d := tool_result_injection.decision with input as request({"score": 0.6, "detected": true, "signals": ["model"], "sources": ["tool_result"]})
	d.allow == true
	d.audit.content == "full"
	d.headers["x-palisade-warning"] == "tool-result-injection"
}

test_confident_tool_result_injection_denied if {
	d := tool_result_injection.decision with input as request({"score": 0.97, "detected": true, "signals": ["instruction_override"], "sources": ["tool_result"]})
	d.allow == false
	d.reasons[0].code == "prompt_injection"
}

test_user_injection_denied if {
	d := tool_result_injection.decision with input as request({"score": 0.6, "detected": true, "signals": ["model"], "sources": ["tool_result", "user"]})
	d.allow == false
}

test_injection_without_sources_denied if {
	d := tool_result_injection.decision with input as request({"score": 0.6, "detected": true, "signals": ["model"]})
	d.allow == false
}
