# METADATA
# title: Response decision
# description: >-
#   Decides whether a classified answer may be returned to the caller. Allows every answer
#   except one in which the classifier found a secret.
package palisade.response

import data.palisade.lib

# Only reachable if a rule below stops being total; see palisade.request.
default decision := {
	"allow": false,
	"reasons": [{"code": "no_decision", "message": "The response policy reached no decision."}],
}

decision := {
	"allow": count(deny) == 0,
	"reasons": lib.sorted_reasons(deny),
}

# input.classification describes the prompt; input.response.classification the answer.
deny contains {"code": "secret_in_response", "message": message} if {
	answer := input.response.classification
	found := lib.entities_found(answer, lib.secret_entities) | lib.labels_found(answer, lib.secret_label)
	count(found) > 0
	message := concat("", ["The answer contains a secret (", concat(", ", sort(found)), ")."])
}
