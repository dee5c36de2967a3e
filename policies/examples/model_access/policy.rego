# METADATA
# title: Role-based model access
# description: >-
#   Each model lists the roles that may call it (data.json); a model that is not listed is
#   denied to everyone, so adding a model to the gateway does not open it by accident.
package palisade.examples.model_access

# opa loads examples/model_access/data.json at data.examples.model_access.
import data.examples.model_access as config

default decision := {"allow": false, "reasons": [{"code": "no_decision", "message": "The model access policy reached no decision."}]}

decision := {"allow": count(deny) == 0, "reasons": sort(deny)}

deny contains {"code": "model_not_listed", "message": sprintf("The model %s is not offered.", [model])} if {
	not config.models[model]
}

deny contains {"code": "model_requires_role", "message": message} if {
	allowed := config.models[model].roles
	not has_any_role(roles, allowed)
	message := sprintf("The model %s is only for roles: %s.", [model, concat(", ", sort(allowed))])
}

# Inside `not`, a missing input field would make the whole rule undefined (so nothing is
# denied): read fields through rules with defaults instead.
default model := ""

model := input.request.model

default roles := []

roles := input.principal.roles

# An empty list of allowed roles means every authenticated principal may call the model.
has_any_role(_, allowed) if count(allowed) == 0

has_any_role(held, allowed) if {
	some role in held
	role in allowed
}
