# METADATA
# title: Department and clearance rules
# description: >-
#   Data classes need a clearance level (PII internal, PHI confidential, SECRET restricted),
#   and some models serve only certain departments. Clearance levels are ordered in
#   data.json; a principal without a known clearance has the lowest.
package palisade.examples.clearance

import data.examples.clearance as config

default decision := {"allow": false, "reasons": [{"code": "no_decision", "message": "The clearance policy reached no decision."}]}

decision := {"allow": count(deny) == 0, "reasons": sort(deny)}

# Index of the principal's clearance in config.levels (lowest first); unknown means 0.
rank := i if {
	some i, level in config.levels
	level == input.principal.clearance
}

default rank := 0

required contains [label, level] if {
	some label in input.classification.labels
	level := config.label_clearance[label]
}

deny contains {"code": "clearance_insufficient", "message": message} if {
	some [label, level] in required
	some needed, name in config.levels
	name == level
	rank < needed
	message := sprintf("The prompt contains %s, which needs %s clearance.", [label, level])
}

deny contains {"code": "department_not_permitted", "message": message} if {
	departments := config.model_departments[input.request.model]
	not department in departments
	message := sprintf("The model %s serves only: %s.", [input.request.model, concat(", ", sort(departments))])
}

# Inside `not`, a missing input field would make the whole rule undefined (so nothing is
# denied): read fields through rules with defaults instead.
default department := ""

department := input.principal.department
