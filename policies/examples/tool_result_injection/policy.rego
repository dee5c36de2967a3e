# METADATA
# title: Warn on low-confidence injections in tool results
# description: >-
#   Indirect injection arrives in tool results and retrieved documents, which quote text nobody
#   at the company wrote. Denying every weak signal there breaks agents on ordinary web pages, so
#   this policy trades: an injection found only in tool results with a score below warn_below is
#   let through, with the whole exchange kept in the audit content store for review and a warning
#   header for the application. A confident one, or any found in what the user or system wrote,
#   is denied.
package palisade.examples.tool_result_injection

import data.examples.tool_result_injection as config

default decision := {"allow": false, "reasons": [{"code": "no_decision", "message": "The tool result injection policy reached no decision."}]}

decision := {"allow": false, "reasons": sort(deny)} if count(deny) > 0

decision := {
	"allow": true,
	"reasons": [],
	"audit": {"content": "full"},
	"headers": {"x-palisade-warning": "tool-result-injection"},
} if {
	count(deny) == 0
	warn
}

decision := {"allow": true, "reasons": []} if {
	count(deny) == 0
	not warn
}

injection := input.classification.injection

default sources := []

sources := injection.sources

only_tool_results if {
	count(sources) > 0
	every s in sources {
		s == "tool_result"
	}
}

warn if {
	injection.detected == true
	only_tool_results
	injection.score < config.warn_below
}

deny contains {"code": "prompt_injection", "message": "The prompt was classified as a prompt injection attempt."} if {
	injection.detected == true
	not warn
}
