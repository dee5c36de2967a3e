package palisade.examples.data_residency_test

import data.palisade.examples.data_residency

request(tenant, model) := {
	"principal": {"sub": "u-1", "iss": "https://idp.example", "tenant": tenant, "roles": [], "auth": "oidc"},
	"request": {"api": "openai.chat", "route": "/v1/chat/completions", "model": model, "stream": false},
}

test_eu_tenant_routed_to_eu_endpoint if {
	d := data_residency.decision with input as request("acme-eu", "gpt-4o")
	d == {"allow": true, "reasons": [], "route": {"region": "eu", "model": "gpt-4o-eu"}}
}

test_eu_tenant_without_eu_endpoint_denied if {
	d := data_residency.decision with input as request("globex-de", "o1")
	d == {"allow": false, "reasons": [{
		"code": "no_regional_endpoint",
		"message": "The model o1 has no endpoint in eu, where this tenant's data must stay.",
	}]}
}

test_other_tenants_keep_their_model if {
	data_residency.decision == {"allow": true, "reasons": []} with input as request("initech", "o1")
}

test_principal_without_tenant_keeps_the_model if {
	d := data_residency.decision with input as json.remove(request("x", "gpt-4o"), ["principal/tenant"])
	d == {"allow": true, "reasons": []}
}

test_eu_tenant_without_model_denied if {
	d := data_residency.decision with input as json.remove(request("acme-eu", "gpt-4o"), ["request/model"])
	d.allow == false
}

# Stands in for sprintf, to make every rule undefined and reach the default decision.
undefined_sprintf(_, _) := "" if false

test_default_denies if {
	d := data_residency.decision with sprintf as undefined_sprintf
		with input as request("acme-eu", "o1")
	d.reasons[0].code == "no_decision"
}
