# METADATA
# title: PII redaction for contractors
# description: >-
#   Contractors may use the models, but personal data in their prompts is masked before it
#   leaves: the decision allows and lists the entity types to redact. Employees are not
#   affected. Which types are masked is data (data.json), so privacy can tune it without code.
package palisade.examples.contractor_redaction

import data.examples.contractor_redaction as config

default decision := {"allow": false, "reasons": [{"code": "no_decision", "message": "The redaction policy reached no decision."}]}

# Always allows; `redact` appears only when there is something to mask.
decision := {"allow": true, "reasons": [], "redact": sort(to_redact)} if count(to_redact) > 0

decision := {"allow": true, "reasons": []} if count(to_redact) == 0

contractor if config.contractor_role in input.principal.roles

to_redact contains type if {
	contractor
	some type in config.redact_types
	input.classification.entities[type].count > 0
}
