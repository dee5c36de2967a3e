package palisade.examples.model_access_test

import data.palisade.examples.model_access

request(model, roles) := {
	"principal": {"sub": "u-1", "iss": "https://idp.example", "roles": roles, "auth": "oidc"},
	"request": {"api": "openai.chat", "route": "/v1/chat/completions", "model": model, "stream": false},
}

codes(d) := [r.code | some r in d.reasons]

test_open_model_for_anyone if {
	model_access.decision == {"allow": true, "reasons": []} with input as request("echo", [])
}

test_role_listed_for_model if {
	model_access.decision.allow with input as request("gpt-4o-mini", ["analyst"])
	model_access.decision.allow with input as request("gpt-4o", ["viewer", "engineer"])
}

test_role_missing_is_denied if {
	d := model_access.decision with input as request("gpt-4o", ["analyst"])
	d.allow == false
	d.reasons == [{"code": "model_requires_role", "message": "The model gpt-4o is only for roles: engineer."}]
}

test_no_roles_at_all_is_denied if {
	d := model_access.decision with input as json.remove(request("o1", []), ["principal/roles"])
	codes(d) == ["model_requires_role"]
}

test_unlisted_model_is_denied_to_everyone if {
	d := model_access.decision with input as request("gpt-5-preview", ["engineer", "research"])
	d.allow == false
	codes(d) == ["model_not_listed"]
}

test_roles_come_from_data if {
	d := model_access.decision with input as request("gpt-4o", ["analyst"])
		with data.examples.model_access.models as {"gpt-4o": {"roles": ["analyst"]}}
	d.allow == true
}

# Stands in for sort, to make the main rule undefined and reach the default decision.
test_missing_model_or_principal_still_denies if {
	d := model_access.decision with input as {"request": {"api": "openai.chat"}}
	codes(d) == ["model_not_listed"]
	e := model_access.decision with input as {"request": {"model": "gpt-4o"}}
	codes(e) == ["model_requires_role"]
}

undefined_result(_) := [] if false

test_default_denies if {
	d := model_access.decision with sort as undefined_result
	codes(d) == ["no_decision"]
}
