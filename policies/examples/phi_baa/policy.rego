# METADATA
# title: PHI only to models covered by a business associate agreement
# description: >-
#   HIPAA lets protected health information go only to vendors under a business associate
#   agreement (BAA). data.json lists the models whose provider has signed one; a prompt the
#   classifier marks as PHI, or that holds a health identifier, may go only to those.
package palisade.examples.phi_baa

import data.examples.phi_baa as config

default decision := {"allow": false, "reasons": [{"code": "no_decision", "message": "The PHI policy reached no decision."}]}

decision := {"allow": count(deny) == 0, "reasons": sort(deny)}

# Identifiers that exist only for people who receive care: PHI whatever the labels say.
health_identifiers := {"HEALTH_PLAN_NUMBER", "MEDICAL_RECORD_NUMBER", "UK_NHS", "US_MBI"}

carries_phi if "PHI" in input.classification.labels

carries_phi if {
	some type in health_identifiers
	input.classification.entities[type].count > 0
}

covered(model) if config.baa_models[model].agreement != ""

deny contains {"code": "phi_requires_baa_model", "message": message} if {
	carries_phi
	not covered(model)
	message := sprintf("The prompt contains health information; %s is not covered by a business associate agreement.", [model])
}

# Inside `not`, a missing input field would make the whole rule undefined (so nothing is
# denied): read fields through rules with defaults instead.
default model := ""

model := input.request.model
