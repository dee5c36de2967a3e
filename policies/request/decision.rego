# METADATA
# title: Request decision
# description: >-
#   Decides whether a classified prompt may be forwarded to a provider. The decision is
#   always defined; every deny carries at least one reason.
package palisade.request

import data.palisade.lib

# Only reachable if a rule below stops being total; the gateway then still gets a
# well-formed deny instead of an undefined result.
default decision := {
	"allow": false,
	"reasons": [{"code": "no_decision", "message": "The request policy reached no decision."}],
}

decision := object.union(
	{
		"allow": count(deny) == 0,
		"reasons": lib.sorted_reasons(deny),
	},
	redaction,
)

# Contact details leave as placeholders for principals without the PII reader role: the model
# can still refer to them, and never sees them.
contact_entities := {"EMAIL_ADDRESS", "PHONE_NUMBER"}

to_redact contains type if {
	some type in contact_entities
	input.classification.entities[type].count > 0
	not lib.has_role(principal, lib.pii_reader_role)
}

default redaction := {}

redaction := {"redact": {type: "placeholder" | some type in to_redact}} if count(to_redact) > 0

deny contains {"code": "pii_requires_pii_reader", "message": message} if {
	found := lib.entities_found(input.classification, lib.restricted_pii_entities)
	count(found) > 0
	not lib.has_role(principal, lib.pii_reader_role)
	message := concat("", [
		"The prompt contains ", concat(", ", sort(found)),
		"; only principals with role ", lib.pii_reader_role, " may send it.",
	])
}

# Inside `not`, a missing input.principal would make the rule above undefined and let the
# prompt through; a principal that is absent has no roles instead.
default principal := {}

principal := input.principal

deny contains {
	"code": "prompt_injection",
	"message": "The prompt was classified as a prompt injection attempt.",
} if {
	input.classification.injection.detected == true
}

# What the classifier could not read, it could not clear: deny unless the principal holds the
# role that trusts them with it. input.request.content_kinds names each kind present.
deny contains {"code": "uninspected_content", "message": message} if {
	kinds := object.get(input.request, "content_kinds", [])
	count(kinds) > 0
	not lib.has_role(principal, lib.uninspected_role)
	message := concat("", [
		"The request holds content the gateway cannot inspect (", concat(", ", kinds),
		"); only principals with role ", lib.uninspected_role, " may send it.",
	])
}
