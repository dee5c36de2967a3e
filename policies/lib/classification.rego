# METADATA
# title: Shared classification helpers
# description: >-
#   Entity sets and predicates used by the request and response policies, kept in one
#   place so both stages read the classifier's output the same way.
package palisade.lib

# Personal data that only holders of pii_reader_role may send to a provider.
restricted_pii_entities := {"US_SSN", "CREDIT_CARD"}

pii_reader_role := "pii-reader"

# Content the classifier cannot read (images, audio, files, encrypted reasoning, stored
# prompt templates) is forwarded only for principals trusted with it by this role.
uninspected_role := "uninspected-content"

# Entity types the classifier reports for credentials; any of them in an answer blocks it.
secret_entities := {
	"API_KEY",
	"AWS_ACCESS_KEY",
	"GITHUB_TOKEN",
	"JWT",
	"PASSWORD",
	"PRIVATE_KEY",
	"SECRET_API_KEY",
	"SLACK_TOKEN",
}

# The classifier may also flag a secret without naming its type.
secret_label := "SECRET"

# Entity types from `types` that the classification reports at least once.
entities_found(classification, types) := {t |
	some t in types
	classification.entities[t].count > 0
}

# Roles are matched exactly; a principal without a roles array has none.
has_role(principal, role) if role in principal.roles

# Labels equal to `label`, as a set, so callers can union it with entity types.
labels_found(classification, label) := {l |
	some l in classification.labels
	l == label
}

# Reasons are a set while rules add to them; callers get a sorted array so the
# decision is the same in every engine and every run.
sorted_reasons(reasons) := sort(reasons)
