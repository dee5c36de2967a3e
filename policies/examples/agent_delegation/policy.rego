# METADATA
# title: Agents act only for a human with the right role
# description: >-
#   When an AI agent calls on a person's behalf (an OAuth token-exchange `act` claim, passed
#   as input.principal.actor, direct caller first), the agent must be registered, the person
#   it acts for must hold the role the agent needs, and the chain of agents must be short.
#   Direct calls by people are not affected.
package palisade.examples.agent_delegation

import data.examples.agent_delegation as config

default decision := {"allow": false, "reasons": [{"code": "no_decision", "message": "The delegation policy reached no decision."}]}

decision := {"allow": count(deny) == 0, "reasons": sort(deny)}

# Without an actor chain the subject calls directly; without roles it has none.
default actors := []

actors := input.principal.actor

default roles := []

roles := input.principal.roles

# The direct caller, identified by its OAuth client id, else its subject.
agent_id := object.get(actors[0], "client_id", actors[0].sub)

deny contains {"code": "agent_not_registered", "message": sprintf("The agent %s is not registered.", [agent_id])} if {
	count(actors) > 0
	not config.agents[agent_id]
}

deny contains {"code": "agent_requires_role", "message": message} if {
	agent := config.agents[agent_id]
	not agent.requires_role in roles
	message := sprintf("The agent %s may act only for people with role %s.", [agent_id, agent.requires_role])
}

deny contains {"code": "delegation_too_deep", "message": message} if {
	count(actors) > config.max_chain
	message := sprintf("Agents may delegate at most %d deep.", [config.max_chain])
}
