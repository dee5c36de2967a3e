# METADATA
# title: Block prompt injection
# description: >-
#   Denies prompts the classifier flags as prompt injection, and prompts whose injection score
#   reaches a threshold even when the classifier's own cut-off did not fire. A red team may
#   send injections, but only to the sandbox models listed in data.json.
package palisade.examples.prompt_injection

import data.examples.prompt_injection as config

default decision := {"allow": false, "reasons": [{"code": "no_decision", "message": "The prompt injection policy reached no decision."}]}

decision := {"allow": count(deny) == 0, "reasons": sort(deny)}

suspected if input.classification.injection.detected == true

suspected if input.classification.injection.score >= config.score_threshold

red_team_sandbox if {
	config.red_team_role in input.principal.roles
	input.request.model in config.sandbox_models
}

deny contains {"code": "prompt_injection", "message": "The prompt was classified as a prompt injection attempt."} if {
	suspected
	not red_team_sandbox
}
