package palisade.examples.agent_delegation_test

import data.palisade.examples.agent_delegation

request(roles, actor) := {
	"principal": {"sub": "alice", "iss": "https://idp.example", "roles": roles, "auth": "oidc", "actor": actor},
	"request": {"api": "openai.chat", "route": "/v1/chat/completions", "model": "gpt-4o", "stream": false},
}

codes(d) := [r.code | some r in d.reasons]

expense_bot := {"sub": "svc-expense", "iss": "https://idp.example", "client_id": "expense-bot"}

test_direct_call_is_not_affected if {
	d := agent_delegation.decision with input as json.remove(request([], []), ["principal/actor"])
	d == {"allow": true, "reasons": []}
}

test_registered_agent_for_person_with_role if {
	agent_delegation.decision.allow with input as request(["finance"], [expense_bot])
}

test_agent_for_person_without_role if {
	d := agent_delegation.decision with input as request(["engineer"], [expense_bot])
	d.reasons == [{"code": "agent_requires_role", "message": "The agent expense-bot may act only for people with role finance."}]
}

test_unregistered_agent if {
	d := agent_delegation.decision with input as request(["finance"], [{"sub": "rogue-agent"}])
	d.reasons == [{"code": "agent_not_registered", "message": "The agent rogue-agent is not registered."}]
}

test_agent_identified_by_subject_without_client_id if {
	agent_delegation.decision.allow with input as request(["support"], [{"sub": "support-copilot"}])
}

test_only_the_direct_caller_counts if {
	# support-copilot was called by expense-bot: the direct caller is support-copilot.
	d := agent_delegation.decision with input as request(["finance"], [{"sub": "support-copilot"}, expense_bot])
	codes(d) == ["agent_requires_role"]
}

test_chain_too_deep if {
	d := agent_delegation.decision with input as request(["finance"], [expense_bot, {"sub": "a"}, {"sub": "b"}])
	codes(d) == ["delegation_too_deep"]
}

test_agent_for_person_without_roles if {
	d := agent_delegation.decision with input as json.remove(request([], [expense_bot]), ["principal/roles"])
	codes(d) == ["agent_requires_role"]
}

undefined_result(_) := [] if false

test_default_denies if {
	d := agent_delegation.decision with sort as undefined_result
	codes(d) == ["no_decision"]
}
